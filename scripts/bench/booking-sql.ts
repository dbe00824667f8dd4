/**
 * S4: the SQL a booking runs (services/reservations.service.ts `book`, reservations/inventory.ts
 * `shiftNights`, reservations/repository.ts `insertReservation`, lib/outbox.ts `appendOutbox`),
 * as a pgbench custom script:
 *
 *   one primary-key lookup (stands in for the booking's read of the hotel copy; here it also
 *   picks the hotel and room type at random from the data set)
 *   BEGIN
 *     lock the stay's nights in date order and add 1 booked where it stays ≤ total (CTE)
 *     INSERT the reservation (21 columns)
 *     INSERT the outbox message (≈ 1 KB of JSON)
 *   COMMIT
 *
 * Values are literals, as Sequelize sends them (replacements are escaped client-side, simple
 * query protocol), so pgbench runs with -M simple.
 */
import type { Client } from "pg";

export interface Target { hotelId: string; roomTypeId: string }

/**
 * Hotels and room types of the data set. With `forPgbench`, also a numbered table pgbench draws
 * from, and the sequence its reservation codes come from (unique, never like a product code:
 * product codes have no 0).
 */
export async function prepareTargets(c: Client, forPgbench = false): Promise<Target[]> {
	const rows = (await c.query<{ id: string; data: string }>("SELECT id, data FROM hotel_copies WHERE active ORDER BY id")).rows;
	const targets: Target[] = [];
	for (const r of rows) {
		const hotel = JSON.parse(r.data) as { roomTypes?: { id: string }[] };
		for (const rt of hotel.roomTypes ?? []) targets.push({ hotelId: r.id, roomTypeId: rt.id });
	}
	if (forPgbench) {
		await c.query("DROP TABLE IF EXISTS bench_targets");
		await c.query("CREATE TABLE bench_targets (n INTEGER PRIMARY KEY, hotel_id VARCHAR(64) NOT NULL, room_type_id VARCHAR(64) NOT NULL)");
		for (let i = 0; i < targets.length; i += 1000) {
			const chunk = targets.slice(i, i + 1000);
			const values = chunk.map((_t, j) => `($${3 * j + 1}, $${3 * j + 2}, $${3 * j + 3})`).join(", ");
			await c.query(`INSERT INTO bench_targets (n, hotel_id, room_type_id) VALUES ${values}`, chunk.flatMap((t, j) => [i + j + 1, t.hotelId, t.roomTypeId]));
		}
		await c.query("DROP SEQUENCE IF EXISTS bench_code_seq");
		await c.query("CREATE SEQUENCE bench_code_seq");
		await c.query("VACUUM ANALYZE");
	}
	return targets;
}

/** A confirmation message of the size the product writes (reservation + hotel for the email). */
function payloadTemplate(): string {
	const reservation = {
		id: "RID", code: "CODE", status: "confirmed", hotelId: "HID", hotelName: "Bench Hotel 0001 Grand Palace",
		roomTypeId: "RTID", roomTypeName: "Deluxe double room with a view", checkIn: "CHECKIN", checkOut: "CHECKOUT",
		nights: 2, rooms: 1, guests: 1, guest: { name: "Bench Guest 123456", email: "guest-abcdef-123456@bench.example", locale: "en" },
		totalPrice: 29000, currency: "EUR", createdAt: "2026-11-22T21:00:00.000Z", updatedAt: "2026-11-22T21:00:00.000Z",
	};
	const hotel = {
		id: "HID", name: "Bench Hotel 0001 Grand Palace", address: { line1: "12 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" },
		timezone: "Europe/Paris", email: "contact@hotel-0001.bench.example", currency: "EUR",
	};
	return JSON.stringify({ event: "reservations.reservation.confirmed", id: "MID", occurredAt: "2026-11-22T21:00:00.000Z", data: { reservation, hotel, sequence: 0 } });
}

export function bookingScript(targets: number): string {
	// pgbench (simple protocol) substitutes :name textually, also inside the literal.
	const payload = payloadTemplate()
		.replace(/"RID"/g, `":rid"`)
		.replace(/"MID"/g, `":mid"`)
		.replace(/"CODE"/g, `":code"`)
		.replace(/"HID"/g, `":h"`)
		.replace(/"RTID"/g, `":rt"`)
		.replace(/"CHECKIN"/g, `":ci"`)
		.replace(/"CHECKOUT"/g, `":co"`);
	return `-- The booking transaction of services/reservations.service.ts (scripts/bench/booking-sql.ts).
\\set n random(1, ${targets})
\\set start random(2, 701)
\\set nights random(1, 3)
SELECT t.hotel_id AS h, t.room_type_id AS rt, c.active AS active, length(c.data) AS len,
	(current_date + :start)::text AS ci, (current_date + :start + :nights)::text AS co,
	gen_random_uuid()::text AS rid, gen_random_uuid()::text AS mid,
	'P' || lpad(nextval('bench_code_seq')::text, 7, '0') AS code
	FROM bench_targets t JOIN hotel_copies c ON c.id = t.hotel_id WHERE t.n = :n \\gset
BEGIN;
WITH locked AS (
	SELECT night FROM inventory
	WHERE hotel_id = ':h' AND room_type_id = ':rt' AND night >= ':ci' AND night < ':co'
	ORDER BY night FOR UPDATE
)
UPDATE inventory i SET booked = i.booked + 1
FROM locked
WHERE i.hotel_id = ':h' AND i.room_type_id = ':rt' AND i.night = locked.night
	AND i.booked + 1 <= i.total AND i.booked + 1 >= 0
RETURNING i.night;
INSERT INTO reservations (id, code, status, hotel_id, hotel_name, room_type_id, room_type_name, check_in, check_out, nights, rooms, guests, guest_name, guest_email, guest_phone, guest_locale, total_price, currency, sequence, created_at, updated_at)
	VALUES (':rid', ':code', 'confirmed', ':h', 'Bench Hotel 0001 Grand Palace', ':rt', 'Deluxe double room with a view', ':ci', ':co', :nights, 1, 1, 'Bench Guest 123456', 'guest-abcdef-123456@bench.example', NULL, 'en', 29000, 'EUR', 0, '2026-11-22T21:00:00.000Z', '2026-11-22T21:00:00.000Z');
INSERT INTO outbox (id, event, payload, created_at, attempts)
	VALUES (':mid', 'reservations.reservation.confirmed', '${payload}', now(), 0);
COMMIT;
`;
}
