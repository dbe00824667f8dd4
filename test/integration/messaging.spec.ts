/**
 * The durable bus on a real RabbitMQ and PostgreSQL (SPEC §4): outbox relay with publisher
 * confirms → durable queue → consumer that de-duplicates by message id in its own database;
 * retries then dead-letter queue; a broken connection heals without restarting anything.
 */
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { DataTypes, QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { createTestDatabase, dropTestDatabase, describeWithServers, serversMissing, uniqueName } from "../helpers/infra";
import { currentBus, type DeadLetter } from "../../lib/bus";
import { Events, makeMessage, type DomainMessage } from "../../lib/events";
import { createProcessedTable } from "../../lib/bus/dedup";
import { SqlDbMixin } from "../../mixins/db.mixin";
import { breakBusConnections, deleteBusTopology, makeBroker, outboxProbeService, probeOf, rabbitmqctlAvailable, settled, sleep, waitFor } from "./mail.fixtures";

const NEEDS: ("pg" | "amqp")[] = ["pg", "amqp"];

/** A consumer (a declared `consumers:` entry) that writes one `effects` row per message, and fails on demand. */
function ledgerService(dbUrl: string, failing: Set<string>, calls: Map<string, number>): ServiceSchema {
	return {
		name: "ledger",
		consumers: {
			reservations: {
				events: ["reservations.reservation.*"], group: "ledger", dedupe: "transaction", concurrency: 10,
				async handler(this: { apply(m: DomainMessage, t: Transaction | null): Promise<void> }, message: DomainMessage, t: Transaction | null) { await this.apply(message, t); },
			},
		},
		mixins: [
			SqlDbMixin({
				name: "ledger",
				url: () => dbUrl,
				model: { name: "effects", define: { id: { type: DataTypes.STRING(64), primaryKey: true } }, options: { tableName: "effects" } },
				migrations: [{ name: "ledger-001", up: async ({ context }) => { await context.createTable("effects", { id: { type: DataTypes.STRING(200), primaryKey: true }, message_id: { type: DataTypes.STRING(64), allowNull: false } }); await createProcessedTable(context); } }],
			}),
		],
		methods: {
			async apply(this: { sequelize: Sequelize }, message: DomainMessage, t: Transaction) {
				calls.set(message.id, (calls.get(message.id) ?? 0) + 1);
				if (failing.has(message.id)) throw new Error("poison message");
				// No unique key on message_id: only the consumer's de-duplication keeps it to one row.
				await this.sequelize.query("INSERT INTO effects (id, message_id) VALUES (:id, :mid)", { replacements: { id: `${message.id}:${Date.now()}:${Math.random()}`, mid: message.id }, transaction: t });
			},
		},
	} as unknown as ServiceSchema;
}

describeWithServers("durable messaging (RabbitMQ + PostgreSQL)", NEEDS, () => {
	let skip = false;
	let namespace: string;
	let pubDb: string;
	let subDb: string;
	let publisher: ServiceBroker;
	let consumer: ServiceBroker;
	const failing = new Set<string>();
	const calls = new Map<string, number>();
	const saved = { ...process.env };

	const effects = async (): Promise<Map<string, number>> => {
		const sq = (consumer.getLocalService("ledger") as unknown as { sequelize: Sequelize }).sequelize;
		const rows = await sq.query<{ message_id: string; n: string }>("SELECT message_id, COUNT(*) AS n FROM effects GROUP BY message_id", { type: QueryTypes.SELECT });
		return new Map(rows.map(r => [r.message_id, Number(r.n)]));
	};
	const messages = (n: number) => Array.from({ length: n }, (_, i) => makeMessage(Events.RESERVATION_CONFIRMED, { i }));

	beforeAll(async () => {
		skip = await serversMissing(NEEDS);
		if (skip) return;
		namespace = uniqueName("msg");
		[pubDb, subDb] = await Promise.all([createTestDatabase("hb_msg_pub"), createTestDatabase("hb_msg_sub")]);
		Object.assign(process.env, { TRANSPORTER: process.env.TEST_AMQP_URL || "amqp://guest:guest@127.0.0.1:5672", NAMESPACE: namespace, BUS_MAX_ATTEMPTS: "3", RETRY_BASE_MS: "100", RETRY_MAX_MS: "300" });
		publisher = makeBroker("publisher");
		publisher.createService(outboxProbeService(pubDb));
		consumer = makeBroker("consumer");
		consumer.createService(ledgerService(subDb, failing, calls));
		await Promise.all([publisher.start(), consumer.start()]);
		await Promise.all([currentBus(publisher)?.ready(), currentBus(consumer)?.ready()]);
	});

	afterAll(async () => {
		if (skip) return;
		await Promise.allSettled([publisher?.stop(), consumer?.stop()]);
		await deleteBusTopology(namespace, ["ledger"]).catch(() => undefined);
		await Promise.allSettled([dropTestDatabase(pubDb), dropTestDatabase(subDb)]);
		process.env = saved;
	});

	it("relays every outbox message once the broker confirmed it, and the consumer applies each exactly once", async () => {
		if (skip) return;
		const batch = messages(50);
		await probeOf(publisher).append(batch);
		await waitFor("50 effects", async () => (await effects()).size === 50);
		await waitFor("outbox drained", async () => (await probeOf(publisher).pending()) === 0);
		const fx = await effects();
		expect(batch.every(m => fx.get(m.id) === 1)).toBe(true);
	});

	it("applies a message delivered twice only once", async () => {
		if (skip) return;
		const [m] = messages(1);
		const bus = currentBus(publisher)!;
		await bus.publish(m);
		await bus.publish(m);
		await probeOf(publisher).append([m]); // and a third time through the outbox
		await waitFor("effect", async () => (await effects()).get(m.id) === 1);
		await settled("the outbox and the consumer", async () => [await probeOf(publisher).pending(), (await effects()).get(m.id), calls.get(m.id)], 500);
		expect((await effects()).get(m.id)).toBe(1);
		expect(calls.get(m.id)).toBe(1);
	});

	it("parks a message whose handler always throws in the dead-letter queue after N tries, while the rest keep flowing; replay delivers it", async () => {
		if (skip) return;
		const [poison, ...good] = messages(11);
		failing.add(poison.id);
		await probeOf(publisher).append([poison, ...good]);
		await waitFor("10 good messages applied", async () => { const fx = await effects(); return good.every(m => fx.get(m.id) === 1); });

		let parked: DeadLetter[] = [];
		await waitFor("poison in the DLQ", async () => {
			parked = await consumer.call<DeadLetter[], { limit: number }>("ledger.deadLetters", { limit: 10 });
			return parked.length === 1;
		}, 10_000, 200);
		expect(parked[0].message.id).toBe(poison.id);
		expect(parked[0].attempts).toBe(3);
		expect(parked[0].lastError).toContain("poison message");
		expect(calls.get(poison.id)).toBe(3);
		expect((await effects()).has(poison.id)).toBe(false);

		// Fixed: the operator replays the DLQ and the message goes through once.
		failing.delete(poison.id);
		expect(await consumer.call("ledger.replayDeadLetters")).toEqual({ replayed: 1 });
		await waitFor("poison applied after replay", async () => (await effects()).get(poison.id) === 1);
		expect(await consumer.call("ledger.deadLetters")).toEqual([]);
	});

	it("heals a broken RabbitMQ connection by itself: the outbox drains without restarting anything", async () => {
		if (skip) return;
		// Bookings keep coming while the connections break: one outbox message every 20 ms.
		const written: DomainMessage[] = [];
		let writing = true;
		const writer = (async () => {
			while (writing) {
				const [m] = messages(1);
				await probeOf(publisher).append([m]);
				written.push(m);
				await sleep(20);
			}
		})();
		await waitFor("bookings being written", () => written.length >= 10);
		if (await rabbitmqctlAvailable()) {
			expect(await breakBusConnections(namespace)).toBeGreaterThanOrEqual(2);
		} else {
			// Without rabbitmqctl: break the sockets from the client side instead.
			for (const b of [publisher, consumer]) (currentBus(b) as unknown as { connection: { connection: { stream: { destroy(): void } } } }).connection.connection.stream.destroy();
		}
		const atBreak = written.length;
		await waitFor("more bookings written after the break", () => written.length >= atBreak + 10);
		writing = false;
		await writer;
		const batch = written;
		expect(batch.length).toBeGreaterThan(10);
		await waitFor("buses reconnected", () => currentBus(publisher)!.connected() && currentBus(consumer)!.connected(), 15_000);
		await waitFor("every message written around the break applied once", async () => { const fx = await effects(); return batch.every(m => fx.get(m.id) === 1); }, 20_000);
		await waitFor("outbox drained", async () => (await probeOf(publisher).pending()) === 0);
		const status = await publisher.call<{ pending: number; lagSeconds: number }>("outboxprobe.outboxStatus");
		expect(status.pending).toBe(0);
	});
});
