/**
 * The daily report drawn by hand in SVG, like OccupancyChart (no chart library): occupancy on
 * the left axis with ADR and RevPAR on the right one (money), pickup as bars, and the data table
 * below (the charts are role=img with a summary; the table carries every figure).
 */
import { money, percent, shortDay } from "../format";
import { t } from "../i18n";
import type { DailyReport, ReportDay } from "../types";

const W = 720, H = 240, PAD = { l: 44, r: 64, t: 14, b: 36 };
const CW = W - PAD.l - PAD.r, CH = H - PAD.t - PAD.b;

/** A round top for the money axis: 1, 2 or 5 × a power of ten at or above `max`. */
export function niceMax(max: number): number {
	if (max <= 0) return 1;
	const p = 10 ** Math.floor(Math.log10(max));
	return ([1, 2, 5, 10].find(m => m * p >= max) ?? 10) * p;
}

const x = (i: number, n: number) => PAD.l + (n <= 1 ? CW / 2 : (i * CW) / (n - 1));
const y = (v: number, max: number) => PAD.t + CH * (1 - Math.max(0, Math.min(1, v / max)));
const path = (values: number[], max: number) => values.map((v, i) => `${i ? "L" : "M"}${x(i, values.length).toFixed(1)},${y(v, max).toFixed(1)}`).join(" ");

function XLabels({ days, at }: { days: ReportDay[]; at: (i: number) => number }) {
	const every = Math.ceil(days.length / (W / 64));
	return (
		<>
			{days.map((d, i) => (i % every === 0 ? <text key={d.date} x={at(i)} y={H - PAD.b + 16} text-anchor="middle" font-size="11" fill="#344054">{shortDay(d.date)}</text> : null))}
		</>
	);
}

export function RatesChart({ report, title }: { report: DailyReport; title: string }) {
	const { days, totals, currency } = report;
	const n = days.length;
	const top = niceMax(Math.max(...days.map(d => Math.max(d.adr, d.revpar)), 0));
	const summary = `${title}. ${t("rep.sumOcc", { pct: percent(totals.occupancy) })}, ${t("rep.sumAdr", { v: money(totals.adr, currency) })}, ${t("rep.sumRevpar", { v: money(totals.revpar, currency) })}.`;
	return (
		<figure class="chart">
			<svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} data-testid="report-chart">
				{[0, 0.25, 0.5, 0.75, 1].map(v => (
					<g key={v}>
						<line x1={PAD.l} x2={W - PAD.r} y1={y(v, 1)} y2={y(v, 1)} stroke="#d0d5dd" stroke-dasharray={v === 0 ? undefined : "3 3"} />
						<text x={PAD.l - 6} y={y(v, 1) + 4} text-anchor="end" font-size="11" fill="#344054">{percent(v)}</text>
						<text x={W - PAD.r + 6} y={y(v, 1) + 4} font-size="11" fill="#344054">{money(Math.round(top * v), currency)}</text>
					</g>
				))}
				<path d={path(days.map(d => d.occupancy), 1)} fill="none" stroke="#0b4f8a" stroke-width="2.5" data-series="occupancy" />
				<path d={path(days.map(d => d.adr), top)} fill="none" stroke="#b45309" stroke-width="2" stroke-dasharray="6 3" data-series="adr" />
				<path d={path(days.map(d => d.revpar), top)} fill="none" stroke="#0b6b3a" stroke-width="2" data-series="revpar" />
				{days.map((d, i) => (
					<circle key={d.date} cx={x(i, n)} cy={y(d.occupancy, 1)} r={n > 60 ? 1.5 : 3} fill="#0b4f8a">
						<title>{`${shortDay(d.date)}: ${percent(d.occupancy)} · ${t("rep.adr")} ${money(d.adr, currency)} · ${t("rep.revpar")} ${money(d.revpar, currency)}`}</title>
					</circle>
				))}
				<XLabels days={days} at={i => x(i, n)} />
			</svg>
			<figcaption>
				<span class="legend legend--occ" /> {t("rep.occupancy")} · <span class="legend legend--adr" /> {t("rep.adr")} · <span class="legend legend--revpar" /> {t("rep.revpar")}
			</figcaption>
		</figure>
	);
}

export function PickupChart({ report, title }: { report: DailyReport; title: string }) {
	const { days, totals } = report;
	const n = Math.max(days.length, 1);
	const bw = CW / n;
	const top = niceMax(Math.max(...days.map(d => d.bookingsMade), 0));
	return (
		<figure class="chart">
			<svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}. ${t("rep.sumPickup", { n: totals.bookingsMade })}.`} data-testid="pickup-chart">
				{[0, 0.5, 1].map(v => (
					<g key={v}>
						<line x1={PAD.l} x2={W - PAD.r} y1={y(v, 1)} y2={y(v, 1)} stroke="#d0d5dd" stroke-dasharray={v === 0 ? undefined : "3 3"} />
						{Number.isInteger(top * v) && <text x={PAD.l - 6} y={y(v, 1) + 4} text-anchor="end" font-size="11" fill="#344054">{top * v}</text>}
					</g>
				))}
				{days.map((d, i) => {
					const h = (d.bookingsMade / top) * CH;
					return (
						<rect key={d.date} class="bar" x={PAD.l + i * bw + bw * 0.15} y={PAD.t + CH - h} width={bw * 0.7} height={Math.max(h, 0.5)} fill="#5b6bd5" rx={Math.min(3, bw / 6)}>
							<title>{`${shortDay(d.date)}: ${t("rep.bookingsMade")} ${d.bookingsMade}`}</title>
						</rect>
					);
				})}
				<XLabels days={days} at={i => PAD.l + i * bw + bw / 2} />
			</svg>
			<figcaption>{t("rep.pickupCaption")}</figcaption>
		</figure>
	);
}

const COLUMNS: [keyof ReportDay, string, "n" | "pct" | "money"][] = [
	["roomsAvailable", "rep.roomsAvailable", "n"], ["roomsSold", "rep.roomsSold", "n"], ["occupancy", "rep.occupancy", "pct"],
	["roomRevenue", "rep.roomRevenue", "money"], ["adr", "rep.adr", "money"], ["revpar", "rep.revpar", "money"],
	["arrivals", "rep.arrivals", "n"], ["departures", "rep.departures", "n"], ["cancellations", "rep.cancellations", "n"],
	["cancellationFees", "rep.cancellationFees", "money"], ["noShows", "rep.noShows", "n"], ["noShowFees", "rep.noShowFees", "money"],
	["bookingsMade", "rep.bookingsMade", "n"],
];

/** Occupancy to one decimal (the KPI and the table). */
export const pct1 = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Every figure of every day, with the totals row; the table the charts summarise. */
export function ReportTable({ report }: { report: DailyReport }) {
	const cell = (v: number, kind: "n" | "pct" | "money") => (kind === "pct" ? pct1(v) : kind === "money" ? money(v, report.currency) : String(v));
	return (
		<div class="table-wrap" tabIndex={0} role="region" aria-label={t("rep.table")}>
			<table class="table table--compact table--report" data-testid="report-table">
				<caption class="sr-only">{t("rep.table")}</caption>
				<thead>
					<tr>
						<th scope="col">{t("rep.date")}</th>
						{COLUMNS.map(([k, label]) => <th key={k} scope="col">{t(label as never)}</th>)}
					</tr>
				</thead>
				<tbody>
					{report.days.map(d => (
						<tr key={d.date}>
							<th scope="row">{shortDay(d.date)}</th>
							{COLUMNS.map(([k, , kind]) => <td key={k}>{cell(d[k] as number, kind)}</td>)}
						</tr>
					))}
				</tbody>
				<tfoot>
					<tr data-testid="report-totals">
						<th scope="row">{t("rep.total")}</th>
						{COLUMNS.map(([k, , kind]) => <td key={k}>{cell(report.totals[k as keyof typeof report.totals], kind)}</td>)}
					</tr>
				</tfoot>
			</table>
		</div>
	);
}
