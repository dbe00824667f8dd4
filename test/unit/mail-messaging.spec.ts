import { LocalBus, NoConsumerError, topicMatches, retryDelay, busOptionsFromEnv, names } from "../../lib/bus";
import { makeMessage, Events, type DomainMessage } from "../../lib/events";
import { alreadyProcessed, ensureProcessedTable, pruneProcessed, recordOnce } from "../../lib/bus/dedup";
import { Sequelize } from "sequelize";

describe("topicMatches", () => {
	it("matches like a RabbitMQ topic binding", () => {
		expect(topicMatches("hotels.hotel.*", "hotels.hotel.created")).toBe(true);
		expect(topicMatches("hotels.hotel.*", "hotels.hotel")).toBe(false);
		expect(topicMatches("hotels.#", "hotels.hotel.created")).toBe(true);
		expect(topicMatches("#", "a")).toBe(true);
		expect(topicMatches("reservations.reservation.*", "hotels.hotel.created")).toBe(false);
	});
});

describe("retry back-off", () => {
	it("uses one delay per retry and repeats the last", () => {
		const o = { maxAttempts: 5, retryDelaysMs: [100, 400, 1600] };
		expect([1, 2, 3, 4, 9].map(a => retryDelay(o, a))).toEqual([100, 400, 1600, 1600, 1600]);
	});
	it("reads its knobs from the environment, ignoring nonsense", () => {
		expect(busOptionsFromEnv({ BUS_MAX_ATTEMPTS: "3", BUS_RETRY_DELAYS_MS: "50, 200" })).toEqual({ maxAttempts: 3, retryDelaysMs: [50, 200] });
		expect(busOptionsFromEnv({ BUS_MAX_ATTEMPTS: "zero", BUS_RETRY_DELAYS_MS: "x" }).maxAttempts).toBe(5);
	});
	it("prefixes every name with the namespace", () => {
		const n = names("ns1");
		expect([n.exchange, n.queue("mail"), n.retryQueue("mail", 500), n.dlq("mail")]).toEqual(["ns1.domain-events", "ns1.mail", "ns1.mail.retry.500ms", "ns1.mail.dlq"]);
	});
});

describe("LocalBus (embedded shape)", () => {
	const msg = () => makeMessage(Events.RESERVATION_CONFIRMED, { n: 1 });

	it("refuses a message nobody consumes yet, so the outbox keeps it", async () => {
		const bus = new LocalBus();
		await expect(bus.publish(msg())).rejects.toBeInstanceOf(NoConsumerError);
	});

	it("resolves only after every matching consumer handled the message", async () => {
		const bus = new LocalBus();
		const seen: string[] = [];
		await bus.subscribe("mail", ["reservations.reservation.*"], async (m: DomainMessage) => { await new Promise(r => setTimeout(r, 10)); seen.push(`mail:${m.id}`); });
		await bus.subscribe("other", ["hotels.#"], async m => { seen.push(`other:${m.id}`); });
		const m = msg();
		await bus.publish(m);
		expect(seen).toEqual([`mail:${m.id}`]);
	});

	it("rejects when a consumer failed, so the message is delivered again later", async () => {
		const bus = new LocalBus();
		await bus.subscribe("mail", ["reservations.reservation.*"], async () => { throw new Error("disk full"); });
		await expect(bus.publish(msg())).rejects.toThrow("mail: disk full");
	});
});

describe("processed message ids", () => {
	it("are forgotten after 30 days, not before", async () => {
		const db = new Sequelize("sqlite::memory:", { logging: false });
		try {
			await ensureProcessedTable(db);
			const now = new Date("2027-01-31T12:00:00Z");
			const old = makeMessage(Events.RESERVATION_CONFIRMED, { n: 1 });
			const recent = makeMessage(Events.RESERVATION_CONFIRMED, { n: 2 });
			await recordOnce(db, null, old, new Date("2026-12-31T11:00:00Z"));
			await recordOnce(db, null, recent, new Date("2027-01-02T12:00:00Z"));
			await pruneProcessed(db, 30, now);
			expect(await alreadyProcessed(db, old.id)).toBe(false);
			expect(await alreadyProcessed(db, recent.id)).toBe(true);
		} finally {
			await db.close();
		}
	});
});
