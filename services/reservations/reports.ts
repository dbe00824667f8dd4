/**
 * The manager's daily report (SPEC §12), docs/reports.md; the front desk's day is desk.ts.
 *
 * Every figure is a SQL aggregate over the reservations store (a handful of GROUP BY queries,
 * one row per day back), never reservation rows loaded into Node:
 *   sold, revenue    reservation_nights (the nightly prices actually booked, × rooms) of stays
 *                    that hold them: confirmed, checked_in, and checked_out up to the day they left;
 *                    a cancellation or a no-show sells nothing (their fees are their own columns)
 *   available        inventory.total per night (the room type sizes); a night without rows, the
 *                    hotel's current sizes
 *   arrivals         check_in of the stays above; departures: their check_out, or the day an early
 *                    check-out left
 *   cancellations    on the hotel-local day of the cancellation (status_on), with their fees
 *   noShows          on the arrival date (the night the guest did not come), with their fees
 *   bookingsMade     reservations created on that hotel-local day (pickup), whatever became of them
 * `created_at` is an instant: its local day is the instant shifted by the zone's offset of that
 * moment, the offsets of the range (DST changes to the second) computed here as CASE branches.
 */
import type { Transaction } from "sequelize";
import { stringify } from "csv-stringify/sync";
import type { FieldError } from "../../lib/errors";
import type { SqlStore } from "./db";
import type { HotelCopy } from "./hotel-copies";
import { utcOffsetMinutes, zonedInstant } from "./policy";
import { addDays, daysBetween } from "./stay";

export const MAX_REPORT_DAYS = 366;

export interface DailyFigures {
	roomsAvailable: number; roomsSold: number; occupancy: number;
	roomRevenue: number; adr: number; revpar: number;
	arrivals: number; departures: number; cancellations: number; noShows: number;
	cancellationFees: number; noShowFees: number; bookingsMade: number;
}
export interface DailyRow extends DailyFigures { date: string }
export interface DailyReport {
	hotelId: string; from: string; to: string; currency: string; timezone: string;
	days: DailyRow[]; totals: DailyFigures;
}

/** The CSV columns, in order (the header row names them as the JSON does). */
export const REPORT_COLUMNS: (keyof DailyRow)[] = [
	"date", "roomsAvailable", "roomsSold", "occupancy", "roomRevenue", "adr", "revpar",
	"arrivals", "departures", "cancellations", "noShows", "cancellationFees", "noShowFees", "bookingsMade",
];

/** 1 to 366 days, `to` exclusive. */
export function reportRangeErrors(from: string, to: string): FieldError[] {
	const days = daysBetween(from, to);
	if (days < 1) return [{ field: "to", message: `The 'to' field must be after 'from' (${from})`, type: "range", actual: to }];
	if (days > MAX_REPORT_DAYS) return [{ field: "to", message: `At most ${MAX_REPORT_DAYS} days (asked ${days})`, type: "range", actual: to }];
	return [];
}

/** Ratios: occupancy to 4 decimals, money per room to the minor unit (half up); 0 when nothing to divide by. */
export const occupancyOf = (sold: number, available: number) => (available > 0 ? Math.round((sold / available) * 10_000) / 10_000 : 0);
export const perRoom = (revenue: number, rooms: number) => (rooms > 0 ? Math.round(revenue / rooms) : 0);

export interface LocalDay { day: string; start: string; end: string }

/** Each local day of [from, to) as the UTC instants [start, end) of its midnights (23 or 25 hours across DST). */
export function localDays(from: string, to: string, timeZone: string): LocalDay[] {
	const out: LocalDay[] = [];
	let start = zonedInstant(from, "00:00", timeZone).toISOString();
	for (let day = from; day < to; ) {
		const next = addDays(day, 1);
		const end = zonedInstant(next, "00:00", timeZone).toISOString();
		out.push({ day, start, end });
		day = next;
		start = end;
	}
	return out;
}

export interface OffsetSegment { from: string; offsetMinutes: number }

/**
 * The zone's UTC offsets over [since, until): one segment per offset, from the instant it starts
 * (a DST change, found to the second). A local day is then the UTC instant shifted by its
 * segment's offset — a handful of CASE branches in SQL instead of a join.
 */
export function offsetSegments(since: string, until: string, timeZone: string): OffsetSegment[] {
	const end = Date.parse(until);
	let at = Date.parse(since);
	let offset = utcOffsetMinutes(timeZone, at);
	const out: OffsetSegment[] = [{ from: new Date(at).toISOString(), offsetMinutes: offset }];
	const STEP = 6 * 3_600_000;
	while (at < end) {
		const next = Math.min(at + STEP, end);
		const o = utcOffsetMinutes(timeZone, next);
		if (o !== offset) {
			// The change lies in (at, next]: narrow it to the second.
			let lo = at, hi = next;
			while (hi - lo > 1000) {
				const mid = Math.floor((lo + hi) / 2000) * 1000;
				if (mid <= lo) break;
				if (utcOffsetMinutes(timeZone, mid) === offset) lo = mid;
				else hi = mid;
			}
			out.push({ from: new Date(hi).toISOString(), offsetMinutes: o });
			offset = o;
		}
		at = next;
	}
	return out;
}

/** SQL for the hotel-local date of an ISO instant column, per dialect, its parameters added to `rep`. */
export function localDateSql(column: string, segments: OffsetSegment[], pg: boolean, rep: Record<string, unknown>): string {
	const shifted = (i: number) => {
		rep[`off${i}`] = segments[i].offsetMinutes;
		return pg ? `to_char(${column}::timestamptz AT TIME ZONE 'UTC' + :off${i} * interval '1 minute', 'YYYY-MM-DD')`
			: `date(${column}, (:off${i}) || ' minutes')`;
	};
	if (segments.length === 1) return shifted(0);
	const branches = segments.slice(1).map((s, k) => {
		rep[`seg${k + 1}`] = s.from;
		return `WHEN ${column} < :seg${k + 1} THEN ${shifted(k)}`;
	});
	return `CASE ${branches.join(" ")} ELSE ${shifted(segments.length - 1)} END`;
}

/** Per-day sums as the queries return them (strings on PostgreSQL's bigint). */
type Sums = Map<string, Record<string, number>>;

/** One row per day with named sums: merged into `into` under their column names. */
async function collect(db: SqlStore, into: Sums, sql: string, rep: Record<string, unknown>, t?: Transaction): Promise<void> {
	for (const row of await db.select<Record<string, string | number | null>>(sql, rep, t)) {
		const day = String(row.day);
		const cur = into.get(day) ?? {};
		for (const [k, v] of Object.entries(row)) if (k !== "day") cur[k] = (cur[k] ?? 0) + Number(v ?? 0);
		into.set(day, cur);
	}
}

/** The nightly sums of [from, to) for one hotel, from the store (docs/reports.md lists the SQL). */
export async function reportSums(db: SqlStore, hotelId: string, from: string, to: string, timeZone: string): Promise<Sums> {
	const sums: Sums = new Map();
	const r = { h: hotelId, from, to };
	const nextDay = db.pg ? "to_char(r.check_in::date + 1, 'YYYY-MM-DD')" : "date(r.check_in, '+1 day')";
	const held = "('confirmed', 'checked_in', 'checked_out')";
	// Departure: the booked check-out, or the day an early check-out left (the day after arrival at the earliest).
	const departure = `CASE WHEN r.status <> 'checked_out' OR r.status_on IS NULL OR r.status_on >= r.check_out THEN r.check_out
		WHEN r.status_on > r.check_in THEN r.status_on ELSE ${nextDay} END`;
	const days = localDays(from, to, timeZone);
	const rep: Record<string, unknown> = { ...r, since: days[0].start, until: days[days.length - 1].end };
	const created = localDateSql("r.created_at", offsetSegments(days[0].start, days[days.length - 1].end, timeZone), db.pg, rep);
	// Independent aggregates: on PostgreSQL each runs on its own pooled connection, at once.
	await Promise.all([
		collect(db, sums, `SELECT night AS day, SUM(total) AS available FROM inventory
			WHERE hotel_id = :h AND night >= :from AND night < :to GROUP BY night`, r),
		// A checked-out stay sold the nights before the day it left (the first one at least).
		collect(db, sums, `SELECT n.night AS day, SUM(n.rooms) AS sold, SUM(n.rooms * n.price) AS revenue
			FROM reservation_nights n JOIN reservations r ON r.id = n.reservation_id
			WHERE n.hotel_id = :h AND n.night >= :from AND n.night < :to AND r.hotel_id = :h AND r.check_in < :to AND r.check_out > :from
			AND (r.status IN ('confirmed', 'checked_in') OR (r.status = 'checked_out' AND (n.night = r.check_in OR r.status_on IS NULL OR n.night < r.status_on)))
			GROUP BY n.night`, r),
		collect(db, sums, `SELECT check_in AS day, SUM(CASE WHEN status IN ${held} THEN 1 ELSE 0 END) AS arrivals,
			SUM(CASE WHEN status = 'no_show' THEN 1 ELSE 0 END) AS no_shows, SUM(CASE WHEN status = 'no_show' THEN COALESCE(no_show_fee, 0) ELSE 0 END) AS no_show_fees
			FROM reservations r WHERE hotel_id = :h AND check_in >= :from AND check_in < :to GROUP BY check_in`, r),
		collect(db, sums, `SELECT status_on AS day, COUNT(*) AS cancellations, SUM(COALESCE(cancellation_fee, 0)) AS cancellation_fees FROM reservations r
			WHERE hotel_id = :h AND status = 'cancelled' AND status_on >= :from AND status_on < :to GROUP BY status_on`, r),
		collect(db, sums, `SELECT d.day, COUNT(*) AS departures FROM (SELECT ${departure} AS day FROM reservations r
			WHERE hotel_id = :h AND status IN ${held} AND check_out > :from AND check_in < :to) d
			WHERE d.day >= :from AND d.day < :to GROUP BY d.day`, r),
		collect(db, sums, `SELECT ${created} AS day, COUNT(*) AS bookings FROM reservations r
			WHERE r.hotel_id = :h AND r.created_at >= :since AND r.created_at < :until GROUP BY 1`, rep),
	]);
	return sums;
}

function figures(available: number, sold: number, s: Record<string, number>): DailyFigures {
	const revenue = s.revenue ?? 0;
	return {
		roomsAvailable: available, roomsSold: sold, occupancy: occupancyOf(sold, available),
		roomRevenue: revenue, adr: perRoom(revenue, sold), revpar: perRoom(revenue, available),
		arrivals: s.arrivals ?? 0, departures: s.departures ?? 0, cancellations: s.cancellations ?? 0, noShows: s.no_shows ?? 0,
		cancellationFees: s.cancellation_fees ?? 0, noShowFees: s.no_show_fees ?? 0, bookingsMade: s.bookings ?? 0,
	};
}

/** The report from the sums: one row per day, totals over the range (ADR and RevPAR weighted: sums divided, not averages). */
export function buildReport(copy: HotelCopy, from: string, to: string, sums: Sums): DailyReport {
	const size = copy.hotel.roomTypes.reduce((n, rt) => n + rt.totalRooms, 0);
	const days: DailyRow[] = [];
	const total: Record<string, number> = {};
	let available = 0;
	let sold = 0;
	for (let i = 0, n = daysBetween(from, to); i < n; i++) {
		const date = addDays(from, i);
		const s = sums.get(date) ?? {};
		const a = s.available ?? size;
		days.push({ date, ...figures(a, s.sold ?? 0, s) });
		available += a;
		sold += s.sold ?? 0;
		for (const [k, v] of Object.entries(s)) total[k] = (total[k] ?? 0) + v;
	}
	return { hotelId: copy.id, from, to, currency: copy.hotel.currency, timezone: copy.hotel.timezone, days, totals: figures(available, sold, total) };
}

/** The report as CSV: a header row, one row per day, then the totals row (date "total"). */
export function reportCsv(report: DailyReport): string {
	const rows = [...report.days, { ...report.totals, date: "total" }];
	return stringify(rows, { header: true, columns: REPORT_COLUMNS as string[] });
}

/** Wants CSV: `?format=csv` or an Accept header that prefers text/csv to JSON. */
export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
	if (format) return format === "csv";
	return !!accept && /\btext\/csv\b/i.test(accept) && !/\bapplication\/json\b/i.test(accept.split("text/csv")[0]);
}

/**
 * The status change's instant and hotel-local date, in the transition's transaction (lifecycle.ts):
 * the day a cancellation or an early check-out counts on. A later waiver does not move it.
 */
export async function stampStatus(db: SqlStore, t: Transaction, id: string, at: Date, today: string): Promise<void> {
	await db.exec(`UPDATE reservations SET status_at = :at, status_on = :today WHERE id = :id`, { id, at: at.toISOString(), today }, t);
}
