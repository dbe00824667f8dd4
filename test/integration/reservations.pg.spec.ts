/**
 * The invariants of SPEC §5 on the distributed shape: two brokers (each with a gateway and the
 * reservations service) on ONE PostgreSQL database, connected through real RabbitMQ. Requests
 * alternate between the two gateways, so bookings race across processes' connection pools.
 */
import request from "supertest";
import { AMQP_URL, createTestDatabase, describeWithServers, dropTestDatabase, serversMissing, uniqueName } from "../helpers/infra";
import { booking, bookedByNight, createHotel, day, guest, hotelBody, outboxEvents, snapshot, startNode, waitForCopy, type Node } from "./reservations.fixtures";

const NEEDS: ("pg" | "amqp")[] = ["pg", "amqp"];

describeWithServers("reservations on PostgreSQL + RabbitMQ, two nodes", NEEDS, () => {
	let a: Node;
	let b: Node;
	let dbUrl = "";
	let skip = false;
	const nodes = () => [a, b];
	const via = (i: number) => request(nodes()[i % 2].http);
	const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

	beforeAll(async () => {
		skip = await serversMissing(NEEDS);
		if (skip) return;
		dbUrl = await createTestDatabase("hb_res");
		process.env.RESERVATIONS_DB_URL = dbUrl;
		process.env.TRANSPORTER = AMQP_URL;
		process.env.NAMESPACE = uniqueName("res");
		process.env.DATA_DIR = ":memory:";
		// One node owns the hotels (its store is in memory); both run reservations and a gateway.
		// Started one after the other: the first runs the migrations.
		a = await startNode(["api", "hotels", "reservations"], `${process.env.NAMESPACE}-a`);
		b = await startNode(["api", "reservations"], `${process.env.NAMESPACE}-b`);
		await b.broker.waitForServices(["hotels"], 10_000);
	}, 60_000);

	afterAll(async () => {
		await b?.broker.stop();
		await a?.broker.stop();
		delete process.env.RESERVATIONS_DB_URL;
		delete process.env.TRANSPORTER;
		delete process.env.NAMESPACE;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 60_000);

	it("50 concurrent bookings for 3 rooms: exactly 3 succeed, the rest 409 NO_AVAILABILITY", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Three rooms", [{ id: "double", totalRooms: 3 }]));
		const results = await Promise.all(Array.from({ length: 50 }, (_, i) => via(i).post("/api/v1/reservations").send(booking(hotelId, "double", 20, 23, { guest: guest(i) }))));
		const statuses = results.map(r => r.status);
		expect(statuses.filter(s => s === 201)).toHaveLength(3);
		expect(statuses.filter(s => s === 409)).toHaveLength(47);
		expect(results.filter(r => r.status === 409).every(r => r.body.type === "NO_AVAILABILITY")).toBe(true);

		const nights = await bookedByNight(a.db, hotelId, "double");
		for (const d of [20, 21, 22]) expect(nights.get(day(d))).toEqual({ booked: 3, total: 3 });
		const [{ n }] = await a.db.select<{ n: string }>("SELECT COUNT(*) AS n FROM reservations WHERE hotel_id = :h", { h: hotelId });
		expect(Number(n)).toBe(3);
		const codes = new Set(results.filter(r => r.status === 201).map(r => r.body.code));
		const confirmed = (await outboxEvents(a.db)).filter(e => e.event === "reservations.reservation.confirmed" && codes.has(e.data.reservation.code));
		expect(confirmed).toHaveLength(3);
	});

	it("the one-statement booking refuses when one night of the stay is full: every night unchanged, no reservation, no outbox row", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("One night full", [{ id: "double", totalRooms: 2 }]));
		expect((await via(0).post("/api/v1/reservations").send(booking(hotelId, "double", 42, 43, { rooms: 2, guests: 2 }))).status).toBe(201);
		const before = await snapshot(a.db);
		const nightsBefore = await bookedByNight(a.db, hotelId, "double");
		const refused = await via(1).post("/api/v1/reservations").set("Idempotency-Key", "one-night-full").send(booking(hotelId, "double", 40, 45));
		expect(refused.status).toBe(409);
		expect(refused.body).toMatchObject({ type: "NO_AVAILABILITY", data: { night: day(42), available: 0 } });
		expect(await snapshot(a.db)).toEqual(before);
		expect(await bookedByNight(a.db, hotelId, "double")).toEqual(nightsBefore);
		// The refusal is stored under the key (in its own transaction), not a booking.
		const [key] = await a.db.select<{ status: string; response_status: number | string }>(`SELECT status, response_status FROM idempotency_keys WHERE "key" = 'one-night-full'`);
		expect({ status: key.status, code: Number(key.response_status) }).toEqual({ status: "done", code: 409 });
		// The nights around the full one are still free: the whole stay minus that night books.
		expect((await via(1).post("/api/v1/reservations").send(booking(hotelId, "double", 40, 42))).status).toBe(201);
	});

	it("a node books with its hotel copy in memory only while it is the current version: a deactivation elsewhere refuses at once", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Copy in memory", [{ id: "double", totalRooms: 5, pricePerNight: 10000 }]));
		// Both nodes now hold the copy in memory.
		for (const i of [0, 1]) expect((await via(i).post("/api/v1/reservations").send(booking(hotelId, "double", 50, 51))).status).toBe(201);
		// A new version reaches the store without passing through node b (as when node a consumed the message).
		await a.db.exec(`UPDATE hotel_copies SET updated_at = :v, data = :data WHERE id = :id`, {
			id: hotelId, v: "2999-01-01T00:00:00.000Z",
			data: JSON.stringify({ ...(await a.broker.call<Record<string, unknown>, { id: string }>("hotels.resolve", { id: hotelId })), roomTypes: [{ id: "double", name: "Room double", capacity: 2, totalRooms: 5, pricePerNight: 12345 }] }),
		});
		const repriced = await via(1).post("/api/v1/reservations").send(booking(hotelId, "double", 52, 53));
		expect(repriced.status).toBe(201);
		expect(repriced.body.totalPrice).toBe(12345);
		// Deactivated in the store only: node b's copy in memory must not book.
		await a.db.exec(`UPDATE hotel_copies SET active = false WHERE id = :id`, { id: hotelId });
		const before = await snapshot(a.db);
		const refused = await via(1).post("/api/v1/reservations").send(booking(hotelId, "double", 54, 55));
		expect(refused.status).toBe(404);
		expect(await snapshot(a.db)).toEqual(before);
	});

	it("random overlapping stays never exceed capacity on any night; occupancy equals what was won", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Busy", [{ id: "twin", totalRooms: 5 }, { id: "suite", totalRooms: 2, capacity: 4 }]));
		let seed = 42;
		const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n; };
		const asks = Array.from({ length: 80 }, () => {
			const from = 10 + rnd(12);
			return { roomTypeId: rnd(3) ? "twin" : "suite", from, to: from + 1 + rnd(5), rooms: 1 + rnd(2) };
		});
		const results = await Promise.all(asks.map((q, i) => via(i).post("/api/v1/reservations").send(booking(hotelId, q.roomTypeId, q.from, q.to, { rooms: q.rooms, guests: q.rooms, guest: guest(i) }))));
		expect(results.every(r => r.status === 201 || (r.status === 409 && r.body.type === "NO_AVAILABILITY"))).toBe(true);
		const won = results.filter(r => r.status === 201).map(r => r.body as { roomTypeId: string; checkIn: string; checkOut: string; rooms: number });
		expect(won.length).toBeGreaterThan(5);

		const occ = await via(0).get(`/api/v1/hotels/${hotelId}/occupancy`).query({ from: day(10), to: day(30) }).set(auth(a.admin));
		expect(occ.status).toBe(200);
		for (const rt of [{ id: "twin", total: 5 }, { id: "suite", total: 2 }]) {
			const nights = await bookedByNight(a.db, hotelId, rt.id);
			for (let d = 10; d < 30; d++) {
				const date = day(d);
				const expected = won.filter(w => w.roomTypeId === rt.id && w.checkIn <= date && date < w.checkOut).reduce((s, w) => s + w.rooms, 0);
				expect(expected).toBeLessThanOrEqual(rt.total);
				expect(nights.get(date)).toEqual({ booked: expected, total: rt.total });
				const reported = (occ.body.days as { date: string; roomTypes: { roomTypeId: string; booked: number }[] }[]).find(x => x.date === date)!.roomTypes.find(x => x.roomTypeId === rt.id)!;
				expect(reported.booked).toBe(expected);
			}
		}
	});

	it("idempotency storm: 20 concurrent requests with one key make one reservation", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Storm", [{ id: "double", totalRooms: 50 }]));
		const body = booking(hotelId, "double", 30, 32);
		const results = await Promise.all(Array.from({ length: 20 }, (_, i) => via(i).post("/api/v1/reservations").set("Idempotency-Key", "storm-key").send(body)));
		expect(results.every(r => r.status === 201 || (r.status === 409 && r.body.type === "IDEMPOTENCY_KEY_IN_USE"))).toBe(true);
		const codes = new Set(results.filter(r => r.status === 201).map(r => r.body.code));
		expect(codes.size).toBe(1);
		const [{ n }] = await a.db.select<{ n: string }>("SELECT COUNT(*) AS n FROM reservations WHERE hotel_id = :h", { h: hotelId });
		expect(Number(n)).toBe(1);
		expect((await bookedByNight(a.db, hotelId, "double")).get(day(30))?.booked).toBe(1);
		const replay = await via(1).post("/api/v1/reservations").set("Idempotency-Key", "storm-key").send(body);
		expect(replay.status).toBe(201);
		expect(replay.headers["idempotent-replayed"]).toBe("true");
		expect(codes.has(replay.body.code)).toBe(true);
	});

	it("a failed modification changes nothing; cancel frees the nights for the next guest", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Two rooms", [{ id: "double", totalRooms: 2 }]));
		const mine = await via(0).post("/api/v1/reservations").send(booking(hotelId, "double", 40, 42));
		const other = await via(1).post("/api/v1/reservations").send(booking(hotelId, "double", 42, 43, { rooms: 2, guests: 2 }));
		expect([mine.status, other.status]).toEqual([201, 201]);
		const before = await snapshot(a.db);
		// Racing changes that all need the full night 42: none may pass.
		const changes = await Promise.all([0, 1, 2, 3].map(i => via(i).patch(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken)).send({ checkOut: day(43) })));
		expect(changes.map(r => r.status)).toEqual([409, 409, 409, 409]);
		expect(await snapshot(a.db)).toEqual(before);

		const blocked = await via(1).post("/api/v1/reservations").send(booking(hotelId, "double", 42, 43));
		expect(blocked.status).toBe(409);
		const cancelled = await via(1).post(`/api/v1/reservations/${other.body.code}/cancel`).set(auth(other.body.guestToken));
		expect(cancelled.body.status).toBe("cancelled");
		expect((await bookedByNight(a.db, hotelId, "double")).get(day(42))?.booked).toBe(0);
		const moved = await via(0).patch(`/api/v1/reservations/${mine.body.code}`).set(auth(mine.body.guestToken)).send({ checkOut: day(43) });
		expect(moved.status).toBe(200);
		expect((await bookedByNight(a.db, hotelId, "double")).get(day(42))?.booked).toBe(1);
	});

	it("a room-type cut racing with bookings never leaves a night booked beyond its total", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Shrinking", [{ id: "double", totalRooms: 6 }]));
		const rt = (totalRooms: number) => [{ id: "double", name: "Room double", capacity: 2, totalRooms, pricePerNight: 10000 }];
		const [cut, ...books] = await Promise.all([
			via(0).patch(`/api/v1/hotels/${hotelId}`).set(auth(a.admin)).send({ roomTypes: rt(3) }),
			...Array.from({ length: 8 }, (_, i) => via(i).post("/api/v1/reservations").send(booking(hotelId, "double", 50, 52, { guest: guest(i) }))),
		]);
		const won = books.filter(r => r.status === 201).length;
		expect(books.every(r => r.status === 201 || r.status === 409)).toBe(true);
		// Either the cut was accepted, and its size reaches the inventory with the hotel's message,
		// or it was refused because more were sold. A booking committed between the (read-only)
		// check and the message keeps its room: the night is then full (total = booked), never over.
		if (cut.status === 200) await waitForCopy(a, hotelId, cut.body.updatedAt);
		else expect(cut.body).toMatchObject({ type: "INVENTORY_CONFLICT" });
		const nights = await bookedByNight(a.db, hotelId, "double");
		for (const d of [50, 51]) {
			const n = nights.get(day(d))!;
			expect(n.booked).toBe(won);
			expect(n.booked).toBeLessThanOrEqual(n.total);
			expect(n.total).toBe(cut.status === 200 ? Math.max(3, won) : 6);
		}
	});

	it("bad inputs get a 4xx and write nothing", async () => {
		if (skip) return;
		const hotelId = await createHotel(a, hotelBody("Strict", [{ id: "double", totalRooms: 2 }]));
		const before = await snapshot(a.db);
		const bad = [
			booking(hotelId, "double", 5, 4), booking(hotelId, "double", -2, 1), booking(hotelId, "double", 5, 40),
			booking(hotelId, "double", 5, 6, { guests: 9 }), booking(hotelId, "double", 5, 6, { extra: 1 }),
			booking("missing", "double", 5, 6), booking(hotelId, "nope", 5, 6), booking(hotelId, "double", 5, 6, { rooms: 3, guests: 3 }),
		];
		const results = await Promise.all(bad.map((body, i) => via(i).post("/api/v1/reservations").send(body)));
		expect(results.map(r => r.status)).toEqual([422, 422, 422, 422, 422, 404, 404, 409]);
		expect(await snapshot(a.db)).toEqual(before);
	});

	it("the database itself refuses a night booked beyond its total (CHECK constraint)", async () => {
		if (skip) return;
		await expect(a.db.exec("UPDATE inventory SET booked = total + 1 WHERE night = :n", { n: day(20) })).rejects.toThrow(/check constraint|inventory_booked_range/i);
	});
});
