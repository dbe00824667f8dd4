/**
 * One room type's calendar (SPEC §9) as a table: a column per night, a row for the rooms
 * (available, booked / total + overbooking) and a row per rate plan (price and restrictions).
 * Cells are buttons in a roving tab order: arrows move, Shift+arrows or Shift+click extend the
 * selection, Enter/Space or a click start a new one; Home/End jump to the first/last night.
 */
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import { money } from "../format";
import { intlLocale, t } from "../i18n";
import type { CalendarDay, CalendarRow } from "../types";

export interface Cell {
	row: number;
	col: number;
}
export interface Selection {
	roomTypeId: string;
	anchor: Cell;
	focus: Cell;
}
export interface GridPlan {
	id: string;
	name: string;
	derived: boolean;
}

export const selectedRange = (s: Selection) => ({
	r0: Math.min(s.anchor.row, s.focus.row),
	r1: Math.max(s.anchor.row, s.focus.row),
	c0: Math.min(s.anchor.col, s.focus.col),
	c1: Math.max(s.anchor.col, s.focus.col),
});

const dayHead = (iso: string) => {
	const d = new Date(`${iso}T00:00:00Z`);
	const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(intlLocale(), { ...o, timeZone: "UTC" }).format(d);
	return { weekday: fmt({ weekday: "short" }), date: fmt({ day: "numeric", month: "short" }), long: fmt({ weekday: "long", day: "numeric", month: "long" }), weekend: [0, 6].includes(d.getUTCDay()) };
};

function restrictions(d: CalendarDay): string[] {
	const out: string[] = [];
	if (d.closed) out.push(t("cal.closed"));
	if (d.closedToArrival) out.push(t("cal.cta"));
	if (d.closedToDeparture) out.push(t("cal.ctd"));
	if (d.minStay) out.push(t("cal.minStay", { n: d.minStay }));
	if (d.maxStay) out.push(t("cal.maxStay", { n: d.maxStay }));
	return out;
}

export function CalendarGrid({ roomTypeId, roomTypeName, dates, plans, rows, currency, selection, cursor, onSelect, onCursor }: {
	roomTypeId: string;
	roomTypeName: string;
	dates: string[];
	plans: GridPlan[];
	rows: CalendarRow[];
	currency: string;
	selection: Selection | null;
	/** The cell holding the tab stop of this table. */
	cursor: Cell;
	onSelect: (s: Selection) => void;
	onCursor: (c: Cell) => void;
}) {
	const table = useRef<HTMLTableElement>(null);
	const byPlan = new Map(rows.map(r => [r.ratePlanId, new Map(r.days.map(d => [d.date, d]))]));
	const shownPlans = plans.filter(p => byPlan.has(p.id));
	const rooms = new Map((rows[0]?.days ?? []).map(d => [d.date, d]));
	const nRows = shownPlans.length + 1;
	const sel = selection && selection.roomTypeId === roomTypeId ? selectedRange(selection) : null;
	const isSelected = (row: number, col: number) => !!sel && row >= sel.r0 && row <= sel.r1 && col >= sel.c0 && col <= sel.c1;

	const focusCell = (c: Cell) => {
		onCursor(c);
		requestAnimationFrame(() => (table.current?.querySelector(`[data-cell="${c.row}:${c.col}"]`) as HTMLElement | null)?.focus());
	};
	const pick = (c: Cell, extend: boolean) => {
		const anchor = extend && selection?.roomTypeId === roomTypeId ? selection.anchor : c;
		onSelect({ roomTypeId, anchor, focus: c });
		onCursor(c);
	};
	const onKey = (e: KeyboardEvent, c: Cell) => {
		const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
		let next: Cell | null = null;
		if (moves[e.key]) next = { row: Math.min(nRows - 1, Math.max(0, c.row + moves[e.key][0])), col: Math.min(dates.length - 1, Math.max(0, c.col + moves[e.key][1])) };
		else if (e.key === "Home") next = { row: c.row, col: 0 };
		else if (e.key === "End") next = { row: c.row, col: dates.length - 1 };
		if (next) {
			e.preventDefault();
			focusCell(next);
			if (e.shiftKey) pick(next, true);
		}
	};

	// The name is the content (visible text first-hand), with the row and night for a screen reader that lands on a cell.
	const cellButton = (row: number, col: number, context: string, body: ComponentChildren, extra = "") => {
		const c = { row, col };
		return (
			<td key={col} class={`cal__td${dayHead(dates[col]).weekend ? " cal__td--weekend" : ""}`}>
				<button type="button" class={`cal__cell${extra}`} data-cell={`${row}:${col}`} aria-pressed={isSelected(row, col)}
					tabIndex={cursor.row === row && cursor.col === col ? 0 : -1} onClick={e => pick(c, e.shiftKey)} onKeyDown={e => onKey(e, c)}>
					<span class="sr-only">{context}: </span>
					{body}
				</button>
			</td>
		);
	};

	return (
		<div class="table-wrap cal-wrap" role="region" aria-label={t("cal.gridOf", { name: roomTypeName })}>
			<table class="table cal" ref={table} data-testid="calendar-grid" data-room-type={roomTypeId}>
				<caption class="sr-only">{t("cal.caption", { name: roomTypeName })}</caption>
				<thead>
					<tr>
						<th scope="col" class="cal__corner">{roomTypeName}</th>
						{dates.map(d => {
							const h = dayHead(d);
							return (
								<th scope="col" key={d} class={h.weekend ? "cal__th--weekend" : undefined}>
									<abbr title={h.long}>
										<span class="cal__wd">{h.weekday}</span> <span>{h.date}</span>
									</abbr>
								</th>
							);
						})}
					</tr>
				</thead>
				<tbody>
					<tr data-row="rooms">
						<th scope="row">{t("cal.rooms")}</th>
						{dates.map((d, col) => {
							const n = rooms.get(d);
							if (!n) return <td key={col}>—</td>;
							return cellButton(0, col, `${t("cal.rooms")}, ${dayHead(d).long}`, (
								<>
									<span class={`cal__avail${n.available <= 0 ? " cal__avail--none" : ""}`}>{n.available}</span>
									<span class="sr-only"> {t("cal.availableLong", { booked: n.booked, total: n.total })}{n.overbookLimit ? `, ${t("cal.overbook", { n: n.overbookLimit })}` : ""}</span>
									<span class="cal__sub" aria-hidden="true">
										{n.booked}/{n.total}
										{n.overbookLimit ? ` +${n.overbookLimit}` : ""}
									</span>
								</>
							));
						})}
					</tr>
					{shownPlans.map((p, i) => (
						<tr key={p.id} data-row={p.id}>
							<th scope="row">
								{p.name}
								{p.derived && <span class="cal__sub"> {t("cal.derived")}</span>}
							</th>
							{dates.map((d, col) => {
								const n = byPlan.get(p.id)?.get(d);
								if (!n) return <td key={col}>—</td>;
								const r = restrictions(n);
								return cellButton(i + 1, col, `${p.name}, ${dayHead(d).long}`, (
									<>
										<span class="cal__price" data-testid="cal-price">{money(n.price, currency)}</span>
										{r.length > 0 && <span class="cal__sub cal__restr"><span class="sr-only">, </span>{r.join(" · ")}</span>}
									</>
								), n.closed ? " cal__cell--closed" : "");
							})}
						</tr>
					))}
				</tbody>
			</table>
		</div>
	);
}
