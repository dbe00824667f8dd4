/**
 * Create (POST /hotels) or edit (PATCH /hotels/:id, only the fields that changed; `roomTypes`
 * replaces the list) a hotel and its room types. 422 messages sit next to their fields
 * ("address.city", "roomTypes[1].totalRooms"); 409 INVENTORY_CONFLICT says rooms are booked.
 */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import { errorMessage, fieldErrorsOf } from "../../errors";
import { toMajor, toMinor } from "../../format";
import { t } from "../../i18n";
import { href, navigate } from "../../router";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Alert, Field, Loading, PageTitle } from "../../components/ui";
import { Checkbox, RatePlansEditor, fromRatePlan, toRatePlan, type PlanForm } from "../../components/RatePlansEditor";
import type { AsTyped, Hotel, HotelInput, HotelRates, RoomTypeRates } from "../../types";
import { token } from "./common";

interface RoomForm {
	id: string;
	name: string;
	description: string;
	capacity: string;
	totalRooms: string;
	price: string;
	amenities: string;
	baseOccupancy: string;
	extraGuest: string;
}
interface HotelFormState {
	name: string;
	description: string;
	line1: string;
	city: string;
	postalCode: string;
	country: string;
	lat: string;
	lng: string;
	stars: string;
	amenities: string;
	photos: string;
	email: string;
	timezone: string;
	currency: string;
	roomTypes: RoomForm[];
	checkInTime: string;
	checkOutTime: string;
	autoNoShow: boolean;
	ratePlans: PlanForm[];
}

const emptyRoom = (): RoomForm => ({ id: "", name: "", description: "", capacity: "2", totalRooms: "10", price: "", amenities: "", baseOccupancy: "", extraGuest: "" });
const blank = (): HotelFormState => ({
	name: "", description: "", line1: "", city: "", postalCode: "", country: "FR", lat: "", lng: "", stars: "3", amenities: "wifi", photos: "",
	email: "", timezone: "Europe/Paris", currency: "EUR", roomTypes: [emptyRoom()], checkInTime: "", checkOutTime: "", autoNoShow: false, ratePlans: [],
});

function fromHotel(h: Hotel & HotelRates): HotelFormState {
	return {
		name: h.name, description: h.description ?? "", line1: h.address.line1, city: h.address.city, postalCode: h.address.postalCode, country: h.address.country,
		lat: h.location ? String(h.location.lat) : "", lng: h.location ? String(h.location.lng) : "", stars: String(h.stars), amenities: h.amenities.join(", "),
		photos: h.photos.join("\n"), email: h.email, timezone: h.timezone, currency: h.currency,
		roomTypes: h.roomTypes.map(r => ({
			id: r.id, name: r.name, description: r.description ?? "", capacity: String(r.capacity), totalRooms: String(r.totalRooms),
			price: toMajor(r.pricePerNight, h.currency), amenities: (r.amenities ?? []).join(", "),
			baseOccupancy: (r as RoomTypeRates).baseOccupancy === undefined ? "" : String((r as RoomTypeRates).baseOccupancy),
			extraGuest: (r as RoomTypeRates).extraGuestPerNight === undefined ? "" : toMajor((r as RoomTypeRates).extraGuestPerNight!, h.currency),
		})),
		checkInTime: h.checkInTime ?? "", checkOutTime: h.checkOutTime ?? "", autoNoShow: h.autoNoShow === true,
		ratePlans: (h.ratePlans ?? []).map(p => fromRatePlan(p, h.currency)),
	};
}

const tags = (s: string) => s.split(",").map(x => x.trim()).filter(Boolean);
const num = (s: string) => (s.trim() === "" ? NaN : Number(s.replace(",", ".")));

/** The API body; numbers that do not parse are sent as typed so the API names the field. */
function toBody(f: HotelFormState): AsTyped<HotelInput> {
	const n = (s: string) => (Number.isNaN(num(s)) ? s : num(s));
	const cur = f.currency.trim().toUpperCase() || "EUR";
	// SPEC §9/§10 fields, sent only when set so a hotel without them keeps the defaults.
	const rates: HotelRates = {
		...(f.checkInTime.trim() ? { checkInTime: f.checkInTime.trim() } : {}),
		...(f.checkOutTime.trim() ? { checkOutTime: f.checkOutTime.trim() } : {}),
		...(f.autoNoShow ? { autoNoShow: true } : {}),
		...(f.ratePlans.length ? { ratePlans: f.ratePlans.map(p => toRatePlan(p, cur)) } : {}),
	};
	return {
		...(rates as object),
		name: f.name.trim(),
		...(f.description.trim() ? { description: f.description.trim() } : {}),
		address: { line1: f.line1.trim(), city: f.city.trim(), postalCode: f.postalCode.trim(), country: f.country.trim().toUpperCase() },
		...(f.lat.trim() || f.lng.trim() ? { location: { lat: n(f.lat), lng: n(f.lng) } } : {}),
		stars: n(f.stars),
		amenities: tags(f.amenities),
		photos: f.photos.split(/\n+/).map(x => x.trim()).filter(Boolean),
		email: f.email.trim(),
		timezone: f.timezone.trim(),
		currency: f.currency.trim().toUpperCase(),
		roomTypes: f.roomTypes.map(r => ({
			...(r.id ? { id: r.id } : {}),
			name: r.name.trim(),
			...(r.description.trim() ? { description: r.description.trim() } : {}),
			capacity: n(r.capacity),
			totalRooms: n(r.totalRooms),
			pricePerNight: Number.isNaN(num(r.price)) ? r.price : toMinor(r.price, f.currency.trim().toUpperCase() || "EUR"),
			amenities: tags(r.amenities),
			...((r.baseOccupancy.trim() ? { baseOccupancy: n(r.baseOccupancy) } : {}) as object),
			...((r.extraGuest.trim() ? { extraGuestPerNight: Number.isNaN(num(r.extraGuest)) ? r.extraGuest : toMinor(r.extraGuest, cur) } : {}) as object),
		})),
	};
}

/** PATCH body: only the top-level fields whose value changed. */
function diff<T extends object>(before: T, after: T): Partial<T> {
	const out: Partial<T> = {};
	for (const k of new Set([...Object.keys(before), ...Object.keys(after)]) as Set<keyof T>) {
		if (JSON.stringify(before[k]) !== JSON.stringify(after[k]) && after[k] !== undefined) out[k] = after[k];
	}
	return out;
}

/** The 422 fields shown under their inputs; the alert lists the others. */
const SHOWN_FIELDS = [
	"name", "description", "address.line1", "address.city", "address.postalCode", "address.country", "location.lat", "location.lng", "stars", "amenities",
	"photos", "email", "timezone", "currency", "roomTypes", /^(amenities|photos)\[/, /^roomTypes\[\d+\]\.(name|capacity|totalRooms|pricePerNight|amenities|description|baseOccupancy|extraGuestPerNight)/,
	"checkInTime", "checkOutTime", "autoNoShow", /^ratePlans/,
];

export function HotelForm({ id }: { id?: string }) {
	const [original, setOriginal] = useState<(Hotel & HotelRates) | null>(null);
	const [f, setF] = useState<HotelFormState | null>(id ? null : blank());
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const [saved, setSaved] = useState(false);

	useEffect(() => {
		if (!id) return;
		api.hotel(id, token())
			.then(h => {
				setOriginal(h);
				setF(fromHotel(h));
			})
			.catch(setError);
	}, [id]);

	if (!f) return error ? <Alert kind="error" focus>{errorMessage(error, "admin")}</Alert> : <Loading />;

	const set = (k: keyof HotelFormState) => (v: string) => setF({ ...f, [k]: v });
	const setRoom = (i: number, k: keyof RoomForm) => (v: string) => setF({ ...f, roomTypes: f.roomTypes.map((r, j) => (i === j ? { ...r, [k]: v } : r)) });
	const fe = fieldErrorsOf(error);

	const submit = async (e: Event) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		setSaved(false);
		try {
			if (original) {
				const changes = diff(toBody(fromHotel(original)), toBody(f));
				if (Object.keys(changes).length) {
					const h = await api.updateHotel(original.id, changes, token());
					setOriginal(h);
					setF(fromHotel(h));
				}
				setSaved(true);
			} else {
				const h = await api.createHotel(toBody(f), token());
				navigate("/admin/hotels", { created: h.name });
			}
		} catch (err) {
			setError(err);
			requestAnimationFrame(() => (document.querySelector(".hotel-form [aria-invalid='true']") as HTMLElement | null)?.focus());
		} finally {
			setBusy(false);
		}
	};


	return (
		<div>
			<PageTitle>{original ? t("adm.form.editTitle", { name: original.name }) : t("adm.form.newTitle")}</PageTitle>
			<p>
				<a href={href("/admin/hotels")}>← {t("adm.hotels.title")}</a>
			</p>
			<form class="hotel-form" onSubmit={submit} noValidate>
				{error ? (
					<ErrorAlert error={error} context="admin" shown={SHOWN_FIELDS} focus={Object.keys(fe).length === 0} />
				) : null}
				{saved && <Alert kind="success" focus>{t("adm.hotels.saved")}</Alert>}
				<fieldset class="card">
					<legend>{t("adm.form.general")}</legend>
					<div class="grid2">
						<Field label={t("adm.hotels.name")} name="name" value={f.name} onValue={set("name")} error={fe.name} input={{ required: true }} />
						<Field label={t("adm.hotels.stars")} name="stars" value={f.stars} onValue={set("stars")} error={fe.stars} input={{ type: "number", min: 0, max: 5, required: true }} />
					</div>
					<Field label={t("adm.form.description")} name="description" value={f.description} onValue={set("description")} error={fe.description} multiline />
					<div class="grid2">
						<Field label={t("adm.form.email")} name="email" value={f.email} onValue={set("email")} error={fe.email} input={{ type: "email", required: true }} />
						<Field label={t("adm.form.amenities")} name="amenities" value={f.amenities} onValue={set("amenities")} error={fe.amenities ?? firstOf(fe, "amenities[")} hint={t("adm.form.amenitiesHint")} />
						<Field label={t("adm.form.timezone")} name="timezone" value={f.timezone} onValue={set("timezone")} error={fe.timezone} input={{ required: true }} />
						<Field label={t("adm.form.currency")} name="currency" value={f.currency} onValue={set("currency")} error={fe.currency} input={{ required: true, maxLength: 3 }} />
					</div>
					<Field label={t("adm.form.photos")} name="photos" value={f.photos} onValue={set("photos")} error={fe.photos ?? firstOf(fe, "photos[")} hint={t("adm.form.photosHint")} multiline rows={2} />
				</fieldset>
				<fieldset class="card">
					<legend>{t("adm.form.address")}</legend>
					<Field label={t("adm.form.line1")} name="address.line1" value={f.line1} onValue={set("line1")} error={fe["address.line1"]} input={{ required: true }} />
					<div class="grid3">
						<Field label={t("adm.form.postalCode")} name="address.postalCode" value={f.postalCode} onValue={set("postalCode")} error={fe["address.postalCode"]} input={{ required: true }} />
						<Field label={t("adm.hotels.city")} name="address.city" value={f.city} onValue={set("city")} error={fe["address.city"]} input={{ required: true }} />
						<Field label={t("adm.form.country")} name="address.country" value={f.country} onValue={set("country")} error={fe["address.country"]} hint={t("adm.form.countryHint")} input={{ required: true, maxLength: 2 }} />
						<Field label={t("adm.form.lat")} name="location.lat" value={f.lat} onValue={set("lat")} error={fe["location.lat"]} input={{ inputMode: "decimal" }} />
						<Field label={t("adm.form.lng")} name="location.lng" value={f.lng} onValue={set("lng")} error={fe["location.lng"]} input={{ inputMode: "decimal" }} />
					</div>
				</fieldset>
				<fieldset class="card">
					<legend>{t("adm.form.roomTypes")}</legend>
					{fe.roomTypes && <p class="error">{fe.roomTypes}</p>}
					{f.roomTypes.map((r, i) => {
						const p = `roomTypes[${i}].`;
						return (
							<fieldset key={i} class="subpanel room-form" data-testid="room-form">
								<legend>
									{t("adm.form.roomType", { n: i + 1 })}
									{r.id ? ` (${r.id})` : ""}
								</legend>
								<div class="grid3">
									<Field label={t("adm.form.rtName")} name={`${p}name`} value={r.name} onValue={setRoom(i, "name")} error={fe[`${p}name`]} input={{ required: true }} />
									<Field label={t("adm.form.rtCapacity")} name={`${p}capacity`} value={r.capacity} onValue={setRoom(i, "capacity")} error={fe[`${p}capacity`]} input={{ type: "number", min: 1, max: 20, required: true }} />
									<Field label={t("adm.form.rtTotal")} name={`${p}totalRooms`} value={r.totalRooms} onValue={setRoom(i, "totalRooms")} error={fe[`${p}totalRooms`]} input={{ type: "number", min: 0, required: true }} />
									<Field label={t("adm.form.rtPrice", { currency: f.currency })} name={`${p}pricePerNight`} value={r.price} onValue={setRoom(i, "price")} error={fe[`${p}pricePerNight`]} input={{ inputMode: "decimal", required: true }} />
									<Field label={t("adm.form.amenities")} name={`${p}amenities`} value={r.amenities} onValue={setRoom(i, "amenities")} error={fe[`${p}amenities`] ?? firstOf(fe, `${p}amenities[`)} />
									<Field label={t("adm.form.description")} name={`${p}description`} value={r.description} onValue={setRoom(i, "description")} error={fe[`${p}description`]} />
									<Field label={t("plans.baseOccupancy")} name={`${p}baseOccupancy`} value={r.baseOccupancy} onValue={setRoom(i, "baseOccupancy")} error={fe[`${p}baseOccupancy`]}
										hint={t("plans.baseOccupancyHint")} input={{ type: "number", min: 1, max: 20 }} />
									<Field label={t("plans.extraGuest", { currency: f.currency })} name={`${p}extraGuestPerNight`} value={r.extraGuest} onValue={setRoom(i, "extraGuest")}
										error={fe[`${p}extraGuestPerNight`]} input={{ inputMode: "decimal" }} />
								</div>
								{f.roomTypes.length > 1 && (
									<button type="button" class="btn btn--ghost" onClick={() => setF({ ...f, roomTypes: f.roomTypes.filter((_, j) => j !== i) })}>
										{t("adm.form.removeRoomType", { n: i + 1 })}
									</button>
								)}
							</fieldset>
						);
					})}
					<button type="button" class="btn" onClick={() => setF({ ...f, roomTypes: [...f.roomTypes, emptyRoom()] })}>
						{t("adm.form.addRoomType")}
					</button>
				</fieldset>
				<fieldset class="card">
					<legend>{t("plans.stayTimes")}</legend>
					<div class="grid3">
						<Field label={t("plans.checkInTime")} name="checkInTime" value={f.checkInTime} onValue={set("checkInTime")} error={fe.checkInTime} hint={t("plans.checkInHint")} input={{ type: "time" }} />
						<Field label={t("plans.checkOutTime")} name="checkOutTime" value={f.checkOutTime} onValue={set("checkOutTime")} error={fe.checkOutTime} hint={t("plans.checkOutHint")} input={{ type: "time" }} />
					</div>
					<Checkbox name="autoNoShow" label={t("plans.autoNoShow")} hint={t("plans.autoNoShowHint")} checked={f.autoNoShow} onChange={v => setF({ ...f, autoNoShow: v })} />
					{fe.autoNoShow && <p class="error">{fe.autoNoShow}</p>}
				</fieldset>
				<RatePlansEditor plans={f.ratePlans} onPlans={ratePlans => setF({ ...f, ratePlans })} roomTypes={f.roomTypes.map(r => ({ id: r.id, name: r.name }))} currency={f.currency.trim().toUpperCase() || "EUR"} errors={fe} />
				<div class="actions">
					<button type="submit" class="btn btn--primary" disabled={busy}>
						{t("common.save")}
					</button>
					<a class="btn btn--ghost" href={href("/admin/hotels")}>
						{t("common.cancel")}
					</a>
				</div>
			</form>
		</div>
	);
}

function firstOf(fe: Record<string, string>, prefix: string): string | undefined {
	return Object.entries(fe).find(([k]) => k.startsWith(prefix))?.[1];
}
