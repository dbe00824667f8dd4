/**
 * The outbox relay on PostgreSQL (mixins/outbox.mixin.ts, lib/outbox.ts): rows are claimed by
 * one bound autocommit statement and marked delivered by another. In-process bus (no
 * transporter) so a failed delivery can be provoked: a declared consumer not subscribed yet.
 */
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { Events, type DomainMessage } from "../../lib/events";
import { SqlDbMixin } from "../../mixins/db.mixin";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing } from "../helpers/infra";
import { code, makeBroker, outboxProbeService, probeOf, reservationMessage, settled, waitFor } from "./mail.fixtures";

describeWithServers("outbox relay on PostgreSQL", ["pg"], () => {
	let broker: ServiceBroker;
	let starting: Promise<void> = Promise.resolve();
	let dbUrl = "";
	let skip = false;
	const saved = { ...process.env };
	const received: DomainMessage[] = [];
	let openGate: () => void = () => undefined;

	beforeAll(async () => {
		skip = await serversMissing(["pg"]);
		if (skip) return;
		dbUrl = await createTestDatabase("hb_outbox");
		delete process.env.TRANSPORTER;
		process.env.DATA_DIR = ":memory:";
		broker = makeBroker("outbox-relay-pg");
		broker.createService(outboxProbeService(dbUrl));
		// A consumer declared on this broker whose start waits for the test: until then the relay's
		// messages are for a group that is not subscribed yet.
		const gate = new Promise<void>(resolve => { openGate = resolve; });
		broker.createService({
			name: "outboxsink",
			consumers: { sink: { events: ["reservations.reservation.*"], dedupe: "handler", async handler(m: DomainMessage) { received.push(m); } } },
			mixins: [SqlDbMixin({ name: "outboxsink", url: () => "", model: { name: "sink", define: {}, options: { tableName: "sink" } }, migrations: [] })],
			async started() { await gate; },
		} as unknown as ServiceSchema);
		starting = broker.start();
		await broker.waitForServices(["outboxprobe"], 20_000);
	}, 30_000);

	afterAll(async () => {
		openGate();
		await starting.catch(() => undefined);
		await broker?.stop();
		process.env = saved;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 30_000);

	const rows = async () => {
		const [r] = await probeOf(broker).sequelize.query(`SELECT id, attempts, last_error, delivered_at, claimed_until FROM outbox ORDER BY id`) as [{ id: string; attempts: number; last_error: string | null; delivered_at: Date | null; claimed_until: Date | null }[], unknown];
		return r;
	};

	it("keeps undelivered rows pending with the error (not an attempt without a consumer), then delivers the batch once the consumer is up", async () => {
		if (skip) return;
		const messages = Array.from({ length: 5 }, (_, i) => reservationMessage(Events.RESERVATION_CONFIRMED, code(i)));
		await probeOf(broker).append(messages);
		probeOf(broker).wakeOutboxRelay();
		await waitFor("errors recorded", async () => (await rows()).every(r => r.last_error !== null), 5_000);
		const pending = await settled("the pending rows", async () => (await rows()).map(r => [r.attempts, r.delivered_at]), 200);
		expect(pending).toEqual(messages.map(() => [0, null]));
		for (const r of await rows()) expect(r).toMatchObject({ attempts: 0, delivered_at: null, last_error: expect.stringContaining("reservations.reservation.confirmed") });

		openGate();
		await starting;
		await waitFor("delivered", async () => (await probeOf(broker).pending()) === 0, 10_000);
		const after = await rows();
		expect(after.map(r => r.id).sort()).toEqual(messages.map(m => m.id).sort());
		for (const r of after) expect(r).toMatchObject({ attempts: 1, last_error: null, delivered_at: expect.any(Date), claimed_until: null });
		expect(new Set(received.map(m => m.id))).toEqual(new Set(messages.map(m => m.id)));
	}, 30_000);

	it("lets two relays share the table: each row is claimed by one of them", async () => {
		if (skip) return;
		const { sqlOutboxStore } = await import("../../lib/outbox");
		const db = probeOf(broker).sequelize;
		const messages = Array.from({ length: 20 }, (_, i) => reservationMessage(Events.RESERVATION_CONFIRMED, code(100 + i)));
		// Claimed by a far-future test claim first so the service's own relay leaves them alone.
		const a = sqlOutboxStore(db);
		const b = sqlOutboxStore(db);
		await probeOf(broker).sequelize.transaction(async t => {
			const { appendOutbox } = await import("../../lib/outbox");
			for (const m of messages) await appendOutbox(db, t, m);
			await db.query("UPDATE outbox SET claimed_until = :past WHERE delivered_at IS NULL", { replacements: { past: new Date(Date.now() + 3_600_000) }, transaction: t });
		});
		const later = new Date(Date.now() + 3_700_000);
		const [ca, cb] = await Promise.all([a.claim(15, 60_000, null, later), b.claim(15, 60_000, null, later)]);
		const ids = [...ca, ...cb].map(m => m.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.sort()).toEqual(messages.map(m => m.id).sort());
		await a.delivered(ids);
		expect(await probeOf(broker).pending()).toBe(0);
	}, 30_000);
});
