/**
 * Rate plans, the calendar, offers and overbooking (SPEC §9) through the gateway, on SQLite
 * (embedded shape) and on PostgreSQL: bulk calendar updates all or nothing, a price change
 * racing bookings, the overbook limit under concurrent bookings, every restriction refusing
 * with nothing written, bookings without a plan as before, bad input on every new field.
 */
import request from "supertest";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing, uniqueName } from "../helpers/infra";
import { booking, bookedByNight, createHotel, day, guest, hotelBody, outboxEvents, snapshot, startNode, TZ, type Node } from "./reservations.fixtures";
import { addDays, localDate } from "../../services/reservations/stay";
import { weekdayOf } from "../../services/reservations/calendar";
import { waitFor } from "../helpers/wait";
import { AVAILABILITY_CHANGED } from "../../services/reservations/availability-feed";
import { benchCalendar, benchHotel } from "../../scripts/seed-large";

const SERVICES: ("api" | "hotels" | "reservations")[] = ["api", "hotels", "reservations"];

/** A hotel with two own plans and a derived saver (−12 %, 14 days ahead), two room types. */
function planHotel(name: string, o: { totalRooms?: number } = {}) {
	const body = hotelBody(name, [{ id: "double", totalRooms: o.totalRooms ?? 5, pricePerNight: 10000 }, { id: "suite", totalRooms: 2, capacity: 4, pricePerNight: 20000 }]);
	return {
		...body,
		checkInTime: "14:00",
		roomTypes: body.roomTypes.map(rt => (rt.id === "suite" ? { ...rt, baseOccupancy: 2, extraGuestPerNight: 3000 } : rt)),
		ratePlans: [
			{ id: "flex", name: "Flexible", includes: ["breakfast"] },
			{ id: "saver", name: "Saver", derivedFrom: { ratePlanId: "flex", percent: -12 }, minAdvanceDays: 14, cancellationPolicy: { refundable: false } },
			{ id: "long", name: "Long stay", roomTypeIds: ["double"], maxAdvanceDays: 300 },
		],
	};
}

function suite(dialect: "sqlite" | "pg") {
	let node: Node;
	let skip = false;
	let dbUrl = "";
	const api = () => request(node.http);
	const admin = () => ({ Authorization: `Bearer ${node.admin}` });
	const put = (id: string, updates: unknown[]) => api().put(`/api/v1/hotels/${id}/calendar`).set(admin()).send({ updates });
	const calendar = (id: string, q: Record<string, string>) => api().get(`/api/v1/hotels/${id}/calendar`).set(admin()).query(q);
	/** The nightly prices and restrictions the calendar holds: what a refused update must leave as it was. */
	const rates = async (id: string) => node.db.select(`SELECT room_type_id, rate_plan_id, night, price, min_stay, max_stay, closed, closed_to_arrival, closed_to_departure FROM rates WHERE hotel_id = :id ORDER BY 1, 2, 3`, { id });
	const overbook = async (id: string) => node.db.select(`SELECT room_type_id, night, overbook_limit, rate_version FROM inventory WHERE hotel_id = :id AND overbook_limit <> 0 ORDER BY 1, 2`, { id });

	beforeAll(async () => {
		process.env.DATA_DIR = ":memory:";
		delete process.env.TRANSPORTER;
		if (dialect === "pg") {
			skip = await serversMissing(["pg"]);
			if (skip) return;
			dbUrl = await createTestDatabase("hb_rates");
			process.env.RESERVATIONS_DB_URL = dbUrl;
			process.env.NAMESPACE = uniqueName("rates");
		} else delete process.env.RESERVATIONS_DB_URL;
		node = await startNode(SERVICES);
	}, 60_000);

	afterAll(async () => {
		await node?.broker.stop();
		delete process.env.RESERVATIONS_DB_URL;
		delete process.env.NAMESPACE;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 60_000);

	it("offers per room type: plans with nightly prices, inclusions and terms; restricted plans with the reason", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Offers") as never);
		const res = await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(3), checkOut: day(5), guests: 3 });
		expect(res.status).toBe(200);
		const [suiteRoom] = res.body.roomTypes;
		expect(suiteRoom.roomTypeId).toBe("suite"); // only the suite fits 3
		// One guest above baseOccupancy 2: 3000 more per night.
		expect(suiteRoom.offers).toEqual([expect.objectContaining({ ratePlanId: "flex", name: "Flexible", includes: ["breakfast"], totalPrice: 46000,
			nightly: [{ date: day(3), price: 23000 }, { date: day(4), price: 23000 }], cancellation: expect.objectContaining({ refundable: true }) })]);
		expect(suiteRoom.restricted).toEqual([{ ratePlanId: "saver", name: "Saver", reason: "MIN_ADVANCE", minAdvanceDays: 14 }]);
		expect(suiteRoom).toMatchObject({ pricePerNight: 23000, totalPrice: 46000, available: 2 });

		const far = await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(20), checkOut: day(22) });
		const double = far.body.roomTypes.find((r: { roomTypeId: string }) => r.roomTypeId === "double");
		expect(double.offers.map((o: { ratePlanId: string; totalPrice: number }) => [o.ratePlanId, o.totalPrice])).toEqual([["saver", 17600], ["flex", 20000], ["long", 20000]]);
		expect(double.offers[0].cancellation).toMatchObject({ refundable: false, freeUntil: null });
		expect(double).toMatchObject({ pricePerNight: 8800, totalPrice: 17600 });

		const search = await api().get("/api/v1/search").query({ city: "Annecy", checkIn: day(20), checkOut: day(22) });
		const hit = search.body.rows.find((h: { hotelId: string }) => h.hotelId === id);
		expect(hit.fromPrice).toBe(17600);
		// Ranked without the schedules, the page's hotels are built in full: every offer has its terms.
		const offers = hit.roomTypes.flatMap((r: { offers: { cancellation: unknown }[] }) => r.offers);
		expect(offers.length).toBeGreaterThan(0);
		for (const o of offers) expect(o.cancellation).toMatchObject({ refundable: expect.any(Boolean), schedule: expect.any(Array) });
	});

	it("a bulk update applies all its updates or none; weekday masks; changedNights; the calendar shows it", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Bulk") as never);
		const from = day(30);
		const to = day(44);
		const before = await rates(id);
		// The second update is refused (unknown room type): the first is not applied either.
		const bad = await put(id, [
			{ roomTypeIds: ["double"], from, to, set: { price: 15000 } },
			{ roomTypeIds: ["attic"], from, to, set: { minStay: 2 } },
		]);
		expect(bad.status).toBe(422);
		expect(bad.body.data.map((f: { field: string }) => f.field)).toEqual(["updates[1].roomTypeIds[0]"]);
		expect(await rates(id)).toEqual(before);

		// A refusal found while writing (an overbook limit below what is booked) rolls back what was written before it.
		expect((await put(id, [{ roomTypeIds: ["double"], from, to, set: { overbookLimit: 1 } }])).status).toBe(200);
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", 35, 36, { rooms: 6, guests: 6 }))).status).toBe(201);
		const obBefore = await overbook(id);
		const conflict = await put(id, [
			{ roomTypeIds: ["double", "suite"], from, to, set: { price: 15000, closedToArrival: true } },
			{ roomTypeIds: ["double"], from: day(35), to: day(36), set: { overbookLimit: null } },
		]);
		expect(conflict.status).toBe(409);
		expect(conflict.body).toMatchObject({ type: "INVENTORY_CONFLICT", data: { roomTypeId: "double", night: day(35), booked: 6 } });
		expect(await rates(id)).toEqual(before);
		expect(await overbook(id)).toEqual(obBefore);

		// Summer weekends for two room types and a Saturday minimum stay, in one request.
		const ok = await put(id, [
			{ roomTypeIds: ["double", "suite"], ratePlanIds: ["flex"], from, to, weekdays: ["fri", "sat"], set: { price: 18000 } },
			{ roomTypeIds: ["double", "suite"], from, to, weekdays: ["sat"], set: { minStay: 2 } },
		]);
		expect(ok.status).toBe(200);
		const dates = Array.from({ length: 14 }, (_, i) => addDays(from, i));
		const fri = dates.filter(d => weekdayOf(d) === "fri").length;
		const sat = dates.filter(d => weekdayOf(d) === "sat").length;
		// 2 room types × flex × (fri + sat) + (double: flex + long; suite: flex) × sat
		expect(ok.body).toEqual({ changedNights: 2 * (fri + sat) + 3 * sat });

		const cal = await calendar(id, { from, to, roomTypeId: "double" });
		expect(cal.status).toBe(200);
		expect(cal.body.rows.map((r: { ratePlanId: string }) => r.ratePlanId)).toEqual(["flex", "saver", "long"]);
		const [flexRow, saverRow, longRow] = cal.body.rows;
		for (const [i, d] of dates.entries()) {
			const w = weekdayOf(d);
			const weekend = w === "fri" || w === "sat";
			expect(flexRow.days[i]).toMatchObject({ date: d, price: weekend ? 18000 : 10000, minStay: w === "sat" ? 2 : null, total: 5, overbookLimit: 1 });
			// The saver follows flex's price and inherits its Saturday minimum; "long" has its own calendar.
			expect(saverRow.days[i]).toMatchObject({ price: weekend ? 15840 : 8800, minStay: w === "sat" ? 2 : null });
			expect(longRow.days[i]).toMatchObject({ price: 10000, minStay: w === "sat" ? 2 : null });
		}
		expect(flexRow.days[5]).toMatchObject({ date: day(35), booked: 6, available: 0 });

		// `price: null` goes back to the default; the table keeps no empty rows.
		expect((await put(id, [{ roomTypeIds: ["suite"], ratePlanIds: ["flex"], from, to, set: { price: null, minStay: null } }])).status).toBe(200);
		const rows = await node.db.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM rates WHERE hotel_id = :id AND room_type_id = 'suite'`, { id });
		expect(Number(rows[0].n)).toBe(0);
	});

	it("a price on a derived plan, and bad input on every calendar field, is a 422 that writes nothing", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Calendar input") as never);
		const before = await rates(id);
		const u = (o: Record<string, unknown>) => ({ from: day(10), to: day(12), set: { price: 12000 }, ...o });
		const cases: [string, unknown[]][] = [
			["derived price", [u({ ratePlanIds: ["saver"] })]],
			["unknown plan", [u({ ratePlanIds: ["nope"] })]],
			["to before from", [u({ from: day(12), to: day(10) })]],
			["more than 730 days", [u({ to: day(10 + 731) })]],
			["bad weekday", [u({ weekdays: ["fri", "someday"] })]],
			["unknown set field", [u({ set: { price: 1000, colour: "red" } })]],
			["empty set", [u({ set: {} })]],
			["price 0", [u({ set: { price: 0 } })]],
			["price not integer", [u({ set: { price: 100.5 } })]],
			["minStay 0", [u({ set: { minStay: 0 } })]],
			["minStay above maxStay", [u({ set: { minStay: 4, maxStay: 2 } })]],
			["closed not a boolean", [u({ set: { closed: "yes" } })]],
			["negative overbook", [u({ set: { overbookLimit: -1 } })]],
			["not a date", [u({ from: "2027-02-30" })]],
			["unknown update field", [u({ hotel: "x" })]],
			["no updates", []],
			["101 updates", Array.from({ length: 101 }, () => u({}))],
		];
		for (const [what, updates] of cases) {
			const res = await put(id, updates);
			expect([what, res.status, res.body.type]).toEqual([what, 422, "VALIDATION_ERROR"]);
		}
		expect(await rates(id)).toEqual(before);
		for (const q of [{ from: day(10), to: day(10) }, { from: day(0), to: day(367) }, { from: "x", to: day(3) }]) {
			expect((await calendar(id, q)).status).toBe(422);
		}
		expect((await api().get(`/api/v1/hotels/${id}/calendar`).query({ from: day(1), to: day(3) })).status).toBe(401);
		expect((await calendar("htl_unknown", { from: day(1), to: day(3) })).status).toBe(404);
	});

	it("bad input on every new hotel field is a 422; a hotel without plans sells the standard plan as before", async () => {
		if (skip) return;
		const plain = await createHotel(node, hotelBody("No plans", [{ id: "double", totalRooms: 3, pricePerNight: 12000 }]));
		const res = await api().post("/api/v1/reservations").send(booking(plain, "double", 5, 8, { guests: 2 }));
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ totalPrice: 36000, ratePlanId: "standard", ratePlanName: "Standard",
			nightly: [{ date: day(5), price: 12000 }, { date: day(6), price: 12000 }, { date: day(7), price: 12000 }],
			cancellation: expect.objectContaining({ refundable: true }) });
		const hotelRes = await api().get(`/api/v1/hotels/${plain}`);
		expect(hotelRes.body.ratePlans).toBeUndefined();

		const base = planHotel("Bad");
		const plans = base.ratePlans;
		const bad: [string, Record<string, unknown>][] = [
			["duplicate plan id", { ratePlans: [plans[0], plans[0]] }],
			["unknown room type", { ratePlans: [{ ...plans[0], roomTypeIds: ["attic"] }] }],
			["derived from derived", { ratePlans: [plans[0], plans[1], { id: "x", name: "X", derivedFrom: { ratePlanId: "saver", percent: 5 } }] }],
			["derived from itself", { ratePlans: [plans[0], { id: "x", name: "X", derivedFrom: { ratePlanId: "x", percent: 5 } }] }],
			["percent below −100", { ratePlans: [plans[0], { id: "x", name: "X", derivedFrom: { ratePlanId: "flex", percent: -101 } }] }],
			["percent above 500", { ratePlans: [plans[0], { id: "x", name: "X", derivedFrom: { ratePlanId: "flex", percent: 501 } }] }],
			["amount not integer", { ratePlans: [plans[0], { id: "x", name: "X", derivedFrom: { ratePlanId: "flex", amount: 10.5 } }] }],
			["percent and amount", { ratePlans: [plans[0], { id: "x", name: "X", derivedFrom: { ratePlanId: "flex", amount: 10, percent: 1 } }] }],
			["derived with a price field", { ratePlans: [plans[0], { id: "x", name: "X", price: 100, derivedFrom: { ratePlanId: "flex", amount: 10 } }] }],
			["minAdvanceDays negative", { ratePlans: [{ ...plans[0], minAdvanceDays: -1 }] }],
			["maxAdvanceDays above 730", { ratePlans: [{ ...plans[0], maxAdvanceDays: 731 }] }],
			["min above max advance", { ratePlans: [{ ...plans[0], minAdvanceDays: 20, maxAdvanceDays: 10 }] }],
			["bad plan id", { ratePlans: [{ ...plans[0], id: "no spaces" }] }],
			["bad policy", { ratePlans: [{ ...plans[0], cancellationPolicy: { refundable: "yes" } }] }],
			["no active plan", { ratePlans: [{ ...plans[0], active: false }] }],
			["checkInTime", { checkInTime: "25:00" }],
			["checkOutTime", { checkOutTime: "11h" }],
			["baseOccupancy above capacity", { roomTypes: [{ ...base.roomTypes[0], baseOccupancy: 3 }] }],
			["baseOccupancy 0", { roomTypes: [{ ...base.roomTypes[0], baseOccupancy: 0 }] }],
			["extraGuestPerNight negative", { roomTypes: [{ ...base.roomTypes[0], extraGuestPerNight: -1 }] }],
		];
		for (const [what, change] of bad) {
			const created = await api().post("/api/v1/hotels").set(admin()).send({ ...base, ...change });
			expect([what, created.status, created.body.type]).toEqual([what, 422, "VALIDATION_ERROR"]);
		}
		// A PATCH that removes a room type a plan sells is refused too.
		const id = await createHotel(node, base as never);
		const patch = await api().patch(`/api/v1/hotels/${id}`).set(admin()).send({ ratePlans: [{ id: "flex", name: "F", roomTypeIds: ["nope"] }] });
		expect(patch.status).toBe(422);
		// Booking input: a malformed, unknown or non-selling plan.
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", 20, 21, { ratePlanId: "no spaces" }))).status).toBe(422);
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", 20, 21, { ratePlanId: "nope" }))).status).toBe(404);
		expect((await api().post("/api/v1/reservations").send(booking(id, "suite", 20, 21, { ratePlanId: "long" }))).status).toBe(422);
	});

	it("every restriction refuses the booking with 409 STAY_RESTRICTED and its reason, writing nothing", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Restricted") as never);
		const f = 60;
		const r = await put(id, [
			{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(f), to: day(f + 1), set: { minStay: 3 } },
			{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(f + 10), to: day(f + 11), set: { maxStay: 2 } },
			{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(f + 21), to: day(f + 22), set: { closed: true } },
			{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(f + 30), to: day(f + 31), set: { closedToArrival: true } },
			{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(f + 42), to: day(f + 43), set: { closedToDeparture: true } },
		]);
		expect(r.status).toBe(200);
		const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
			["MIN_STAY", booking(id, "double", f, f + 2, { ratePlanId: "flex" }), { minStay: 3 }],
			["MAX_STAY", booking(id, "double", f + 10, f + 13, { ratePlanId: "flex" }), { maxStay: 2 }],
			["CLOSED", booking(id, "double", f + 20, f + 23, { ratePlanId: "flex" }), { date: day(f + 21) }],
			["CLOSED_TO_ARRIVAL", booking(id, "double", f + 30, f + 32, { ratePlanId: "flex" }), { date: day(f + 30) }],
			["CLOSED_TO_DEPARTURE", booking(id, "double", f + 40, f + 42, { ratePlanId: "flex" }), { date: day(f + 42) }],
			["MIN_ADVANCE", booking(id, "double", 2, 3, { ratePlanId: "saver" }), { minAdvanceDays: 14 }],
			["MAX_ADVANCE", booking(id, "double", 400, 401, { ratePlanId: "long" }), { maxAdvanceDays: 300 }],
		];
		// The derived saver inherits flex's minimum stay.
		cases.push(["MIN_STAY", booking(id, "double", f, f + 1, { ratePlanId: "saver" }), { minStay: 3 }]);
		for (const [reason, body, value] of cases) {
			const before = await snapshot(node.db);
			const res = await api().post("/api/v1/reservations").set("Idempotency-Key", `k-${reason}-${body.ratePlanId}`).send(body);
			expect([reason, res.status, res.body.type]).toEqual([reason, 409, "STAY_RESTRICTED"]);
			expect(res.body.data).toEqual({ reason, ratePlanId: body.ratePlanId, ...value });
			expect(await snapshot(node.db)).toEqual(before);
		}
		// The same stays sell under a plan without the restriction, and the availability says why.
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", f, f + 2, { ratePlanId: "long" }))).status).toBe(201);
		const avail = await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(f), checkOut: day(f + 2) });
		const double = avail.body.roomTypes.find((x: { roomTypeId: string }) => x.roomTypeId === "double");
		expect(double.restricted).toEqual([{ ratePlanId: "flex", name: "Flexible", reason: "MIN_STAY", minStay: 3 }, { ratePlanId: "saver", name: "Saver", reason: "MIN_STAY", minStay: 3 }]);
		expect(double.offers.map((o: { ratePlanId: string }) => o.ratePlanId)).toEqual(["long"]);
	});

	it("a booking keeps its plan and nightly prices; a date change keeps kept nights' prices and re-checks restrictions", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Modify") as never);
		const res = await api().post("/api/v1/reservations").send(booking(id, "double", 50, 53, { ratePlanId: "flex", guest: guest(7) }));
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ ratePlanId: "flex", ratePlanName: "Flexible", totalPrice: 30000 });
		const [msg] = (await outboxEvents(node.db)).filter(e => e.data.reservation.code === res.body.code) as unknown as { data: { reservation: Record<string, unknown> } }[];
		expect(msg.data.reservation).toMatchObject({ ratePlanId: "flex", ratePlanName: "Flexible", nightly: res.body.nightly });

		// An Idempotency-Key replays the answer with the plan and the nightly prices.
		const keyed = booking(id, "suite", 50, 52, { ratePlanId: "flex", guests: 3, guest: guest(8) });
		const first = await api().post("/api/v1/reservations").set("Idempotency-Key", "rates-replay").send(keyed);
		const replay = await api().post("/api/v1/reservations").set("Idempotency-Key", "rates-replay").send(keyed);
		expect(first.status).toBe(201);
		expect(replay.headers["idempotent-replayed"]).toBe("true");
		expect(replay.body).toEqual(first.body);
		expect(first.body).toMatchObject({ ratePlanId: "flex", totalPrice: 46000, nightly: [{ date: day(50), price: 23000 }, { date: day(51), price: 23000 }] });

		expect((await put(id, [{ roomTypeIds: ["double"], from: day(40), to: day(60), set: { price: 20000 } }])).status).toBe(200);
		const token = res.body.guestToken;
		const moved = await api().patch(`/api/v1/reservations/${res.body.code}`).set("Authorization", `Bearer ${token}`).send({ checkIn: day(51), checkOut: day(55) });
		expect(moved.status).toBe(200);
		expect(moved.body.nightly).toEqual([{ date: day(51), price: 10000 }, { date: day(52), price: 10000 }, { date: day(53), price: 20000 }, { date: day(54), price: 20000 }]);
		expect(moved.body.totalPrice).toBe(60000);
		const nights = await node.db.select<{ night: string; price: number | string; rooms: number | string }>(
			`SELECT night, price, rooms FROM reservation_nights WHERE reservation_id = :id ORDER BY night`, { id: res.body.id });
		expect(nights.map(n => [n.night, Number(n.price), Number(n.rooms)])).toEqual(moved.body.nightly.map((n: { date: string; price: number }) => [n.date, n.price, 1]));

		// A new arrival closed to arrival: refused, the reservation and its nights exactly as they were.
		expect((await put(id, [{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(49), to: day(50), set: { closedToArrival: true } }])).status).toBe(200);
		const before = await snapshot(node.db);
		const refused = await api().patch(`/api/v1/reservations/${res.body.code}`).set("Authorization", `Bearer ${token}`).send({ checkIn: day(49) });
		expect(refused.status).toBe(409);
		expect(refused.body.data).toMatchObject({ reason: "CLOSED_TO_ARRIVAL", date: day(49) });
		expect(await snapshot(node.db)).toEqual(before);
		const again = await node.db.select(`SELECT night, price, rooms FROM reservation_nights WHERE reservation_id = :id ORDER BY night`, { id: res.body.id });
		expect(again).toEqual(nights);
	});

	it("overbooking: 50 concurrent bookings win exactly total + overbookLimit; the limit cannot go below what is booked", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Overbook", { totalRooms: 3 }) as never);
		expect((await put(id, [{ roomTypeIds: ["double"], from: day(80), to: day(83), set: { overbookLimit: 2 } }])).status).toBe(200);
		const results = await Promise.all(Array.from({ length: 50 }, (_, i) => api().post("/api/v1/reservations").send(booking(id, "double", 80, 83, { guest: guest(i) }))));
		const statuses = results.map(r => r.status);
		expect(statuses.filter(s => s === 201)).toHaveLength(5);
		expect(statuses.filter(s => s === 409)).toHaveLength(45);
		expect(results.filter(r => r.status === 409).every(r => r.body.type === "NO_AVAILABILITY")).toBe(true);
		const byNight = await bookedByNight(node.db, id, "double");
		for (const d of [80, 81, 82]) expect(byNight.get(day(d))).toEqual({ booked: 5, total: 3 });
		const [{ n }] = await node.db.select<{ n: number | string }>("SELECT COUNT(*) AS n FROM reservations WHERE hotel_id = :h", { h: id });
		expect(Number(n)).toBe(5);
		const cal = await calendar(id, { from: day(80), to: day(83), roomTypeId: "double", ratePlanId: "flex" });
		expect(cal.body.rows[0].days.map((d: { available: number; booked: number; overbookLimit: number }) => [d.booked, d.overbookLimit, d.available])).toEqual([[5, 2, 0], [5, 2, 0], [5, 2, 0]]);

		// Raising the limit is announced on the live availability feed like a booking.
		expect((await put(id, [{ roomTypeIds: ["double"], from: day(82), to: day(83), set: { overbookLimit: 4 } }])).status).toBe(200);
		await waitFor("the feed announcing the new limit", async () => {
			const rows = await node.db.select<{ payload: string }>(`SELECT payload FROM outbox WHERE event = '${AVAILABILITY_CHANGED}'`);
			return rows.some(r => (JSON.parse(r.payload) as { data: { changes: { hotelId: string; nights: { date: string; available: number }[] }[] } }).data.changes
				.some(c => c.hotelId === id && c.nights.some(n => n.date === day(82) && n.available === 2)));
		});

		const lower = await put(id, [{ roomTypeIds: ["double"], from: day(81), to: day(82), set: { overbookLimit: 1 } }]);
		expect(lower.status).toBe(409);
		expect(lower.body).toMatchObject({ type: "INVENTORY_CONFLICT", data: { roomTypeId: "double", night: day(81), booked: 5 } });
		const cut = await api().patch(`/api/v1/hotels/${id}`).set(admin()).send({ roomTypes: planHotel("x", { totalRooms: 2 }).roomTypes });
		expect(cut.status).toBe(409);
		expect(cut.body.type).toBe("INVENTORY_CONFLICT");
		// The database itself refuses a night beyond total + overbook_limit.
		await expect(node.db.exec("UPDATE inventory SET booked = total + overbook_limit + 1 WHERE hotel_id = :h AND room_type_id = 'double' AND night = :n", { h: id, n: day(80) })).rejects.toThrow();
	});

	it("the benchmark's seeded hotel and calendar (npm run seed:large) are accepted and sell all three plans", async () => {
		if (skip) return;
		const body = benchHotel(7);
		const created = await api().post("/api/v1/hotels").set(admin()).send(body);
		expect(created.status).toBe(201);
		await node.broker.call("reservations.syncHotel", { id: created.body.id });
		const updates = benchCalendar(body, 7);
		expect(updates.length).toBeLessThanOrEqual(100);
		const res = await put(created.body.id, updates);
		expect(res.status).toBe(200);
		expect(res.body.changedNights).toBeGreaterThan(1000);
		// A week from any day but a Sunday (the saver is closed to arrival on Sundays).
		const start = weekdayOf(day(40, body.timezone)) === "sun" ? 41 : 40;
		const avail = await api().get(`/api/v1/hotels/${created.body.id}/availability`).query({ checkIn: day(start, body.timezone), checkOut: day(start + 7, body.timezone) });
		const double = avail.body.roomTypes.find((r: { roomTypeId: string }) => r.roomTypeId === "double");
		expect(double.offers.map((o: { ratePlanId: string }) => o.ratePlanId).sort()).toEqual(["flex", "room", "saver"]);
	});

	it("a price change racing bookings never lets a booking commit at the old price after the change committed", async () => {
		if (skip) return;
		const id = await createHotel(node, planHotel("Race", { totalRooms: 500 }) as never);
		// The order of commits, from the database itself: both writers hold the first night's row
		// lock (PostgreSQL) or the one writer (SQLite) from their write to their commit, so the
		// order of these trigger rows is the order of their commits.
		if (dialect === "pg") {
			await node.db.exec(`CREATE TABLE race_log (seq BIGSERIAL PRIMARY KEY, what TEXT NOT NULL, price BIGINT)`);
			await node.db.exec(`CREATE FUNCTION race_booked() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO race_log (what, price) VALUES ('booking', NEW.total_price); RETURN NEW; END $$`);
			await node.db.exec(`CREATE FUNCTION race_rated() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO race_log (what, price) VALUES ('rate', NEW.price); RETURN NEW; END $$`);
			await node.db.exec(`CREATE TRIGGER race_booked AFTER INSERT ON reservations FOR EACH ROW EXECUTE FUNCTION race_booked()`);
			await node.db.exec(`CREATE TRIGGER race_rated AFTER INSERT OR UPDATE ON rates FOR EACH ROW WHEN (NEW.night = '${day(90)}' AND NEW.room_type_id = 'double' AND NEW.rate_plan_id = 'flex') EXECUTE FUNCTION race_rated()`);
		} else {
			await node.db.exec(`CREATE TABLE race_log (seq INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT NOT NULL, price INTEGER)`);
			await node.db.exec(`CREATE TRIGGER race_booked AFTER INSERT ON reservations BEGIN INSERT INTO race_log (what, price) VALUES ('booking', NEW.total_price); END`);
			await node.db.exec(`CREATE TRIGGER race_rated AFTER INSERT ON rates WHEN NEW.night = '${day(90)}' AND NEW.room_type_id = 'double' AND NEW.rate_plan_id = 'flex' BEGIN INSERT INTO race_log (what, price) VALUES ('rate', NEW.price); END`);
			await node.db.exec(`CREATE TRIGGER race_rerated AFTER UPDATE ON rates WHEN NEW.night = '${day(90)}' AND NEW.room_type_id = 'double' AND NEW.rate_plan_id = 'flex' BEGIN INSERT INTO race_log (what, price) VALUES ('rate', NEW.price); END`);
		}
		try {
			// Deterministic first: bookings that read the rates before the change, and reach their
			// statement only once the change has committed, must not charge what they read.
			const db = node.db as unknown as { fastSelect: (sql: string, params: unknown[]) => Promise<unknown[]> };
			const read = db.fastSelect.bind(node.db);
			let release!: () => void;
			const gate = new Promise<void>(resolve => { release = resolve; });
			let held = 0;
			db.fastSelect = async (sql, params) => {
				const rows = await read(sql, params);
				if (sql.includes("SUM(rate_version)")) { held++; await gate; }
				return rows;
			};
			let early: request.Response[];
			try {
				const pending = Promise.all(Array.from({ length: 8 }, (_, i) => api().post("/api/v1/reservations").send(booking(id, "double", 90, 92, { ratePlanId: "flex", guest: guest(900 + i) }))));
				await waitFor("8 bookings priced at the old rate", () => held >= 8);
				expect((await put(id, [{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(90), to: day(92), set: { price: 10500 } }])).status).toBe(200);
				release();
				early = await pending;
			} finally {
				release();
				db.fastSelect = read;
			}
			expect(early.map(r => [r.status, r.body.totalPrice])).toEqual(early.map(() => [201, 21000]));

			// Then free-running: bookings and changes interleaved as they come.
			const prices = [11000, 12000, 13000, 14000];
			const bookings: Promise<request.Response>[] = [];
			const changes: Promise<request.Response>[] = [];
			for (let round = 0; round < prices.length; round++) {
				for (let i = 0; i < 15; i++) bookings.push(api().post("/api/v1/reservations").send(booking(id, "double", 90, 92, { ratePlanId: "flex", guest: guest(round * 100 + i) })));
				changes.push(put(id, [{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(90), to: day(92), set: { price: prices[round] } }]));
				for (let i = 0; i < 15; i++) bookings.push(api().post("/api/v1/reservations").send(booking(id, "double", 90, 92, { ratePlanId: "flex", guest: guest(round * 100 + 50 + i) })));
			}
			const done = await Promise.all(bookings);
			expect((await Promise.all(changes)).map(r => r.status)).toEqual(prices.map(() => 200));
			expect(done.map(r => r.status).filter(s => s !== 201)).toEqual([]);
			const log = await node.db.select<{ what: string; price: number | string }>(`SELECT what, price FROM race_log ORDER BY seq`);
			expect(log.filter(l => l.what === "rate")).toHaveLength(prices.length + 1);
			let current = 10000;
			const wrong: string[] = [];
			for (const l of log) {
				if (l.what === "rate") current = Number(l.price);
				else if (Number(l.price) !== 2 * current) wrong.push(`booking at ${Number(l.price) / 2} after the price was ${current}`);
			}
			expect(wrong).toEqual([]);
			// Every answer says what the store holds.
			const stored = await node.db.select<{ code: string; total_price: number | string }>(`SELECT code, total_price FROM reservations WHERE hotel_id = :h`, { h: id });
			const byCode = new Map(stored.map(s => [s.code, Number(s.total_price)]));
			for (const r of done) expect(byCode.get(r.body.code)).toBe(r.body.totalPrice);
		} finally {
			for (const t of ["race_booked", "race_rated", "race_rerated"]) await node.db.exec(dialect === "pg" ? `DROP TRIGGER IF EXISTS ${t} ON ${t === "race_booked" ? "reservations" : "rates"}` : `DROP TRIGGER IF EXISTS ${t}`);
		}
	}, 60_000);
}

describe("rate plans and the calendar on SQLite", () => suite("sqlite"));
describeWithServers("rate plans and the calendar on PostgreSQL", ["pg"], () => suite("pg"));
void TZ;
void localDate;
