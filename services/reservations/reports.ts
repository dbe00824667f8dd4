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
 * `created_at` is an instant: its local day comes from a small table of the range's local days
 * as UTC instants (DST-correct, built here), joined on the UTC date prefix (equality, then range).
 */
import type { Transaction } from "sequelize";
import { stringify } from "csv-stringify/sync";
import type { FieldError } from "../../lib/errors";
import type { SqlStore } from "./db";
import type { HotelCopy } from "./hotel-copies";
import { zonedInstant } from "./policy";
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

/**
 * The (UTC date, local day) pairs a local day overlaps, with its bounds: an instant's local day
 * is found by equality on its first 10 characters, then the range (at most two candidates).
 */
export function utcSlots(days: LocalDay[]): (LocalDay & { utc: string })[] {
	const out: (LocalDay & { utc: string })[] = [];
	for (const d of days) {
		const last = new Date(Date.parse(d.end) - 1).toISOString().slice(0, 10);
		for (let utc = d.start.slice(0, 10); utc <= last; utc = addDays(utc, 1)) out.push({ ...d, utc });
	}
	return out;
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

/** A VALUES table in SQL, the values as replacements (both dialects). */
function valuesTable(name: string, columns: string[], rows: unknown[][], rep: Record<string, unknown>): string {
	const tuples = rows.map((row, i) => `(${row.map((v, j) => { rep[`${name}${i}_${j}`] = v; return `:${name}${i}_${j}`; }).join(", ")})`);
	return `${name}(${columns.join(", ")}) AS (VALUES ${tuples.join(", ")})`;
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
	const slots = valuesTable("slots", ["utc", "day", "start_at", "end_at"], utcSlots(days).map(s => [s.utc, s.day, s.start, s.end]), rep);
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
		collect(db, sums, `WITH ${slots}
			SELECT s.day AS day, COUNT(*) AS bookings FROM reservations r JOIN slots s ON s.utc = substr(r.created_at, 1, 10)
			WHERE r.hotel_id = :h AND r.created_at >= :since AND r.created_at < :until AND r.created_at >= s.start_at AND r.created_at < s.end_at
			GROUP BY s.day`, rep),
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
