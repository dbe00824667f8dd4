/** Staff: reservations with filters (hotel, status, dates, email) and the lifecycle actions; re-read live on every reservation event. */
import { useState } from "preact/hooks";
import { api, ratesApi, type Transition as Action } from "../../api";
import { canOnHotel } from "../../session";
import { day, money } from "../../format";
import { t } from "../../i18n";
import type { Route } from "../../router";
import { Alert, Field, PageTitle, Select, DataTable } from "../../components/ui";
import { PagedResult } from "./PagedResult";
import { LiveStatus } from "../../components/LiveStatus";
import { FeeStep, waiverOf, type FeeAction, type FeeStepState } from "../../components/FeeStep";
import { useLiveReservations } from "../../live";
import type { Reservation, ReservationRates, ReservationStatus } from "../../types";
import { token, useFilteredList, useHotels } from "./common";

const STATUSES: ReservationStatus[] = ["confirmed", "checked_in", "checked_out", "cancelled", "no_show"];
const ACTIONS: Record<ReservationStatus, Action[]> = {
	confirmed: ["check-in", "no-show", "cancel"],
	checked_in: ["check-out"],
	checked_out: [],
	cancelled: [],
	no_show: [],
};
const ACTION_LABEL = { "check-in": "adm.res.checkIn", "check-out": "adm.res.checkOut", "no-show": "adm.res.noShow", cancel: "adm.res.cancel" } as const;

export function AdminReservations({ route }: { route: Route }) {
	const { hotels } = useHotels();
	const { filters, set, apply, setPage, data, error, setError, news, setNews, reload } = useFilteredList(
		{ hotelId: route.query.get("hotelId") ?? "", status: "", from: "", to: "", email: "" },
		(f, page) => api.reservations({ ...f, page, pageSize: 20 }, token()));
	const [busy, setBusy] = useState<string | null>(null);
	// The cancel or no-show step of one row: the fee, and an optional waiver with its reason.
	const [stepping, setStepping] = useState<(FeeStepState & { action: FeeAction }) | null>(null);
	const [waiving, setWaiving] = useState<{ code: string; reason: string } | null>(null);

	const waive = async (r: Reservation, reason: string) => {
		setBusy(r.code + "waive");
		setError(null);
		setNews(null);
		try {
			await ratesApi.waiveFee(r.code, reason, token());
			setNews(t("rates.waived", { code: r.code }));
			setWaiving(null);
			reload();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(null);
		}
	};
	// Opened once the list has loaded: a refused token ends the page at its own read, not at the stream.
	const live = useLiveReservations(token(), "", data !== null, reload);

	const act = async (r: Reservation, action: Action, waive?: { reason: string }) => {
		setBusy(r.code + action);
		setError(null);
		setNews(null);
		try {
			const next: Reservation & ReservationRates = action === "cancel" ? await ratesApi.cancel(r.code, token(), waive)
				: action === "no-show" ? await ratesApi.noShow(r.code, token(), waive) : await api.transition(r.code, action, token());
			const fee = action === "cancel" ? next.cancellationFee : action === "no-show" ? next.noShowFee : undefined;
			const feeText = next.feeWaived ? ` ${t("rates.feeWaived")}.` : typeof fee === "number" && fee > 0 ? ` ${t("rates.feeCharged", { fee: money(fee, next.currency) })}` : "";
			setNews(t("adm.res.done", { code: r.code, status: t(`status.${next.status}`) }) + feeText);
			setStepping(null);
			reload();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(null);
		}
	};

	return (
		<div>
			<PageTitle>{t("adm.res.title")}</PageTitle>
			<form class="filters" role="search" onSubmit={e => { e.preventDefault(); apply(f => ({ ...f, email: f.email.trim() })); }}>
				<Select label={t("adm.res.hotel")} name="hotelId" value={filters.hotelId} onValue={set("hotelId")}
					options={[{ value: "", label: t("common.all") }, ...(hotels ?? []).map(h => ({ value: h.id, label: h.name }))]} />
				<Select label={t("adm.res.status")} name="status" value={filters.status} onValue={set("status")}
					options={[{ value: "", label: t("common.all") }, ...STATUSES.map(s => ({ value: s, label: t(`status.${s}`) }))]} />
				<Field label={t("adm.res.from")} name="from" value={filters.from} onValue={set("from")} input={{ type: "date" }} />
				<Field label={t("adm.res.to")} name="to" value={filters.to} onValue={set("to")} input={{ type: "date" }} />
				<Field label={t("adm.res.email")} name="email" value={filters.email} onValue={set("email")} input={{ type: "search" }} />
				<button class="btn" type="submit">
					{t("common.filter")}
				</button>
			</form>
			<LiveStatus state={live} />
			{news && <Alert kind="success">{news}</Alert>}
			<PagedResult data={data} error={error} empty={t("adm.res.none")} onPage={setPage}>
				{data => (
				<>
					<p role="status">{t("adm.res.count", { n: data.total })}</p>
					<DataTable label={t("adm.res.title")} columns={[t("res.code"), t("res.hotel"), t("res.dates"), t("res.guest"), t("res.total"), t("manage.status"), t("common.actions")]}>
					{(data.rows as (Reservation & ReservationRates)[]).map(r => (
						<tr key={r.code} data-testid="reservation-row" data-code={r.code}>
							<th scope="row" data-label={t("res.code")} class="mono">
								<a href={`#/admin/reservations/${r.code}`}>{r.code}</a>
							</th>
							<td data-label={t("res.hotel")}>
								{r.hotelName}
								<br />
								<span class="small muted">
									{r.roomTypeName}{r.ratePlanName ? ` · ${r.ratePlanName}` : ""} · {t("common.rooms", { n: r.rooms })} · {t("common.guests", { n: r.guests })}
								</span>
							</td>
							<td data-label={t("res.dates")} class="nowrap">
								{day(r.checkIn, false)} → {day(r.checkOut, false)}
							</td>
							<td data-label={t("res.guest")}>
								{r.guest.name}
								<br />
								<span class="small muted">{r.guest.email}</span>
							</td>
							<td data-label={t("res.total")} class="nowrap">
								{money(r.totalPrice, r.currency)}
								<FeeNote r={r} />
							</td>
							<td data-label={t("manage.status")}>
								<span class={`status status--${r.status}`}>{t(`status.${r.status}`)}</span>
							</td>
							<td data-label={t("common.actions")} class="row-actions">
								{!canOnHotel("reservations.manage", r.hotelId) ? null : stepping?.code === r.code ? (
									<FeeStep action={stepping.action} r={r} state={stepping} onState={s => setStepping(s && { ...s, action: stepping.action })} busy={busy !== null}
										onConfirm={() => act(r, stepping.action, waiverOf(stepping))} />
								) : (
									ACTIONS[r.status].map(a => (
										<button key={a} type="button" class={`btn btn--small${a === "cancel" || a === "no-show" ? " btn--danger" : ""}`} disabled={busy !== null}
											onClick={() => (a === "cancel" || a === "no-show" ? setStepping({ action: a, code: r.code, waive: false, reason: "" }) : act(r, a))} aria-label={`${t(ACTION_LABEL[a])} ${r.code}`}>
											{t(ACTION_LABEL[a])}
										</button>
									))
								)}
								{waiving?.code === r.code ? (
									<div class="cancel-step" role="group" aria-label={t("rates.waiveOf", { code: r.code })}>
										<Field label={t("rates.waiveReason")} name="waiveReason" value={waiving.reason} onValue={v => setWaiving({ ...waiving, reason: v })} input={{ required: true, maxLength: 500 }} />
										<div class="actions">
											<button type="button" class="btn btn--small btn--danger" disabled={busy !== null || !waiving.reason.trim()} onClick={() => waive(r, waiving.reason.trim())}>
												{t("rates.waiveConfirm", { code: r.code })}
											</button>
											<button type="button" class="btn btn--small" disabled={busy !== null} onClick={() => setWaiving(null)}>
												{t("common.back")}
											</button>
										</div>
									</div>
								) : (
									chargedFee(r) > 0 && !r.feeWaived && canOnHotel("fees.waive", r.hotelId) && (
										<button type="button" class="btn btn--small" disabled={busy !== null} onClick={() => setWaiving({ code: r.code, reason: "" })} aria-label={t("rates.waiveOf", { code: r.code })}>
											{t("rates.waive")}
										</button>
									)
								)}
							</td>
						</tr>
					))}
					</DataTable>
				</>
				)}
			</PagedResult>
		</div>
	);
}

const chargedFee = (r: Reservation & ReservationRates): number => (r.status === "cancelled" ? r.cancellationFee ?? 0 : r.status === "no_show" ? r.noShowFee ?? 0 : 0);

/** The fee a cancelled or no-show reservation was charged, and a waiver's reason. */
function FeeNote({ r }: { r: Reservation & ReservationRates }) {
	const fee = r.status === "cancelled" ? r.cancellationFee : r.status === "no_show" ? r.noShowFee : undefined;
	if (fee === undefined || fee === null) return null;
	return (
		<span class="small fee-note" data-testid="fee">
			<br />
			{r.feeWaived ? t("rates.feeWaived") : t(r.status === "cancelled" ? "rates.cancellationFeeIs" : "rates.noShowFeeIs", { fee: money(fee, r.currency) })}
			{r.waiveReason ? ` (${r.waiveReason})` : ""}
		</span>
	);
}
