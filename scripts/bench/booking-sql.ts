/**
 * S4: the SQL a booking runs (services/reservations/booking.ts `bookingStatement`, the very text
 * the product prepares), as a pgbench custom script:
 *
 *   pgbench's own draw: one primary-key lookup in bench_targets (hotel, room type, the hotel
 *   copy's version, stay dates, ids, a code) — the product has these in memory
 *   the booking: ONE statement in autocommit — check the hotel copy's version, lock the stay's
 *   nights in date order, add 1 booked on every night only if every night has room, INSERT the
 *   reservation (21 columns) and the outbox message (≈ 1 KB of JSON) only if so
 *
 * The product binds the parameters ($1…) in a prepared statement; pgbench substitutes its
 * variables textually, also inside the payload literal, so here the values are literals and
 * pgbench runs with -M simple (the server parses and plans the statement every time: S4 slightly
 * overstates PostgreSQL's cost per booking).
 */
import type { Client } from "pg";
import { bookingStatement } from "../../services/reservations/booking";

export interface Target { hotelId: string; roomTypeId: string; hotelVersion: string }

/**
 * Hotels and room types of the data set. With `forPgbench`, also a numbered table pgbench draws
 * from, and the sequence its reservation codes come from (unique, never like a product code:
 * product codes have no 0).
 */
export async function prepareTargets(c: Client, forPgbench = false): Promise<Target[]> {
	const rows = (await c.query<{ id: string; data: string; updated_at: string }>("SELECT id, data, updated_at FROM hotel_copies WHERE active ORDER BY id")).rows;
	const targets: Target[] = [];
	for (const r of rows) {
		const hotel = JSON.parse(r.data) as { roomTypes?: { id: string }[] };
		for (const rt of hotel.roomTypes ?? []) targets.push({ hotelId: r.id, roomTypeId: rt.id, hotelVersion: r.updated_at });
	}
	if (forPgbench) {
		await c.query("DROP TABLE IF EXISTS bench_targets");
		await c.query("CREATE TABLE bench_targets (n INTEGER PRIMARY KEY, hotel_id VARCHAR(64) NOT NULL, room_type_id VARCHAR(64) NOT NULL, hotel_version VARCHAR(30) NOT NULL)");
		for (let i = 0; i < targets.length; i += 1000) {
			const chunk = targets.slice(i, i + 1000);
			const values = chunk.map((_t, j) => `($${4 * j + 1}, $${4 * j + 2}, $${4 * j + 3}, $${4 * j + 4})`).join(", ");
			await c.query(`INSERT INTO bench_targets (n, hotel_id, room_type_id, hotel_version) VALUES ${values}`, chunk.flatMap((t, j) => [i + j + 1, t.hotelId, t.roomTypeId, t.hotelVersion]));
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

/** pgbench literals for each parameter of the booking statement (by its name in bookingStatement). */
function literals(payload: string): Record<string, string> {
	const text = (v: string) => `'${v}'`;
	const at = text("2026-11-22T21:00:00.000Z");
	return {
		hotel_id: text(":h"), room_type_id: text(":rt"), check_in: text(":ci"), check_out: text(":co"), rooms: "1", nights: ":nights",
		hotel_updated_at: text(":hv"),
		"reservation.id": text(":rid"), "reservation.code": text(":code"), "reservation.status": text("confirmed"),
		"reservation.hotel_id": text(":h"), "reservation.hotel_name": text("Bench Hotel 0001 Grand Palace"),
		"reservation.room_type_id": text(":rt"), "reservation.room_type_name": text("Deluxe double room with a view"),
		"reservation.check_in": text(":ci"), "reservation.check_out": text(":co"), "reservation.nights": ":nights",
		"reservation.rooms": "1", "reservation.guests": "1", "reservation.guest_name": text("Bench Guest 123456"),
		"reservation.guest_email": text("guest-abcdef-123456@bench.example"), "reservation.guest_phone": "NULL",
		"reservation.guest_locale": text("en"), "reservation.total_price": "29000", "reservation.currency": text("EUR"),
		"reservation.sequence": "0", "reservation.created_at": at, "reservation.updated_at": at,
		"message.id": text(":mid"), "message.event": text("reservations.reservation.confirmed"), "message.payload": text(payload),
		"message.created_at": at,
		// Its audit entry (SPEC §11): a second row of the same outbox INSERT.
		"audit.id": text(":mid-audit"), "audit.event": text("reservations.audit.recorded"),
		"audit.payload": text(JSON.stringify({ event: "reservations.audit.recorded", id: "AID", occurredAt: "2026-11-22T21:00:00.000Z", data: { action: "reservation.create", actor: { type: "guest", id: "CODE", email: "guest-abcdef-123456@bench.example", role: "guest" }, target: { type: "reservation", id: "CODE", hotelId: "H" }, changes: { status: [null, "confirmed"], checkIn: [null, "2027-03-01"], checkOut: [null, "2027-03-04"], rooms: [null, 1], guests: [null, 1], totalPrice: [null, 29000], currency: [null, "EUR"] }, requestId: "b1c2d3e4-0000-4000-8000-000000000000", ip: "127.0.0.1" } })),
		"audit.created_at": at,
		// Rate plans (SPEC §9): the product reads the stay's rate_version sum with the rates before
		// the statement (one more indexed read per booking, here inside it); the nightly prices go
		// to reservation_nights in the same statement.
		rate_version: "(SELECT coalesce(sum(rate_version), 0) FROM inventory WHERE hotel_id = ':h' AND room_type_id = ':rt' AND night >= ':ci' AND night < ':co')",
		"reservation.rate_plan_id": text("flex"), "reservation.rate_plan_name": text("Flexible"),
		"reservation.nightly": "(SELECT json_agg(json_build_object('date', (current_date + :start + g)::text, 'price', 14500))::text FROM generate_series(0, :nights - 1) g)",
		"reservation.cancellation": text(JSON.stringify({ refundable: true, freeUntil: "2027-02-27T15:00:00+01:00", schedule: [{ from: "2026-11-22T22:00:00+01:00", to: "2027-02-27T15:00:00+01:00", fee: 0 }, { from: "2027-02-27T15:00:00+01:00", to: null, fee: 14500 }] })),
		"reservation.policy": "NULL",
		"reservation.cancellation_fee": "NULL", "reservation.no_show_fee": "NULL", "reservation.fee_waived": "false",
		"reservation.waive_reason": "NULL", "reservation.waived_by": "NULL",
		"nightly.dates": "ARRAY(SELECT (current_date + :start + g)::text FROM generate_series(0, :nights - 1) g)",
		"nightly.prices": "ARRAY(SELECT 14500::bigint FROM generate_series(1, :nights))",
	};
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
	const { sql, params } = bookingStatement(false);
	const values = literals(payload);
	const missing = params.filter(name => !(name in values));
	if (missing.length) throw new Error(`booking-sql.ts: no pgbench value for ${missing.join(", ")}`);
	// One pass: values are never scanned again for "$n".
	const statement = sql.replace(/\$(\d+)/g, (_m, n: string) => values[params[Number(n) - 1]]).replace(/\n\s*/g, "\n\t");
	return `-- The booking statement of services/reservations/booking.ts (scripts/bench/booking-sql.ts).
\\set n random(1, ${targets})
\\set start random(2, 701)
\\set nights random(1, 3)
SELECT t.hotel_id AS h, t.room_type_id AS rt, t.hotel_version AS hv,
	(current_date + :start)::text AS ci, (current_date + :start + :nights)::text AS co,
	gen_random_uuid()::text AS rid, gen_random_uuid()::text AS mid,
	'P' || lpad(nextval('bench_code_seq')::text, 7, '0') AS code
	FROM bench_targets t WHERE t.n = :n \\gset
${statement};
`;
}
