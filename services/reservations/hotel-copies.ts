/**
 * The local copy of hotels (SPEC §4): what reservations needs to price, book and write emails
 * without calling the hotels service — names, address, time zone, currency, room types — and
 * the inventory each version implies (room-type sizes on future nights, nights up to the
 * horizon). Versions arrive in hotels.hotel.* messages; newer ones (by updatedAt) win.
 *
 * `HotelCopies` is the one way to read and write copies: the `hotel_copies` table, one
 * in-memory cache of active copies, and one invalidation point (every write goes through
 * `apply` / `extend`, which drop the node's cached entry). Callers say how old a copy may be:
 *  - bookings take any age: the booking statement refuses a copy that is no longer the
 *    current active version (outcome "stale"), and the caller reloads it;
 *  - availability takes the copy in memory and its figures' statement reads the stored copy's
 *    stamp (version, active, inventory horizon): another version is re-read (`current`);
 *  - search lists the city's stamps and reads only the copies not held at that version;
 *  - everything else reads the store.
 * A hotel the store does not know is pulled from the hotels service (`resolve`), and
 * syncFromHotels catches up at start-up: the repair path for a missed message.
 */
import { LRUCache } from "lru-cache";
import type { Context, Logger } from "moleculer";
import type { Transaction } from "sequelize";
import { notFound } from "../../lib/errors";
import type { Hotel, RoomType } from "../hotels/domain";
import { searchKey } from "../hotels/domain";
import type { SqlStore } from "./db";
import { createNights, resize } from "./inventory";
import { addDays, localDate, INVENTORY_HORIZON_DAYS } from "./stay";

export interface HotelCopy {
	id: string;
	active: boolean;
	updatedAt: string;
	/** Inventory rows exist for every room type up to (excluding) this night. */
	inventoryUntil: string | null;
	hotel: Hotel;
}

const CACHE_SIZE = 10_000;

interface CopyRow { id: string; active: boolean | number; updated_at: string; inventory_until: string | null; data: string }

const COPY_COLUMNS = "id, active, updated_at, inventory_until, data";
const STAMP_COLUMNS = "id, active, updated_at, inventory_until";

/** What identifies a copy's version in the store: a read that carries it can tell whether a cached copy is current. */
export interface CopyStamp { active: boolean; updatedAt: string; inventoryUntil: string | null }
const stampOf = (r: Omit<CopyRow, "data">): CopyStamp => ({ active: r.active === true || r.active === 1 || (r.active as unknown) === "1", updatedAt: r.updated_at, inventoryUntil: r.inventory_until });
export const isCurrent = (c: HotelCopy, s: CopyStamp): boolean => c.active === s.active && c.updatedAt === s.updatedAt && c.inventoryUntil === s.inventoryUntil;

/** The stamp of one copy as a text column (`active|updated_at|inventory_until`), for a read that unions it with its figures. */
export const STAMP_TEXT = (pg: boolean) => pg
	? "concat(CASE WHEN active THEN '1' ELSE '0' END, '|', updated_at, '|', inventory_until)"
	: "(CASE WHEN active THEN '1' ELSE '0' END) || '|' || updated_at || '|' || ifnull(inventory_until, '')";
export function parseStamp(text: string | null): CopyStamp | null {
	if (!text) return null;
	const [a, updatedAt, until] = text.split("|");
	return { active: a === "1", updatedAt, inventoryUntil: until || null };
}

const toCopy = (r: CopyRow): HotelCopy => ({
	id: r.id,
	active: r.active === true || r.active === 1,
	updatedAt: r.updated_at,
	inventoryUntil: r.inventory_until,
	hotel: JSON.parse(r.data) as Hotel,
});

async function readCopy(db: SqlStore, id: string, t?: Transaction): Promise<HotelCopy | null> {
	if (!t) {
		const [fast] = await db.fastSelect<CopyRow>(`SELECT ${COPY_COLUMNS} FROM hotel_copies WHERE id = ?`, [id]);
		return fast ? toCopy(fast) : null;
	}
	const row = await db.one<CopyRow>(`SELECT ${COPY_COLUMNS} FROM hotel_copies WHERE id = :id${db.forUpdate}`, { id }, t);
	return row ? toCopy(row) : null;
}

async function saveCopy(db: SqlStore, t: Transaction, hotel: Hotel, inventoryUntil: string): Promise<void> {
	await db.exec(
		`INSERT INTO hotel_copies (id, city_key, active, updated_at, inventory_until, data)
		VALUES (:id, :city, :active, :updatedAt, :until, :data)
		ON CONFLICT (id) DO UPDATE SET city_key = excluded.city_key, active = excluded.active,
			updated_at = excluded.updated_at, inventory_until = excluded.inventory_until, data = excluded.data`,
		{ id: hotel.id, city: searchKey(hotel.address.city), active: hotel.active !== false, updatedAt: hotel.updatedAt, until: inventoryUntil, data: JSON.stringify(hotel) }, t);
}

export function roomType(copy: HotelCopy, id: string): RoomType | undefined {
	return copy.hotel.roomTypes.find(r => r.id === id);
}

/** True when `incoming` is not older than what we hold (ties re-apply: idempotent). */
export function isNewer(incoming: Hotel, current: HotelCopy | null): boolean {
	return !current || incoming.updatedAt >= current.updatedAt;
}

/** The copy of a hotel that takes bookings: 404 when unknown or deactivated. */
export function activeCopy(id: string, copy: HotelCopy | null): HotelCopy {
	if (!copy || !copy.active) throw notFound("Hotel", id);
	return copy;
}

/** The last night (excluded) of inventory a hotel keeps today. */
export const horizonOf = (hotel: Hotel): string => addDays(localDate(hotel.timezone), INVENTORY_HORIZON_DAYS);

/** A well-formed hotel document in a hotels.hotel.* message (anything else is ignored). */
export function isHotelDocument(h: unknown): h is Hotel {
	const x = h as Partial<Hotel> | null;
	return !!x && typeof x.id === "string" && typeof x.updatedAt === "string" && Array.isArray(x.roomTypes) && typeof x.timezone === "string";
}

export interface GetOptions {
	/** How old a copy from memory may be; 0 (default) reads the store. */
	maxAgeMs?: number;
	/** The copy again once its inventory reaches this night (days pass between top-ups). */
	coverUntil?: string;
	/** Pull an unknown hotel from the hotels service (default true). */
	pull?: boolean;
	/** The request, for the pull's call. */
	ctx?: Context;
}

export class HotelCopies {
	/** Active copies only: an inactive one could be reactivated on another node, and nothing would refuse it. */
	private readonly cache = new LRUCache<string, { copy: HotelCopy; at: number }>({ max: CACHE_SIZE });

	constructor(
		private readonly db: SqlStore,
		private readonly resolve: (id: string, ctx?: Context) => Promise<Hotel | null>,
		private readonly logger: Logger,
		/** After a commit that resized nights `[from, to)` of a room type (the live availability feed). */
		private readonly resized: (hotelId: string, roomTypeId: string, from: string, to: string) => void = () => undefined,
	) {}

	async get(id: string, opts: GetOptions = {}): Promise<HotelCopy | null> {
		const hit = this.cache.get(id);
		let copy = hit && Date.now() - hit.at < (opts.maxAgeMs ?? 0) ? hit.copy : await this.load(id, opts);
		if (copy && opts.coverUntil) copy = await this.cover(copy, opts.coverUntil);
		return copy;
	}

	/** `copy`, or the stored one once its inventory reaches `until`. */
	async cover(copy: HotelCopy, until: string): Promise<HotelCopy> {
		if (copy.inventoryUntil && copy.inventoryUntil >= until) return copy;
		await this.extend(copy.id);
		return (await this.load(copy.id, { pull: false })) ?? copy;
	}

	/**
	 * Active copies of a city (search), current as the store has them: the store lists each
	 * copy's version, and only the copies this node does not hold at that version are read
	 * (parsing a hundred hotel documents per search cost more than the search's own sums).
	 */
	async inCity(city: string): Promise<HotelCopy[]> {
		const list = await this.db.fastSelect<Omit<CopyRow, "data">>(`SELECT ${STAMP_COLUMNS} FROM hotel_copies WHERE city_key = ? AND active = ?`, [searchKey(city), this.db.pg ? "true" : 1]);
		const out: HotelCopy[] = [];
		const missing: string[] = [];
		for (const r of list) {
			const hit = this.cache.get(r.id)?.copy;
			if (hit && isCurrent(hit, stampOf(r))) out.push(hit);
			else missing.push(r.id);
		}
		if (missing.length) {
			const rows = await this.db.fastSelect<CopyRow>(`SELECT ${COPY_COLUMNS} FROM hotel_copies WHERE id IN (${missing.map(() => "?").join(", ")})`, missing);
			for (const r of rows) {
				const copy = toCopy(r);
				if (!copy.active) continue;
				this.cache.set(copy.id, { copy, at: Date.now() });
				out.push(copy);
			}
		}
		return out;
	}

	/** The copy as of `stamp` (read with the figures, in the same statement): the cached one when it is that version, else the store's. */
	async current(copy: HotelCopy, stamp: CopyStamp | null, ctx?: Context): Promise<HotelCopy | null> {
		if (stamp && isCurrent(copy, stamp)) return copy;
		return this.load(copy.id, { ctx });
	}

	/** Apply a hotel version: copy, room-type sizes on future nights, nights up to the horizon. Idempotent. */
	async apply(hotel: Hotel): Promise<boolean> {
		const today = localDate(hotel.timezone);
		const until = horizonOf(hotel);
		const changed: string[] = [];
		const applied = await this.db.withTx(async t => {
			changed.length = 0;
			const cur = await readCopy(this.db, hotel.id, t);
			if (!isNewer(hotel, cur)) return false;
			const before = new Map<string, RoomType>((cur?.hotel.roomTypes ?? []).map(r => [r.id, r]));
			for (const rt of hotel.roomTypes) {
				const old = before.get(rt.id);
				if (!old || old.totalRooms !== rt.totalRooms) {
					// Sizes change only here, from the hotel's own message. A night booked above the
					// new size (booked after reservations.checkInventoryChange said yes) keeps
					// total = booked: full, never below what is sold (the CHECK forbids it anyway).
					const over = await resize(this.db, t, hotel.id, rt.id, rt.totalRooms, today);
					if (old) changed.push(rt.id);
					if (over) this.logger.warn(`Hotel ${hotel.id}: room type '${rt.id}' keeps ${over.booked} booked on ${over.night}, above its new size ${rt.totalRooms}.`);
				}
				const from = old && cur?.inventoryUntil && cur.inventoryUntil > today ? cur.inventoryUntil : today;
				if (from < until) await createNights(this.db, t, hotel.id, rt.id, rt.totalRooms, from, until);
			}
			await saveCopy(this.db, t, hotel, until);
			return true;
		});
		this.forget(hotel.id);
		for (const rt of changed) this.resized(hotel.id, rt, today, until);
		return applied;
	}

	/** Nights up to the horizon for a known hotel (days pass; the maintenance timer and on demand). */
	async extend(id: string): Promise<void> {
		const opened = await this.db.withTx(async t => {
			const cur = await readCopy(this.db, id, t);
			if (!cur) return null;
			const today = localDate(cur.hotel.timezone);
			const until = horizonOf(cur.hotel);
			if (cur.inventoryUntil && cur.inventoryUntil >= until) return null;
			const from = cur.inventoryUntil && cur.inventoryUntil > today ? cur.inventoryUntil : today;
			for (const rt of cur.hotel.roomTypes) await createNights(this.db, t, id, rt.id, rt.totalRooms, from, until);
			await this.db.exec(`UPDATE hotel_copies SET inventory_until = :until WHERE id = :id`, { id, until }, t);
			return { roomTypeIds: cur.hotel.roomTypes.map(rt => rt.id), from, until };
		});
		this.forget(id);
		// The nights that became sellable are announced like any other change (live streams).
		if (opened) for (const rt of opened.roomTypeIds) this.resized(id, rt, opened.from, opened.until);
	}

	/** Every known hotel's inventory up to its horizon (the maintenance timer). */
	async extendAll(stopping: () => boolean): Promise<void> {
		const rows = await this.db.select<{ id: string; inventory_until: string | null; data: string }>(`SELECT id, inventory_until, data FROM hotel_copies ORDER BY id`);
		for (const r of rows) {
			if (stopping()) return;
			if (!r.inventory_until || r.inventory_until < horizonOf(JSON.parse(r.data) as Hotel)) await this.extend(r.id);
		}
	}

	/** Start-up catch-up (repair path): apply every listed hotel newer than its copy, page by page. */
	async catchUp(list: (page: number) => Promise<{ rows: Hotel[]; totalPages: number }>, stopping: () => boolean): Promise<void> {
		for (let page = 1; !stopping(); page++) {
			const res = await list(page);
			for (const h of res.rows) {
				if (stopping()) return;
				const cur = await readCopy(this.db, h.id);
				if (!cur || cur.updatedAt < h.updatedAt) await this.apply(h);
			}
			if (page >= res.totalPages) break;
		}
	}

	/** The one invalidation point: this node's cached copy is dropped after each write. */
	private forget(id: string): void {
		this.cache.delete(id);
	}

	private async load(id: string, opts: GetOptions): Promise<HotelCopy | null> {
		let copy = await readCopy(this.db, id);
		if (!copy && opts.pull !== false) {
			const hotel = await this.resolve(id, opts.ctx);
			if (!hotel) return null;
			await this.apply(hotel);
			copy = await readCopy(this.db, id);
		}
		if (copy?.active) this.cache.set(id, { copy, at: Date.now() });
		else this.cache.delete(id);
		return copy;
	}
}
