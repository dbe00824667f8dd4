/**
 * Reports (SPEC §12) through the real gateway, on SQLite and on PostgreSQL: a small hotel with
 * bookings at different nightly prices, an arrival-day and an early check-out, a cancellation
 * with a fee, a no-show, a date change — every daily figure and the totals against a hand
 * calculation (ADR weighted), the CSV read back with the CSV library's parser, scoping, bad
 * ranges, and the front desk's day with the actions it allows.
 */
import request from "supertest";
import { parse } from "csv-parse/sync";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing } from "../helpers/infra";
import { zonedInstant, type CancellationPolicy } from "../../services/reservations/policy";
import { localDateSql, offsetSegments, type DailyReport, type DailyRow } from "../../services/reservations/reports";
import { localDate } from "../../services/reservations/stay";
import type { Today } from "../../services/reservations/desk";
import { booking, createHotel, day, hotelBody, outboxEvents, snapshot, startNode, TZ, type Node } from "./reservations.fixtures";

const POLICY: CancellationPolicy = {
	refundable: true,
	tiers: [
		{ hoursBeforeArrival: 72, fee: { percent: 0 } },
		{ hoursBeforeArrival: 24, fee: { nights: 1 } },
		{ hoursBeforeArrival: 0, fee: { percent: 100 } },
	],
	noShowFee: { percent: 100 },
};

type Clocked = { clock: () => Date };
const ZERO = { roomsSold: 0, occupancy: 0, roomRevenue: 0, adr: 0, revpar: 0, arrivals: 0, departures: 0, cancellations: 0, noShows: 0, cancellationFees: 0, noShowFees: 0, bookingsMade: 0 };

/**
 * The hand calculation (docs/reports.md walks through it). 6 rooms every night (4 doubles at
 * 100.00, 2 suites at 200.00; doubles cost 150.00 on day 2 by the calendar):
 *   R1 double d1→d4: 100, 150, 100; checked in d1, out d4 at 10:00
 *   R2 2 suites d2→d4: 2 × 200 a night
 *   R3 double d3→d5: cancelled on d2 at 16:00, 23 h before arrival: fee 1 night = 100
 *   R4 double d2→d4 (150 + 100): no-show marked d3 09:00, fee 100 % = 250; counted on d2, sells nothing
 *   R5 double d5→d7 moved to d6→d8: 100 a night
 *   R6 double d1→d4: checked in d1, left early on d2 at 10:00: sold d1 only, departs d2
 * All six made today (d0).
 */
function expected(): Record<number, Partial<DailyRow>> {
	return {
		0: { bookingsMade: 6 },
		1: { roomsSold: 2, occupancy: 0.3333, roomRevenue: 20000, adr: 10000, revpar: 3333, arrivals: 2 },
		2: { roomsSold: 3, occupancy: 0.5, roomRevenue: 55000, adr: 18333, revpar: 9167, arrivals: 1, departures: 1, cancellations: 1, cancellationFees: 10000, noShows: 1, noShowFees: 25000 },
		3: { roomsSold: 3, occupancy: 0.5, roomRevenue: 50000, adr: 16667, revpar: 8333 },
		4: { departures: 2 },
		5: {},
		6: { roomsSold: 1, occupancy: 0.1667, roomRevenue: 10000, adr: 10000, revpar: 1667, arrivals: 1 },
		7: { roomsSold: 1, occupancy: 0.1667, roomRevenue: 10000, adr: 10000, revpar: 1667 },
		8: { departures: 1 },
	};
}

function suite(store: "sqlite" | "postgres") {
	const c = {} as { node: Node; hotelId: string; otherId: string; skip: boolean; codes: Record<string, string> };
	let dbUrl = "";
	const api = () => request(c.node.http);
	const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
	const service = () => c.node.broker.getLocalService("reservations") as unknown as Clocked;
	/** The service's clock at `time` on day `n` in the hotel's zone. */
	const at = (n: number, time: string) => { const when = zonedInstant(day(n), time, TZ); service().clock = () => when; };
	const book = async (roomTypeId: string, from: number, to: number, rooms = 1) => {
		const res = await api().post("/api/v1/reservations").send(booking(c.hotelId, roomTypeId, from, to, { rooms, guests: rooms, ratePlanId: "flex", guest: { name: `Guest ${roomTypeId} ${from}`, email: `g${from}@example.com`, locale: "en" } }));
		if (res.status !== 201) throw new Error(`booking refused: ${res.status} ${JSON.stringify(res.body)}`);
		return res.body as { code: string; guestToken: string; totalPrice: number; nightly: { date: string; price: number }[] };
	};
	const move = async (code: string, action: string) => {
		const res = await api().post(`/api/v1/reservations/${code}/${action}`).set(auth(c.node.admin)).send({});
		if (res.status !== 200) throw new Error(`${action} ${code}: ${res.status} ${JSON.stringify(res.body)}`);
		return res.body as { status: string; cancellationFee: number | null; noShowFee: number | null };
	};
	const report = (from: string, to: string) => api().get(`/api/v1/hotels/${c.hotelId}/reports/daily`).query({ from, to }).set(auth(c.node.admin));

	beforeAll(async () => {
		c.skip = store === "postgres" && (await serversMissing(["pg"]));
		if (c.skip) return;
		process.env.DATA_DIR = ":memory:";
		if (store === "postgres") {
			dbUrl = await createTestDatabase("hb_reports");
			process.env.RESERVATIONS_DB_URL = dbUrl;
		} else delete process.env.RESERVATIONS_DB_URL;
		c.node = await startNode();
		c.hotelId = await createHotel(c.node, {
			...hotelBody("Reports", [{ id: "double", totalRooms: 4, pricePerNight: 10000 }, { id: "suite", totalRooms: 2, pricePerNight: 20000 }]),
			ratePlans: [{ id: "flex", name: "Flexible", cancellationPolicy: POLICY }],
		} as ReturnType<typeof hotelBody>);
		c.otherId = await createHotel(c.node, hotelBody("Other", [{ id: "double", totalRooms: 3 }]));
		const cal = await api().put(`/api/v1/hotels/${c.hotelId}/calendar`).set(auth(c.node.admin))
			.send({ updates: [{ roomTypeIds: ["double"], ratePlanIds: ["flex"], from: day(2), to: day(3), set: { price: 15000 } }] });
		if (cal.status !== 200) throw new Error(`calendar: ${cal.status} ${JSON.stringify(cal.body)}`);

		const r1 = await book("double", 1, 4);
		expect(r1.nightly.map(n => n.price)).toEqual([10000, 15000, 10000]);
		const r2 = await book("suite", 2, 4, 2);
		const r3 = await book("double", 3, 5);
		const r4 = await book("double", 2, 4);
		const r5 = await book("double", 5, 7);
		const r6 = await book("double", 1, 4);
		c.codes = { r1: r1.code, r2: r2.code, r3: r3.code, r4: r4.code, r5: r5.code, r6: r6.code };
		const moved = await api().patch(`/api/v1/reservations/${r5.code}`).set(auth(r5.guestToken)).send({ checkIn: day(6), checkOut: day(8) });
		expect([moved.status, moved.body.totalPrice]).toEqual([200, 20000]);
		at(1, "16:00");
		await move(r1.code, "check-in");
		await move(r6.code, "check-in");
		at(2, "10:00");
		expect((await move(r6.code, "check-out")).status).toBe("checked_out");
		at(2, "16:00");
		expect((await move(r3.code, "cancel")).cancellationFee).toBe(10000);
		at(3, "09:00");
		expect((await move(r4.code, "no-show")).noShowFee).toBe(25000);
		at(4, "10:00");
		await move(r1.code, "check-out");
		service().clock = () => new Date();
	}, 90_000);

	afterAll(async () => {
		await c.node?.broker.stop();
		delete process.env.RESERVATIONS_DB_URL;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 60_000);

	afterEach(() => {
		if (!c.skip) service().clock = () => new Date();
	});

	it("every daily figure and the totals match the hand calculation (ADR weighted by rooms sold)", async () => {
		if (c.skip) return;
		const res = await report(day(0), day(9));
		expect(res.status).toBe(200);
		const body = res.body as DailyReport;
		expect([body.hotelId, body.from, body.to, body.currency, body.timezone]).toEqual([c.hotelId, day(0), day(9), "EUR", TZ]);
		const want = expected();
		expect(body.days).toEqual(Object.keys(want).map(Number).map(n => ({ date: day(n), roomsAvailable: 6, ...ZERO, ...want[n] })));
		expect(body.totals).toEqual({
			roomsAvailable: 54, roomsSold: 10, occupancy: 0.1852, roomRevenue: 145000,
			adr: 14500, // 145000 / 10 rooms sold; the mean of the daily ADRs would be 13000
			revpar: 2685, arrivals: 4, departures: 4, cancellations: 1, noShows: 1,
			cancellationFees: 10000, noShowFees: 25000, bookingsMade: 6,
		});
	});

	it("a range that starts inside a stay counts only its nights in the range", async () => {
		if (c.skip) return;
		const part = (await report(day(2), day(4))).body as DailyReport;
		expect(part.days.map(d => [d.roomsSold, d.roomRevenue])).toEqual([[3, 55000], [3, 50000]]);
		expect(part.totals).toMatchObject({ roomsAvailable: 12, roomsSold: 6, roomRevenue: 105000, adr: 17500, revpar: 8750, departures: 1 });
	});

	it("CSV (Accept: text/csv or format=csv) parses back to the JSON figures, totals row last", async () => {
		if (c.skip) return;
		const json = (await report(day(0), day(9))).body as DailyReport;
		for (const req of [report(day(0), day(9)).set("Accept", "text/csv"), report(day(0), day(9)).query({ format: "csv" })]) {
			const res = await req.buffer(true).parse((r, cb) => { let s = ""; r.setEncoding("utf8"); r.on("data", (d: string) => (s += d)); r.on("end", () => cb(null, s)); });
			expect(res.status).toBe(200);
			expect(res.headers["content-type"]).toMatch(/^text\/csv/);
			expect(res.headers["content-disposition"]).toContain(`report-${c.hotelId}-${day(0)}-${day(9)}.csv`);
			const records = parse(res.body as string, { columns: true, cast: (v, ctx) => (ctx.header || ctx.column === "date" ? v : Number(v)) }) as Record<string, unknown>[];
			expect(records).toEqual([...json.days, { date: "total", ...json.totals }]);
		}
	});

	it("scoping: another hotel's manager gets 404, front desk 403, the hotel's own manager the report", async () => {
		if (c.skip) return;
		const user = (role: string, hotelIds: string[]) => ({ meta: { user: { role, sub: `u-${role}`, email: `${role}@hotel.example`, hotelIds, ver: 1 } } });
		const call = (hotelIds: string[], role = "manager") => c.node.broker.call("reservations.dailyReport", { id: c.hotelId, from: day(0), to: day(2) }, user(role, hotelIds));
		await expect(call([c.otherId])).rejects.toMatchObject({ code: 404 });
		await expect(call([c.hotelId], "front_desk")).rejects.toMatchObject({ code: 403 });
		await expect(call([c.hotelId])).resolves.toMatchObject({ hotelId: c.hotelId });
		await expect(c.node.broker.call("reservations.today", { id: c.hotelId }, user("front_desk", [c.otherId]))).rejects.toMatchObject({ code: 404 });
		// Through the gateway: a guest token is refused, no token 401.
		expect((await api().get(`/api/v1/hotels/${c.hotelId}/reports/daily`).query({ from: day(0), to: day(2) })).status).toBe(401);
		expect((await api().get(`/api/v1/hotels/unknown-hotel/reports/daily`).query({ from: day(0), to: day(2) }).set(auth(c.node.admin))).status).toBe(404);
	});

	it("bad ranges → 422 with the field, nothing written", async () => {
		if (c.skip) return;
		const before = await snapshot(c.node.db);
		const cases: [Record<string, string>, string][] = [
			[{ from: day(5), to: day(5) }, "to"],
			[{ from: day(5), to: day(1) }, "to"],
			[{ from: day(0), to: day(367) }, "to"],
			[{ from: "2027-02-30", to: day(1) }, "from"],
			[{ from: day(0) }, "to"],
			[{ from: day(0), to: day(1), format: "xml" }, "format"],
			[{ from: day(0), to: day(1), extra: "x" }, "extra"],
		];
		for (const [q, field] of cases) {
			const res = await api().get(`/api/v1/hotels/${c.hotelId}/reports/daily`).query(q).set(auth(c.node.admin));
			expect([JSON.stringify(q), res.status, res.body.type]).toEqual([JSON.stringify(q), 422, "VALIDATION_ERROR"]);
			expect(JSON.stringify(res.body.data)).toContain(field);
		}
		expect((await report(day(0), day(366))).status).toBe(200);
		expect(await snapshot(c.node.db)).toEqual(before);
	});

	it("the front desk's day: arrivals, in-house, departures of the hotel's today with the actions each allows", async () => {
		if (c.skip) return;
		const today = async () => (await api().get(`/api/v1/hotels/${c.hotelId}/today`).set(auth(c.node.admin))).body as Today;
		const brief = (rows: Today["arrivals"]) => rows.map(r => [r.code, r.status, r.actions]);
		at(6, "12:00");
		const d6 = await today();
		expect([d6.date, d6.timezone]).toEqual([day(6), TZ]);
		expect(brief(d6.arrivals)).toEqual([[c.codes.r5, "confirmed", ["checkIn", "noShow"]]]);
		expect(d6.arrivals[0]).toMatchObject({ guestName: "Guest double 5", guestEmail: "g5@example.com", roomTypeName: "Room double", nights: 2, totalPrice: 20000, currency: "EUR" });
		expect([d6.inHouse, d6.departures]).toEqual([[], []]);
		await api().post(`/api/v1/reservations/${c.codes.r5}/check-in`).set(auth(c.node.admin)).expect(200);
		at(7, "12:00");
		const d7 = await today();
		expect([brief(d7.arrivals), brief(d7.inHouse), brief(d7.departures)]).toEqual([[], [[c.codes.r5, "checked_in", ["checkOut"]]], []]);
		at(8, "09:00");
		expect(brief((await today()).departures)).toEqual([[c.codes.r5, "checked_in", ["checkOut"]]]);
		await api().post(`/api/v1/reservations/${c.codes.r5}/check-out`).set(auth(c.node.admin)).expect(200);
		const d8 = await today();
		expect([brief(d8.inHouse), brief(d8.departures)]).toEqual([[], [[c.codes.r5, "checked_out", []]]]);
		// The report is unchanged by a normal check-out on the departure day.
		service().clock = () => new Date();
		const r = (await report(day(6), day(9))).body as DailyReport;
		expect(r.days.map(d => [d.roomsSold, d.arrivals, d.departures])).toEqual([[1, 1, 0], [1, 0, 0], [0, 0, 1]]);
	});

	it("the store's local date of an instant matches the zone's, around midnight and the DST changes", async () => {
		if (c.skip) return;
		const instants = ["2027-03-27T22:59:59.999Z", "2027-03-27T23:00:00.000Z", "2027-03-28T00:59:59.000Z", "2027-03-28T01:00:00.000Z", "2027-03-28T21:59:59.999Z",
			"2027-03-28T22:00:00.000Z", "2027-10-30T21:59:59.000Z", "2027-10-30T22:00:00.000Z", "2027-10-31T00:30:00.000Z", "2027-10-31T01:30:00.000Z", "2027-10-31T23:00:00.000Z"];
		const segs = offsetSegments("2027-03-01T00:00:00.000Z", "2027-11-30T00:00:00.000Z", TZ);
		const got: string[] = [];
		for (const x of instants) {
			const rep: Record<string, unknown> = { x };
			const [row] = await c.node.db.select<{ d: string }>(`SELECT ${localDateSql(c.node.db.pg ? "CAST(:x AS VARCHAR(30))" : ":x", segs, c.node.db.pg, rep)} AS d`, rep);
			got.push(row.d);
		}
		expect(got).toEqual(instants.map(x => localDate(TZ, new Date(x))));
	});

	it("front desk bookings: staff may leave the guest's email out (stored empty), a guest may not (422, nothing written)", async () => {
		if (c.skip) return;
		const body = { ...booking(c.otherId, "double", 3, 4), guest: { name: "Walk-in", phone: "+33 6 00 00 00 00" } };
		const before = await snapshot(c.node.db);
		const refused = await api().post("/api/v1/reservations").send(body);
		expect([refused.status, refused.body.type, (refused.body.data as { field: string }[]).map(e => e.field)]).toEqual([422, "VALIDATION_ERROR", ["guest.email"]]);
		expect(await snapshot(c.node.db)).toEqual(before);
		const booked = await api().post("/api/v1/reservations").set(auth(c.node.admin)).send(body);
		expect([booked.status, booked.body.guest]).toEqual([201, { name: "Walk-in", email: "", phone: "+33 6 00 00 00 00", locale: "en" }]);
		const [msg] = (await outboxEvents(c.node.db)).filter(e => e.data.reservation.code === booked.body.code);
		expect(msg.event).toBe("reservations.reservation.confirmed"); // the mail service sends nothing for it
	});

	it("a fee waived after the cancellation stays on the cancellation's day, at 0", async () => {
		if (c.skip) return;
		const waived = await api().post(`/api/v1/reservations/${c.codes.r3}/waive-fee`).set(auth(c.node.admin)).send({ reason: "Goodwill" });
		expect(waived.status).toBe(200);
		const after = (await report(day(2), day(3))).body as DailyReport;
		expect(after.days[0]).toMatchObject({ cancellations: 1, cancellationFees: 0, noShowFees: 25000 });
	});
}

describe("reports on SQLite", () => suite("sqlite"));
describeWithServers("reports on PostgreSQL", ["pg"], () => suite("postgres"));
