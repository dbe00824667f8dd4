/**
 * Staff: the hotel's calendar (SPEC §9), GET/PUT /hotels/:id/calendar. A grid per room type
 * (one at a time on a phone); a selection in the grid fills the bulk edit (nights, room types,
 * plans), which adds weekdays and the values to set; changes can be batched and apply all or none.
 */
import { useEffect, useState } from "preact/hooks";
import { ratesApi } from "../../api";
import { isoDay, money, toMinor } from "../../format";
import { t } from "../../i18n";
import { navigate, type Route } from "../../router";
import { datesBetween, WEEKDAYS } from "../../terms";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Alert, Field, Loading, PageTitle, Select } from "../../components/ui";
import { Checkbox } from "../../components/RatePlansEditor";
import { CalendarGrid, selectedRange, type Cell, type GridPlan, type Selection } from "../../components/CalendarGrid";
import type { CalendarAnswer, CalendarSet, CalendarUpdate, Hotel, HotelRates, Weekday } from "../../types";
import { api } from "../../api";
import { token, useHotels } from "./common";

const SPANS = [7, 14, 28];
const isPhone = () => typeof matchMedia === "function" && matchMedia("(max-width: 719px)").matches;

type Tri = "" | "yes" | "no";
interface EditForm {
	from: string;
	last: string;
	roomTypeIds: string[];
	ratePlanIds: string[];
	weekdays: Weekday[];
	price: string;
	defaultPrice: boolean;
	minStay: string;
	maxStay: string;
	/** Back to no restriction (null) for the field. */
	clearMinStay: boolean;
	clearMaxStay: boolean;
	closed: Tri;
	closedToArrival: Tri;
	closedToDeparture: Tri;
	overbookLimit: string;
}
const blankEdit = (from: string): EditForm => ({
	from, last: from, roomTypeIds: [], ratePlanIds: [], weekdays: [...WEEKDAYS], price: "", defaultPrice: false, minStay: "", maxStay: "", clearMinStay: false, clearMaxStay: false,
	closed: "", closedToArrival: "", closedToDeparture: "", overbookLimit: "",
});

/** The form after a change was taken: the same nights, room types and plans, nothing to set. */
const clearValues = (e: EditForm): EditForm => ({ ...blankEdit(e.from), last: e.last, roomTypeIds: e.roomTypeIds, ratePlanIds: e.ratePlanIds });

const int = (s: string): number | string => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : s);

/** The PUT update of the form, or null when it sets nothing. Numbers that do not parse go as typed so the API names the field. */
export function toUpdate(f: EditForm, currency: string): CalendarUpdate | null {
	const set: CalendarSet = {};
	if (f.defaultPrice) set.price = null;
	else if (f.price.trim()) set.price = (Number.isNaN(Number(f.price.replace(",", "."))) ? f.price : toMinor(f.price, currency)) as number;
	if (f.clearMinStay) set.minStay = null;
	else if (f.minStay.trim()) set.minStay = int(f.minStay) as number;
	if (f.clearMaxStay) set.maxStay = null;
	else if (f.maxStay.trim()) set.maxStay = int(f.maxStay) as number;
	for (const k of ["closed", "closedToArrival", "closedToDeparture"] as const) if (f[k]) set[k] = f[k] === "yes";
	if (f.overbookLimit.trim()) set.overbookLimit = int(f.overbookLimit) as number;
	if (Object.keys(set).length === 0) return null;
	const planOnly = Object.keys(set).some(k => k !== "overbookLimit");
	return {
		roomTypeIds: f.roomTypeIds,
		...(planOnly || f.ratePlanIds.length ? { ratePlanIds: f.ratePlanIds } : {}),
		from: f.from,
		to: isoDay(1, f.last),
		...(f.weekdays.length < 7 ? { weekdays: f.weekdays } : {}),
		set,
	};
}

export function AdminCalendar({ route }: { route: Route }) {
	const { hotels } = useHotels();
	const hotelId = route.query.get("hotelId") ?? "";
	const from = route.query.get("from") || isoDay(0);
	const days = Number(route.query.get("days")) || 14;
	const [roomFilter, setRoomFilter] = useState(route.query.get("roomTypeId") ?? "");
	const [hotel, setHotel] = useState<(Hotel & HotelRates) | null>(null);
	const [cal, setCal] = useState<CalendarAnswer | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [n, setN] = useState(0);
	const [selection, setSelection] = useState<Selection | null>(null);
	const [cursors, setCursors] = useState<Record<string, Cell>>({});
	const [edit, setEdit] = useState<EditForm>(blankEdit(from));
	const [batch, setBatch] = useState<CalendarUpdate[]>([]);
	const [busy, setBusy] = useState(false);
	const [saveError, setSaveError] = useState<unknown>(null);
	const [news, setNews] = useState<string | null>(null);
	const to = isoDay(days, from);
	const dates = datesBetween(from, to);

	useEffect(() => {
		if (!hotelId && hotels?.length) navigate("/admin/calendar", { hotelId: hotels[0].id, from: route.query.get("from"), days: route.query.get("days") }, true);
	}, [hotels, hotelId]);

	useEffect(() => {
		if (!hotelId) return;
		let live = true;
		setError(null);
		Promise.all([api.hotel(hotelId, token()), ratesApi.calendar(hotelId, { from, to }, token())])
			.then(([h, c]) => {
				if (!live) return;
				setHotel(h);
				setCal(c);
				// A phone shows one room type at a time.
				if (!roomFilter && isPhone() && h.roomTypes[0]) setRoomFilter(h.roomTypes[0].id);
			})
			.catch(e => live && setError(e));
		return () => {
			live = false;
		};
	}, [hotelId, from, to, n]);

	const plans: GridPlan[] = hotel?.ratePlans?.length ? hotel.ratePlans.map(p => ({ id: p.id, name: p.name, derived: !!p.derivedFrom })) : [{ id: "standard", name: "Standard", derived: false }];
	const currency = hotel?.currency ?? "EUR";

	const select = (s: Selection) => {
		setSelection(s);
		const { r0, r1, c0, c1 } = selectedRange(s);
		const rows = plans.filter(p => cal?.rows.some(r => r.roomTypeId === s.roomTypeId && r.ratePlanId === p.id));
		const picked = rows.slice(Math.max(0, r0 - 1), r1).map(p => p.id);
		setEdit({ ...edit, from: dates[c0], last: dates[c1], roomTypeIds: [s.roomTypeId], ratePlanIds: r1 === 0 ? [] : picked });
	};

	const setE = <K extends keyof EditForm>(k: K) => (v: EditForm[K]) => setEdit({ ...edit, [k]: v });
	const toggle = <T,>(list: T[], x: T, on: boolean): T[] => (on ? [...list.filter(y => y !== x), x] : list.filter(y => y !== x));
	// A derived plan's price follows its base plan (the API refuses one): say so before sending.
	const derivedPriced = edit.price.trim() || edit.defaultPrice ? plans.filter(p => p.derived && edit.ratePlanIds.includes(p.id)) : [];
	const priceError = derivedPriced.length ? t("cal.derivedPrice", { plans: derivedPriced.map(p => p.name).join(", ") }) : undefined;
	const current = priceError ? null : toUpdate(edit, currency);

	const apply = async (updates: CalendarUpdate[]) => {
		if (!updates.length || !hotelId) return;
		setBusy(true);
		setSaveError(null);
		setNews(null);
		try {
			const res = await ratesApi.updateCalendar(hotelId, updates, token());
			setNews(t("cal.changed", { n: res.changedNights }));
			setBatch([]);
			setEdit(e => clearValues(e));
			setN(x => x + 1);
		} catch (err) {
			setSaveError(err);
		} finally {
			setBusy(false);
		}
	};

	const go = (q: Record<string, string | number | undefined>) => navigate("/admin/calendar", { hotelId, from, days, ...q });
	const shownRooms = (hotel?.roomTypes ?? []).filter(r => !roomFilter || r.id === roomFilter);

	return (
		<div class="calendar-page">
			<PageTitle>{t("cal.title")}</PageTitle>
			<form class="filters" onSubmit={e => e.preventDefault()} aria-label={t("cal.view")}>
				<Select label={t("adm.occ.hotel")} name="hotelId" value={hotelId} onValue={v => { setSelection(null); navigate("/admin/calendar", { hotelId: v, from, days }); }}
					options={(hotels ?? []).map(h => ({ value: h.id, label: h.name }))} />
				<Field label={t("cal.from")} name="from" value={from} onValue={v => /^\d{4}-\d{2}-\d{2}$/.test(v) && go({ from: v })} input={{ type: "date" }} />
				<Select label={t("cal.span")} name="days" value={String(days)} onValue={v => go({ days: v })} options={SPANS.map(d => ({ value: String(d), label: t("common.nights", { n: d }) }))} />
				<Select label={t("cal.roomType")} name="roomTypeId" value={roomFilter} onValue={setRoomFilter}
					options={[...(isPhone() ? [] : [{ value: "", label: t("common.all") }]), ...(hotel?.roomTypes ?? []).map(r => ({ value: r.id, label: r.name }))]} />
				<div class="cal-nav">
					<button type="button" class="btn btn--small" onClick={() => go({ from: isoDay(-days, from) })}>{t("cal.earlier")}</button>
					<button type="button" class="btn btn--small" onClick={() => go({ from: isoDay(days, from) })}>{t("cal.later")}</button>
				</div>
			</form>
			<p class="hint" id="cal-help">{t("cal.help")}</p>
			{error ? <ErrorAlert error={error} context="admin" /> : !cal || !hotel ? <Loading /> : (
				shownRooms.map(rt => (
					<section key={rt.id} class="cal-section" aria-labelledby={`cal-h-${rt.id}`}>
						<h2 id={`cal-h-${rt.id}`}>{rt.name}</h2>
						<CalendarGrid roomTypeId={rt.id} roomTypeName={rt.name} dates={dates} plans={plans} rows={cal.rows.filter(r => r.roomTypeId === rt.id)} currency={currency}
							selection={selection} cursor={cursors[rt.id] ?? { row: 1, col: 0 }} onSelect={select} onCursor={c => setCursors({ ...cursors, [rt.id]: c })} />
					</section>
				))
			)}
			{hotel && (
				<form class="card bulk" aria-labelledby="bulk-h" onSubmit={e => { e.preventDefault(); void apply([...batch, ...(current ? [current] : [])]); }} noValidate data-testid="bulk-edit">
					<h2 id="bulk-h">{t("cal.bulk")}</h2>
					{news && <Alert kind="success" focus>{news}</Alert>}
					{saveError ? <ErrorAlert error={saveError} context="admin" /> : null}
					<div class="grid2">
						<Field label={t("cal.bulkFrom")} name="bulkFrom" value={edit.from} onValue={setE("from")} input={{ type: "date", required: true }} />
						<Field label={t("cal.bulkLast")} name="bulkLast" value={edit.last} onValue={setE("last")} hint={t("cal.bulkLastHint")} input={{ type: "date", required: true }} />
					</div>
					<fieldset class="plain">
						<legend>{t("cal.roomTypes")}</legend>
						<div class="checks">
							{hotel.roomTypes.map(r => (
								<Checkbox key={r.id} name={`rt-${r.id}`} label={r.name} checked={edit.roomTypeIds.includes(r.id)} onChange={v => setE("roomTypeIds")(toggle(edit.roomTypeIds, r.id, v))} />
							))}
						</div>
					</fieldset>
					<fieldset class="plain">
						<legend>{t("cal.plans")}</legend>
						<div class="checks">
							{plans.map(p => (
								<Checkbox key={p.id} name={`rp-${p.id}`} label={p.derived ? `${p.name} (${t("cal.derived")})` : p.name} checked={edit.ratePlanIds.includes(p.id)}
									onChange={v => setE("ratePlanIds")(toggle(edit.ratePlanIds, p.id, v))} />
							))}
						</div>
					</fieldset>
					<fieldset class="plain">
						<legend>{t("cal.weekdays")}</legend>
						<div class="checks checks--days">
							{WEEKDAYS.map(w => (
								<Checkbox key={w} name={`wd-${w}`} label={t(`cal.wd.${w}`)} checked={edit.weekdays.includes(w)} onChange={v => setE("weekdays")(WEEKDAYS.filter(x => (x === w ? v : edit.weekdays.includes(x))))} />
							))}
						</div>
					</fieldset>
					<fieldset class="plain">
						<legend>{t("cal.set")}</legend>
						<p class="hint">{t("cal.setHint")}</p>
						<div class="grid3">
							<Field label={t("cal.price", { currency })} name="price" value={edit.price} onValue={setE("price")} error={priceError} input={{ inputMode: "decimal" }} />
							<div>
								<Field label={t("cal.minStayLabel")} name="minStay" value={edit.clearMinStay ? "" : edit.minStay} onValue={setE("minStay")} readOnly={edit.clearMinStay} input={{ type: "number", min: 1, max: 30 }} />
								<Checkbox name="clearMinStay" label={t("cal.clearMinStay")} checked={edit.clearMinStay} onChange={setE("clearMinStay")} />
							</div>
							<div>
								<Field label={t("cal.maxStayLabel")} name="maxStay" value={edit.clearMaxStay ? "" : edit.maxStay} onValue={setE("maxStay")} readOnly={edit.clearMaxStay} input={{ type: "number", min: 1, max: 30 }} />
								<Checkbox name="clearMaxStay" label={t("cal.clearMaxStay")} checked={edit.clearMaxStay} onChange={setE("clearMaxStay")} />
							</div>
							{(["closed", "closedToArrival", "closedToDeparture"] as const).map(k => (
								<Select key={k} label={t(`cal.${k}Label`)} name={k} value={edit[k]} onValue={v => setE(k)(v as Tri)}
									options={[{ value: "", label: t("cal.unchanged") }, { value: "yes", label: t("common.yes") }, { value: "no", label: t("common.no") }]} />
							))}
							<Field label={t("cal.overbookLabel")} name="overbookLimit" value={edit.overbookLimit} onValue={setE("overbookLimit")} hint={t("cal.overbookHint")} input={{ type: "number", min: 0 }} />
						</div>
						<Checkbox name="defaultPrice" label={t("cal.defaultPrice")} checked={edit.defaultPrice} onChange={setE("defaultPrice")} />
					</fieldset>
					{batch.length > 0 && (
						<div class="batch" data-testid="batch">
							<h3>{t("cal.batch", { n: batch.length })}</h3>
							<ol>
								{batch.map((u, i) => (
									<li key={i}>
										{describe(u, hotel, plans, currency)}{" "}
										<button type="button" class="btn btn--ghost btn--small" onClick={() => setBatch(batch.filter((_, j) => j !== i))}>{t("cal.removeChange", { n: i + 1 })}</button>
									</li>
								))}
							</ol>
						</div>
					)}
					<div class="actions">
						<button type="button" class="btn" disabled={!current || busy} onClick={() => current && (setBatch([...batch, current]), setEdit(clearValues(edit)))}>
							{t("cal.addToBatch")}
						</button>
						<button type="submit" class="btn btn--primary" disabled={busy || (!current && !batch.length)}>
							{t("cal.apply", { n: batch.length + (current ? 1 : 0) })}
						</button>
					</div>
				</form>
			)}
		</div>
	);
}

/** One batched change in words: nights, weekdays, room types × plans, values. */
function describe(u: CalendarUpdate, hotel: Hotel, plans: GridPlan[], currency: string): string {
	const rooms = u.roomTypeIds.map(id => hotel.roomTypes.find(r => r.id === id)?.name ?? id).join(", ");
	const ps = (u.ratePlanIds ?? []).map(id => plans.find(p => p.id === id)?.name ?? id).join(", ");
	const wd = u.weekdays ? ` (${u.weekdays.map(w => t(`cal.wd.${w}`)).join(", ")})` : "";
	const set = Object.entries(u.set).map(([k, v]) => `${k} = ${v === null ? "—" : k === "price" && typeof v === "number" ? money(v, currency) : String(v)}`).join(", ");
	return `${u.from} → ${isoDay(-1, u.to)}${wd}: ${rooms}${ps ? ` × ${ps}` : ""}: ${set}`;
}
