/**
 * Staff: the daily report of a hotel (GET /hotels/:id/reports/daily): occupancy with ADR and
 * RevPAR, pickup, every figure in the table below, range presets and the server's CSV.
 */
import { useEffect, useState } from "preact/hooks";
import { reportsApi } from "../../api";
import { isoDay, money } from "../../format";
import { t } from "../../i18n";
import { navigate, type Route } from "../../router";
import { pct1, PickupChart, RatesChart, ReportTable } from "../../components/ReportCharts";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Field, Loading, PageTitle, Select } from "../../components/ui";
import type { DailyReport } from "../../types";
import { token, useHotels } from "./common";

/** The same dates a year earlier (29 February becomes 28 February). */
export function yearBefore(date: string): string {
	const y = Number(date.slice(0, 4)) - 1;
	const md = date.slice(5) === "02-29" ? "02-28" : date.slice(5);
	return `${y}-${md}`;
}

/** The presets: the next 30 days, this calendar month, the same period a year before. */
export function presets(from: string, to: string, today = isoDay(0)): Record<"next30" | "month" | "lastYear", { from: string; to: string }> {
	const first = `${today.slice(0, 7)}-01`;
	const next = new Date(`${first}T00:00:00Z`);
	next.setUTCMonth(next.getUTCMonth() + 1);
	return {
		next30: { from: today, to: isoDay(30, today) },
		month: { from: first, to: next.toISOString().slice(0, 10) },
		lastYear: { from: yearBefore(from), to: yearBefore(to) },
	};
}

/** Today's date in the hotel's zone (the report's days are the hotel's). */
export function hotelToday(timeZone: string | undefined): string {
	if (!timeZone) return isoDay(0);
	try {
		return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
	} catch {
		return isoDay(0);
	}
}

export function AdminReports({ route }: { route: Route }) {
	const { hotels, error: hotelsError } = useHotels(false);
	const q = route.query;
	const hotelId = q.get("hotelId") || hotels?.[0]?.id || "";
	const today = hotelToday(hotels?.find(h => h.id === hotelId)?.timezone);
	const from = q.get("from") || today;
	const to = q.get("to") || isoDay(30, today);
	const [form, setForm] = useState({ hotelId, from, to });
	const [data, setData] = useState<DailyReport | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [downloading, setDownloading] = useState(false);

	useEffect(() => setForm({ hotelId, from, to }), [hotelId, from, to]);
	useEffect(() => {
		if (!hotelId) return;
		setData(null);
		setError(null);
		reportsApi.daily(hotelId, from, to, token()).then(setData).catch(setError);
	}, [hotelId, from, to]);

	const go = (range: { from: string; to: string }) => navigate("/admin/reports", { hotelId: form.hotelId || hotelId, ...range });
	const download = async () => {
		setDownloading(true);
		try {
			const blob = await reportsApi.dailyCsv(hotelId, from, to, token());
			const a = document.createElement("a");
			a.href = URL.createObjectURL(blob);
			a.download = `report-${hotelId}-${from}-${to}.csv`;
			document.body.appendChild(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
		} catch (err) {
			setError(err);
		} finally {
			setDownloading(false);
		}
	};

	const name = hotels?.find(h => h.id === hotelId)?.name ?? hotelId;
	const p = presets(from, to, today);
	return (
		<div>
			<PageTitle>{t("rep.title")}</PageTitle>
			<form class="filters" onSubmit={e => { e.preventDefault(); navigate("/admin/reports", form); }}>
				<Select label={t("adm.occ.hotel")} name="hotelId" value={form.hotelId} onValue={v => setForm({ ...form, hotelId: v })}
					options={(hotels ?? []).map(h => ({ value: h.id, label: `${h.name} (${h.address.city})` }))} />
				<Field label={t("adm.occ.from")} name="from" value={form.from} onValue={v => setForm({ ...form, from: v })} input={{ type: "date" }} />
				<Field label={t("rep.toExclusive")} name="to" value={form.to} onValue={v => setForm({ ...form, to: v })} input={{ type: "date" }} />
				<button class="btn btn--primary" type="submit">{t("adm.occ.show")}</button>
			</form>
			<div class="presets" role="group" aria-label={t("rep.presets")}>
				<button type="button" class="btn btn--small" onClick={() => go(p.next30)}>{t("rep.next30")}</button>
				<button type="button" class="btn btn--small" onClick={() => go(p.month)}>{t("rep.thisMonth")}</button>
				<button type="button" class="btn btn--small" onClick={() => go(p.lastYear)}>{t("rep.lastYear")}</button>
				<button type="button" class="btn btn--small" onClick={() => void download()} disabled={!data || downloading} data-testid="csv-download">{t("rep.csv")}</button>
			</div>
			{hotelsError || error ? <ErrorAlert error={error ?? hotelsError} context="admin" /> : null}
			{!data || !hotels ? (
				!error && !hotelsError && <Loading />
			) : (
				<>
					<section class="card">
						<h2>{t("rep.heading", { name, from: data.from, to: data.to })}</h2>
						<dl class="kpis" data-testid="report-kpis">
							<div><dt>{t("rep.occupancy")}</dt><dd>{pct1(data.totals.occupancy)}</dd></div>
							<div><dt>{t("rep.adr")}</dt><dd>{money(data.totals.adr, data.currency)}</dd></div>
							<div><dt>{t("rep.revpar")}</dt><dd>{money(data.totals.revpar, data.currency)}</dd></div>
							<div><dt>{t("rep.roomRevenue")}</dt><dd>{money(data.totals.roomRevenue, data.currency)}</dd></div>
							<div><dt>{t("rep.roomsSold")}</dt><dd>{data.totals.roomsSold} / {data.totals.roomsAvailable}</dd></div>
							<div><dt>{t("rep.bookingsMade")}</dt><dd>{data.totals.bookingsMade}</dd></div>
						</dl>
						<RatesChart report={data} title={t("rep.ratesTitle", { name, from: data.from, to: data.to })} />
						<h3>{t("rep.pickup")}</h3>
						<PickupChart report={data} title={t("rep.pickupTitle", { name, from: data.from, to: data.to })} />
					</section>
					<section class="card">
						<h2>{t("rep.table")}</h2>
						<p class="hint">{t("rep.definitions")}</p>
						<ReportTable report={data} />
					</section>
				</>
			)}
		</div>
	);
}
