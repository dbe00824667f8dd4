/**
 * "Manage my booking": code + email → POST /reservations/lookup → guest token; then view,
 * change dates (PATCH) or cancel. A 401 (expired token) sends the guest back to the lookup.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, ratesApi } from "../api";
import { errorMessage, fieldErrorsOf } from "../errors";
import { day, money } from "../format";
import { t } from "../i18n";
import { navigate, type Route } from "../router";
import { guestSession, guestSessionExpired, setGuestSession } from "../session";
import { SearchForm } from "../components/SearchForm";
import { ErrorAlert } from "../components/ErrorAlert";
import { Alert, Field, Loading, PageTitle } from "../components/ui";
import { StayFacts } from "../components/StayFacts";
import { ReservationPlan, useHotel } from "../components/Terms";
import { feeAt } from "../terms";
import type { Reservation, ReservationChanges, ReservationRates } from "../types";
import { useSubmit } from "../hooks";

export function ManageLookup({ route, notice }: { route: Route; notice?: string }) {
	const [code, setCode] = useState(route.query.get("code") ?? "");
	const [email, setEmail] = useState(route.query.get("email") ?? "");
	const { submit, busy, error } = useSubmit(async () => {
		const res = await api.lookup(code.trim().toUpperCase(), email.trim());
		setGuestSession(res.reservation.code, { token: res.guestToken, reservation: res.reservation });
		navigate(`/manage/${res.reservation.code}`);
	});
	const fe = fieldErrorsOf(error);
	const notFound = error instanceof ApiError && error.type === "NOT_FOUND";

	return (
		<div class="narrow">
			<PageTitle>{t("manage.title")}</PageTitle>
			<p class="lead">{t("manage.lead")}</p>
			{notice && <Alert kind="warning">{notice}</Alert>}
			<form class="card" onSubmit={submit} noValidate>
				{error ? <Alert kind="error" focus>{notFound ? t("manage.notFound") : errorMessage(error)}</Alert> : null}
				<Field label={t("manage.code")} name="code" value={code} onValue={setCode} error={fe.code}
					input={{ autoComplete: "off", required: true, style: { textTransform: "uppercase" }, spellcheck: false }} />
				<Field label={t("manage.email")} name="email" value={email} onValue={setEmail} error={fe.email} input={{ type: "email", autoComplete: "email", required: true }} />
				<button class="btn btn--primary btn--wide" type="submit" disabled={busy}>
					{t("manage.find")}
				</button>
			</form>
		</div>
	);
}

export function ManageBooking({ code, route }: { code: string; route: Route }) {
	const session = guestSession(code);
	const [r, setR] = useState<(Reservation & ReservationRates) | null>(session?.reservation ?? null);
	const hotel = useHotel(r?.hotelId);
	// Today's fee, read when the guest opens the cancel step (the schedule is frozen on the booking).
	const [feeNow, setFeeNow] = useState<number | null>(null);
	// "none": no token for this code in the tab; "expired": the token ran out (or the server refused it).
	const [lost, setLost] = useState<"none" | "expired" | null>(session ? null : guestSessionExpired(code) ? "expired" : "none");
	const [error, setError] = useState<unknown>(null);
	const [news, setNews] = useState<string | null>(null);
	const [mode, setMode] = useState<"view" | "change" | "cancel">("view");
	const [busy, setBusy] = useState(false);

	const fail = (err: unknown) => {
		if (err instanceof ApiError && err.status === 401) {
			setGuestSession(code, null);
			setLost("expired");
		} else setError(err);
	};

	useEffect(() => {
		if (!session) return;
		api.reservation(code, session.token).then(setR).catch(fail);
	}, [code]);

	if (lost) return <ManageLookup route={{ ...route, query: new URLSearchParams({ code }) }} notice={lost === "expired" ? t("err.expired") : undefined} />;
	if (!r) return error ? <Alert kind="error" focus>{errorMessage(error)}</Alert> : <Loading />;

	const token = guestSession(code)?.token ?? "";
	const save = (next: Reservation & ReservationRates, message: string) => {
		setR(next);
		setGuestSession(code, { token, reservation: next });
		setNews(message);
		setMode("view");
	};

	const change = async (q: { checkIn: string; checkOut: string; guests: number; rooms: number }) => {
		const changes: ReservationChanges = {};
		if (q.checkIn !== r.checkIn) changes.checkIn = q.checkIn;
		if (q.checkOut !== r.checkOut) changes.checkOut = q.checkOut;
		if (q.guests !== r.guests) changes.guests = q.guests;
		if (q.rooms !== r.rooms) changes.rooms = q.rooms;
		if (Object.keys(changes).length === 0) return setMode("view");
		setBusy(true);
		setError(null);
		setNews(null);
		try {
			const next = await api.changeReservation(code, changes, token);
			save(next, t("manage.changed", { dates: `${day(next.checkIn)} → ${day(next.checkOut)}` }));
		} catch (err) {
			fail(err);
		} finally {
			setBusy(false);
		}
	};

	const cancel = async () => {
		setBusy(true);
		setError(null);
		setNews(null);
		try {
			const next = await ratesApi.cancel(code, token);
			const fee = next.cancellationFee ?? 0;
			save(next, fee > 0 ? `${t("manage.cancelled")} ${t("rates.feeCharged", { fee: money(fee, next.currency) })}` : t("manage.cancelled"));
		} catch (err) {
			fail(err);
		} finally {
			setBusy(false);
		}
	};

	const changeable = r.status === "confirmed";
	return (
		<div class="narrow">
			<PageTitle>{t("manage.title")}</PageTitle>
			{news && <Alert kind="success" focus>{news}</Alert>}
			{error ? <ErrorAlert error={error} /> : null}
			<section class="card" aria-labelledby="res-h">
				<h2 id="res-h">
					{r.hotelName} <span class="code code--small">{r.code}</span>
				</h2>
				<dl class="facts">
					<dt>{t("manage.status")}</dt>
					<dd>
						<span class={`status status--${r.status}`} data-testid="status">
							{t(`status.${r.status}`)}
						</span>
					</dd>
					<StayFacts r={r} />
					<dt>{t("res.guest")}</dt>
					<dd>
						{r.guest.name} · {r.guest.email}
					</dd>
					<dt>{t("common.total")}</dt>
					<dd>
						<strong data-testid="total">{money(r.totalPrice, r.currency)}</strong>
					</dd>
					<ReservationPlan r={r} timeZone={hotel?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone} />
				</dl>
				{!changeable && <p class="muted">{t("manage.notChangeable")}</p>}
				{changeable && mode === "view" && (
					<div class="actions">
						<button type="button" class="btn" onClick={() => setMode("change")}>
							{t("manage.change")}
						</button>
						<button type="button" class="btn btn--danger" onClick={() => { setFeeNow(r.cancellation ? feeAt(r.cancellation.schedule) : null); setMode("cancel"); }}>
							{t("manage.cancel")}
						</button>
					</div>
				)}
				{changeable && mode === "change" && (
					<div class="subpanel">
						<h3>{t("manage.newDates")}</h3>
						<SearchForm initial={{ city: "", checkIn: r.checkIn, checkOut: r.checkOut, guests: r.guests, rooms: r.rooms }} withCity={false} compact submitLabel={t("manage.saveDates")} onSearch={change} />
						<button type="button" class="btn btn--ghost" onClick={() => setMode("view")} disabled={busy}>
							{t("common.back")}
						</button>
					</div>
				)}
				{changeable && mode === "cancel" && (
					<div class="subpanel" role="group" aria-labelledby="cancel-q" aria-describedby={feeNow !== null ? "cancel-fee" : undefined}>
						<p id="cancel-q">{t("manage.cancelConfirm")}</p>
						{feeNow !== null && (
							<p id="cancel-fee" class={feeNow > 0 ? "fee-warning" : "fee-free"} data-testid="cancel-fee">
								{feeNow > 0 ? t("rates.cancelCosts", { fee: money(feeNow, r.currency) }) : t("rates.cancelFree")}
							</p>
						)}
						<div class="actions">
							<button type="button" class="btn btn--danger" onClick={cancel} disabled={busy}>
								{t("manage.cancelYes")}
							</button>
							<button type="button" class="btn" onClick={() => setMode("view")} disabled={busy}>
								{t("manage.cancelNo")}
							</button>
						</div>
					</div>
				)}
			</section>
			<p>
				<a href="#/manage" onClick={() => setGuestSession(code, null)}>
					{t("manage.other")}
				</a>
			</p>
		</div>
	);
}
