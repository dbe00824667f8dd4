/**
 * The live availability feed (SPEC §13): `reservations.availability.changed` { changes:
 * [{ hotelId, roomTypeId, nights: [{ date, available }] }] } after commits that change nights.
 *
 * Coalesced at the source so the booking path stays cheap: a commit only marks its
 * (hotel, room type, nights) dirty in memory; a flusher (AVAILABILITY_FLUSH_MS) reads the
 * counts of every dirty night in one SELECT — after the commits, so they are the committed
 * ones — and appends the whole flush as one message (several only beyond MAX_CHANGES_PER_MESSAGE)
 * with one outbox INSERT: one message per room type would cost the relay, the broker and every
 * api node one message per booking when bookings spread over room types. The relay publishes
 * it like every other message; each gateway splits it back into §13's per-room-type events. A node that dies loses its dirty marks: acceptable,
 * a stream re-reads the current counts when it reconnects.
 */
import { makeMessage, type DomainMessage, type EventName } from "../../lib/events";
import { OUTBOX_TABLE } from "../../lib/outbox";
import type { SqlStore } from "./db";
import { addDays } from "./stay";

/** SPEC §4 (not in lib/events.ts Events: only this module writes it). */
export const AVAILABILITY_CHANGED = "reservations.availability.changed" as EventName;

export interface NightsRange { hotelId: string; roomTypeId: string; from: string; to: string }
export interface AvailabilityChanged { hotelId: string; roomTypeId: string; nights: { date: string; available: number }[] }
/** The bus message: the changes of one flush. */
export interface AvailabilityBatch { changes: AvailabilityChanged[] }

/** Keeps a message (and the gateway's work on one delivery) bounded on a large flush. */
export const MAX_CHANGES_PER_MESSAGE = 500;

/** The changes of a flush as message payloads of at most `max` changes each. */
export function toBatches(changes: AvailabilityChanged[], max = MAX_CHANGES_PER_MESSAGE): AvailabilityBatch[] {
	const out: AvailabilityBatch[] = [];
	for (let i = 0; i < changes.length; i += max) out.push({ changes: changes.slice(i, i + max) });
	return out;
}

/** Overlapping or touching ranges of one room type merged; sorted by `from`. */
export function mergeRanges(ranges: [string, string][]): [string, string][] {
	const sorted = ranges.filter(([f, t]) => f < t).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const out: [string, string][] = [];
	for (const [f, t] of sorted) {
		const last = out[out.length - 1];
		if (last && f <= last[1]) { if (t > last[1]) last[1] = t; } else out.push([f, t]);
	}
	return out;
}

/** The nights marked since the last take(), per (hotel, room type). */
export class DirtyNights {
	private readonly m = new Map<string, { hotelId: string; roomTypeId: string; ranges: [string, string][] }>();

	mark(hotelId: string, roomTypeId: string, from: string, to: string): void {
		if (!(from < to)) return;
		const key = `${hotelId}\u0000${roomTypeId}`;
		let e = this.m.get(key);
		if (!e) this.m.set(key, (e = { hotelId, roomTypeId, ranges: [] }));
		e.ranges.push([from, to]);
		// Bursts on the same stay would grow the list: merge once it gets long.
		if (e.ranges.length > 32) e.ranges = mergeRanges(e.ranges);
	}

	get size(): number {
		return this.m.size;
	}

	/** Everything marked, merged, and forgotten. */
	take(): NightsRange[] {
		const out: NightsRange[] = [];
		for (const e of this.m.values()) for (const [from, to] of mergeRanges(e.ranges)) out.push({ hotelId: e.hotelId, roomTypeId: e.roomTypeId, from, to });
		this.m.clear();
		return out;
	}
}

export interface CountRow { hotelId: string; roomTypeId: string; night: string; available: number }

/** One change per (hotel, room type), nights in date order, `available` never below 0. */
export function toChanges(rows: CountRow[]): AvailabilityChanged[] {
	const by = new Map<string, AvailabilityChanged>();
	for (const r of rows) {
		const key = `${r.hotelId}\u0000${r.roomTypeId}`;
		let c = by.get(key);
		if (!c) by.set(key, (c = { hotelId: r.hotelId, roomTypeId: r.roomTypeId, nights: [] }));
		c.nights.push({ date: r.night, available: Math.max(0, r.available) });
	}
	for (const c of by.values()) c.nights.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
	return [...by.values()];
}

const RANGES_PER_QUERY = 200;

/** The committed counts (total − booked) of the nights of `ranges`: one SELECT per 200 ranges. */
export async function readCounts(db: SqlStore, ranges: NightsRange[]): Promise<CountRow[]> {
	const out: CountRow[] = [];
	for (let i = 0; i < ranges.length; i += RANGES_PER_QUERY) {
		const chunk = ranges.slice(i, i + RANGES_PER_QUERY);
		const params: string[] = [];
		const where = chunk.map(r => { params.push(r.hotelId, r.roomTypeId, r.from, r.to); return "(hotel_id = ? AND room_type_id = ? AND night >= ? AND night < ?)"; }).join(" OR ");
		const rows = await db.fastSelect<{ h: string; rt: string; night: string; available: number | string }>(
			`SELECT hotel_id AS h, room_type_id AS rt, night, total + overbook_limit - booked AS available FROM inventory WHERE ${where}`, params);
		for (const r of rows) out.push({ hotelId: r.h, roomTypeId: r.rt, night: r.night, available: Number(r.available) });
	}
	return out;
}

/** Current counts of every room type of `hotelIds` over `[from, from + days)` (a stream's resume beyond its buffer). */
export async function currentCounts(db: SqlStore, hotelIds: string[], from: string, days: number): Promise<AvailabilityChanged[]> {
	if (hotelIds.length === 0) return [];
	const rows = await db.fastSelect<{ h: string; rt: string; night: string; available: number | string }>(
		`SELECT hotel_id AS h, room_type_id AS rt, night, total + overbook_limit - booked AS available FROM inventory
		WHERE hotel_id IN (${hotelIds.map(() => "?").join(", ")}) AND night >= ? AND night < ?`, [...hotelIds, from, addDays(from, days)]);
	return toChanges(rows.map(r => ({ hotelId: r.h, roomTypeId: r.rt, night: r.night, available: Number(r.available) })));
}

/** The batched messages appended with one INSERT (autocommit: they announce commits already made). */
export async function appendChanges(db: SqlStore, changes: AvailabilityChanged[], now = new Date()): Promise<DomainMessage<AvailabilityBatch>[]> {
	if (changes.length === 0) return [];
	const messages = toBatches(changes).map(b => makeMessage(AVAILABILITY_CHANGED, b, now));
	const r: Record<string, unknown> = { at: now };
	const values = messages.map((m, i) => {
		r[`i${i}`] = m.id;
		r[`p${i}`] = JSON.stringify(m);
		return `(:i${i}, :ev, :p${i}, :at, 0)`;
	});
	r.ev = AVAILABILITY_CHANGED;
	await db.exec(`INSERT INTO ${OUTBOX_TABLE} (id, event, payload, created_at, attempts) VALUES ${values.join(", ")}`, r);
	return messages;
}

export interface FeedOptions {
	intervalMs: number;
	/** Reads and appends the changes of `ranges`; resolves with how many messages it appended. */
	flush(ranges: NightsRange[]): Promise<number>;
	/** After a flush that appended messages (wake the relay). */
	appended?(n: number): void;
	onError?(err: Error): void;
}

/**
 * The coalescing flusher: mark() is O(1) on the commit path; at most one flush per interval,
 * only when something was marked, never two at once. A failed flush keeps its ranges for the next.
 */
export class AvailabilityFeed {
	private readonly dirty = new DirtyNights();
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<void> | null = null;
	private stopped = false;

	constructor(private readonly opts: FeedOptions) {}

	mark(hotelId: string, roomTypeId: string, from: string, to: string): void {
		if (this.stopped) return;
		this.dirty.mark(hotelId, roomTypeId, from, to);
		this.schedule();
	}

	/** Flush now (tests; stop). */
	async flush(): Promise<void> {
		if (this.timer) { clearTimeout(this.timer); this.timer = null; }
		while (this.running) await this.running;
		if (this.dirty.size === 0) return;
		const ranges = this.dirty.take();
		this.running = (async () => {
			try {
				const n = await this.opts.flush(ranges);
				if (n > 0) this.opts.appended?.(n);
			} catch (err) {
				for (const r of ranges) this.dirty.mark(r.hotelId, r.roomTypeId, r.from, r.to);
				this.opts.onError?.(err as Error);
			}
		})();
		try { await this.running; } finally { this.running = null; }
		if (this.dirty.size) this.schedule();
	}

	/** Last flush, then nothing more. */
	async stop(): Promise<void> {
		await this.flush().catch(() => undefined);
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	private schedule(): void {
		if (this.timer || this.stopped) return;
		this.timer = setTimeout(() => { this.timer = null; void this.flush(); }, this.opts.intervalMs);
		this.timer.unref();
	}
}

/** A feed over a store: read the counts of the dirty nights after commit, append the messages. */
export function storeFeed(db: () => SqlStore, opts: Omit<FeedOptions, "flush">): AvailabilityFeed {
	return new AvailabilityFeed({ ...opts, flush: async ranges => (await appendChanges(db(), toChanges(await readCounts(db(), ranges)))).length });
}
