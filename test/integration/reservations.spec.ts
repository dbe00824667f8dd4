/**
 * Reservations through the real gateway on SQLite (embedded shape): the guest journey,
 * idempotency, tokens, stay rules, inventory changes and status transitions.
 * PostgreSQL + RabbitMQ concurrency: reservations.pg.spec.ts.
 */
import request from "supertest";
import { signGuestToken } from "../../lib/auth";
import { loadConfig } from "../../lib/config";
import {
	booking, bookedByNight, createHotel, day, guest, hotelBody, outboxEvents, snapshot, startNode, waitForCopy, type Node,
} from "./reservations.fixtures";
import { waitFor } from "../helpers/wait";

let node: Node;
let hotelId: string;
const api = () => request(node.http);
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

beforeAll(async () => {
	process.env.DATA_DIR = ":memory:";
	delete process.env.RESERVATIONS_DB_URL;
	node = await startNode();
	hotelId = await createHotel(node, hotelBody("Hôtel du Lac", [{ id: "double", totalRooms: 3, pricePerNight: 14500 }, { id: "suite", totalRooms: 1, capacity: 4, pricePerNight: 30000 }]));
});

afterAll(async () => {
	await node?.broker.stop();
});

describe("guest journey: search → availability → book → lookup → change dates → cancel", () => {
	it("works end to end and writes one message per change", async () => {
		const search = await api().get("/api/v1/search").query({ city: "annecy", checkIn: day(10), checkOut: day(13), guests: 2 });
		expect(search.status).toBe(200);
		const found = search.body.rows.find((h: { hotelId: string }) => h.hotelId === hotelId);
		expect(found.roomTypes.map((r: { roomTypeId: string }) => r.roomTypeId)).toEqual(["double", "suite"]);
		expect(found.fromPrice).toBe(14500 * 3);

		const avail = await api().get(`/api/v1/hotels/${hotelId}/availability`).query({ checkIn: day(10), checkOut: day(13), guests: 2, rooms: 1 });
		expect(avail.status).toBe(200);
		expect(avail.body).toMatchObject({ hotelId, nights: 3 });
		expect(avail.body.roomTypes[0]).toMatchObject({ roomTypeId: "double", available: 3, pricePerNight: 14500, totalPrice: 43500, currency: "EUR" });

		const booked = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 10, 13, { guests: 2, guest: { ...guest(1), email: "Ada@Example.com", phone: "+33 6 12 34 56 78", locale: "fr" } }));
		expect(booked.status).toBe(201);
		expect(booked.headers.location).toBe(`/api/v1/reservations/${booked.body.code}`);
		expect(booked.body).toMatchObject({ status: "confirmed", hotelName: "Hôtel du Lac", roomTypeName: "Room double", nights: 3, totalPrice: 43500, currency: "EUR" });
		expect(booked.body.code).toMatch(/^[2-9A-HJKMNP-Z]{8}$/);
		const { code, guestToken } = booked.body;

		const lookup = await api().post("/api/v1/reservations/lookup").send({ code: code.toLowerCase(), email: "ada@example.com" });
		expect(lookup.status).toBe(200);
		expect(lookup.body.reservation.code).toBe(code);
		const wrong = await api().post("/api/v1/reservations/lookup").send({ code, email: "eve@example.com" });
		const unknown = await api().post("/api/v1/reservations/lookup").send({ code: "ZZZZZZZZ", email: "ada@example.com" });
		expect([wrong.status, unknown.status]).toEqual([404, 404]);
		expect(wrong.body.message).toBe(unknown.body.message);

		const got = await api().get(`/api/v1/reservations/${code}`).set(auth(lookup.body.guestToken));
		expect(got.status).toBe(200);
		expect(got.body.guestToken).toBeUndefined();

		// Move by one night: only the first and the new last night change.
		const moved = await api().patch(`/api/v1/reservations/${code}`).set(auth(guestToken)).send({ checkIn: day(11), checkOut: day(14) });
		expect(moved.status).toBe(200);
		expect(moved.body).toMatchObject({ checkIn: day(11), checkOut: day(14), nights: 3, totalPrice: 43500, status: "confirmed" });
		const nights = await bookedByNight(node.db, hotelId, "double");
		expect([10, 11, 12, 13, 14].map(d => nights.get(day(d))?.booked)).toEqual([0, 1, 1, 1, 0]);

		const cancelled = await api().post(`/api/v1/reservations/${code}/cancel`).set(auth(guestToken));
		expect(cancelled.status).toBe(200);
		expect(cancelled.body.status).toBe("cancelled");
		const again = await api().post(`/api/v1/reservations/${code}/cancel`).set(auth(guestToken));
		expect(again.status).toBe(200);
		expect(again.body).toEqual(cancelled.body);
		const freed = await bookedByNight(node.db, hotelId, "double");
		expect([11, 12, 13].map(d => freed.get(day(d))?.booked)).toEqual([0, 0, 0]);

		const events = (await outboxEvents(node.db)).filter(e => e.data.reservation.code === code);
		expect(events.map(e => [e.event, e.data.sequence])).toEqual([
			["reservations.reservation.confirmed", 0], ["reservations.reservation.modified", 1], ["reservations.reservation.cancelled", 2],
		]);
		const confirmed = events[0].data as unknown as { reservation: { guest: { email: string; locale: string } }; hotel: { name: string; timezone: string; address: { city: string } } };
		expect(confirmed.reservation.guest).toMatchObject({ email: "ada@example.com", locale: "fr" });
		expect(confirmed.hotel).toMatchObject({ name: "Hôtel du Lac", timezone: "Europe/Paris", address: { city: "Annecy" } });
	});
});

describe("booking never oversells (SQLite)", () => {
	it("books the last rooms and refuses the next with 409 NO_AVAILABILITY naming the night", async () => {
		const results = await Promise.all(Array.from({ length: 5 }, (_, i) => api().post("/api/v1/reservations").send(booking(hotelId, "double", 40, 42, { guest: guest(i) }))));
		expect(results.filter(r => r.status === 201)).toHaveLength(3);
		const refused = results.filter(r => r.status === 409);
		expect(refused).toHaveLength(2);
		expect(refused[0].body).toMatchObject({ type: "NO_AVAILABILITY", data: { roomTypeId: "double", night: day(40) } });
		const nights = await bookedByNight(node.db, hotelId, "double");
		expect(nights.get(day(40))).toEqual({ booked: 3, total: 3 });
	});
});

describe("idempotency keys", () => {
	it("replays the first answer, refuses another body with 422, books once", async () => {
		const before = await snapshot(node.db);
		const body = booking(hotelId, "suite", 50, 52, { guests: 3 });
		const first = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-1").send(body);
		expect(first.status).toBe(201);
		const replay = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-1").send(body);
		expect(replay.status).toBe(201);
		expect(replay.headers["idempotent-replayed"]).toBe("true");
		expect(replay.body).toEqual(first.body);
		const reused = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-1").send({ ...body, guests: 2 });
		expect(reused.status).toBe(422);
		expect(reused.body.type).toBe("IDEMPOTENCY_KEY_REUSED");
		const after = await snapshot(node.db);
		expect(after.reservations).toBe(before.reservations + 1);
		expect(after.booked).toBe(before.booked + 2);
	});

	it("stores and replays 409 NO_AVAILABILITY; does not store validation failures", async () => {
		const full = booking(hotelId, "suite", 50, 51, { guests: 1 });
		const a = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-2").send(full);
		expect(a.status).toBe(409);
		const b = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-2").send(full);
		expect(b.status).toBe(409);
		expect(b.body).toEqual(a.body);
		expect(b.headers["idempotent-replayed"]).toBe("true");

		const bad = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-3").send({ ...full, checkIn: day(-3) });
		expect(bad.status).toBe(422);
		const good = await api().post("/api/v1/reservations").set("Idempotency-Key", "key-3").send(booking(hotelId, "suite", 60, 61));
		expect(good.status).toBe(201);
	});

	it("refuses a key longer than 255 characters", async () => {
		const res = await api().post("/api/v1/reservations").set("Idempotency-Key", "k".repeat(256)).send(booking(hotelId, "double", 70, 71));
		expect(res.status).toBe(422);
	});
});

describe("tokens", () => {
	it("a guest token opens its own reservation only and never an admin route", async () => {
		const a = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 80, 81));
		const b = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 80, 81));
		expect((await api().get(`/api/v1/reservations/${b.body.code}`).set(auth(a.body.guestToken))).status).toBe(403);
		expect((await api().patch(`/api/v1/reservations/${b.body.code}`).set(auth(a.body.guestToken)).send({ rooms: 2 })).status).toBe(403);
		expect((await api().post(`/api/v1/reservations/${b.body.code}/cancel`).set(auth(a.body.guestToken))).status).toBe(403);
		expect((await api().get("/api/v1/reservations").set(auth(a.body.guestToken))).status).toBe(403);
		expect((await api().get(`/api/v1/hotels/${hotelId}/occupancy`).query({ from: day(0), to: day(5) }).set(auth(a.body.guestToken))).status).toBe(403);
		expect((await api().post(`/api/v1/reservations/${a.body.code}/check-in`).set(auth(a.body.guestToken))).status).toBe(403);
		expect((await api().get(`/api/v1/reservations/${a.body.code}`)).status).toBe(401);
		expect((await api().get(`/api/v1/reservations/${a.body.code}`).set(auth(node.admin))).status).toBe(200);
		const forged = signGuestToken(b.body.code, "another-secret-of-some-length-000000");
		expect((await api().get(`/api/v1/reservations/${b.body.code}`).set(auth(forged))).status).toBe(401);
		expect(loadConfig().jwtSecret).not.toBe("another-secret-of-some-length-000000");
	});
});

describe("bad inputs get a 4xx and write nothing", () => {
	// Every row has 4 cells: with fewer, jest would pass its `done` callback as `field`.
	const cases: [string, () => Record<string, unknown>, number, string | null][] = [
		["checkOut before checkIn", () => booking(hotelId, "double", 12, 10), 422, "checkOut"],
		["same day", () => booking(hotelId, "double", 12, 12), 422, "checkOut"],
		["31 nights", () => booking(hotelId, "double", 10, 41), 422, "checkOut"],
		["check-in yesterday", () => booking(hotelId, "double", -1, 2), 422, "checkIn"],
		["check-in 731 days ahead", () => booking(hotelId, "double", 731, 732), 422, "checkIn"],
		["too many guests for the rooms", () => booking(hotelId, "double", 10, 11, { guests: 3 }), 422, "guests"],
		["zero guests", () => booking(hotelId, "double", 10, 11, { guests: 0 }), 422, "guests"],
		["zero rooms", () => booking(hotelId, "double", 10, 11, { rooms: 0 }), 422, "rooms"],
		["rooms as a string", () => booking(hotelId, "double", 10, 11, { rooms: "1" }), 422, "rooms"],
		["not a date", () => ({ ...booking(hotelId, "double", 10, 11), checkIn: "2027-02-30" }), 422, "checkIn"],
		["unknown field", () => booking(hotelId, "double", 10, 11, { price: 1 }), 422, null],
		["unknown guest field", () => booking(hotelId, "double", 10, 11, { guest: { ...guest(), vip: true } }), 422, null],
		["bad email", () => booking(hotelId, "double", 10, 11, { guest: { ...guest(), email: "nope" } }), 422, "guest.email"],
		["no guest", () => { const { guest: _g, ...rest } = booking(hotelId, "double", 10, 11); return rest; }, 422, "guest"],
		["unknown hotel", () => booking("nope", "double", 10, 11), 404, null],
		["unknown room type", () => booking(hotelId, "penthouse", 10, 11), 404, null],
		["more rooms than exist", () => booking(hotelId, "suite", 90, 91, { rooms: 2 }), 409, null],
	];
	it.each(cases)("%s", async (_name, body, status, field) => {
		const before = await snapshot(node.db);
		const res = await api().post("/api/v1/reservations").send(body());
		expect(res.status).toBe(status);
		expect(typeof res.body.message).toBe("string");
		if (field) expect(JSON.stringify(res.body.data)).toContain(`"${field}"`);
		expect(await snapshot(node.db)).toEqual(before);
	});

	it("malformed JSON is a 400 and availability/search/occupancy refuse bad queries", async () => {
		const res = await api().post("/api/v1/reservations").set("Content-Type", "application/json").send("{\"hotelId\":");
		expect(res.status).toBe(400);
		expect((await api().get(`/api/v1/hotels/${hotelId}/availability`).query({ checkIn: day(5), checkOut: day(4) })).status).toBe(422);
		expect((await api().get(`/api/v1/hotels/${hotelId}/availability`).query({ checkIn: day(5), checkOut: day(6), guests: "x" })).status).toBe(422);
		expect((await api().get("/api/v1/hotels/nope/availability").query({ checkIn: day(5), checkOut: day(6) })).status).toBe(404);
		expect((await api().get("/api/v1/search").query({ checkIn: day(5), checkOut: day(6) })).status).toBe(422);
		expect((await api().get(`/api/v1/hotels/${hotelId}/occupancy`).query({ from: day(0), to: day(400) }).set(auth(node.admin))).status).toBe(422);
	});
});

describe("modification", () => {
	it("a refused change (409) leaves the reservation and the inventory exactly as they were", async () => {
		const mine = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 100, 102));
		expect(mine.status).toBe(201);
		for (let i = 0; i < 3; i++) expect((await api().post("/api/v1/reservations").send(booking(hotelId, "double", 103, 104))).status).toBe(201);
		const before = await snapshot(node.db);
		const res = await api().patch(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken)).send({ checkOut: day(104) });
		expect(res.status).toBe(409);
		expect(res.body).toMatchObject({ type: "NO_AVAILABILITY", data: { night: day(103) } });
		expect(await snapshot(node.db)).toEqual(before);
		const bad = await api().patch(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken)).send({ guests: 5 });
		expect(bad.status).toBe(422);
		expect((await api().patch(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken)).send({})).status).toBe(422);
		expect(await snapshot(node.db)).toEqual(before);
	});

	it("changes room type and rooms, recomputing the price", async () => {
		const mine = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 110, 112));
		const res = await api().patch(`/api/v1/reservations/${mine.body.code}`).set(auth(node.admin)).send({ roomTypeId: "suite", guests: 4 });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ roomTypeId: "suite", guests: 4, totalPrice: 60000 });
		expect((await bookedByNight(node.db, hotelId, "double")).get(day(110))?.booked).toBe(0);
		expect((await bookedByNight(node.db, hotelId, "suite")).get(day(110))?.booked).toBe(1);
	});

	it("a cancelled reservation cannot be changed (409 INVALID_STATE)", async () => {
		const mine = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 120, 121));
		await api().post(`/api/v1/reservations/${mine.body.code}/cancel`).set(auth(mine.body.guestToken));
		const res = await api().patch(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken)).send({ rooms: 2 });
		expect(res.status).toBe(409);
		expect(res.body.type).toBe("INVALID_STATE");
	});
});

describe("room-type sizes (hotels PATCH asks reservations, the message applies them)", () => {
	it("refuses a cut below what is booked with 409 INVENTORY_CONFLICT and changes nothing; accepts a cut above", async () => {
		const id = await createHotel(node, hotelBody("Les Canaux", [{ id: "single", totalRooms: 4 }, { id: "twin", totalRooms: 2 }]));
		for (let i = 0; i < 2; i++) expect((await api().post("/api/v1/reservations").send(booking(id, "single", 30, 31))).status).toBe(201);
		expect((await api().post("/api/v1/reservations").send(booking(id, "twin", 31, 32))).status).toBe(201);
		const before = await snapshot(node.db);
		const patch = (roomTypes: unknown) => api().patch(`/api/v1/hotels/${id}`).set(auth(node.admin)).send({ roomTypes });
		const rt = (rid: string, totalRooms: number) => ({ id: rid, name: `Room ${rid}`, capacity: 2, totalRooms, pricePerNight: 10000 });

		const cut = await patch([rt("single", 1), rt("twin", 2)]);
		expect(cut.status).toBe(409);
		expect(cut.body).toMatchObject({ type: "INVENTORY_CONFLICT", data: { roomTypeId: "single", night: day(30) } });
		const removed = await patch([rt("single", 4)]);
		expect(removed.status).toBe(409);
		expect(removed.body.data).toMatchObject({ roomTypeId: "twin", night: day(31) });
		expect(await snapshot(node.db)).toEqual(before);
		expect((await api().get(`/api/v1/hotels/${id}`)).body.roomTypes.map((r: { totalRooms: number }) => r.totalRooms)).toEqual([4, 2]);

		const ok = await patch([rt("single", 2), rt("twin", 3)]);
		expect(ok.status).toBe(200);
		// Reservations applies sizes from the hotel's message only (docs/inventory.md).
		await waitForCopy(node, id, ok.body.updatedAt);
		const avail = await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(30), checkOut: day(32) });
		expect(avail.body.roomTypes.map((r: { available: number }) => r.available)).toEqual([0, 2]);
		const far = await bookedByNight(node.db, id, "twin");
		expect(far.get(day(500))?.total).toBe(3);
	});

	it("a deactivated hotel is not bookable; its reservations stay valid", async () => {
		const id = await createHotel(node, hotelBody("Closing soon", [{ id: "double", totalRooms: 2 }]));
		const mine = await api().post("/api/v1/reservations").send(booking(id, "double", 5, 6));
		expect((await api().delete(`/api/v1/hotels/${id}`).set(auth(node.admin))).status).toBe(204);
		// The message arrives asynchronously.
		await waitFor("the deactivation in the reservations copy", async () => (await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(5), checkOut: day(6) })).status === 404, 5000, 20);
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", 5, 6))).status).toBe(404);
		expect((await api().get(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken))).body.status).toBe("confirmed");
		expect((await api().post(`/api/v1/reservations/${mine.body.code}/cancel`).set(auth(mine.body.guestToken))).status).toBe(200);
	});
});

describe("local copy of hotels (applyHotelMessage)", () => {
	it("is idempotent and ignores versions older than the one it holds", async () => {
		const id = await createHotel(node, hotelBody("Versioned", [{ id: "double", totalRooms: 2 }]));
		const svc = node.broker.getLocalService("reservations") as unknown as { applyHotelMessage(m: unknown): Promise<boolean> };
		const current = (await api().get(`/api/v1/hotels/${id}`)).body;
		const before = await snapshot(node.db);
		const message = (data: unknown) => ({ event: "hotels.hotel.updated", id: `m-${Math.random()}`, occurredAt: new Date().toISOString(), data });
		expect(await svc.applyHotelMessage(message(current))).toBe(true);
		expect(await snapshot(node.db)).toEqual(before);
		const older = { ...current, name: "Old name", roomTypes: [{ ...current.roomTypes[0], totalRooms: 9 }], updatedAt: "2000-01-01T00:00:00.000Z" };
		expect(await svc.applyHotelMessage(message(older))).toBe(false);
		expect(await snapshot(node.db)).toEqual(before);
		expect(await svc.applyHotelMessage(message({ id }))).toBe(false);
		const avail = await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(3), checkOut: day(4) });
		expect(avail.body.roomTypes[0]).toMatchObject({ name: "Room double", available: 2 });
	});

	it("fetches a hotel it has not heard of from the hotels service", async () => {
		const created = await node.broker.call<{ id: string }, Record<string, unknown>>("hotels.create", hotelBody("Unheard of", [{ id: "double", totalRooms: 1 }]));
		await node.db.exec("DELETE FROM hotel_copies WHERE id = :id", { id: created.id });
		const res = await api().post("/api/v1/reservations").send(booking(created.id, "double", 3, 4));
		expect(res.status).toBe(201);
	});
});

describe("admin: transitions, list, occupancy", () => {
	it("check-in only from the arrival date; check-out after check-in; no-show frees the nights", async () => {
		const later = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 3, 5));
		const early = await api().post(`/api/v1/reservations/${later.body.code}/check-in`).set(auth(node.admin));
		expect(early.status).toBe(409);
		expect(early.body.type).toBe("INVALID_STATE");
		expect((await api().post(`/api/v1/reservations/${later.body.code}/no-show`).set(auth(node.admin))).status).toBe(409);

		const today = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 0, 2));
		expect(today.status).toBe(201);
		expect((await api().post(`/api/v1/reservations/${today.body.code}/check-out`).set(auth(node.admin))).status).toBe(409);
		const inn = await api().post(`/api/v1/reservations/${today.body.code}/check-in`).set(auth(node.admin));
		expect(inn.status).toBe(200);
		expect(inn.body.status).toBe("checked_in");
		expect((await api().post(`/api/v1/reservations/${today.body.code}/cancel`).set(auth(node.admin))).status).toBe(409);
		const out = await api().post(`/api/v1/reservations/${today.body.code}/check-out`).set(auth(node.admin));
		expect(out.body.status).toBe("checked_out");
		// Left on the arrival day: the second night is free again.
		expect((await bookedByNight(node.db, hotelId, "double")).get(day(1))?.booked).toBe(0);

		const absent = await api().post("/api/v1/reservations").send(booking(hotelId, "double", 0, 3, { rooms: 2, guests: 2 }));
		const ns = await api().post(`/api/v1/reservations/${absent.body.code}/no-show`).set(auth(node.admin));
		expect(ns.body.status).toBe("no_show");
		const nights = await bookedByNight(node.db, hotelId, "double");
		// Night 0: the checked-out guest's and the no-show's first night (SPEC §10: it stays sold); the later nights are free.
		expect([0, 1, 2].map(d => nights.get(day(d))?.booked)).toEqual([3, 0, 0]);
	});

	it("lists with filters and pages; occupancy equals the booked nights", async () => {
		for (let i = 0; i < 3; i++) await api().post("/api/v1/reservations").send(booking(hotelId, "suite", 200 + i, 201 + i, { guest: { ...guest(), email: "ada@example.com" } }));
		const list = await api().get("/api/v1/reservations").query({ hotelId, status: "confirmed", pageSize: 2 }).set(auth(node.admin));
		expect(list.status).toBe(200);
		expect(list.body).toMatchObject({ page: 1, pageSize: 2 });
		expect(list.body.rows).toHaveLength(2);
		expect(list.body.total).toBeGreaterThan(2);
		const byEmail = await api().get("/api/v1/reservations").query({ email: "ADA@example.com" }).set(auth(node.admin));
		expect(byEmail.body.rows.every((r: { guest: { email: string } }) => r.guest.email === "ada@example.com")).toBe(true);

		const occ = await api().get(`/api/v1/hotels/${hotelId}/occupancy`).query({ from: day(200), to: day(202) }).set(auth(node.admin));
		expect(occ.status).toBe(200);
		expect(occ.body.days).toHaveLength(2);
		expect(occ.body.days[0]).toMatchObject({ date: day(200), occupancy: 0.25, roomTypes: [{ roomTypeId: "double", total: 3, booked: 0 }, { roomTypeId: "suite", total: 1, booked: 1 }] });
	});
});
