/**
 * Stay rules of SPEC §3 as plain functions: calendar dates, nights, prices and the limits of a
 * stay, all in the hotel's own time zone ("today" is the hotel's local date).
 *
 * Dates are `YYYY-MM-DD` strings throughout: they compare lexicographically, travel as JSON
 * unchanged and never shift with the server's time zone.
 */
import { validationError, type FieldError } from "../../lib/errors";

export const MAX_NIGHTS = 30;
export const MAX_DAYS_AHEAD = 730;
/** Nights of inventory kept ahead of today: the farthest check-in plus the longest stay. */
export const INVENTORY_HORIZON_DAYS = MAX_DAYS_AHEAD + MAX_NIGHTS + 1;

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The last date read per zone with its UTC minute: every zone's offset is a whole number of
 * minutes, so a local date can only change on a UTC minute boundary, and Intl's formatToParts is
 * the costly part of every availability read and booking.
 */
const lastDate = new Map<string, { minute: number; date: string }>();

/** The calendar date at `now` in `timeZone` (e.g. Pacific/Auckland is a day ahead of UTC in the evening UTC). */
export function localDate(timeZone: string, now: Date = new Date()): string {
	const minute = Math.floor(now.getTime() / 60_000);
	const last = lastDate.get(timeZone);
	if (last && last.minute === minute) return last.date;
	const date = formatLocalDate(timeZone, now);
	lastDate.set(timeZone, { minute, date });
	return date;
}

function formatLocalDate(timeZone: string, now: Date): string {
	let f = formatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
		formatters.set(timeZone, f);
	}
	const parts = f.formatToParts(now);
	const get = (t: string) => parts.find(p => p.type === t)?.value ?? "";
	return `${get("year")}-${get("month")}-${get("day")}`;
}

const toUtc = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
const fromUtc = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
	return fromUtc(toUtc(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
	return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The nights of a stay `[checkIn, checkOut)`, in date order. Counted on the calendar itself
 * (day, month, leap year) rather than through Date objects: availability lists the nights of
 * every plan of every room type, and a Date round trip per night was most of its cost.
 */
export function nightsOf(checkIn: string, checkOut: string): string[] {
	const n = daysBetween(checkIn, checkOut);
	const out: string[] = [];
	let y = Number(checkIn.slice(0, 4));
	let m = Number(checkIn.slice(5, 7));
	let d = Number(checkIn.slice(8, 10));
	for (let i = 0; i < n; i++) {
		out.push(`${y}-${pad2(m)}-${pad2(d)}`);
		const inMonth = m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1];
		if (++d > inMonth) { d = 1; if (++m > 12) { m = 1; y++; } }
	}
	return out;
}

/** Price of a stay in minor units: pricePerNight × nights × rooms. */
export function stayPrice(pricePerNight: number, nights: number, rooms: number): number {
	return pricePerNight * nights * rooms;
}

export interface Stay {
	checkIn: string;
	checkOut: string;
	guests: number;
	rooms: number;
}

/**
 * The date rules of every stay: checkOut after checkIn, at most 30 nights, checkIn not before
 * the hotel's today nor more than 730 days ahead. Each failure names its field.
 */
export function stayDateErrors(stay: Pick<Stay, "checkIn" | "checkOut">, today: string): FieldError[] {
	const errors: FieldError[] = [];
	const nights = daysBetween(stay.checkIn, stay.checkOut);
	if (nights < 1) errors.push({ field: "checkOut", message: `The 'checkOut' field must be after 'checkIn' (${stay.checkIn})`, type: "stayOrder", actual: stay.checkOut });
	else if (nights > MAX_NIGHTS) errors.push({ field: "checkOut", message: `A stay is at most ${MAX_NIGHTS} nights (asked ${nights})`, type: "stayLength", actual: stay.checkOut });
	if (stay.checkIn < today) errors.push({ field: "checkIn", message: `The 'checkIn' field must not be before today in the hotel's time zone (${today})`, type: "stayPast", actual: stay.checkIn });
	else if (daysBetween(today, stay.checkIn) > MAX_DAYS_AHEAD) errors.push({ field: "checkIn", message: `The 'checkIn' field must be at most ${MAX_DAYS_AHEAD} days ahead (${addDays(today, MAX_DAYS_AHEAD)})`, type: "stayTooFar", actual: stay.checkIn });
	return errors;
}

/** 422 listing the fields, when there are any. */
export function refuseInvalid(errors: FieldError[]): void {
	if (errors.length) throw validationError(errors);
}

/** Guests must fit the chosen room type: guests ≤ capacity × rooms. */
export function fits(capacity: number, guests: number, rooms: number): boolean {
	return guests >= 1 && guests <= capacity * rooms;
}

export function capacityErrors(capacity: number, guests: number, rooms: number): FieldError[] {
	return fits(capacity, guests, rooms)
		? []
		: [{ field: "guests", message: `${guests} guest(s) do not fit ${rooms} room(s) of capacity ${capacity}`, type: "capacity", actual: guests }];
}

/**
 * What a modification does to the inventory: per (room type, night) how many rooms it takes
 * (positive) or gives back (negative). Nights that do not change are absent. Sorted by room
 * type then night: every transaction locks rows in the same order.
 */
export interface NightDelta { roomTypeId: string; night: string; delta: number }

export function inventoryDelta(
	before: { roomTypeId: string; checkIn: string; checkOut: string; rooms: number },
	after: { roomTypeId: string; checkIn: string; checkOut: string; rooms: number },
): NightDelta[] {
	const m = new Map<string, NightDelta>();
	const add = (roomTypeId: string, night: string, delta: number) => {
		const k = `${roomTypeId}\u0000${night}`;
		const cur = m.get(k);
		if (cur) cur.delta += delta;
		else m.set(k, { roomTypeId, night, delta });
	};
	for (const night of nightsOf(before.checkIn, before.checkOut)) add(before.roomTypeId, night, -before.rooms);
	for (const night of nightsOf(after.checkIn, after.checkOut)) add(after.roomTypeId, night, after.rooms);
	return [...m.values()]
		.filter(d => d.delta !== 0)
		.sort((a, b) => (a.roomTypeId < b.roomTypeId ? -1 : a.roomTypeId > b.roomTypeId ? 1 : a.night < b.night ? -1 : a.night > b.night ? 1 : 0));
}

/** Group consecutive nights of one room type with the same delta into ranges `[from, to)`. */
export interface DeltaRange { roomTypeId: string; from: string; to: string; delta: number }

export function toRanges(deltas: NightDelta[]): DeltaRange[] {
	const out: DeltaRange[] = [];
	for (const d of deltas) {
		const last = out[out.length - 1];
		if (last && last.roomTypeId === d.roomTypeId && last.delta === d.delta && last.to === d.night) last.to = addDays(d.night, 1);
		else out.push({ roomTypeId: d.roomTypeId, from: d.night, to: addDays(d.night, 1), delta: d.delta });
	}
	return out;
}

/** The earliest "today" on Earth (UTC−12): a date before it is in the past everywhere. */
export function earliestToday(now: Date = new Date()): string {
	return localDate("Etc/GMT+12", now);
}
