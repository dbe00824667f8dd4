/**
 * Occupancy per day as a hand-made SVG bar chart (no chart library: ~100 lines, no runtime
 * dependency, accessible: role=img with a summary, a <title> per bar and a data table).
 */
import { percent, shortDay } from "../format";
import { t } from "../i18n";
import type { OccupancyDay } from "../types";

const W = 720, H = 260, PAD = { l: 44, r: 10, t: 14, b: 40 };

export function OccupancyChart({ days, title }: { days: OccupancyDay[]; title: string }) {
	const n = Math.max(days.length, 1);
	const cw = (W - PAD.l - PAD.r) / n;
	const ch = H - PAD.t - PAD.b;
	const avg = days.reduce((s, d) => s + d.occupancy, 0) / n;
	const peak = days.reduce<OccupancyDay | null>((m, d) => (d.occupancy > 0 && (!m || d.occupancy > m.occupancy) ? d : m), null);
	const labelEvery = Math.ceil(n / (W / 56));
	const summary = `${title}. ${t("adm.occ.average", { pct: percent(avg) })}${peak ? `. ${t("adm.occ.peak", { pct: percent(peak.occupancy), date: shortDay(peak.date) })}` : ""}.`;
	const color = (x: number) => (x >= 0.9 ? "#b3261e" : x >= 0.6 ? "#b45309" : "#0b6b3a");

	return (
		<figure class="chart">
			<svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary} data-testid="occupancy-chart">
				{[0, 0.25, 0.5, 0.75, 1].map(v => {
					const y = PAD.t + ch * (1 - v);
					return (
						<g key={v}>
							<line x1={PAD.l} x2={W - PAD.r} y1={y} y2={y} stroke="#d0d5dd" stroke-dasharray={v === 0 ? undefined : "3 3"} />
							<text x={PAD.l - 6} y={y + 4} text-anchor="end" font-size="11" fill="#344054">
								{percent(v)}
							</text>
						</g>
					);
				})}
				{days.map((d, i) => {
					const h = Math.max(0, Math.min(1, d.occupancy)) * ch;
					const booked = d.roomTypes.reduce((s, r) => s + r.booked, 0);
					const total = d.roomTypes.reduce((s, r) => s + r.total, 0);
					return (
						<g key={d.date}>
							<rect class="bar" x={PAD.l + i * cw + cw * 0.12} y={PAD.t + ch - h} width={cw * 0.76} height={Math.max(h, 0.5)} fill={color(d.occupancy)} rx={Math.min(3, cw / 6)}>
								<title>{`${shortDay(d.date)}: ${percent(d.occupancy)} (${booked}/${total})`}</title>
							</rect>
							{i % labelEvery === 0 && (
								<text x={PAD.l + i * cw + cw / 2} y={H - PAD.b + 16} text-anchor="middle" font-size="11" fill="#344054">
									{shortDay(d.date)}
								</text>
							)}
						</g>
					);
				})}
				<line x1={PAD.l} x2={W - PAD.r} y1={PAD.t + ch * (1 - avg)} y2={PAD.t + ch * (1 - avg)} stroke="#0b4f8a" stroke-width="2" />
			</svg>
			<figcaption>
				<span class="legend legend--line" /> {t("adm.occ.average", { pct: percent(avg) })}
				{peak && <> · {t("adm.occ.peak", { pct: percent(peak.occupancy), date: shortDay(peak.date) })}</>}
			</figcaption>
			<details>
				<summary>{t("adm.occ.table")}</summary>
				<div class="table-wrap" tabIndex={0} role="region" aria-label={t("adm.occ.table")}>
					<table class="table table--compact">
						<thead>
							<tr>
								<th scope="col">{t("adm.occ.date")}</th>
								<th scope="col">{t("adm.occ.occupancy")}</th>
								<th scope="col">{t("adm.occ.booked")}</th>
							</tr>
						</thead>
						<tbody>
							{days.map(d => (
								<tr key={d.date}>
									<th scope="row">{d.date}</th>
									<td>{percent(d.occupancy)}</td>
									<td>{d.roomTypes.map(r => `${r.roomTypeId}: ${r.booked}/${r.total}`).join(", ")}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			</details>
		</figure>
	);
}
