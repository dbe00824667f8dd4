/**
 * Cancellation and no-show policies (SPEC §10) as plain functions: a policy + a stay + the
 * hotel's clock → a schedule of instants and fees, frozen on the reservation at booking.
 *
 * Arrival is the check-in date at `checkInTime` in the hotel's zone. A tier applies from
 * `hoursBeforeArrival` elapsed hours (× 3,600 s, not local clock hours: across a DST change the
 * local time of the boundary moves) before arrival until the next tier; before the first tier
 * cancellation is free; the last tier runs on with no end. Instants are written ISO-8601 with
 * the hotel's UTC offset at that instant, so a guest reads them in the hotel's clock.
 */

export type Fee = { percent: number } | { nights: number } | { amount: number };

export interface PolicyTier {
	hoursBeforeArrival: number;
	fee: Fee;
}

export interface CancellationPolicy {
	refundable: boolean;
	tiers?: PolicyTier[];
	noShowFee?: Fee;
}

/** §9: free until 24 h before arrival, the first night after; a no-show pays the first night. */
export const DEFAULT_POLICY: CancellationPolicy = Object.freeze({
	refundable: true,
	tiers: [{ hoursBeforeArrival: 24, fee: { nights: 1 } }],
	noShowFee: { nights: 1 },
}) as CancellationPolicy;

export const DEFAULT_CHECK_IN_TIME = "15:00";
export const DEFAULT_CHECK_OUT_TIME = "11:00";

export interface PolicyStay {
	checkIn: string;
	rooms: number;
	/** Price per night per room, in date order. */
	nightly: { date: string; price: number }[];
	totalPrice: number;
}

export interface PolicyHotel {
	timezone: string;
	checkInTime?: string;
}

export interface ScheduleStep {
	/** ISO-8601 instant with the hotel's offset; the step applies from here (inclusive)… */
	from: string;
	/** …until here (exclusive); null: no end. */
	to: string | null;
	fee: number;
}

export interface CancellationTerms {
	refundable: boolean;
	/** End of the free window, or null when there is none (non-refundable, booked inside the first tier, or never charged). */
	freeUntil: string | null;
	schedule: ScheduleStep[];
}

const HOUR_MS = 3_600_000;

/** The amount a fee stands for on this stay: never more than the total, never negative. */
export function feeAmount(fee: Fee, stay: Pick<PolicyStay, "rooms" | "nightly" | "totalPrice">): number {
	let v: number;
	if ("percent" in fee) v = Math.round((stay.totalPrice * fee.percent) / 100);
	else if ("nights" in fee) v = stay.nightly.slice(0, Math.max(0, fee.nights)).reduce((s, n) => s + n.price, 0) * stay.rooms;
	else v = fee.amount;
	return Math.max(0, Math.min(stay.totalPrice, Math.round(v)));
}

// ── The hotel's clock ────────────────────────────────────────────────────────────────────────

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
	let f = partFormatters.get(timeZone);
	if (!f) {
		f = new Intl.DateTimeFormat("en-US", {
			timeZone, hourCycle: "h23",
			year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
		});
		partFormatters.set(timeZone, f);
	}
	return f;
}

/** The wall clock in `timeZone` at `ms`, as if it were UTC (milliseconds). */
function wallClock(timeZone: string, ms: number): number {
	const p: Record<string, number> = {};
	for (const part of partsFormatter(timeZone).formatToParts(new Date(ms))) if (part.type !== "literal") p[part.type] = Number(part.value);
	return Date.UTC(p.year, p.month - 1, p.day, p.hour === 24 ? 0 : p.hour, p.minute, p.second);
}

function offsetAt(timeZone: string, ms: number): number {
	const whole = Math.floor(ms / 1000) * 1000;
	return Math.round((wallClock(timeZone, whole) - whole) / 60_000);
}

/**
 * Offsets by zone and quarter hour: Intl's formatToParts costs tens of µs and every offer of an
 * availability answer formats several instants. A quarter hour is cached only when its offset is
 * the same at both ends (no transition inside it), so the cache never answers across a change.
 */
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, number | null>();
const MAX_OFFSETS = 50_000;
/** Arrival instants and written instants, for the same reason (bounded: cleared when full). */
const instants = new Map<string, number>();
const formatted = new Map<string, string>();
const MAX_CACHED = 50_000;

/** The zone's offset from UTC at the instant `ms`, in minutes (east positive). */
export function utcOffsetMinutes(timeZone: string, ms: number): number {
	const q = Math.floor(ms / QUARTER_MS);
	const key = `${timeZone}|${q}`;
	const hit = offsets.get(key);
	if (hit !== undefined) return hit ?? offsetAt(timeZone, ms);
	const start = offsetAt(timeZone, q * QUARTER_MS);
	const steady = start === offsetAt(timeZone, (q + 1) * QUARTER_MS - 1000);
	if (offsets.size >= MAX_OFFSETS) offsets.clear();
	offsets.set(key, steady ? start : null);
	return steady ? start : offsetAt(timeZone, ms);
}

/**
 * The instant the wall clock in `timeZone` shows `date` `time`. In a spring-forward gap the time
 * does not exist and the clock's later reading is used (02:30 → 03:30); in a fall-back overlap
 * the first of the two instants.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
	const key = `${timeZone}|${date}|${time}`;
	let ms = instants.get(key);
	if (ms === undefined) {
		ms = computeZonedInstant(date, time, timeZone).getTime();
		if (instants.size >= MAX_CACHED) instants.clear();
		instants.set(key, ms);
	}
	return new Date(ms);
}

function computeZonedInstant(date: string, time: string, timeZone: string): Date {
	const [h, m] = time.split(":").map(Number);
	const local = Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)), h, m);
	// The offset just before and just after the wanted wall time bracket any transition.
	const before = utcOffsetMinutes(timeZone, local - 14 * HOUR_MS);
	const after = utcOffsetMinutes(timeZone, local + 14 * HOUR_MS);
	const a = local - before * 60_000;
	if (before === after) return new Date(a);
	// With the earlier offset the instant is right if the clock agrees (the overlap's first reading).
	if (wallClock(timeZone, a) === local) return new Date(a);
	const b = local - after * 60_000;
	if (wallClock(timeZone, b) === local) return new Date(b);
	// A gap: the time was skipped; the same elapsed time after the transition.
	return new Date(a);
}

/** `2027-02-27T15:00:00+01:00`: the instant in the hotel's clock, to the second. */
export function formatInstant(at: Date, timeZone: string): string {
	const ms = Math.floor(at.getTime() / 1000) * 1000;
	// Offers of one answer share their instants (same arrival, same booking second): format once.
	const key = `${timeZone}|${ms}`;
	let text = formatted.get(key);
	if (text === undefined) {
		text = writeInstant(ms, timeZone);
		if (formatted.size >= MAX_CACHED) formatted.clear();
		formatted.set(key, text);
	}
	return text;
}

function writeInstant(ms: number, timeZone: string): string {
	const off = utcOffsetMinutes(timeZone, ms);
	const wall = new Date(ms + off * 60_000).toISOString().slice(0, 19);
	const sign = off < 0 ? "-" : "+";
	const abs = Math.abs(off);
	return `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** Arrival: the check-in date at `checkInTime` (default 15:00) in the hotel's zone. */
export function arrivalInstant(checkIn: string, hotel: PolicyHotel): Date {
	return zonedInstant(checkIn, hotel.checkInTime || DEFAULT_CHECK_IN_TIME, hotel.timezone);
}

// ── The schedule ─────────────────────────────────────────────────────────────────────────────

/**
 * The terms of a stay booked (or offered) at `now`: the fee a cancellation costs at each instant
 * from `now` on. Steps with the same fee are merged, steps already past at `now` dropped, so
 * `freeUntil` is the end of the whole free window.
 */
export function cancellationTerms(policy: CancellationPolicy | undefined | null, stay: PolicyStay, hotel: PolicyHotel, now: Date): CancellationTerms {
	const p = policy ?? DEFAULT_POLICY;
	const nowMs = Math.floor(now.getTime() / 1000) * 1000;
	const at = (ms: number) => formatInstant(new Date(ms), hotel.timezone);
	if (!p.refundable) return { refundable: false, freeUntil: null, schedule: [{ from: at(nowMs), to: null, fee: stay.totalPrice }] };

	const arrival = arrivalInstant(stay.checkIn, hotel).getTime();
	const tiers = [...(p.tiers ?? [])].sort((x, y) => y.hoursBeforeArrival - x.hoursBeforeArrival);
	// Boundaries in time order: free until the first tier, each tier until the next.
	const raw: { start: number; fee: number }[] = [{ start: -Infinity, fee: 0 }];
	for (const t of tiers) raw.push({ start: arrival - t.hoursBeforeArrival * HOUR_MS, fee: feeAmount(t.fee, stay) });

	const steps: { from: number; to: number | null; fee: number }[] = [];
	for (let i = 0; i < raw.length; i++) {
		const end = i + 1 < raw.length ? raw[i + 1].start : null;
		if (end !== null && end <= nowMs) continue;
		const from = Math.max(raw[i].start, nowMs);
		const last = steps[steps.length - 1];
		if (last && last.fee === raw[i].fee) last.to = end;
		else steps.push({ from, to: end, fee: raw[i].fee });
	}
	const free = steps[0].fee === 0 && steps[0].to !== null ? steps[0].to : null;
	return {
		refundable: true,
		freeUntil: free === null ? null : at(free),
		schedule: steps.map(s => ({ from: at(s.from), to: s.to === null ? null : at(s.to), fee: s.fee })),
	};
}

/** The fee of cancelling at `at` under a frozen schedule (before its first step: the first step's fee). */
export function feeAt(schedule: ScheduleStep[], at: Date): number {
	if (!schedule.length) return 0;
	const t = at.getTime();
	let fee = schedule[0].fee;
	for (const s of schedule) {
		if (Date.parse(s.from) <= t) fee = s.fee;
		else break;
	}
	return fee;
}

/**
 * The no-show fee: the policy's `noShowFee`; without one, what the latest cancellation would
 * cost (the last tier's fee, the whole total when non-refundable, nothing when always free).
 */
export function noShowFee(policy: CancellationPolicy | undefined | null, stay: PolicyStay): number {
	const p = policy ?? DEFAULT_POLICY;
	if (p.noShowFee) return feeAmount(p.noShowFee, stay);
	if (!p.refundable) return stay.totalPrice;
	const tiers = [...(p.tiers ?? [])].sort((x, y) => x.hoursBeforeArrival - y.hoursBeforeArrival);
	return tiers.length ? feeAmount(tiers[0].fee, stay) : 0;
}
