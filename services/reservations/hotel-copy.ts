/**
 * The local copy of hotels (SPEC §4): what reservations needs to price, book and write emails
 * without calling the hotels service — names, address, time zone, currency, room types.
 * Kept from hotels.hotel.* messages; newer versions (by updatedAt) win, older ones are ignored.
 */
import type { Transaction } from "sequelize";
import type { Hotel, RoomType } from "../hotels/domain";
import { searchKey } from "../hotels/domain";
import type { SqlStore } from "./db";

export interface HotelCopy {
	id: string;
	active: boolean;
	updatedAt: string;
	/** Inventory rows exist for every room type up to (excluding) this night. */
	inventoryUntil: string | null;
	hotel: Hotel;
}

interface CopyRow { id: string; active: boolean | number; updated_at: string; inventory_until: string | null; data: string }

const toCopy = (r: CopyRow): HotelCopy => ({
	id: r.id,
	active: r.active === true || r.active === 1,
	updatedAt: r.updated_at,
	inventoryUntil: r.inventory_until,
	hotel: JSON.parse(r.data) as Hotel,
});

export async function getCopy(db: SqlStore, id: string, t?: Transaction, lock = false): Promise<HotelCopy | null> {
	if (!t) {
		const [fast] = await db.fastSelect<CopyRow>(`SELECT id, active, updated_at, inventory_until, data FROM hotel_copies WHERE id = ?`, [id]);
		return fast ? toCopy(fast) : null;
	}
	const row = await db.one<CopyRow>(`SELECT id, active, updated_at, inventory_until, data FROM hotel_copies WHERE id = :id${lock ? db.forUpdate : ""}`, { id }, t);
	return row ? toCopy(row) : null;
}

/** Active hotels of a city (search). */
export async function copiesInCity(db: SqlStore, city: string): Promise<HotelCopy[]> {
	const rows = await db.select<CopyRow>(`SELECT id, active, updated_at, inventory_until, data FROM hotel_copies WHERE city_key = :city AND active = :active`, { city: searchKey(city), active: true });
	return rows.map(toCopy);
}

export async function allCopies(db: SqlStore): Promise<HotelCopy[]> {
	const rows = await db.select<CopyRow>(`SELECT id, active, updated_at, inventory_until, data FROM hotel_copies ORDER BY id`);
	return rows.map(toCopy);
}

export async function saveCopy(db: SqlStore, t: Transaction, hotel: Hotel, inventoryUntil: string | null): Promise<void> {
	await db.exec(
		`INSERT INTO hotel_copies (id, city_key, active, updated_at, inventory_until, data)
		VALUES (:id, :city, :active, :updatedAt, :until, :data)
		ON CONFLICT (id) DO UPDATE SET city_key = excluded.city_key, active = excluded.active,
			updated_at = excluded.updated_at, inventory_until = excluded.inventory_until, data = excluded.data`,
		{ id: hotel.id, city: searchKey(hotel.address.city), active: hotel.active !== false, updatedAt: hotel.updatedAt, until: inventoryUntil, data: JSON.stringify(hotel) }, t);
}

/** Record new room-type sizes accepted by checkInventoryChange before the hotel message arrives. */
export async function saveRoomTypeSizes(db: SqlStore, t: Transaction, copy: HotelCopy, sizes: Map<string, number>): Promise<void> {
	const roomTypes = copy.hotel.roomTypes.map(r => (sizes.has(r.id) ? { ...r, totalRooms: sizes.get(r.id)! } : r));
	await db.exec(`UPDATE hotel_copies SET data = :data WHERE id = :id`, { id: copy.id, data: JSON.stringify({ ...copy.hotel, roomTypes }) }, t);
}

export function roomType(copy: HotelCopy, id: string): RoomType | undefined {
	return copy.hotel.roomTypes.find(r => r.id === id);
}

/** True when `incoming` is not older than what we hold (ties re-apply: idempotent). */
export function isNewer(incoming: Hotel, current: HotelCopy | null): boolean {
	return !current || incoming.updatedAt >= current.updatedAt;
}
