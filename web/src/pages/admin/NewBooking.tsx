/**
 * Staff: a booking for a guest on the phone or at the desk, through the same POST /reservations
 * as guests (with the staff token, an Idempotency-Key kept while the body is the same): the
 * stay, the offers of the room type (plan choice with its price and terms), the guest — whose
 * email staff may leave out (then no email is sent; the hint says so). Opens the new
 * reservation's detail page.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { newIdempotencyKey, reportsApi } from "../../api";
import { fieldErrorsOf } from "../../errors";
import { isoDay, money } from "../../format";
import { t } from "../../i18n";
import { navigate, type Route } from "../../router";
import { ErrorAlert } from "../../components/ErrorAlert";
import { CancellationTerms } from "../../components/Terms";
import { Field, Loading, PageTitle, Select } from "../../components/ui";
import type { NewReservation, RoomOffers } from "../../types";
import { token, useHotels } from "./common";

export function NewBooking({ route }: { route: Route }) {
	const { hotels, error: hotelsError } = useHotels(false);
	const [stay, setStay] = useState({ hotelId: route.query.get("hotelId") ?? "", checkIn: isoDay(0), checkOut: isoDay(1), guests: "1", rooms: "1" });
	const hotelId = stay.hotelId || hotels?.[0]?.id || "";
	const hotel = hotels?.find(h => h.id === hotelId);
	const [types, setTypes] = useState<RoomOffers[] | null>(null);
	const [choice, setChoice] = useState<{ roomTypeId: string; ratePlanId: string } | null>(null);
	const [guest, setGuest] = useState({ name: "", email: "", phone: "", locale: "en" });
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const attempt = useRef<{ body: string; key: string } | null>(null);

	// Offers for the stay as typed (the same read as the guest's hotel page).
	useEffect(() => {
		if (!hotelId || !(stay.checkOut > stay.checkIn)) return;
		setTypes(null);
		setChoice(null);
		reportsApi.offers(hotelId, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: Number(stay.guests) || 1, rooms: Number(stay.rooms) || 1 })
			.then(a => setTypes(a.roomTypes)).catch(setError);
	}, [hotelId, stay.checkIn, stay.checkOut, stay.guests, stay.rooms]);

	const submit = async (e: Event) => {
		e.preventDefault();
		if (busy || !choice) return;
		const body: NewReservation & { ratePlanId?: string } = {
			hotelId, roomTypeId: choice.roomTypeId, ratePlanId: choice.ratePlanId, checkIn: stay.checkIn, checkOut: stay.checkOut,
			rooms: Number(stay.rooms) || 1, guests: Number(stay.guests) || 1,
			guest: { name: guest.name.trim(), ...(guest.email.trim() ? { email: guest.email.trim() } : {}), ...(guest.phone.trim() ? { phone: guest.phone.trim() } : {}), locale: guest.locale },
		};
		const json = JSON.stringify(body);
		if (!attempt.current || attempt.current.body !== json) attempt.current = { body: json, key: newIdempotencyKey() };
		setBusy(true);
		setError(null);
		try {
			const r = await reportsApi.book(body, attempt.current.key, token());
			navigate(`/admin/reservations/${r.code}`, { booked: "1" });
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	const fe = fieldErrorsOf(error);
	const set = (k: keyof typeof stay) => (v: string) => setStay({ ...stay, [k]: v });
	const currency = hotel?.currency ?? "EUR";
	return (
		<div class="narrow-wide">
			<PageTitle>{t("nb.staffTitle")}</PageTitle>
			{hotelsError ? <ErrorAlert error={hotelsError} context="admin" /> : null}
			<form onSubmit={e => void submit(e)} class="card form" data-testid="staff-booking">
				<fieldset>
					<legend>{t("nb.stay")}</legend>
					<Select label={t("adm.occ.hotel")} name="hotelId" value={hotelId} onValue={set("hotelId")} options={(hotels ?? []).map(h => ({ value: h.id, label: `${h.name} (${h.address.city})` }))} />
					<div class="row">
						<Field label={t("nb.checkIn")} name="checkIn" value={stay.checkIn} onValue={set("checkIn")} input={{ type: "date", required: true }} error={fe.checkIn} />
						<Field label={t("nb.checkOut")} name="checkOut" value={stay.checkOut} onValue={set("checkOut")} input={{ type: "date", required: true }} error={fe.checkOut} />
						<Field label={t("nb.guests")} name="guests" value={stay.guests} onValue={set("guests")} input={{ type: "number", min: 1, inputMode: "numeric" }} error={fe.guests} />
						<Field label={t("nb.rooms")} name="rooms" value={stay.rooms} onValue={set("rooms")} input={{ type: "number", min: 1, inputMode: "numeric" }} error={fe.rooms} />
					</div>
				</fieldset>
				<fieldset data-testid="staff-offers">
					<legend>{t("nb.offer")}</legend>
					{!types ? <Loading /> : types.every(rt => !rt.offers?.length || rt.available < (Number(stay.rooms) || 1)) ? <p class="hint">{t("nb.noOffer")}</p> : (
						<ul class="plain-list">
							{types.flatMap(rt => rt.available < (Number(stay.rooms) || 1) ? [] : (rt.offers ?? []).map(o => {
								const id = `${rt.roomTypeId}:${o.ratePlanId}`;
								const on = choice?.roomTypeId === rt.roomTypeId && choice.ratePlanId === o.ratePlanId;
								return (
									<li key={id} class={`offer-pick${on ? " offer-pick--on" : ""}`}>
										<label>
											<input type="radio" name="offer" value={id} checked={on} onChange={() => setChoice({ roomTypeId: rt.roomTypeId, ratePlanId: o.ratePlanId })} />
											{" "}<strong>{rt.name}</strong> · {o.name} · {money(o.totalPrice, currency)} <span class="hint">({t("nb.left", { n: rt.available })})</span>
										</label>
										{on && <CancellationTerms c={o.cancellation} timeZone={hotel?.timezone ?? "UTC"} currency={currency} testId="staff-terms" />}
									</li>
								);
							}))}
						</ul>
					)}
				</fieldset>
				<fieldset>
					<legend>{t("nb.guest")}</legend>
					<Field label={t("nb.name")} name="guest.name" value={guest.name} onValue={v => setGuest({ ...guest, name: v })} input={{ required: true, autoComplete: "off" }} error={fe["guest.name"]} />
					<Field label={t("nb.email")} name="guest.email" value={guest.email} onValue={v => setGuest({ ...guest, email: v })} input={{ type: "email", autoComplete: "off" }}
						hint={t("nb.emailWhy")} error={fe["guest.email"]} />
					<Field label={t("nb.phone")} name="guest.phone" value={guest.phone} onValue={v => setGuest({ ...guest, phone: v })} input={{ type: "tel", autoComplete: "off" }} error={fe["guest.phone"]} />
					<Select label={t("nb.locale")} name="guest.locale" value={guest.locale} onValue={v => setGuest({ ...guest, locale: v })} options={[{ value: "en", label: "English" }, { value: "fr", label: "Français" }]} />
				</fieldset>
				{error && Object.keys(fe).length === 0 ? <ErrorAlert error={error} context="admin" /> : null}
				<button class="btn btn--primary" type="submit" disabled={busy || !choice} data-testid="staff-book">{t("nb.confirm")}</button>
			</form>
		</div>
	);
}
