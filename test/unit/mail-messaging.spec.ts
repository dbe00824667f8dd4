import { LocalBus, NoConsumerError, topicMatches, busOptionsOf, names } from "../../lib/bus";
import { messagingConfig } from "../../lib/config";
import { makeMessage, Events, type DomainMessage } from "../../lib/events";
import { alreadyProcessed, createProcessedTable, pruneProcessed, recordOnce } from "../../lib/bus/dedup";
import { retryDelayMs } from "../../lib/retry";
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
	it("doubles the base per retry up to the cap (the one policy, lib/retry.ts)", () => {
		const o = busOptionsOf(messagingConfig({ RETRY_BASE_MS: "100", RETRY_MAX_MS: "1600" }));
		expect([1, 2, 3, 4, 9].map(a => retryDelayMs(o.retry, a))).toEqual([100, 200, 400, 800, 1600]);
	});
	it("reads its knobs from the environment, ignoring nonsense; the older BUS_RETRY_DELAYS_MS still gives the base and cap", () => {
		expect(busOptionsOf(messagingConfig({ BUS_MAX_ATTEMPTS: "3", BUS_RETRY_DELAYS_MS: "50, 200" }))).toEqual({ maxAttempts: 3, retry: { baseMs: 50, maxMs: 200 } });
		expect(busOptionsOf(messagingConfig({ BUS_MAX_ATTEMPTS: "zero", BUS_RETRY_DELAYS_MS: "x" }))).toEqual({ maxAttempts: 5, retry: { baseMs: 1000, maxMs: 60_000 } });
	});
	it("prefixes every name with the namespace", () => {
		const n = names("ns1");
		expect([n.exchange, n.queue("mail"), n.retryQueue("mail", 500), n.dlq("mail")]).toEqual(["ns1.domain-events", "ns1.mail", "ns1.mail.retry.500ms", "ns1.mail.dlq"]);
	});
});

describe("LocalBus (embedded shape)", () => {
	const msg = () => makeMessage(Events.RESERVATION_CONFIRMED, { n: 1 });

	it("refuses a message for a declared group not subscribed yet, so the outbox keeps it", async () => {
		const bus = new LocalBus(() => [{ group: "mail", patterns: ["reservations.reservation.*"] }]);
		await expect(bus.publish(msg())).rejects.toBeInstanceOf(NoConsumerError);
		await bus.subscribe("mail", ["reservations.reservation.*"], async () => undefined);
		await expect(bus.publish(msg())).resolves.toBeUndefined();
	});

	it("delivers a message no group of this broker declares to nobody, and resolves", async () => {
		const bus = new LocalBus(() => [{ group: "reservations", patterns: ["hotels.hotel.*"] }]);
		await expect(bus.publish(makeMessage(Events.MAIL_SENT, { n: 1 }))).resolves.toBeUndefined();
		await expect(new LocalBus().publish(msg())).resolves.toBeUndefined();
	});

	it("waits for a group's messages in flight when it unsubscribes", async () => {
		const bus = new LocalBus();
		let done = false;
		await bus.subscribe("slow", ["reservations.reservation.*"], async () => { await new Promise(r => setTimeout(r, 50)); done = true; });
		const publishing = bus.publish(msg());
		await new Promise(r => setImmediate(r));
		await bus.unsubscribe("slow");
		expect(done).toBe(true);
		await publishing;
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
			await createProcessedTable(db.getQueryInterface());
			await createProcessedTable(db.getQueryInterface()); // a migration on a database that has it already
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
