/**
 * Cancellation and no-show policies (SPEC §10) through the real gateway, on SQLite and on
 * PostgreSQL: the fee of a cancellation at each tier (the service's clock moved to the second),
 * terms frozen at booking, repeated cancels, waivers (allowed, refused, recorded), no-shows that
 * free the nights after the first (inventory night by night), and bad policies refused.
 */
import request from "supertest";
import { signGuestToken } from "../../lib/auth";
import { loadConfig } from "../../lib/config";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing } from "../helpers/infra";
import { cancellationTerms, zonedInstant, type CancellationPolicy } from "../../services/reservations/policy";
import { renderMail } from "../../services/mail/render";
import type { ReservationData } from "../../services/mail/types";
import { booking, bookedByNight, createHotel, day, guest, hotelBody, outboxEvents, snapshot, startNode, waitForCopy, TZ, type Node } from "./reservations.fixtures";

const SPEC_POLICY: CancellationPolicy = {
	refundable: true,
	tiers: [
		{ hoursBeforeArrival: 72, fee: { percent: 0 } },
		{ hoursBeforeArrival: 24, fee: { nights: 1 } },
		{ hoursBeforeArrival: 0, fee: { percent: 100 } },
	],
	noShowFee: { percent: 100 },
};
const HOUR = 3_600_000;

type Clocked = { clock: () => Date };
interface Ctx { node: Node; hotelId: string; plainHotelId: string; skip: boolean }

function suite(store: "sqlite" | "postgres") {
	const c = {} as Ctx;
	let dbUrl = "";
	const api = () => request(c.node.http);
	const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
	const service = () => c.node.broker.getLocalService("reservations") as unknown as Clocked;
	const at = (ms: number) => { service().clock = () => new Date(ms); };
	const arrival = (checkIn: string) => zonedInstant(checkIn, "15:00", TZ).getTime();
	const book = async (from: number, to: number, extra: Record<string, unknown> = {}) => {
		const res = await api().post("/api/v1/reservations").send(booking(c.hotelId, "double", from, to, { ratePlanId: "flex", ...extra }));
		if (res.status !== 201) throw new Error(`booking refused: ${res.status} ${JSON.stringify(res.body)}`);
		return res.body as { code: string; guestToken: string; totalPrice: number; cancellation: { refundable: boolean; freeUntil: string | null; schedule: { from: string; to: string | null; fee: number }[] } };
	};
	const cancelAs = (code: string, token: string, body?: Record<string, unknown>) => api().post(`/api/v1/reservations/${code}/cancel`).set(auth(token)).send(body ?? {});
	const eventsOf = async (code: string, event: string) => (await outboxEvents(c.node.db)).filter(e => e.event === event && e.data?.reservation?.code === code);
	const auditsOf = async (code: string) => {
		const rows = await c.node.db.select<{ payload: string }>(`SELECT payload FROM outbox WHERE event = 'reservations.audit.recorded' ORDER BY created_at, id`);
		return rows.map(r => JSON.parse(r.payload).data as { action: string; actor: { type: string }; target: { id: string }; changes: Record<string, [unknown, unknown]> }).filter(a => a.target.id === code);
	};

	beforeAll(async () => {
		c.skip = store === "postgres" && (await serversMissing(["pg"]));
		if (c.skip) return;
		process.env.DATA_DIR = ":memory:";
		if (store === "postgres") {
			dbUrl = await createTestDatabase("hb_policies");
			process.env.RESERVATIONS_DB_URL = dbUrl;
		} else delete process.env.RESERVATIONS_DB_URL;
		c.node = await startNode();
		c.hotelId = await createHotel(c.node, {
			...hotelBody("Policies", [{ id: "double", totalRooms: 5, pricePerNight: 10000 }]),
			ratePlans: [
				{ id: "flex", name: "Flexible", cancellationPolicy: SPEC_POLICY },
				{ id: "saver", name: "Saver", cancellationPolicy: { refundable: false } },
			],
		} as ReturnType<typeof hotelBody>);
		c.plainHotelId = await createHotel(c.node, hotelBody("No plans", [{ id: "double", totalRooms: 5, pricePerNight: 12000 }]));
	}, 60_000);

	afterAll(async () => {
		await c.node?.broker.stop();
		delete process.env.RESERVATIONS_DB_URL;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 60_000);

	afterEach(() => {
		if (!c.skip) service().clock = () => new Date();
	});

	it("books with the terms of the plan, computed from the moment of booking in the hotel's clock", async () => {
		if (c.skip) return;
		const before = Date.now();
		const r = await book(10, 13);
		const expected = cancellationTerms(SPEC_POLICY, { checkIn: day(10), rooms: 1, nightly: [10000, 10000, 10000].map((price, i) => ({ date: day(10 + i), price })), totalPrice: 30000 }, { timezone: TZ }, new Date(Date.parse(r.cancellation.schedule[0].from)));
		expect(r.cancellation).toEqual(expected);
		expect(Date.parse(r.cancellation.schedule[0].from)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
		expect(r.cancellation.schedule.map(s => s.fee)).toEqual([0, 10000, 30000]);
		expect(r.cancellation.schedule.slice(1).map(s => Date.parse(s.from))).toEqual([arrival(day(10)) - 24 * HOUR, arrival(day(10))]);
		expect(r.cancellation.freeUntil).toBe(r.cancellation.schedule[1].from);
		expect(r.cancellation.freeUntil).toMatch(/T\d{2}:00:00\+0[12]:00$/); // Paris's offset of that instant
	});

	it("a cancellation costs the fee of the tier it falls in, to the second", async () => {
		if (c.skip) return;
		const a = arrival(day(10));
		const cases: [number, number][] = [
			[a - 72 * HOUR - 1000, 0],
			[a - 24 * HOUR - 1000, 0],
			[a - 24 * HOUR, 10000],
			[a - 1000, 10000],
			[a, 30000],
			[a + 5 * HOUR, 30000],
		];
		for (const [when, fee] of cases) {
			const r = await book(10, 13);
			at(when);
			const res = await cancelAs(r.code, r.guestToken);
			expect([new Date(when).toISOString(), res.status, res.body.status, res.body.cancellationFee]).toEqual([new Date(when).toISOString(), 200, "cancelled", fee]);
			const [msg] = await eventsOf(r.code, "reservations.reservation.cancelled");
			expect((msg.data.reservation as unknown as { cancellationFee: number }).cancellationFee).toBe(fee);
		}
		// Every cancelled stay gave its nights back.
		const nights = await bookedByNight(c.node.db, c.hotelId, "double");
		expect([10, 11, 12].map(d => nights.get(day(d))?.booked)).toEqual([1, 1, 1]); // the first test's booking only
	});

	it("the messages carry what the emails need: the terms in the confirmation, the fee in the cancellation", async () => {
		if (c.skip) return;
		const r = await book(90, 92, { guest: { ...guest(9), locale: "fr" } });
		at(arrival(day(90)) - HOUR);
		await cancelAs(r.code, r.guestToken);
		const opts = { publicUrl: "https://booking.example.com", mailFrom: "m@example.com" };
		const [confirmed] = await eventsOf(r.code, "reservations.reservation.confirmed");
		const mail = renderMail(confirmed.data as unknown as ReservationData, "confirmation", opts);
		expect(mail.text).toContain("Tarif: Flexible");
		expect(mail.text).toMatch(/Annulation gratuite jusqu'au .* à 15:00 \(heure de l'hôtel\)\./);
		const [cancelled] = await eventsOf(r.code, "reservations.reservation.cancelled");
		expect(renderMail(cancelled.data as unknown as ReservationData, "cancellation", opts).text).toMatch(/Frais d'annulation: 100,00\s€/);
	});

	it("non-refundable: the full total from the moment of booking", async () => {
		if (c.skip) return;
		const r = await book(20, 22, { ratePlanId: "saver" });
		expect(r.cancellation).toMatchObject({ refundable: false, freeUntil: null });
		const res = await cancelAs(r.code, r.guestToken);
		expect(res.body.cancellationFee).toBe(r.totalPrice);
	});

	it("cancelling again answers the same state and fee, even once a later tier applies; one message", async () => {
		if (c.skip) return;
		const r = await book(30, 31);
		const a = arrival(day(30));
		at(a - 100 * HOUR);
		const first = await cancelAs(r.code, r.guestToken);
		expect(first.body.cancellationFee).toBe(0);
		at(a + HOUR);
		const again = await cancelAs(r.code, r.guestToken);
		expect(again.status).toBe(200);
		expect(again.body).toEqual(first.body);
		expect(await eventsOf(r.code, "reservations.reservation.cancelled")).toHaveLength(1);
	});

	it("the schedule is frozen at booking: a later policy change changes nothing for the reservation", async () => {
		if (c.skip) return;
		const r = await book(40, 42);
		const hotel = await api().get(`/api/v1/hotels/${c.hotelId}`).set(auth(c.node.admin));
		const patched = await api().patch(`/api/v1/hotels/${c.hotelId}`).set(auth(c.node.admin)).send({
			ratePlans: (hotel.body.ratePlans as { id: string }[]).map(p => (p.id === "flex" ? { ...p, cancellationPolicy: { refundable: false } } : p)),
		});
		expect(patched.status).toBe(200);
		await waitForCopy(c.node, c.hotelId, patched.body.updatedAt);
		const got = await api().get(`/api/v1/reservations/${r.code}`).set(auth(r.guestToken));
		expect(got.body.cancellation).toEqual(r.cancellation);
		const later = await book(40, 42);
		expect(later.cancellation.schedule.map(s => s.fee)).toEqual([20000]);
		const res = await cancelAs(r.code, r.guestToken);
		expect(res.body.cancellationFee).toBe(0);
		// Back to the test policy for the other cases.
		const restored = await api().patch(`/api/v1/hotels/${c.hotelId}`).set(auth(c.node.admin)).send({ ratePlans: hotel.body.ratePlans });
		await waitForCopy(c.node, c.hotelId, restored.body.updatedAt);
	});

	it("a change of dates recomputes the schedule for the new stay under the policy as booked, from the moment of the change", async () => {
		if (c.skip) return;
		const r = await book(44, 46);
		const hotel = await api().get(`/api/v1/hotels/${c.hotelId}`).set(auth(c.node.admin));
		const patched = await api().patch(`/api/v1/hotels/${c.hotelId}`).set(auth(c.node.admin)).send({
			ratePlans: (hotel.body.ratePlans as { id: string }[]).map(p => (p.id === "flex" ? { ...p, cancellationPolicy: { refundable: false } } : p)),
		});
		await waitForCopy(c.node, c.hotelId, patched.body.updatedAt);
		try {
			const moved = await api().patch(`/api/v1/reservations/${r.code}`).set(auth(r.guestToken)).send({ checkIn: day(47), checkOut: day(50) });
			expect(moved.status).toBe(200);
			const a = arrival(day(47));
			expect(moved.body.cancellation.refundable).toBe(true);
			expect(moved.body.cancellation.schedule.map((s: { fee: number }) => s.fee)).toEqual([0, 10000, 30000]);
			expect(moved.body.cancellation.schedule.slice(1).map((s: { from: string }) => Date.parse(s.from))).toEqual([a - 24 * HOUR, a]);
			expect(Date.parse(moved.body.cancellation.schedule[0].from)).toBeGreaterThanOrEqual(Date.parse(r.cancellation.schedule[0].from));
		} finally {
			const restored = await api().patch(`/api/v1/hotels/${c.hotelId}`).set(auth(c.node.admin)).send({ ratePlans: hotel.body.ratePlans });
			await waitForCopy(c.node, c.hotelId, restored.body.updatedAt);
		}
	});

	it("a guest asking to waive is refused with 403 and nothing changes", async () => {
		if (c.skip) return;
		const r = await book(50, 52);
		at(arrival(day(50)) - HOUR);
		const before = await snapshot(c.node.db);
		const res = await cancelAs(r.code, r.guestToken, { waiveFee: true, reason: "please" });
		expect(res.status).toBe(403);
		expect(await snapshot(c.node.db)).toEqual(before);
		const wrong = await api().post(`/api/v1/reservations/${r.code}/waive-fee`).set(auth(r.guestToken)).send({ reason: "please" });
		expect(wrong.status).toBe(403);
		expect(await snapshot(c.node.db)).toEqual(before);
	});

	it("staff waive with a reason: fee 0, the waiver on the reservation and in the audit log; no reason → 422", async () => {
		if (c.skip) return;
		const r = await book(60, 62);
		at(arrival(day(60)) - HOUR);
		const before = await snapshot(c.node.db);
		const noReason = await cancelAs(r.code, c.node.admin, { waiveFee: true });
		expect(noReason.status).toBe(422);
		expect(noReason.body.data[0].field).toBe("reason");
		const reasonAlone = await cancelAs(r.code, c.node.admin, { reason: "x" });
		expect(reasonAlone.status).toBe(422);
		expect(await snapshot(c.node.db)).toEqual(before);

		const res = await cancelAs(r.code, c.node.admin, { waiveFee: true, reason: "Flight cancelled" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "cancelled", cancellationFee: 0, feeWaived: true, waiveReason: "Flight cancelled" });
		expect(res.body.waivedBy).toEqual(expect.any(String));
		const [audit] = (await auditsOf(r.code)).filter(a => a.action === "reservation.cancel");
		expect(audit.actor.type).toBe("staff");
		expect(audit.changes).toMatchObject({ status: ["confirmed", "cancelled"], cancellationFee: [null, 0], feeWaived: [false, true], waiveReason: [null, "Flight cancelled"] });
	});

	it("staff may waive a late cancellation's fee afterwards (waive-fee), once", async () => {
		if (c.skip) return;
		const r = await book(70, 71);
		at(arrival(day(70)) - HOUR);
		expect((await cancelAs(r.code, r.guestToken)).body.cancellationFee).toBe(10000);
		const res = await api().post(`/api/v1/reservations/${r.code}/waive-fee`).set(auth(c.node.admin)).send({ reason: "Goodwill" });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ cancellationFee: 0, feeWaived: true, waiveReason: "Goodwill" });
		const again = await api().post(`/api/v1/reservations/${r.code}/waive-fee`).set(auth(c.node.admin)).send({ reason: "Twice" });
		expect(again.body).toMatchObject({ cancellationFee: 0, waiveReason: "Goodwill" });
		expect((await auditsOf(r.code)).filter(a => a.action === "reservation.waive_fee")).toHaveLength(1);
		const confirmed = await book(71, 72);
		const refused = await api().post(`/api/v1/reservations/${confirmed.code}/waive-fee`).set(auth(c.node.admin)).send({ reason: "x" });
		expect([refused.status, refused.body.type]).toEqual([409, "INVALID_STATE"]);
	});

	it("a no-show sets the policy's fee and frees the nights after the first, night by night", async () => {
		if (c.skip) return;
		const before = await bookedByNight(c.node.db, c.hotelId, "double");
		const r = await book(0, 3, { rooms: 2, guests: 2 });
		const early = await book(1, 2);
		expect((await api().post(`/api/v1/reservations/${early.code}/no-show`).set(auth(c.node.admin))).status).toBe(409);
		const res = await api().post(`/api/v1/reservations/${r.code}/no-show`).set(auth(c.node.admin));
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ status: "no_show", noShowFee: 60000, cancellationFee: null });
		const nights = await bookedByNight(c.node.db, c.hotelId, "double");
		const was = (d: number) => before.get(day(d))?.booked ?? 0;
		expect([0, 1, 2].map(d => nights.get(day(d))?.booked)).toEqual([was(0) + 2, was(1) + 1, was(2)]);
		const [msg] = await eventsOf(r.code, "reservations.reservation.no_show");
		expect((msg.data.reservation as unknown as { noShowFee: number }).noShowFee).toBe(60000);
		expect((await auditsOf(r.code)).map(a => a.action)).toContain("reservation.no_show");
	});

	it("a plan without a policy: the default one (first night × rooms for a no-show, free until 24 h before)", async () => {
		if (c.skip) return;
		const res = await api().post("/api/v1/reservations").send(booking(c.plainHotelId, "double", 0, 2, { rooms: 2, guests: 2, guest: guest(7) }));
		expect(res.status).toBe(201);
		expect(res.body.cancellation.schedule.at(-1).fee).toBe(24000);
		const ns = await api().post(`/api/v1/reservations/${res.body.code}/no-show`).set(auth(c.node.admin));
		expect(ns.body.noShowFee).toBe(24000);
		const nights = await bookedByNight(c.node.db, c.plainHotelId, "double");
		expect([0, 1].map(d => nights.get(day(d))?.booked)).toEqual([2, 0]);
	});

	it("GET /reservations (staff) shows the fees", async () => {
		if (c.skip) return;
		const list = await api().get("/api/v1/reservations").query({ hotelId: c.hotelId, status: "cancelled", pageSize: 100 }).set(auth(c.node.admin));
		expect(list.status).toBe(200);
		const fees = (list.body.rows as { cancellationFee: number | null; cancellation?: unknown }[]).map(r => r.cancellationFee);
		expect(fees).toContain(30000);
		expect(fees.every(f => typeof f === "number")).toBe(true);
		expect(list.body.rows[0].cancellation).toBeDefined();
		// Filters: the reservations charged a fee, those whose fee was waived; anything else 422.
		const charged = await api().get("/api/v1/reservations").query({ hotelId: c.hotelId, fee: "charged", pageSize: 100 }).set(auth(c.node.admin));
		const chargedRows = charged.body.rows as { cancellationFee: number | null; noShowFee: number | null }[];
		expect(chargedRows.length).toBeGreaterThan(0);
		expect(chargedRows.every(r => (r.cancellationFee ?? 0) > 0 || (r.noShowFee ?? 0) > 0)).toBe(true);
		const waivedRows = (await api().get("/api/v1/reservations").query({ hotelId: c.hotelId, fee: "waived", pageSize: 100 }).set(auth(c.node.admin))).body.rows as { feeWaived: boolean; waiveReason: string }[];
		expect(waivedRows.map(r => r.waiveReason).sort()).toEqual(["Flight cancelled", "Goodwill"]);
		expect(waivedRows.every(r => r.feeWaived)).toBe(true);
		expect((await api().get("/api/v1/reservations").query({ fee: "maybe" }).set(auth(c.node.admin))).status).toBe(422);
		// A guest token cannot list.
		const r = await book(80, 81);
		expect((await api().get("/api/v1/reservations").set(auth(signGuestToken(r.code, loadConfig().jwtSecret)))).status).toBe(403);
	});

	it("refuses a bad policy with 422 naming the field, and writes nothing", async () => {
		if (c.skip) return;
		const bad: [unknown, string][] = [
			[{ refundable: true, tiers: [{ hoursBeforeArrival: 24, fee: { percent: 10, nights: 1 } }] }, "ratePlans[0].cancellationPolicy.tiers[0].fee"],
			[{ refundable: true, tiers: [{ hoursBeforeArrival: -1, fee: { percent: 10 } }] }, "ratePlans[0].cancellationPolicy.tiers[0].hoursBeforeArrival"],
			[{ refundable: true, noShowFee: { percent: 101 } }, "ratePlans[0].cancellationPolicy.noShowFee.percent"],
			[{ refundable: true, tiers: [{ hoursBeforeArrival: 24, fee: { percent: 10 } }, { hoursBeforeArrival: 72, fee: { percent: 50 } }] }, "ratePlans[0].cancellationPolicy.tiers"],
		];
		const count = async () => (await api().get("/api/v1/hotels").query({ includeInactive: true, pageSize: 100 }).set(auth(c.node.admin))).body.total;
		const before = await count();
		for (const [policy, field] of bad) {
			const res = await api().post("/api/v1/hotels").set(auth(c.node.admin)).send({ ...hotelBody("Bad", [{ id: "double", totalRooms: 1 }]), ratePlans: [{ id: "p", name: "P", cancellationPolicy: policy }] });
			expect([res.status, res.body.type]).toEqual([422, "VALIDATION_ERROR"]);
			expect((res.body.data as { field: string }[]).map(e => e.field)).toContain(field);
		}
		expect(await count()).toBe(before);
	});
}

describe("cancellation and no-show policies on SQLite", () => suite("sqlite"));
describeWithServers("cancellation and no-show policies on PostgreSQL", ["pg"], () => suite("postgres"));

