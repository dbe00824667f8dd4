/**
 * Staff: the front desk's day (GET /hotels/:id/today) — arrivals, in-house, departures of the
 * hotel's local today as cards (a phone at the desk), each with the moves the server allows.
 */
import { useEffect, useState } from "preact/hooks";
import { api, ratesApi, reportsApi, type Transition } from "../../api";
import { day, money } from "../../format";
import { t } from "../../i18n";
import { navigate, type Route } from "../../router";
import { canOnHotel } from "../../session";
import { ErrorAlert } from "../../components/ErrorAlert";
import { FeeStep, waiverOf, type FeeStepState } from "../../components/FeeStep";
import { Alert, Loading, PageTitle, Select } from "../../components/ui";
import type { DeskAction, DeskDay, DeskRow, Reservation, ReservationRates } from "../../types";
import { token, useHotels } from "./common";

const ROUTE_OF: Record<DeskAction, Transition> = { checkIn: "check-in", checkOut: "check-out", noShow: "no-show" };
const LABEL_OF: Record<DeskAction, string> = { checkIn: "today.checkIn", checkOut: "today.checkOut", noShow: "today.noShow" };

export function AdminToday({ route }: { route: Route }) {
	const { hotels, error: hotelsError } = useHotels(false);
	const hotelId = route.query.get("hotelId") || hotels?.[0]?.id || "";
	const [data, setData] = useState<DeskDay | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [news, setNews] = useState<string | null>(null);
	const [busy, setBusy] = useState<string | null>(null);
	const [n, setN] = useState(0);
	// The no-show step of one card: the fee may apply, and an optional waiver with its reason.
	const [noShow, setNoShow] = useState<FeeStepState | null>(null);

	useEffect(() => {
		if (!hotelId) return;
		setError(null);
		reportsApi.today(hotelId, token()).then(setData).catch(setError);
	}, [hotelId, n]);

	const act = async (r: DeskRow, a: DeskAction, waive?: { reason: string }) => {
		setBusy(r.code + a);
		setNews(null);
		try {
			const next: Reservation & ReservationRates = a === "noShow" ? await ratesApi.noShow(r.code, token(), waive) : await api.transition(r.code, ROUTE_OF[a], token());
			const fee = a === "noShow" ? next.noShowFee : undefined;
			const feeText = next.feeWaived ? ` ${t("rates.feeWaived")}.` : typeof fee === "number" && fee > 0 ? ` ${t("rates.feeCharged", { fee: money(fee, next.currency) })}` : "";
			setNews(t("adm.res.done", { code: r.code, status: t(`status.${next.status}` as never) }) + feeText);
			setNoShow(null);
			setN(x => x + 1);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(null);
		}
	};

	const manage = canOnHotel("reservations.manage", hotelId);
	const list = (title: string, rows: DeskRow[], id: string) => (
		<section class="card desk" aria-labelledby={id} data-testid={id}>
			<h2 id={id}>{title} <span class="count">{rows.length}</span></h2>
			{rows.length === 0 ? <p class="hint">{t("today.none")}</p> : (
				<ul class="desk-list">
					{rows.map(r => (
						<li key={r.code} class="desk-row" data-code={r.code}>
							<div class="desk-who">
								<strong>{r.guestName}</strong>
								<a class="mono" href={`#/admin/reservations/${r.code}`} aria-label={t("today.open", { code: r.code })}>{r.code}</a>
								<span class={`status status--${r.status}`}>{t(`status.${r.status}` as never)}</span>
							</div>
							<div class="desk-what">
								{r.roomTypeName} × {r.rooms} · {t("today.guests", { n: r.guests })} · {day(r.checkIn, false)} → {day(r.checkOut, false)} · {money(r.totalPrice, r.currency)}
								{r.guestPhone && <> · <a href={`tel:${r.guestPhone}`}>{r.guestPhone}</a></>}
							</div>
							{manage && noShow?.code === r.code ? (
								<FeeStep action="no-show" r={{ ...r, hotelId }} state={noShow} onState={setNoShow} busy={busy !== null} onConfirm={() => void act(r, "noShow", waiverOf(noShow))} />
							) : manage && r.actions.length > 0 && (
								<div class="desk-actions">
									{r.actions.map(a => (
										<button key={a} type="button" class={`btn btn--small${a === "noShow" ? "" : " btn--primary"}`} disabled={busy !== null}
											onClick={() => (a === "noShow" ? setNoShow({ code: r.code, waive: false, reason: "" }) : void act(r, a))} aria-label={`${t(LABEL_OF[a] as never)} ${r.guestName} ${r.code}`}>
											{t(LABEL_OF[a] as never)}
										</button>
									))}
								</div>
							)}
						</li>
					))}
				</ul>
			)}
		</section>
	);

	return (
		<div>
			<PageTitle>{t("today.title")}</PageTitle>
			<div class="filters filters--desk">
				<Select label={t("adm.occ.hotel")} name="hotelId" value={hotelId} onValue={v => navigate("/admin/today", { hotelId: v })}
					options={(hotels ?? []).map(h => ({ value: h.id, label: `${h.name} (${h.address.city})` }))} />
				<div class="desk-tools">
					{manage && <a class="btn btn--primary" href={`#/admin/book?hotelId=${encodeURIComponent(hotelId)}`}>{t("today.newBooking")}</a>}
					<button type="button" class="btn" onClick={() => setN(x => x + 1)}>{t("today.refresh")}</button>
				</div>
			</div>
			{news && <Alert kind="success">{news}</Alert>}
			{hotelsError || error ? <ErrorAlert error={error ?? hotelsError} context="admin" /> : null}
			{!data || !hotels ? (!error && !hotelsError && <Loading />) : (
				<>
					<p class="hint">{t("today.date", { date: day(data.date), tz: data.timezone })}</p>
					{list(t("today.arrivals"), data.arrivals, "desk-arrivals")}
					{list(t("today.inHouse"), data.inHouse, "desk-inhouse")}
					{list(t("today.departures"), data.departures, "desk-departures")}
				</>
			)}
		</div>
	);
}
