/**
 * An outage is a 503, never a 500 (SPEC §3): the reservations and mail stores reach PostgreSQL
 * through a TCP proxy the test cuts. Bookings, lookups, guest reads, lists and staff routes then
 * answer 503 SERVICE_UNAVAILABLE with Retry-After within 5 s and write nothing; once the proxy
 * forwards again each answers 2xx without a restart (the circuit breaker included). Also across
 * nodes: the outage crosses RabbitMQ from the store's node to a gateway-only node as the same 503.
 */
import request from "supertest";
import { Client } from "pg";
import type { Server } from "http";
import type { ServiceBroker } from "moleculer";
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { signAdminToken } from "../../lib/auth";
import { AMQP_URL, createTestDatabase, describeWithServers, dropTestDatabase, serversMissing, uniqueName } from "../helpers/infra";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";
import { settled, waitFor } from "../helpers/wait";
import { booking, day, guest, hotelBody } from "./reservations.fixtures";
import { deleteBusTopology } from "./mail.fixtures";

const NEEDS: "pg"[] = ["pg"];
const ENV_KEYS = ["AUTH_RATE_LIMIT_PER_MINUTE", "PORT", "SEED_DEMO", "DATA_DIR", "TRANSPORTER", "NAMESPACE", "RESERVATIONS_DB_URL", "MAIL_DB_URL", "SMTP_URL", "METRICS_PORT", "HEALTH_PORT"];

/** Row counts of every table, and the reservations' states, read straight from PostgreSQL (not through the proxy). */
async function storeState(url: string): Promise<Record<string, string>> {
	const c = new Client({ connectionString: url });
	await c.connect();
	try {
		const tables = (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map(r => r.t);
		const out: Record<string, string> = {};
		for (const t of tables) out[t] = (await c.query<{ n: string }>(`SELECT COUNT(*)::text AS n FROM "${t}"`)).rows[0].n;
		if (tables.includes("reservations")) out.states = (await c.query<{ s: string | null }>("SELECT string_agg(code || ':' || status, ',' ORDER BY code) AS s FROM reservations")).rows[0].s ?? "";
		if (tables.includes("inventory")) out.booked = (await c.query<{ s: string | null }>("SELECT SUM(booked)::text AS s FROM inventory")).rows[0].s ?? "0";
		return out;
	} finally {
		await c.end();
	}
}

const viaProxy = (url: string, port: number) => {
	const u = new URL(url);
	u.port = String(port);
	return u.toString();
};

interface ProxiedStores { resDb: string; mailDb: string; proxy: TcpProxy; cleanup(): Promise<void> }

/**
 * Fresh reservations and mail databases reached through one cuttable proxy, the environment
 * pointing at them (plus `env`); `cleanup()` — once the brokers stopped — closes the proxy,
 * restores the environment and drops the databases.
 */
async function proxiedStores(env: Record<string, string>): Promise<ProxiedStores> {
	const resDb = await createTestDatabase("hb_outage_res");
	const mailDb = await createTestDatabase("hb_outage_mail");
	const proxy = await startTcpProxy(5432, new URL(resDb).hostname);
	const saved: Record<string, string | undefined> = {};
	for (const k of ENV_KEYS) saved[k] = process.env[k];
	Object.assign(process.env, {
		AUTH_RATE_LIMIT_PER_MINUTE: "1000", PORT: "0", SEED_DEMO: "false", DATA_DIR: ":memory:", SMTP_URL: "", METRICS_PORT: "", HEALTH_PORT: "",
		RESERVATIONS_DB_URL: viaProxy(resDb, proxy.port), MAIL_DB_URL: viaProxy(mailDb, proxy.port), ...env,
	});
	return {
		resDb, mailDb, proxy,
		async cleanup() {
			await proxy.close();
			for (const [k, v] of Object.entries(saved)) {
				if (v === undefined) delete process.env[k];
				else process.env[k] = v;
			}
			await dropTestDatabase(resDb);
			await dropTestDatabase(mailDb);
		},
	};
}

describeWithServers("store outage: 503 with Retry-After, 2xx again once it is back", NEEDS, () => {
	let skip = false;
	let proxy: TcpProxy;
	let broker: ServiceBroker;
	let http: Server;
	let resDb = "";
	let mailDb = "";
	let stores: ProxiedStores | null = null;
	let admin = "";
	let hotelId = "";
	let code = "";
	let guestToken = "";
	const who = guest(1);

	beforeAll(async () => {
		skip = await serversMissing(NEEDS);
		if (skip) return;
		stores = await proxiedStores({ TRANSPORTER: "", NAMESPACE: "" });
		({ resDb, mailDb, proxy } = stores);
		const cfg = loadConfig();
		// "error": the stores' background loops (outbox relay, mail sender) warn on every pass while cut.
		broker = createBroker({ ...cfg, logLevel: "error" }, { logLevel: "error" }, ["api", "hotels", "reservations", "mail", "accounts"]);
		await broker.start();
		http = (broker.getLocalService("api") as unknown as { server: Server }).server;
		admin = signAdminToken(cfg.adminEmail, cfg.jwtSecret);

		const hotel = await request(http).post("/api/v1/hotels").set("Authorization", `Bearer ${admin}`).send(hotelBody("Outage", [{ id: "double", totalRooms: 5 }]));
		expect(hotel.status).toBe(201);
		hotelId = hotel.body.id;
		// Booked once (arriving today, so the staff check-in is allowed), once the hotel's copy reached reservations.
		let first: request.Response | null = null;
		await waitFor("the first booking", async () => (first = await request(http).post("/api/v1/reservations").send(booking(hotelId, "double", 0, 2, { guest: who }))).status === 201);
		code = first!.body.code;
		guestToken = first!.body.guestToken;
		expect(proxy.connections()).toBeGreaterThan(0);
	}, 60_000);

	afterAll(async () => {
		if (skip) return;
		await proxy?.restore();
		await broker?.stop();
		await stores?.cleanup();
	}, 60_000);

	const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
	const stay = () => `checkIn=${day(10)}&checkOut=${day(12)}`;
	/** Every kind of route: a booking, the limited lookup, a guest read, admin lists, a public read, a staff change. */
	const calls: [string, () => request.Test, number][] = [
		["POST /reservations", () => request(http).post("/api/v1/reservations").send(booking(hotelId, "double", 10, 12, { guest: guest(2) })), 201],
		["POST /reservations/lookup", () => request(http).post("/api/v1/reservations/lookup").send({ code, email: who.email }), 200],
		["GET /reservations/:code (guest)", () => request(http).get(`/api/v1/reservations/${code}`).set(bearer(guestToken)), 200],
		["GET /reservations (admin list)", () => request(http).get("/api/v1/reservations").set(bearer(admin)), 200],
		["GET /hotels/:id/availability", () => request(http).get(`/api/v1/hotels/${hotelId}/availability?${stay()}`), 200],
		["GET /mails (admin)", () => request(http).get("/api/v1/mails").set(bearer(admin)), 200],
		["POST /reservations/:code/check-in (staff)", () => request(http).post(`/api/v1/reservations/${code}/check-in`).set(bearer(admin)), 200],
	];

	it("cut: every route answers 503 SERVICE_UNAVAILABLE with Retry-After within 5 s and writes nothing; restored: 2xx again", async () => {
		if (skip) return;
		// The booking's messages are through (outbox relayed, mail row written) before the cut.
		const before = { res: await settled("the reservations store", () => storeState(resDb), 500), mail: await settled("the mail store", () => storeState(mailDb), 500) };

		await proxy.cut();
		for (const [name, call] of calls) {
			const started = Date.now();
			const res = await call();
			const ms = Date.now() - started;
			expect({ name, status: res.status, type: res.body.type, retryAfter: res.headers["retry-after"], fast: ms < 5000 })
				.toEqual({ name, status: 503, type: "SERVICE_UNAVAILABLE", retryAfter: "5", fast: true });
		}
		// Enough failures to open the circuit breaker on the lookup: still 503, never 500 — and the
		// gateway itself stays up: the hotels, whose store is not cut, still answer.
		const statuses = new Set<number>();
		for (let i = 0; i < 25; i++) statuses.add((await calls[1][1]()).status);
		expect([...statuses]).toEqual([503]);
		const breaker = (broker as unknown as { CircuitBreakerStore: Map<string, { state: string }> }).CircuitBreakerStore;
		expect([...breaker].find(([ep]) => ep.endsWith(":reservations.lookup"))?.[1].state).toBe("open");
		expect((await request(http).get(`/api/v1/hotels/${hotelId}`)).status).toBe(200);
		expect({ res: await storeState(resDb), mail: await storeState(mailDb) }).toEqual(before);

		await proxy.restore();
		for (const [name, call, ok] of calls)
			await waitFor(`${name} answers ${ok} again`, async () => (await call()).status === ok, 30_000, 200);
		const after = await storeState(resDb);
		expect(after.states).toContain(`${code}:checked_in`);
	}, 120_000);
});

describeWithServers("store outage seen from a gateway on another node", ["pg", "amqp"], () => {
	let skip = false;
	let proxy: TcpProxy;
	let gateway: ServiceBroker;
	let stores: ServiceBroker;
	let http: Server;
	let dbs: ProxiedStores | null = null;
	let admin = "";
	let hotelId = "";
	const namespace = uniqueName("outage");

	beforeAll(async () => {
		skip = await serversMissing(["pg", "amqp"]);
		if (skip) return;
		dbs = await proxiedStores({ TRANSPORTER: AMQP_URL, NAMESPACE: namespace });
		proxy = dbs.proxy;
		const cfg = loadConfig();
		stores = createBroker({ ...cfg, logLevel: "error" }, { logLevel: "error", nodeID: `${namespace}-stores` }, ["hotels", "reservations", "mail", "accounts"]);
		gateway = createBroker({ ...cfg, logLevel: "error" }, { logLevel: "error", nodeID: `${namespace}-gateway` }, ["api"]);
		await stores.start();
		await gateway.start();
		await gateway.waitForServices(["hotels", "reservations", "mail"], 20_000);
		http = (gateway.getLocalService("api") as unknown as { server: Server }).server;
		admin = signAdminToken(cfg.adminEmail, cfg.jwtSecret);
		const hotel = await request(http).post("/api/v1/hotels").set("Authorization", `Bearer ${admin}`).send(hotelBody("Outage remote", [{ id: "double", totalRooms: 5 }]));
		expect(hotel.status).toBe(201);
		hotelId = hotel.body.id;
		await waitFor("the first booking", async () => (await request(http).post("/api/v1/reservations").send(booking(hotelId, "double", 3, 4))).status === 201);
	}, 90_000);

	afterAll(async () => {
		if (skip) return;
		await proxy?.restore();
		await gateway?.stop();
		await stores?.stop();
		await dbs?.cleanup();
		await deleteBusTopology(namespace).catch(() => undefined);
	}, 60_000);

	it("a booking and the admin lists answer 503 with Retry-After (not 500) through the transit, 2xx once restored", async () => {
		if (skip) return;
		const calls: [string, () => request.Test, number][] = [
			["POST /reservations", () => request(http).post("/api/v1/reservations").send(booking(hotelId, "double", 5, 6)), 201],
			["GET /reservations", () => request(http).get("/api/v1/reservations").set("Authorization", `Bearer ${admin}`), 200],
			["GET /mails", () => request(http).get("/api/v1/mails").set("Authorization", `Bearer ${admin}`), 200],
		];
		await proxy.cut();
		for (const [name, call] of calls) {
			const started = Date.now();
			const res = await call();
			expect({ name, status: res.status, type: res.body.type, retryAfter: res.headers["retry-after"], fast: Date.now() - started < 5000 })
				.toEqual({ name, status: 503, type: "SERVICE_UNAVAILABLE", retryAfter: "5", fast: true });
		}
		await proxy.restore();
		for (const [name, call, ok] of calls)
			await waitFor(`${name} answers ${ok} again`, async () => (await call()).status === ok, 30_000, 200);
	}, 120_000);
});
