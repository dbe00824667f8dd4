/**
 * autoNoShow (SPEC §10): in a hotel that sets `autoNoShow: true`, a reservation still
 * `confirmed` at `checkOutTime` (default 11:00, hotel's zone) on the day after its arrival
 * becomes `no_show` by itself — the same transition as staff marking it (lifecycle.ts: fee,
 * nights after the first freed, message, audit entry with the system as actor).
 *
 * One node at a time: a pass runs only while its node holds the `no-show` row of `job_leases`
 * (taken when free or expired, renewed during the pass, released on stop), so any number of
 * reservations nodes share one database safely, and another takes over within a lease when one
 * dies. Never twice: the transition re-reads the row locked and only moves a confirmed
 * reservation, so even two passes overlapping could not mark one twice. Catching up: each pass
 * takes every reservation past its deadline, however long the job was down.
 *
 * The clock of the deadlines is injectable (`clock`), for tests; the lease uses the real clock.
 */
import crypto from "crypto";
import type { SqlStore } from "./db";
import type { HotelCopy } from "./hotel-copies";
import type { Hotel } from "../hotels/domain";
import { changeStatus } from "./lifecycle";
import { DEFAULT_CHECK_OUT_TIME, zonedInstant } from "./policy";
import { COLUMNS, findByCode, type Reservation } from "./repository";
import { addDays, localDate } from "./stay";

export const NO_SHOW_JOB = "no-show";
export const NO_SHOW_INTERVAL_MS = 60_000;
/** Reservations marked per hotel per query: the pass goes on while there are more. */
const BATCH = 200;

/** The instant a confirmed arrival becomes a no-show: checkOutTime on the day after arrival, hotel's zone. */
export function noShowDeadline(checkIn: string, hotel: Pick<Hotel, "timezone"> & { checkOutTime?: string }): Date {
	return zonedInstant(addDays(checkIn, 1), hotel.checkOutTime || DEFAULT_CHECK_OUT_TIME, hotel.timezone);
}

export function isOverdue(r: Pick<Reservation, "status" | "checkIn">, hotel: Pick<Hotel, "timezone"> & { checkOutTime?: string }, now: Date): boolean {
	return r.status === "confirmed" && noShowDeadline(r.checkIn, hotel).getTime() <= now.getTime();
}

// ── The lease ───────────────────────────────────────────────────────────────────────────────

/**
 * Take or renew the lease `name` for `holder` until `now + ttlMs`: true when held. One
 * conditional UPDATE: it matches only when the holder already has it or it has expired.
 */
export async function acquireLease(db: SqlStore, name: string, holder: string, ttlMs: number, now = Date.now()): Promise<boolean> {
	return db.withTx(async t => {
		await db.exec(`INSERT INTO job_leases (name, holder, until_ms) VALUES (:name, '', 0) ON CONFLICT (name) DO NOTHING`, { name }, t);
		const rows = await db.select<{ name: string }>(
			`UPDATE job_leases SET holder = :holder, until_ms = :until WHERE name = :name AND (holder = :holder OR until_ms < :now) RETURNING name`,
			{ name, holder, until: now + ttlMs, now }, t);
		return rows.length === 1;
	});
}

export async function releaseLease(db: SqlStore, name: string, holder: string): Promise<void> {
	await db.withTx(t => db.exec(`UPDATE job_leases SET holder = '', until_ms = 0 WHERE name = :name AND holder = :holder`, { name, holder }, t));
}

// ── The job ─────────────────────────────────────────────────────────────────────────────────

export interface NoShowJobOptions {
	db: SqlStore;
	/** This node, in the lease (a random suffix keeps two jobs of one node apart). */
	node: string;
	intervalMs?: number;
	/** How long a pass's lease lasts without renewal (default three intervals). */
	leaseMs?: number;
	/** After a reservation was marked (live feed, relay wake-up). */
	marked?: (r: Reservation) => void;
	logger?: { warn(...args: unknown[]): void };
}

export interface PassResult {
	/** False when another node held the lease. */
	ran: boolean;
	marked: string[];
}

interface CopyRow { id: string; data: string }

export class NoShowJob {
	/** The clock deadlines are read with (tests move it). */
	clock: () => Date = () => new Date();
	readonly holder: string;
	private readonly intervalMs: number;
	private readonly leaseMs: number;
	private running: Promise<PassResult> | null = null;
	private timer: NodeJS.Timeout | null = null;
	private stopped = false;

	constructor(private readonly opts: NoShowJobOptions) {
		this.holder = `${opts.node}:${crypto.randomBytes(4).toString("hex")}`;
		this.intervalMs = opts.intervalMs ?? NO_SHOW_INTERVAL_MS;
		this.leaseMs = opts.leaseMs ?? 3 * this.intervalMs;
	}

	/** A pass now (or the one in progress on this node: never two at once here either). */
	runOnce(): Promise<PassResult> {
		if (!this.running) this.running = this.pass().finally(() => { this.running = null; });
		return this.running;
	}

	/** A pass at once (catching up after downtime), then every interval. */
	start(): void {
		const tick = () => {
			if (this.stopped) return;
			this.runOnce()
				.catch(err => { if (!this.stopped) this.opts.logger?.warn("No-show job pass failed:", (err as Error).message); })
				.finally(() => { if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs).unref(); });
		};
		tick();
	}

	async stop(): Promise<void> {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		await this.running?.catch(() => undefined);
		await releaseLease(this.opts.db, NO_SHOW_JOB, this.holder).catch(() => undefined);
	}

	private async pass(): Promise<PassResult> {
		const { db } = this.opts;
		if (!(await acquireLease(db, NO_SHOW_JOB, this.holder, this.leaseMs))) return { ran: false, marked: [] };
		let renewedAt = Date.now();
		const marked: string[] = [];
		for (const copy of await this.hotels()) {
			const hotel = copy.hotel;
			for (;;) {
				const now = this.clock();
				// Arrivals before the hotel's yesterday cannot be due yet at `now`: the deadline is on the day after arrival.
				const rows = await db.select<Record<string, unknown>>(
					`SELECT ${COLUMNS} FROM reservations WHERE hotel_id = :h AND status = 'confirmed' AND check_in < :today ORDER BY check_in, code LIMIT :limit`,
					{ h: hotel.id, today: localDate(hotel.timezone, now), limit: BATCH });
				const due: string[] = [];
				for (const row of rows) if (isOverdue({ status: "confirmed", checkIn: row.check_in as string }, hotel, now)) due.push(row.code as string);
				for (const code of due) {
					if (this.stopped) return { ran: true, marked };
					// Renewed well before it could expire; lost means another node has taken over: stop.
					if (Date.now() - renewedAt > this.leaseMs / 3) {
						if (!(await acquireLease(db, NO_SHOW_JOB, this.holder, this.leaseMs))) return { ran: true, marked };
						renewedAt = Date.now();
					}
					if (await this.mark(code, copy, now)) marked.push(code);
				}
				if (rows.length < BATCH || due.length === 0) break;
			}
		}
		return { ran: true, marked };
	}

	/** The transition of staff's no-show, by the system; false when it was no longer confirmed. */
	private async mark(code: string, copy: HotelCopy, now: Date): Promise<boolean> {
		const r = await findByCode(this.opts.db, code);
		if (!r || r.status !== "confirmed") return false;
		try {
			const done = await changeStatus(this.opts.db, r, "noShow", copy, localDate(copy.hotel.timezone, now), { now, ctx: null });
			if (done.reservation.status === "no_show" && done.announced) {
				this.opts.marked?.(done.reservation);
				return true;
			}
			return false;
		} catch (err) {
			// Changed under us (checked in, cancelled): not ours to mark any more.
			if ((err as { type?: string }).type === "INVALID_STATE") return false;
			throw err;
		}
	}

	/** Hotel copies that set autoNoShow (the LIKE only narrows; the parsed flag decides). */
	private async hotels(): Promise<HotelCopy[]> {
		const rows = await this.opts.db.select<CopyRow>(`SELECT id, data FROM hotel_copies WHERE data LIKE :flag ORDER BY id`, { flag: '%"autoNoShow":true%' });
		const out: HotelCopy[] = [];
		for (const r of rows) {
			const hotel = JSON.parse(r.data) as Hotel & { autoNoShow?: boolean };
			if (hotel.autoNoShow === true) out.push({ id: r.id, active: hotel.active !== false, updatedAt: hotel.updatedAt, inventoryUntil: null, hotel });
		}
		return out;
	}
}
