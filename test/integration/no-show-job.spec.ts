/**
 * The autoNoShow job (SPEC §10, reservations/no-show-job.ts): two reservations brokers on ONE
 * PostgreSQL database, their job clocks moved past the deadlines. Each overdue reservation is
 * marked exactly once, by one node at a time (the job_leases row); the other node takes over
 * when the holder stops or its lease expires; a pass after downtime catches up on every missed
 * deadline; the deadline is checkOutTime on the day after arrival in the hotel's zone, to the
 * second. On SQLite (one node) the lease works the same.
 */
import request from "supertest";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing, uniqueName } from "../helpers/infra";
import { acquireLease, NO_SHOW_JOB, noShowDeadline, type NoShowJob, type PassResult } from "../../services/reservations/no-show-job";
import { booking, bookedByNight, createHotel, day, guest, hotelBody, outboxEvents, startNode, TZ, type Node } from "./reservations.fixtures";

type Svc = { clock: () => Date; noShowJob: NoShowJob };
const svc = (n: Node) => n.broker.getLocalService("reservations") as unknown as Svc;
const HOTEL = { checkOutTime: "12:30", autoNoShow: true };
const deadline = (checkIn: string) => noShowDeadline(checkIn, { timezone: TZ, ...HOTEL }).getTime();

async function setup(a: Node) {
	const hotelId = await createHotel(a, { ...hotelBody("Auto no-show", [{ id: "double", totalRooms: 10, pricePerNight: 10000 }]), ...HOTEL } as ReturnType<typeof hotelBody>);
	const manualId = await createHotel(a, hotelBody("Manual no-show", [{ id: "double", totalRooms: 10 }]));
	return { hotelId, manualId };
}

async function book(a: Node, hotelId: string, from: number, to: number, n: number): Promise<string> {
	const res = await request(a.http).post("/api/v1/reservations").send(booking(hotelId, "double", from, to, { rooms: 2, guests: 2, guest: guest(n) }));
	if (res.status !== 201) throw new Error(`booking refused: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.code as string;
}

async function statusOf(a: Node, code: string): Promise<string> {
	const row = await a.db.one<{ status: string }>("SELECT status FROM reservations WHERE code = :code", { code });
	return row?.status ?? "missing";
}

async function noShowMessages(a: Node, code: string) {
	return (await outboxEvents(a.db)).filter(e => e.event === "reservations.reservation.no_show" && e.data.reservation.code === code);
}

async function noShowAudits(a: Node, code: string) {
	const rows = await a.db.select<{ payload: string }>(`SELECT payload FROM outbox WHERE event = 'reservations.audit.recorded'`);
	return rows.map(r => JSON.parse(r.payload).data).filter((d: { action: string; target: { id: string } }) => d.action === "reservation.no_show" && d.target.id === code) as { actor: { type: string } }[];
}

describeWithServers("the autoNoShow job, two nodes on one PostgreSQL database", ["pg"], () => {
	let a: Node;
	let b: Node;
	let dbUrl = "";
	let skip = false;
	let hotelId = "";
	let manualId = "";
	const setClocks = (ms: number) => { for (const n of [a, b]) svc(n).clock = () => new Date(ms); };
	const round = () => Promise.all([svc(a).noShowJob.runOnce(), svc(b).noShowJob.runOnce()]);

	beforeAll(async () => {
		skip = await serversMissing(["pg"]);
		if (skip) return;
		dbUrl = await createTestDatabase("hb_noshow");
		process.env.RESERVATIONS_DB_URL = dbUrl;
		process.env.DATA_DIR = ":memory:";
		process.env.NAMESPACE = uniqueName("noshow");
		// No transporter: two separate brokers whose only link is the database, as two processes would share it.
		a = await startNode(["api", "hotels", "reservations"], `${process.env.NAMESPACE}-a`);
		b = await startNode(["reservations"], `${process.env.NAMESPACE}-b`);
		({ hotelId, manualId } = await setup(a));
	}, 60_000);

	afterAll(async () => {
		await b?.broker.stop();
		await a?.broker.stop();
		delete process.env.RESERVATIONS_DB_URL;
		delete process.env.NAMESPACE;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 60_000);

	it("marks each overdue reservation once, one node at a time, catching up on every missed deadline", async () => {
		if (skip) return;
		const overdue = [await book(a, hotelId, 0, 3, 1), await book(a, hotelId, 1, 2, 2), await book(a, hotelId, 2, 4, 3)];
		const notYet = await book(a, hotelId, 3, 5, 4);
		const manual = await book(a, manualId, 0, 2, 5);
		const cancelled = await book(a, hotelId, 1, 3, 6);
		expect((await request(a.http).post(`/api/v1/reservations/${cancelled}/cancel`).set("Authorization", `Bearer ${a.admin}`)).status).toBe(200);
		const nightsBefore = await bookedByNight(a.db, hotelId, "double");

		// Down for days: the clock jumps past three deadlines at once, to the second of the last one.
		setClocks(deadline(day(2)));
		const results: PassResult[] = [];
		for (let i = 0; i < 5; i++) {
			const r = await round();
			expect(r.filter(x => x.ran)).toHaveLength(1);
			results.push(...r);
		}
		const marked = results.flatMap(r => r.marked);
		expect([...marked].sort()).toEqual([...overdue].sort());

		for (const code of overdue) {
			expect(await statusOf(a, code)).toBe("no_show");
			expect(await noShowMessages(a, code)).toHaveLength(1);
			const audits = await noShowAudits(a, code);
			expect(audits).toHaveLength(1);
			expect(audits[0].actor.type).toBe("system");
		}
		for (const code of [notYet, manual]) expect(await statusOf(a, code)).toBe("confirmed");
		expect(await statusOf(a, cancelled)).toBe("cancelled");

		// The first night of each no-show stays sold (2 rooms each), the later ones are free again.
		const nights = await bookedByNight(a.db, hotelId, "double");
		const was = (d: number) => nightsBefore.get(day(d))?.booked ?? 0;
		// r0 [0,3) frees nights 1 and 2, r1 [1,2) frees nothing, r2 [2,4) frees night 3.
		expect([0, 1, 2, 3].map(d => nights.get(day(d))?.booked)).toEqual([was(0), was(1) - 2, was(2) - 2, was(3) - 2]);
		const [msg] = await noShowMessages(a, overdue[0]);
		expect((msg.data.reservation as unknown as { noShowFee: number }).noShowFee).toBe(20000);
	});

	it("waits for checkOutTime on the day after arrival in the hotel's zone, to the second", async () => {
		if (skip) return;
		const code = await book(a, hotelId, 5, 6, 7);
		setClocks(deadline(day(5)) - 1000);
		await round();
		expect(await statusOf(a, code)).toBe("confirmed");
		setClocks(deadline(day(5)));
		const r = await round();
		expect(r.flatMap(x => x.marked)).toEqual([code]);
		expect(new Date(deadline(day(5))).toLocaleString("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit" })).toBe("12:30");
	});

	it("the job and staff marking the same reservation at once: one no-show, one message, one audit entry", async () => {
		if (skip) return;
		const codes = [await book(a, hotelId, 6, 7, 9), await book(a, hotelId, 6, 8, 10)];
		setClocks(deadline(day(6)));
		const staff = codes.map(code => request(a.http).post(`/api/v1/reservations/${code}/no-show`).set("Authorization", `Bearer ${a.admin}`).then(r => r.status));
		const [statuses] = await Promise.all([Promise.all(staff), round(), round()]);
		expect(statuses.every(st => st === 200 || st === 409)).toBe(true);
		for (const code of codes) {
			expect(await statusOf(a, code)).toBe("no_show");
			expect(await noShowMessages(a, code)).toHaveLength(1);
			expect(await noShowAudits(a, code)).toHaveLength(1);
		}
	});

	it("the other node takes over when the holder's lease expires or the holder stops; of many takers of a free lease, one wins", async () => {
		if (skip) return;
		const expire = () => a.db.exec(`UPDATE job_leases SET until_ms = 0 WHERE name = :n`, { n: NO_SHOW_JOB });
		setClocks(deadline(day(8)));
		const [ra] = await round();
		const holder = ra.ran ? a : b;
		const other = holder === a ? b : a;
		// The holder's lease expires, as when its node died: the other node's next pass takes it.
		await expire();
		const code = await book(a, hotelId, 8, 9, 8);
		expect(await svc(other).noShowJob.runOnce()).toEqual({ ran: true, marked: [code] });
		expect((await svc(holder).noShowJob.runOnce()).ran).toBe(false);
		// Stopping releases the lease at once: the first node's next pass has it again.
		await svc(other).noShowJob.stop();
		expect((await svc(holder).noShowJob.runOnce()).ran).toBe(true);
		// One conditional statement takes a lease: ten takers at once, from both nodes' pools, one winner.
		await expire();
		const wins = await Promise.all(Array.from({ length: 10 }, (_, i) => acquireLease(i % 2 ? a.db : b.db, NO_SHOW_JOB, `racer-${i}`, 60_000)));
		expect(wins.filter(Boolean)).toHaveLength(1);
		expect(await noShowMessages(a, code)).toHaveLength(1);
	});
});

describe("the autoNoShow job on SQLite (one node)", () => {
	let a: Node;

	beforeAll(async () => {
		process.env.DATA_DIR = ":memory:";
		delete process.env.RESERVATIONS_DB_URL;
		a = await startNode(["api", "hotels", "reservations"]);
	}, 60_000);

	afterAll(async () => {
		await a?.broker.stop();
	});

	it("marks overdue arrivals once; a second job on the same store is kept out by the lease", async () => {
		const { hotelId } = await setup(a);
		const code = await book(a, hotelId, 0, 2, 1);
		svc(a).clock = () => new Date(deadline(day(0)));
		const first = await svc(a).noShowJob.runOnce();
		expect(first).toEqual({ ran: true, marked: [code] });
		expect(await statusOf(a, code)).toBe("no_show");
		expect((await svc(a).noShowJob.runOnce()).marked).toEqual([]);
		expect(await acquireLease(a.db, NO_SHOW_JOB, "someone-else", 60_000)).toBe(false);
		expect(await noShowMessages(a, code)).toHaveLength(1);
	});
});
