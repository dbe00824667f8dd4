/**
 * The booking form: POST /reservations with an Idempotency-Key (kept while the request body is
 * the same, so a retry after a network error cannot book twice). The API's 422 `data` messages
 * are shown next to their fields; 409 NO_AVAILABILITY says the stay is sold out.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, newIdempotencyKey } from "../api";
import { errorMessage, fieldErrorsOf } from "../errors";
import { day, money } from "../format";
import { getLocale, t } from "../i18n";
import { href, navigate, type Route } from "../router";
import { setGuestSession } from "../session";
import { defaultStay } from "../components/SearchForm";
import { ErrorAlert } from "../components/ErrorAlert";
import { Alert, Field, Loading, PageTitle, photoUrl } from "../components/ui";
import { CancellationTerms, NightlyPrices, restrictionText } from "../components/Terms";
import { includeLabel } from "../components/Offers";
import type { Hotel, HotelRates, NewReservation, RoomOffers } from "../types";

export function Book({ hotelId, roomTypeId, route }: { hotelId: string; roomTypeId: string; route: Route }) {
	const stay = defaultStay(route.query);
	const [hotel, setHotel] = useState<(Hotel & HotelRates) | null>(null);
	const [offer, setOffer] = useState<RoomOffers | null>(null);
	const askedPlan = route.query.get("ratePlanId") ?? "";
	const [loadError, setLoadError] = useState<unknown>(null);
	const [guest, setGuest] = useState({ name: "", email: "", phone: "" });
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const attempt = useRef<{ body: string; key: string } | null>(null);

	useEffect(() => {
		Promise.all([api.hotel(hotelId), api.availability(hotelId, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: stay.guests, rooms: stay.rooms })])
			.then(([h, a]) => {
				setHotel(h);
				setOffer(a.roomTypes.find(r => r.roomTypeId === roomTypeId) ?? null);
			})
			.catch(setLoadError);
	}, [hotelId, roomTypeId, route.query.toString()]);

	const plan = offer?.offers?.length ? (askedPlan ? offer.offers.find(o => o.ratePlanId === askedPlan) : offer.offers[0]) : undefined;

	const submit = async (e: Event) => {
		e.preventDefault();
		if (busy) return;
		const body: NewReservation & { ratePlanId?: string } = {
			hotelId,
			roomTypeId,
			// The plan shown is the plan booked (the server's default could be one not offered for these dates).
			...(plan ? { ratePlanId: plan.ratePlanId } : askedPlan ? { ratePlanId: askedPlan } : {}),
			checkIn: stay.checkIn,
			checkOut: stay.checkOut,
			rooms: stay.rooms,
			guests: stay.guests,
			guest: { name: guest.name.trim(), email: guest.email.trim(), ...(guest.phone.trim() ? { phone: guest.phone.trim() } : {}), locale: getLocale() },
		};
		const json = JSON.stringify(body);
		if (!attempt.current || attempt.current.body !== json) attempt.current = { body: json, key: newIdempotencyKey() };
		setBusy(true);
		setError(null);
		try {
			const res = await api.book(body, attempt.current.key);
			const { guestToken, ...reservation } = res;
			setGuestSession(res.code, { token: guestToken, reservation });
			navigate(`/confirmation/${res.code}`);
		} catch (err) {
			setError(err);
			setBusy(false);
			// A definite answer: the next submit is a new request.
			if (err instanceof ApiError && err.status !== 0 && err.type !== "IDEMPOTENCY_KEY_IN_USE") attempt.current = null;
			requestAnimationFrame(() => (document.querySelector(".book-form [aria-invalid='true']") as HTMLElement | null)?.focus());
		}
	};

	if (loadError) return <Alert kind="error" focus>{errorMessage(loadError)}</Alert>;
	if (!hotel) return <Loading />;
	const rt = hotel.roomTypes.find(r => r.id === roomTypeId);
	const planGone = !!askedPlan && !!offer?.offers && !plan;
	const refusal = offer?.restricted?.find(r => r.ratePlanId === askedPlan);
	const restricted = error instanceof ApiError && error.type === "STAY_RESTRICTED";
	const fe = fieldErrorsOf(error, "guest.");
	const soldOut = error instanceof ApiError && error.type === "NO_AVAILABILITY";
	const backToHotel = href(`/hotels/${hotelId}`, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: stay.guests, rooms: stay.rooms });

	return (
		<div class="book">
			<PageTitle>{t("book.title")}</PageTitle>
			<div class="book__grid">
				<section class="card summary" aria-labelledby="sum-h">
					<img src={photoUrl(hotel.photos[0])} alt="" width={320} height={200} />
					<h2 id="sum-h">{hotel.name}</h2>
					<dl>
						<dt>{t("book.room")}</dt>
						<dd>{offer?.name ?? rt?.name ?? roomTypeId}</dd>
						<dt>{t("book.stay")}</dt>
						<dd>
							{day(stay.checkIn)} → {day(stay.checkOut)}
						</dd>
						<dt>{t("search.guests")}</dt>
						<dd>
							{t("common.guests", { n: stay.guests })}, {t("common.rooms", { n: stay.rooms })}
						</dd>
						{plan && (
							<>
								<dt>{t("rates.plan")}</dt>
								<dd data-testid="book-plan">
									{plan.name}
									{plan.includes?.length ? <span class="small muted"> · {plan.includes.map(includeLabel).join(", ")}</span> : null}
								</dd>
							</>
						)}
						{offer && (
							<>
								<dt>{t("common.total")}</dt>
								<dd>
									<strong class="price" data-testid="book-total">
										{money(plan?.totalPrice ?? offer.totalPrice, offer.currency)}
									</strong>
								</dd>
							</>
						)}
					</dl>
					{plan && offer && (
						<>
							<NightlyPrices nightly={plan.nightly} currency={offer.currency} rooms={stay.rooms} />
							<h3 class="terms__title">{t("rates.cancellation")}</h3>
							<CancellationTerms c={plan.cancellation} timeZone={hotel.timezone} currency={offer.currency} testId="book-terms" />
						</>
					)}
					{planGone && (
						<Alert kind="warning">
							<p>{refusal ? t("rates.notOffered", { why: restrictionText(refusal) }) : t("rates.planGone")}</p>
							<p>
								<a href={backToHotel}>{t("book.soldOutBack")}</a>
							</p>
						</Alert>
					)}
				</section>
				<form class="card book-form" onSubmit={submit} noValidate aria-labelledby="guest-h">
					<h2 id="guest-h">{t("book.guestDetails")}</h2>
					{error ? (
						<ErrorAlert error={error} shown={["guest.name", "guest.email", "guest.phone"]} focus={!Object.keys(fe).length}>
							{restricted && (
								<p>
									{t("rates.notOffered", { why: restrictionText({ ratePlanId: askedPlan, ...((error as ApiError).data as object) } as never) })}
								</p>
							)}
							{(soldOut || restricted) && (
								<p>
									<a href={backToHotel}>{t("book.soldOutBack")}</a>
								</p>
							)}
						</ErrorAlert>
					) : null}
					<Field label={t("book.name")} name="name" value={guest.name} onValue={v => setGuest({ ...guest, name: v })} error={fe.name} input={{ autoComplete: "name", required: true }} />
					<Field label={t("book.email")} name="email" value={guest.email} onValue={v => setGuest({ ...guest, email: v })} error={fe.email} hint={t("book.emailHint")}
						input={{ type: "email", autoComplete: "email", inputMode: "email", required: true }} />
					<Field label={`${t("book.phone")} (${t("common.optional")})`} name="phone" value={guest.phone} onValue={v => setGuest({ ...guest, phone: v })} error={fe.phone}
						input={{ type: "tel", autoComplete: "tel", inputMode: "tel" }} />
					<button type="submit" class="btn btn--primary btn--wide" disabled={busy} aria-busy={busy}>
						{busy ? t("book.submitting") : t("book.submit")}
					</button>
				</form>
			</div>
		</div>
	);
}
