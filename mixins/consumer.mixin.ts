/**
 * Durable subscription (SPEC §4): the service's consumer group gets its own durable queue
 * (RabbitMQ) or in-process delivery (embedded shape) for the given event patterns, and every
 * message goes through de-duplication by message id in the service's own database:
 *
 *   mixins: [DurableConsumerMixin({ events: ["reservations.reservation.*"], handler: "onReservationMessage" }), SqlDbMixin({...})]
 *   methods: { async onReservationMessage(message, t) { ...write with transaction t... } }
 *
 * - `transactional: true` (default): one transaction records the id in `processed_messages`
 *   and runs the handler with it; the message is acknowledged after the commit. A duplicate
 *   finds the id and is acknowledged without calling the handler.
 * - `transactional: false`: for handlers that open their own transaction (and idempotent
 *   effects, such as keeping a copy of a hotel): skip when already recorded, run, then record.
 * - `idempotent: true`: the handler makes a repeated message a no-op by itself (e.g. a unique
 *   message id column with ON CONFLICT DO NOTHING in the row it writes): no `processed_messages`
 *   record and no transaction here — the handler is called with `t = null` and may batch its
 *   writes (mail's group commit). The message is acknowledged once the handler resolved.
 * - A throw means "not processed": the bus retries with back-off, then parks the message in
 *   `<group>.dlq`; `<service>.deadLetters` lists it and `<service>.replayDeadLetters` puts it back.
 *
 * Put it BEFORE SqlDbMixin in `mixins`: the store is then connected when consumption starts
 * and still open while in-flight messages finish at stop.
 */
import type { Context, Service, ServiceSchema } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import { acquireBus, releaseBus, type DeadLetter, type MessageBus } from "../lib/bus";
import { alreadyProcessed, ensureProcessedTable, pruneProcessed, recordOnce } from "../lib/bus/dedup";
import type { DomainMessage } from "../lib/events";

export interface ConsumerOptions {
	/** Consumer group = queue name (without the namespace). Default: the service name. */
	group?: string;
	/** Topic patterns, e.g. "hotels.hotel.*". */
	events: string[];
	/** Name of the service method `(message, t) => Promise<void>` that applies a message. */
	handler: string;
	transactional?: boolean;
	/** The handler de-duplicates by message id on its own (see the header). */
	idempotent?: boolean;
	prefetch?: number;
}

type Handler = (message: DomainMessage, t: Transaction | null) => Promise<void>;

interface ConsumerState {
	bus: MessageBus;
	group: string;
	running: boolean;
	/** Resolves once the subscription is live (tests and readiness). */
	ready: Promise<void>;
	/** Forgets processed ids older than 30 days, every 6 hours (a message is never redelivered that late). */
	prune: NodeJS.Timeout | null;
}

interface ConsumerMethods {
	consumeMessage(message: DomainMessage): Promise<"processed" | "duplicate">;
}

interface ConsumerThis extends Service, ConsumerMethods {
	sequelize?: Sequelize;
	durableConsumer: ConsumerState;
	[method: string]: unknown;
}

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export function DurableConsumerMixin(opts: ConsumerOptions): Partial<ServiceSchema> {
	const transactional = opts.transactional ?? true;

	const mixin: ServiceSchema<Record<string, unknown>, ConsumerMethods, Record<string, unknown>, ConsumerThis> = {
		name: "",

		actions: {
			/** Operators (REPL): messages of this consumer group parked after too many failures. */
			deadLetters: {
				visibility: "public",
				params: { limit: { type: "number", integer: true, min: 1, max: 1000, optional: true, convert: true } },
				async handler(this: ConsumerThis, ctx: Context<{ limit?: number }>): Promise<DeadLetter[]> {
					return this.durableConsumer.bus.deadLetters(this.durableConsumer.group, ctx.params.limit ?? 100);
				},
			},
			/** Operators (REPL): put every parked message back in the queue, with fresh attempts. */
			replayDeadLetters: {
				visibility: "public",
				async handler(this: ConsumerThis): Promise<{ replayed: number }> {
					return { replayed: await this.durableConsumer.bus.replayDeadLetters(this.durableConsumer.group) };
				},
			},
		},

		methods: {
			/** Applies one message at most once. Throws when the handler failed (the bus retries). */
			async consumeMessage(this: ConsumerThis, message: DomainMessage): Promise<"processed" | "duplicate"> {
				const sequelize = this.sequelize;
				if (!sequelize) throw new Error(`${this.name}: store not connected yet`);
				const handler = this[opts.handler] as Handler | undefined;
				if (typeof handler !== "function") throw new Error(`${this.name}: no method '${opts.handler}' to consume messages`);
				if (!message || typeof message.id !== "string" || !message.id || typeof message.event !== "string")
					throw new Error("not a domain message (id and event are required)");

				if (opts.idempotent) {
					await handler.call(this, message, null);
					return "processed";
				}
				if (transactional) {
					return sequelize.transaction(async t => {
						if (!(await recordOnce(sequelize, t, message))) return "duplicate" as const;
						await handler.call(this, message, t);
						return "processed" as const;
					});
				}
				if (await alreadyProcessed(sequelize, message.id)) return "duplicate";
				await handler.call(this, message, null);
				await recordOnce(sequelize, null, message);
				return "processed";
			},
		},

		async started(this: ConsumerThis) {
			const bus = acquireBus(this.broker);
			const group = opts.group ?? this.name;
			const state: ConsumerState = { bus, group, running: true, ready: Promise.resolve(), prune: null };
			this.durableConsumer = state;
			const subscribe = async () => {
				while (state.running && !this.sequelize) await sleep(50);
				if (!state.running || !this.sequelize) return;
				if (!opts.idempotent) {
					await ensureProcessedTable(this.sequelize);
					state.prune = setInterval(() => {
						if (this.sequelize) pruneProcessed(this.sequelize).catch(err => this.logger.warn(`Cannot prune processed message ids: ${(err as Error).message}`));
					}, 6 * 3_600_000);
					state.prune.unref();
				}
				await bus.subscribe(group, opts.events, async message => {
					const outcome = await this.consumeMessage(message);
					if (outcome === "duplicate") this.logger.debug(`Duplicate message ${message.id} (${message.event}) ignored.`);
				}, { prefetch: opts.prefetch });
				this.logger.info(`Consuming [${opts.events.join(", ")}] as group '${group}' (${bus.kind} bus).`);
			};
			state.ready = subscribe();
			// With the store connected already (mixin placed before SqlDbMixin), start() returns subscribed.
			if (this.sequelize) await state.ready;
			else state.ready.catch(err => this.logger.error(`Cannot subscribe group '${group}': ${(err as Error).message}`));
		},

		async stopped(this: ConsumerThis) {
			const state = this.durableConsumer;
			if (!state) return;
			state.running = false;
			await state.ready.catch(() => undefined);
			if (state.prune) clearInterval(state.prune);
			// Waits for the messages in flight (they finish and are acknowledged) before the store closes.
			await state.bus.unsubscribe(state.group);
			await releaseBus(this.broker);
		},
	};
	return mixin as unknown as Partial<ServiceSchema>;
}

export default DurableConsumerMixin;
