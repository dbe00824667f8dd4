/**
 * The outbox relay on PostgreSQL (mixins/outbox.mixin.ts): a pass is two round trips with
 * literals ("BEGIN; SELECT … FOR UPDATE SKIP LOCKED", then "UPDATE …; COMMIT"). In-process bus
 * (no transporter) so a failed delivery can be provoked: no consumer yet.
 */
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { Events, type DomainMessage } from "../../lib/events";
import DurableConsumerMixin from "../../mixins/consumer.mixin";
import { SqlDbMixin } from "../../mixins/db.mixin";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing } from "../helpers/infra";
import { code, makeBroker, outboxProbeService, probeOf, reservationMessage, sleep, waitFor } from "./mail.fixtures";

describeWithServers("outbox relay on PostgreSQL", ["pg"], () => {
	let broker: ServiceBroker;
	let dbUrl = "";
	let skip = false;
	const saved = { ...process.env };
	const received: DomainMessage[] = [];

	beforeAll(async () => {
		skip = await serversMissing(["pg"]);
		if (skip) return;
		dbUrl = await createTestDatabase("hb_outbox");
		delete process.env.TRANSPORTER;
		process.env.DATA_DIR = ":memory:";
		broker = makeBroker("outbox-relay-pg");
		broker.createService(outboxProbeService(dbUrl));
		await broker.start();
	}, 30_000);

	afterAll(async () => {
		await broker?.stop();
		process.env = saved;
		if (dbUrl) await dropTestDatabase(dbUrl);
	}, 30_000);

	const rows = async () => {
		const [r] = await probeOf(broker).sequelize.query(`SELECT id, attempts, last_error, delivered_at FROM outbox ORDER BY id`) as [{ id: string; attempts: number; last_error: string | null; delivered_at: Date | null }[], unknown];
		return r;
	};

	it("keeps undelivered rows pending with the error (not an attempt without a consumer), then delivers the batch once a consumer is up", async () => {
		if (skip) return;
		const messages = Array.from({ length: 5 }, (_, i) => reservationMessage(Events.RESERVATION_CONFIRMED, code(i)));
		await probeOf(broker).append(messages);
		probeOf(broker).wakeOutboxRelay();
		await waitFor("errors recorded", async () => (await rows()).every(r => r.last_error !== null), 5_000);
		await sleep(200);
		for (const r of await rows()) expect(r).toMatchObject({ attempts: 0, delivered_at: null, last_error: expect.stringContaining("reservations.reservation.confirmed") });

		broker.createService({
			name: "outboxsink",
			mixins: [
				DurableConsumerMixin({ events: ["reservations.reservation.*"], handler: "onMessage", transactional: false }),
				SqlDbMixin({ name: "outboxsink", url: () => "", model: { name: "sink", define: {}, options: { tableName: "sink" } }, migrations: [] }),
			],
			methods: { async onMessage(m: DomainMessage) { received.push(m); } },
		} as unknown as ServiceSchema);
		await broker.waitForServices(["outboxsink"]);
		await waitFor("delivered", async () => (await probeOf(broker).pending()) === 0, 10_000);
		const after = await rows();
		expect(after.map(r => r.id).sort()).toEqual(messages.map(m => m.id).sort());
		for (const r of after) expect(r).toMatchObject({ attempts: 1, last_error: null, delivered_at: expect.any(Date) });
		expect(new Set(received.map(m => m.id))).toEqual(new Set(messages.map(m => m.id)));
	}, 30_000);
});
