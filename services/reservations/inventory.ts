/**
 * Per-night inventory: one row per (hotel, room type, night) with `total`, `booked` and
 * `overbook_limit` (rooms that may be sold beyond total), CHECK (0 <= booked <= total + overbook_limit). See docs/inventory.md for why this cannot oversell.
 *
 * Every change of `booked` is a conditional UPDATE over a range of nights that returns the
 * nights it changed; the caller commits only if it got every night. On PostgreSQL the rows are
 * locked in date order first (SELECT … ORDER BY night FOR UPDATE), so two transactions over
 * overlapping stays queue on the first common night instead of deadlocking.
 */
import type { Errors } from "moleculer";
import type { Transaction } from "sequelize";
import { appError, ErrorType } from "../../lib/errors";
import type { SqlStore } from "./db";
import { addDays, daysBetween } from "./stay";

export interface FreeRooms {
	/** Rooms free on every night of the range (0 when a night is missing). */
	free: number;
	/** Nights of the range that have an inventory row. */
	nights: number;
}

const INSERT_CHUNK = 1000;

/**
 * Add `delta` rooms (negative: give back) to every night of `[from, to)` of one room type, only
 * where the result stays within `0..total`. Returns how many nights changed.
 */
export async function shiftNights(db: SqlStore, t: Transaction, hotelId: string, roomTypeId: string, from: string, to: string, delta: number): Promise<number> {
	const r = { h: hotelId, rt: roomTypeId, from, to, d: delta };
	const rows = db.pg
		? await db.select<{ night: string }>(
			`WITH locked AS (
				SELECT night FROM inventory
				WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to
				ORDER BY night FOR UPDATE
			)
			UPDATE inventory i SET booked = i.booked + :d
			FROM locked
			WHERE i.hotel_id = :h AND i.room_type_id = :rt AND i.night = locked.night
				AND i.booked + :d <= i.total + i.overbook_limit AND i.booked + :d >= 0
			RETURNING i.night`, r, t)
		: await db.select<{ night: string }>(
			`UPDATE inventory SET booked = booked + :d
			WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to
				AND booked + :d <= total + overbook_limit AND booked + :d >= 0
			RETURNING night`, r, t);
	return rows.length;
}

/** Free rooms per room type over `[from, to)` for one hotel. */
export async function freeRooms(db: SqlStore, hotelId: string, roomTypeIds: string[], from: string, to: string): Promise<Map<string, FreeRooms>> {
	const out = new Map<string, FreeRooms>();
	if (roomTypeIds.length === 0) return out;
	const rows = await db.fastSelect<{ rt: string; free: number | string; n: number | string }>(
		`SELECT room_type_id AS rt, MIN(total + overbook_limit - booked) AS free, COUNT(*) AS n FROM inventory
		WHERE hotel_id = ? AND room_type_id IN (${roomTypeIds.map(() => "?").join(", ")}) AND night >= ? AND night < ?
		GROUP BY room_type_id`,
		[hotelId, ...roomTypeIds, from, to]);
	for (const row of rows) out.set(row.rt, { free: Number(row.free), nights: Number(row.n) });
	return out;
}

/** Free rooms per (hotel, room type) over `[from, to)` for many hotels (search). */
export async function freeRoomsByHotel(db: SqlStore, hotelIds: string[], from: string, to: string): Promise<Map<string, Map<string, FreeRooms>>> {
	const out = new Map<string, Map<string, FreeRooms>>();
	if (hotelIds.length === 0) return out;
	const rows = await db.fastSelect<{ h: string; rt: string; free: number | string; n: number | string }>(
		`SELECT hotel_id AS h, room_type_id AS rt, MIN(total + overbook_limit - booked) AS free, COUNT(*) AS n FROM inventory
		WHERE hotel_id IN (${hotelIds.map(() => "?").join(", ")}) AND night >= ? AND night < ?
		GROUP BY hotel_id, room_type_id`,
		[...hotelIds, from, to]);
	for (const row of rows) {
		let m = out.get(row.h);
		if (!m) out.set(row.h, (m = new Map()));
		m.set(row.rt, { free: Number(row.free), nights: Number(row.n) });
	}
	return out;
}

/** The first night of `[from, to)` with fewer than `rooms` free (to name it in a 409). */
export async function firstShortNight(db: SqlStore, hotelId: string, roomTypeId: string, from: string, to: string, rooms: number): Promise<{ night: string; available: number } | null> {
	const rows = await db.select<{ night: string; available: number | string }>(
		`SELECT night, total + overbook_limit - booked AS available FROM inventory
		WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to ORDER BY night`,
		{ h: hotelId, rt: roomTypeId, from, to });
	let expected = from;
	for (const row of rows) {
		if (row.night !== expected) return { night: expected, available: 0 };
		if (Number(row.available) < rooms) return { night: row.night, available: Number(row.available) };
		expected = addDays(expected, 1);
	}
	return expected < to ? { night: expected, available: 0 } : null;
}

/** Create the missing nights `[from, to)` of a room type with `total` rooms (multi-row INSERTs). */
export async function createNights(db: SqlStore, t: Transaction, hotelId: string, roomTypeId: string, total: number, from: string, to: string): Promise<void> {
	const n = daysBetween(from, to);
	for (let start = 0; start < n; start += INSERT_CHUNK) {
		const values: string[] = [];
		const r: Record<string, unknown> = { h: hotelId, rt: roomTypeId, total };
		for (let i = start; i < Math.min(n, start + INSERT_CHUNK); i++) {
			values.push(`(:h, :rt, :n${i}, :total, 0)`);
			r[`n${i}`] = addDays(from, i);
		}
		await db.exec(`INSERT INTO inventory (hotel_id, room_type_id, night, total, booked) VALUES ${values.join(", ")} ON CONFLICT DO NOTHING`, r, t);
	}
}

/**
 * Set the size of a room type on every night from `from` on (HotelCopies.apply, from the hotel's
 * message). A night already booked above the new size gets total = booked: full, and never a
 * row the CHECK would refuse. Returns the first such night, if any (logged by the caller). On
 * PostgreSQL the UPDATE evaluates `booked` on each row's latest version under its row lock, so
 * a booking racing with it either committed first (and is counted) or waits and re-checks
 * against the new total.
 */
export async function resize(db: SqlStore, t: Transaction, hotelId: string, roomTypeId: string, total: number, from: string): Promise<{ night: string; booked: number } | null> {
	const r = { h: hotelId, rt: roomTypeId, total, from };
	// Rooms sold under an overbook limit stay sold: the size never goes below booked - limit.
	const size = `${db.pg ? "GREATEST" : "MAX"}(booked - overbook_limit, :total)`;
	await db.exec(
		`UPDATE inventory SET total = ${size}
		WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND total <> ${size}`, r, t);
	const over = await db.one<{ night: string; booked: number | string }>(
		`SELECT night, booked FROM inventory
		WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND booked > :total + overbook_limit
		ORDER BY night LIMIT 1`, r, t);
	return over ? { night: over.night, booked: Number(over.booked) } : null;
}

/**
 * Read-only: the first night from `from` on that has more rooms booked than a proposed size
 * (`sizes`; a room type absent from it has size 0), checking room types in id order. Only room
 * types with something booked can conflict.
 */
export async function firstOverbooked(db: SqlStore, hotelId: string, sizes: Map<string, number>, from: string): Promise<{ roomTypeId: string; night: string; booked: number; totalRooms: number } | null> {
	const booked = await db.select<{ rt: string }>(
		`SELECT DISTINCT room_type_id AS rt FROM inventory WHERE hotel_id = :h AND night >= :from AND booked > 0`, { h: hotelId, from });
	for (const roomTypeId of booked.map(r => r.rt).sort()) {
		const totalRooms = sizes.get(roomTypeId) ?? 0;
		// A removed room type has no room at all, overbook limit or not.
		const row = await db.one<{ night: string; booked: number | string }>(
			`SELECT night, booked FROM inventory
			WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND booked > :total${sizes.has(roomTypeId) ? " + overbook_limit" : ""}
			ORDER BY night LIMIT 1`, { h: hotelId, rt: roomTypeId, from, total: totalRooms });
		if (row) return { roomTypeId, night: row.night, booked: Number(row.booked), totalRooms };
	}
	return null;
}

/** Read-only: 409 INVENTORY_CONFLICT naming the room type and night when `sizes` would go below what is booked. */
export async function checkSizes(db: SqlStore, hotelId: string, sizes: Map<string, number>, from: string): Promise<void> {
	const over = await firstOverbooked(db, hotelId, sizes, from);
	if (!over) return;
	const what = sizes.has(over.roomTypeId) ? `cannot go down to ${over.totalRooms} room(s)` : "cannot be removed";
	throw appError(ErrorType.INVENTORY_CONFLICT, `Room type '${over.roomTypeId}' has ${over.booked} room(s) booked on ${over.night}: it ${what}`, over);
}

/** 409 NO_AVAILABILITY naming the first night of `[from, to)` without `rooms` free. */
export async function noAvailability(db: SqlStore, hotelId: string, roomTypeId: string, from: string, to: string, rooms: number): Promise<Errors.MoleculerError> {
	const short = await firstShortNight(db, hotelId, roomTypeId, from, to, rooms).catch(() => null);
	const where = short ? ` on ${short.night} (${short.available} free)` : "";
	return appError(ErrorType.NO_AVAILABILITY, `Not enough '${roomTypeId}' rooms for every night of the stay${where}`,
		{ roomTypeId, rooms, night: short?.night, available: short?.available });
}

export interface OccupancyRow { roomTypeId: string; night: string; total: number; booked: number }

export async function occupancyRows(db: SqlStore, hotelId: string, from: string, to: string): Promise<OccupancyRow[]> {
	const rows = await db.select<{ rt: string; night: string; total: number | string; booked: number | string }>(
		`SELECT room_type_id AS rt, night, total, booked FROM inventory
		WHERE hotel_id = :h AND night >= :from AND night < :to`,
		{ h: hotelId, from, to });
	return rows.map(r => ({ roomTypeId: r.rt, night: r.night, total: Number(r.total), booked: Number(r.booked) }));
}
