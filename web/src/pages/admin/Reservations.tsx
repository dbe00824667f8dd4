/** Staff: reservations with filters (hotel, status, dates, email) and the lifecycle actions; re-read live on every reservation event. */
import { useState } from "preact/hooks";
import { api, type Transition as Action } from "../../api";
import { day, money } from "../../format";
import { t } from "../../i18n";
import type { Route } from "../../router";
import { Alert, Field, PageTitle, Select, DataTable } from "../../components/ui";
import { PagedResult } from "./PagedResult";
import { LiveStatus } from "../../components/LiveStatus";
import { useLiveReservations } from "../../live";
import type { Reservation, ReservationStatus } from "../../types";
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
	// Opened once the list has loaded: a refused token ends the page at its own read, not at the stream.
	const live = useLiveReservations(token(), "", data !== null, reload);

	const act = async (r: Reservation, action: Action) => {
		setBusy(r.code + action);
		setError(null);
		setNews(null);
		try {
			const next = await api.transition(r.code, action, token());
			setNews(t("adm.res.done", { code: r.code, status: t(`status.${next.status}`) }));
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
					{data.rows.map(r => (
						<tr key={r.code} data-testid="reservation-row" data-code={r.code}>
							<th scope="row" data-label={t("res.code")} class="mono">
								{r.code}
							</th>
							<td data-label={t("res.hotel")}>
								{r.hotelName}
								<br />
								<span class="small muted">
									{r.roomTypeName} · {t("common.rooms", { n: r.rooms })} · {t("common.guests", { n: r.guests })}
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
							<td data-label={t("res.total")} class="nowrap">{money(r.totalPrice, r.currency)}</td>
							<td data-label={t("manage.status")}>
								<span class={`status status--${r.status}`}>{t(`status.${r.status}`)}</span>
							</td>
							<td data-label={t("common.actions")} class="row-actions">
								{ACTIONS[r.status].map(a => (
									<button key={a} type="button" class={`btn btn--small${a === "cancel" || a === "no-show" ? " btn--danger" : ""}`} disabled={busy !== null}
										onClick={() => act(r, a)} aria-label={`${t(ACTION_LABEL[a])} ${r.code}`}>
										{t(ACTION_LABEL[a])}
									</button>
								))}
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
