/**
 * The calendar (SPEC §9) in the reservations database, next to the inventory: sparse rate
 * overrides (`rates`, one row per room type × night × plan a manager set) and each night's
 * `overbook_limit` on its inventory row. docs/rates.md explains the model.
 *
 * Reads: the overrides a stay needs (availability, search, bookings) in the same round trip as
 * the inventory figures. Writes: a bulk update applies in one transaction, all or nothing; it
 * first locks the inventory rows of the nights it touches (room type then night order, as
 * every writer) and raises their `rate_version` — the booking statement compares that version
 * on the rows it locks, so no booking commits at a price read before a change that committed.
 */
import type { Transaction } from "sequelize";
import type { DomainMessage } from "../../lib/events";
import { appendOutbox } from "../../lib/outbox";
import { appError, ErrorType, type FieldError } from "../../lib/errors";
import type { Hotel, RatePlan } from "../hotels/domain";
import { plansOf, sells } from "../hotels/rate-plans";
import type { SqlStore } from "./db";
import type { FreeRooms } from "./inventory";
import { parseStamp, STAMP_TEXT, type CopyStamp } from "./hotel-copies";
import { nightTerms, putRate, type RateIndex } from "./pricing";
import { basePlan } from "../hotels/rate-plans";
import { addDays, daysBetween } from "./stay";

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/**
 * The read paths fetch a series' overrides as one text per (room type, plan) — `night,price,
 * minStay,maxStay,closed,cta,ctd` cells joined by `;`, an empty field for "not set" — instead of
 * a row per night: the driver's per-row, per-column decoding cost more than the rest of a read.
 */
const cellsOf = (pg: boolean) => pg
	? "string_agg(concat(night, ',', price, ',', min_stay, ',', max_stay, ',', closed, ',', closed_to_arrival, ',', closed_to_departure), ';')"
	: "group_concat(night || ',' || ifnull(price, '') || ',' || ifnull(min_stay, '') || ',' || ifnull(max_stay, '') || ',' || ifnull(closed, '') || ',' || ifnull(closed_to_arrival, '') || ',' || ifnull(closed_to_departure, ''), ';')";

const cellNum = (v: string) => (v === "" ? null : Number(v));
const cellBool = (v: string) => (v === "" ? null : v === "1" || v === "true");

/** Decode one series' cells (see cellsOf) into the index. */
export function putCells(into: RateIndex, roomTypeId: string, ratePlanId: string, cells: string | null): void {
	if (!cells) return;
	for (const cell of cells.split(";")) {
		const f = cell.split(",");
		putRate(into, roomTypeId, ratePlanId, f[0], { price: cellNum(f[1]), minStay: cellNum(f[2]), maxStay: cellNum(f[3]), closed: cellBool(f[4]), closedToArrival: cellBool(f[5]), closedToDeparture: cellBool(f[6]) });
	}
}

interface FigureRow { k: string; rt: string; plan: string | null; a: number | string | null; b: number | string | null; cells: string | null }

/**
 * Free rooms per room type over the stay's nights `[from, to)` and the overrides of
 * `[from, to]` (the check-out date counts for closedToDeparture), in one round trip.
 */
export async function stayFigures(db: SqlStore, hotelId: string, roomTypeIds: string[], from: string, to: string): Promise<{ free: Map<string, FreeRooms>; rates: RateIndex; stamp: CopyStamp | null }> {
	const free = new Map<string, FreeRooms>();
	const rates: RateIndex = new Map();
	const ids = roomTypeIds.length ? roomTypeIds : [""];
	const rows = await db.fastSelect<FigureRow>(
		`SELECT 'i' AS k, room_type_id AS rt, NULL AS plan, MIN(total + overbook_limit - booked) AS a, COUNT(*) AS b, NULL AS cells
		FROM inventory WHERE hotel_id = ? AND room_type_id IN (${marks(ids.length)}) AND night >= ? AND night < ?
		GROUP BY room_type_id
		UNION ALL
		SELECT 'r' AS k, room_type_id AS rt, rate_plan_id AS plan, NULL AS a, NULL AS b, ${cellsOf(db.pg)} AS cells
		FROM rates WHERE hotel_id = ? AND room_type_id IN (${marks(ids.length)}) AND night >= ? AND night <= ?
		GROUP BY room_type_id, rate_plan_id
		UNION ALL
		SELECT 'c' AS k, NULL AS rt, NULL AS plan, NULL AS a, NULL AS b, ${STAMP_TEXT(db.pg)} AS cells FROM hotel_copies WHERE id = ?`,
		[hotelId, ...ids, from, to, hotelId, ...ids, from, to, hotelId]);
	let stamp: CopyStamp | null = null;
	for (const r of rows) {
		if (r.k === "i") free.set(r.rt, { free: Number(r.a), nights: Number(r.b) });
		else if (r.k === "r") putCells(rates, r.rt, r.plan as string, r.cells);
		else stamp = parseStamp(r.cells);
	}
	return { free, rates, stamp };
}

/** The overrides of many hotels over `[from, to]` (search), per hotel. */
export async function ratesByHotel(db: SqlStore, hotelIds: string[], from: string, to: string): Promise<Map<string, RateIndex>> {
	const out = new Map<string, RateIndex>();
	if (hotelIds.length === 0) return out;
	const rows = await db.fastSelect<{ h: string; rt: string; plan: string; cells: string | null }>(
		`SELECT hotel_id AS h, room_type_id AS rt, rate_plan_id AS plan, ${cellsOf(db.pg)} AS cells FROM rates
		WHERE hotel_id IN (${marks(hotelIds.length)}) AND night >= ? AND night <= ? GROUP BY hotel_id, room_type_id, rate_plan_id`, [...hotelIds, from, to]);
	for (const r of rows) {
		let m = out.get(r.h);
		if (!m) out.set(r.h, (m = new Map()));
		putCells(m, r.rt, r.plan, r.cells);
	}
	return out;
}

/**
 * What a booking prices with: the overrides of one room type under the plans given over
 * `[from, to]`, and the sum of `rate_version` over the stay's nights `[from, to)` with their
 * count — the booking statement refuses the price if the locked nights' sum differs.
 */
export async function bookingRates(db: SqlStore, hotelId: string, roomTypeId: string, planIds: string[], from: string, to: string, t?: Transaction): Promise<{ rates: RateIndex; version: number; nights: number }> {
	const sql = `SELECT 'i' AS k, NULL AS rt, NULL AS plan, SUM(rate_version) AS a, COUNT(*) AS b, NULL AS cells
		FROM inventory WHERE hotel_id = ? AND room_type_id = ? AND night >= ? AND night < ?
		UNION ALL
		SELECT 'r' AS k, room_type_id AS rt, rate_plan_id AS plan, NULL AS a, NULL AS b, ${cellsOf(db.pg)} AS cells
		FROM rates WHERE hotel_id = ? AND room_type_id = ? AND rate_plan_id IN (${marks(planIds.length)}) AND night >= ? AND night <= ?
		GROUP BY room_type_id, rate_plan_id`;
	const params = [hotelId, roomTypeId, from, to, hotelId, roomTypeId, ...planIds, from, to];
	let rows: FigureRow[];
	if (t) {
		let i = 0;
		const rep: Record<string, unknown> = {};
		const text = sql.replace(/\?/g, () => { rep[`p${i}`] = params[i]; return `:p${i++}`; });
		rows = await db.select<FigureRow>(text, rep, t);
	} else rows = await db.fastSelect<FigureRow>(sql, params);
	const rates: RateIndex = new Map();
	let version = 0;
	let nights = 0;
	for (const r of rows) {
		if (r.k === "i") { version = Number(r.a ?? 0); nights = Number(r.b ?? 0); }
		else putCells(rates, r.rt, r.plan as string, r.cells);
	}
	return { rates, version, nights };
}

// ── GET /hotels/:id/calendar ────────────────────────────────────────────────────────────────

export const MAX_CALENDAR_DAYS = 366;
export const MAX_UPDATE_DAYS = 730;
export const MAX_UPDATES = 100;
/** A bulk edit bigger than this is refused (422): split it. Keeps one transaction short. */
export const MAX_CELLS = 100_000;

export interface CalendarDay {
	date: string; price: number; minStay: number | null; maxStay: number | null; closed: boolean; closedToArrival: boolean; closedToDeparture: boolean;
	total: number; booked: number; overbookLimit: number; available: number;
}
export interface Calendar { hotelId: string; from: string; to: string; rows: { roomTypeId: string; ratePlanId: string; days: CalendarDay[] }[] }

export async function readCalendar(db: SqlStore, hotel: Hotel, from: string, to: string, filter: { roomTypeId?: string; ratePlanId?: string }): Promise<Calendar> {
	const roomTypes = hotel.roomTypes.filter(rt => !filter.roomTypeId || rt.id === filter.roomTypeId);
	const plans = plansOf(hotel).filter(p => !filter.ratePlanId || p.id === filter.ratePlanId);
	const out: Calendar = { hotelId: hotel.id, from, to, rows: [] };
	if (!roomTypes.length || !plans.length) return out;
	const ids = roomTypes.map(r => r.id);
	const [inv, rateRows] = await Promise.all([
		db.fastSelect<{ rt: string; night: string; total: number | string; booked: number | string; ob: number | string }>(
			`SELECT room_type_id AS rt, night, total, booked, overbook_limit AS ob FROM inventory
			WHERE hotel_id = ? AND room_type_id IN (${marks(ids.length)}) AND night >= ? AND night < ?`, [hotel.id, ...ids, from, to]),
		db.fastSelect<{ rt: string; plan: string; cells: string | null }>(`SELECT room_type_id AS rt, rate_plan_id AS plan, ${cellsOf(db.pg)} AS cells FROM rates
			WHERE hotel_id = ? AND room_type_id IN (${marks(ids.length)}) AND night >= ? AND night < ? GROUP BY room_type_id, rate_plan_id`, [hotel.id, ...ids, from, to]),
	]);
	const nights = new Map(inv.map(r => [`${r.rt}\u0000${r.night}`, { total: Number(r.total), booked: Number(r.booked), ob: Number(r.ob) }]));
	const rates: RateIndex = new Map();
	for (const r of rateRows) putCells(rates, r.rt, r.plan, r.cells);
	const dates = Array.from({ length: daysBetween(from, to) }, (_, i) => addDays(from, i));
	for (const rt of roomTypes) {
		for (const plan of plans) {
			if (!sells(hotel, plan, rt.id)) continue;
			const base = basePlan(hotel, plan);
			out.rows.push({
				roomTypeId: rt.id, ratePlanId: plan.id,
				days: dates.map(date => {
					const n = nights.get(`${rt.id}\u0000${date}`);
					const total = n?.total ?? rt.totalRooms;
					const booked = n?.booked ?? 0;
					const overbookLimit = n?.ob ?? 0;
					return { ...nightTerms(rates, rt, plan, base, date), total, booked, overbookLimit, available: Math.max(0, total + overbookLimit - booked) };
				}),
			});
		}
	}
	return out;
}

// ── PUT /hotels/:id/calendar ────────────────────────────────────────────────────────────────

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * The weekday of a calendar date, computed on the date itself (its proleptic Gregorian day
 * number), never through an instant in some zone: a DST change or the year's end cannot move it.
 */
export function weekdayOf(date: string): Weekday {
	return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
}

/** The dates of `[from, to)` whose weekday is in `weekdays` (absent: every day). */
export function datesOf(from: string, to: string, weekdays?: Weekday[]): string[] {
	const keep = weekdays && weekdays.length ? new Set(weekdays) : null;
	const out: string[] = [];
	for (let d = from; d < to; d = addDays(d, 1)) if (!keep || keep.has(weekdayOf(d))) out.push(d);
	return out;
}

export interface CalendarSet {
	price?: number | null; minStay?: number | null; maxStay?: number | null;
	closed?: boolean | null; closedToArrival?: boolean | null; closedToDeparture?: boolean | null;
	overbookLimit?: number | null;
}
export interface CalendarUpdate { roomTypeIds?: string[]; ratePlanIds?: string[]; from: string; to: string; weekdays?: Weekday[]; set: CalendarSet }

const RATE_FIELDS = { price: "price", minStay: "min_stay", maxStay: "max_stay", closed: "closed", closedToArrival: "closed_to_arrival", closedToDeparture: "closed_to_departure" } as const;
type RateField = keyof typeof RATE_FIELDS;

/** One update resolved: the cells it sets (room types × plans × dates) and its overbook nights. */
export interface PlannedUpdate {
	roomTypeIds: string[]; planIds: string[]; dates: string[];
	rateFields: [RateField, number | boolean | null][];
	overbookLimit?: number;
}

/**
 * Check every update against the hotel and resolve it (422 listing every field wrong, before
 * anything is written). Absent `roomTypeIds`: every room type; absent `ratePlanIds`: the
 * hotel's plans with their own prices (derived plans inherit). A price on a derived plan is refused.
 */
export function planUpdates(hotel: Hotel, updates: CalendarUpdate[]): { planned: PlannedUpdate[]; errors: FieldError[]; cells: number } {
	const errors: FieldError[] = [];
	const plans = plansOf(hotel);
	const byId = new Map<string, RatePlan>(plans.map(p => [p.id, p]));
	const rtIds = new Set(hotel.roomTypes.map(r => r.id));
	const planned: PlannedUpdate[] = [];
	let cells = 0;
	updates.forEach((u, i) => {
		const f = `updates[${i}]`;
		const days = daysBetween(u.from, u.to);
		if (days < 1) errors.push({ field: `${f}.to`, message: `The 'to' field must be after 'from' (${u.from})`, type: "range", actual: u.to });
		else if (days > MAX_UPDATE_DAYS) errors.push({ field: `${f}.to`, message: `An update covers at most ${MAX_UPDATE_DAYS} days (asked ${days})`, type: "range", actual: u.to });
		const fields = Object.keys(u.set) as (keyof CalendarSet)[];
		if (!fields.length) errors.push({ field: `${f}.set`, message: "Nothing to set: give at least one field", type: "required" });
		const s = u.set;
		if (s.minStay != null && s.maxStay != null && s.minStay > s.maxStay)
			errors.push({ field: `${f}.set.maxStay`, message: `maxStay (${s.maxStay}) must not be below minStay (${s.minStay})`, type: "range", actual: s.maxStay });
		(u.roomTypeIds ?? []).forEach((id, j) => { if (!rtIds.has(id)) errors.push({ field: `${f}.roomTypeIds[${j}]`, message: `Unknown room type '${id}'`, type: "reference", actual: id }); });
		(u.ratePlanIds ?? []).forEach((id, j) => {
			const p = byId.get(id);
			if (!p) errors.push({ field: `${f}.ratePlanIds[${j}]`, message: `Unknown rate plan '${id}'`, type: "reference", actual: id });
			else if (p.derivedFrom && s.price !== undefined)
				errors.push({ field: `${f}.set.price`, message: `Rate plan '${id}' is derived from '${p.derivedFrom.ratePlanId}': its price follows the base plan`, type: "derivedPrice", actual: id });
		});
		if (errors.length) return;
		const roomTypeIds = u.roomTypeIds ?? hotel.roomTypes.map(r => r.id);
		const planIds = u.ratePlanIds ?? plans.filter(p => !p.derivedFrom).map(p => p.id);
		const rateFields = fields.filter((k): k is RateField => k in RATE_FIELDS).map(k => [k, s[k] ?? null] as [RateField, number | boolean | null]);
		const dates = datesOf(u.from, u.to, u.weekdays);
		const p: PlannedUpdate = { roomTypeIds, planIds, dates, rateFields };
		if (s.overbookLimit !== undefined) p.overbookLimit = s.overbookLimit ?? 0;
		for (const rt of roomTypeIds) {
			if (rateFields.length) cells += planIds.filter(id => sells(hotel, byId.get(id) as RatePlan, rt)).length * dates.length;
			if (p.overbookLimit !== undefined) cells += dates.length;
		}
		planned.push(p);
	});
	if (!errors.length && cells > MAX_CELLS) errors.push({ field: "updates", message: `The updates match ${cells} calendar cells, at most ${MAX_CELLS} in one request: split them`, type: "range", actual: cells });
	return { planned, errors, cells };
}

const CHUNK = 400;

/**
 * Apply resolved updates in one transaction; 409 INVENTORY_CONFLICT (nothing written) when an
 * overbookLimit would leave a night booked beyond total + limit. Returns the (room type, nights)
 * whose overbookLimit changed, for the availability feed.
 */
export async function applyUpdates(db: SqlStore, hotel: Hotel, planned: PlannedUpdate[], audit?: DomainMessage): Promise<{ roomTypeId: string; from: string; to: string }[]> {
	const byId = new Map(plansOf(hotel).map(p => [p.id, p]));
	const touched = new Map<string, { from: string; to: string }>();
	for (const u of planned) for (const rt of u.roomTypeIds) {
		if (!u.dates.length) continue;
		const span = touched.get(rt);
		const from = u.dates[0];
		const to = addDays(u.dates[u.dates.length - 1], 1);
		touched.set(rt, span ? { from: span.from < from ? span.from : from, to: span.to > to ? span.to : to } : { from, to });
	}
	const overbooked: { roomTypeId: string; from: string; to: string }[] = [];
	await db.withTx(async t => {
		overbooked.length = 0;
		// Lock and re-version the nights first, in (room type, night) order like every writer.
		for (const rt of [...touched.keys()].sort()) {
			const span = touched.get(rt) as { from: string; to: string };
			const r = { h: hotel.id, rt, from: span.from, to: span.to };
			if (db.pg) await db.exec(`WITH locked AS (
					SELECT night FROM inventory WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to ORDER BY night FOR UPDATE
				) UPDATE inventory i SET rate_version = i.rate_version + 1 FROM locked WHERE i.hotel_id = :h AND i.room_type_id = :rt AND i.night = locked.night`, r, t);
			else await db.exec(`UPDATE inventory SET rate_version = rate_version + 1 WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to`, r, t);
		}
		for (const u of planned) {
			for (const rt of u.roomTypeIds) {
				if (u.rateFields.length) {
					const planIds = u.planIds.filter(id => sells(hotel, byId.get(id) as RatePlan, rt));
					await upsertRates(db, t, hotel.id, rt, planIds, u.dates, u.rateFields);
				}
				if (u.overbookLimit !== undefined && u.dates.length) {
					await setOverbook(db, t, hotel.id, rt, u.dates, u.overbookLimit);
					overbooked.push({ roomTypeId: rt, from: u.dates[0], to: addDays(u.dates[u.dates.length - 1], 1) });
				}
			}
		}
		// Keep the table sparse: a cell set back to every default has no row.
		await db.exec(`DELETE FROM rates WHERE hotel_id = :h AND price IS NULL AND min_stay IS NULL AND max_stay IS NULL
			AND closed IS NULL AND closed_to_arrival IS NULL AND closed_to_departure IS NULL`, { h: hotel.id }, t);
		// The audit entry (SPEC §11) commits with the calendar change.
		if (audit) await appendOutbox(db.sequelize, t, audit);
	});
	return overbooked;
}

async function upsertRates(db: SqlStore, t: Transaction, hotelId: string, rt: string, planIds: string[], dates: string[], fields: [RateField, number | boolean | null][]): Promise<void> {
	const cols = fields.map(([k]) => RATE_FIELDS[k]);
	const value = (v: number | boolean | null) => (typeof v === "boolean" ? (v ? 1 : 0) : v);
	const cells: [string, string][] = [];
	for (const plan of planIds) for (const d of dates) cells.push([d, plan]);
	for (let start = 0; start < cells.length; start += CHUNK) {
		const rep: Record<string, unknown> = { h: hotelId, rt };
		fields.forEach(([, v], j) => { rep[`v${j}`] = value(v); });
		const rows = cells.slice(start, start + CHUNK).map(([d, plan], i) => {
			rep[`d${i}`] = d;
			rep[`p${i}`] = plan;
			return `(:h, :rt, :d${i}, :p${i}${fields.map((_, j) => `, :v${j}`).join("")})`;
		});
		await db.exec(`INSERT INTO rates (hotel_id, room_type_id, night, rate_plan_id${cols.map(c => `, ${c}`).join("")})
			VALUES ${rows.join(", ")}
			ON CONFLICT (hotel_id, room_type_id, night, rate_plan_id) DO UPDATE SET ${cols.map(c => `${c} = excluded.${c}`).join(", ")}`, rep, t);
	}
}

/** Set overbook_limit on `dates`; a night already booked beyond total + limit refuses the whole request. */
async function setOverbook(db: SqlStore, t: Transaction, hotelId: string, rt: string, dates: string[], limit: number): Promise<void> {
	for (let start = 0; start < dates.length; start += CHUNK) {
		const chunk = dates.slice(start, start + CHUNK);
		const rep: Record<string, unknown> = { h: hotelId, rt, limit };
		const list = chunk.map((d, i) => { rep[`d${i}`] = d; return `:d${i}`; }).join(", ");
		const over = await db.one<{ night: string; booked: number | string; total: number | string }>(
			`SELECT night, booked, total FROM inventory WHERE hotel_id = :h AND room_type_id = :rt AND night IN (${list}) AND booked > total + :limit ORDER BY night LIMIT 1`, rep, t);
		if (over) {
			throw appError(ErrorType.INVENTORY_CONFLICT, `Room type '${rt}' has ${over.booked} room(s) booked on ${over.night}: overbookLimit cannot go down to ${limit} with ${over.total} room(s)`,
				{ roomTypeId: rt, night: over.night, booked: Number(over.booked), totalRooms: Number(over.total), overbookLimit: limit });
		}
		await db.exec(`UPDATE inventory SET overbook_limit = :limit WHERE hotel_id = :h AND room_type_id = :rt AND night IN (${list})`, rep, t);
	}
}
