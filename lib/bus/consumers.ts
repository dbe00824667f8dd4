/**
 * The `consumers:` block of a service schema (types/moleculer.d.ts ConsumerSchema), as a broker
 * middleware (moleculer.config.ts `middlewares`):
 *  - serviceCreating: the groups are declared to this broker's bus topology, and the service gets
 *    the operator actions `deadLetters` / `replayDeadLetters` (REPL only, not over HTTP);
 *  - serviceStarted (every `started` ran: the store is connected): each consumer is subscribed;
 *  - serviceStopping (before any `stopped`: the store is still open): each is unsubscribed,
 *    waiting for the messages in flight.
 * Every message is de-duplicated by id per `dedupe` (lib/bus/dedup.ts, `processed_messages`
 * created by the service's migrations):
 *  - "transaction" (default): one transaction records the id and runs the handler with it;
 *  - "record": skip when recorded, run the handler (its own transactions, idempotent), record;
 *  - "handler": the handler makes repeats no-ops itself (e.g. a unique message-id column); t = null.
 * A throw means "not processed": the bus retries with the one back-off policy, then dead-letters.
 * A `broadcast: true` consumer is different: every node of the service gets every message (one
 * queue per node), no de-duplication, no retry, no dead-letter (live feeds: a lost message is
 * acceptable, a late one useless).
 */
import type { Context, Middleware, Service, ServiceBroker, ServiceSchema } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { ConsumerSchema } from "../../types/moleculer";
import type { DomainMessage } from "../events";
import { alreadyProcessed, pruneProcessed, recordOnce } from "./dedup";
import { acquireBus, declareConsumers, releaseBus } from "./index";
import type { DeadLetter, MessageBus } from "./types";

/** Processed ids are forgotten after 30 days, checked every 6 hours (a message is never redelivered that late). */
const PRUNE_EVERY_MS = 6 * 3_600_000;

interface Declared { name: string; group: string; schema: ConsumerSchema }

interface ConsumingState {
	bus: MessageBus;
	consumers: Declared[];
	prune: NodeJS.Timeout | null;
}

type ConsumingService = Service & { sequelize?: Sequelize; $consuming?: ConsumingState; $consumers?: Declared[] };

function declaredOf(schema: ServiceSchema): Declared[] {
	const block = (schema as { consumers?: Record<string, ConsumerSchema> }).consumers ?? {};
	return Object.entries(block).filter(([, c]) => !!c).map(([name, c]) => ({ name, group: c.group ?? String(schema.name), schema: c }));
}

/** Applies one message at most once per group. Throws when the handler failed (the bus retries). */
export async function consumeOnce(service: ConsumingService, c: ConsumerSchema, message: DomainMessage): Promise<"processed" | "duplicate"> {
	if (!message || typeof message.id !== "string" || !message.id || typeof message.event !== "string")
		throw new Error("not a domain message (id and event are required)");
	const dedupe = c.broadcast ? "handler" : c.dedupe ?? "transaction";
	const run = (t: Transaction | null) => c.handler.call(service, message, t);
	if (dedupe === "handler") {
		await run(null);
		return "processed";
	}
	const sequelize = service.sequelize;
	if (!sequelize) throw new Error(`${service.name}: store not connected yet`);
	if (dedupe === "transaction") {
		return sequelize.transaction(async t => {
			if (!(await recordOnce(sequelize, t, message))) return "duplicate" as const;
			await run(t);
			return "processed" as const;
		});
	}
	if (await alreadyProcessed(sequelize, message.id)) return "duplicate";
	await run(null);
	await recordOnce(sequelize, null, message);
	return "processed";
}

function groupOf(service: ConsumingService, wanted: string | undefined): string {
	const groups = [...new Set((service.$consumers ?? []).map(c => c.group))];
	if (wanted && !groups.includes(wanted)) throw new Error(`${service.name} has no consumer group '${wanted}' (${groups.join(", ")})`);
	return wanted ?? groups[0];
}

function busOf(service: ConsumingService): MessageBus {
	const bus = service.$consuming?.bus;
	if (!bus) throw new Error(`${service.name}: not consuming (not started)`);
	return bus;
}

async function subscribeAll(service: ConsumingService): Promise<void> {
	const consumers = service.$consumers ?? [];
	if (consumers.length === 0) return;
	const needsStore = consumers.filter(c => !c.schema.broadcast && (c.schema.dedupe ?? "transaction") !== "handler");
	if (needsStore.length && !service.sequelize)
		throw new Error(`${service.name}: consumer '${needsStore[0].name}' de-duplicates in processed_messages but the service has no SQL store (use dedupe: "handler")`);
	const bus = acquireBus(service.broker);
	const state: ConsumingState = { bus, consumers, prune: null };
	service.$consuming = state;
	if (needsStore.length) {
		state.prune = setInterval(() => {
			if (service.sequelize) pruneProcessed(service.sequelize).catch(err => service.logger.warn(`Cannot prune processed message ids: ${(err as Error).message}`));
		}, PRUNE_EVERY_MS);
		state.prune.unref();
	}
	for (const c of consumers) {
		await bus.subscribe(c.group, c.schema.events, async message => {
			const outcome = await consumeOnce(service, c.schema, message);
			if (outcome === "duplicate") service.logger.debug(`Duplicate message ${message.id} (${message.event}) ignored by '${c.group}'.`);
		}, { prefetch: c.schema.concurrency, attempts: c.schema.attempts, deadLetter: c.schema.deadLetter, broadcast: c.schema.broadcast });
		service.logger.info(`Consuming [${c.schema.events.join(", ")}] as ${c.schema.broadcast ? "broadcast" : "group"} '${c.group}' (${bus.kind} bus).`);
	}
}

async function unsubscribeAll(service: ConsumingService): Promise<void> {
	const state = service.$consuming;
	if (!state) return;
	service.$consuming = undefined;
	if (state.prune) clearInterval(state.prune);
	// Each waits for its messages in flight (they finish and are acknowledged) before the store closes.
	for (const c of state.consumers) await state.bus.unsubscribe(c.group);
	await releaseBus(service.broker);
}

export function ConsumersMiddleware(): Middleware {
	return {
		name: "Consumers",

		serviceCreating(service: ConsumingService, schema: ServiceSchema) {
			const consumers = declaredOf(schema);
			service.$consumers = consumers;
			if (consumers.length === 0) return;
			declareConsumers(service.broker as ServiceBroker, consumers.map(c => ({ group: c.group, patterns: [...c.schema.events], attempts: c.schema.attempts, deadLetter: c.schema.deadLetter, broadcast: c.schema.broadcast })));
			// Broadcast consumers park nothing: no operator actions for them.
			if (consumers.every(c => c.schema.broadcast)) return;
			schema.actions = {
				...schema.actions,
				/** Operators (REPL): messages of this service's consumer group parked after too many failures. */
				deadLetters: {
					visibility: "public",
					params: {
						limit: { type: "number", integer: true, min: 1, max: 1000, optional: true, convert: true },
						group: { type: "string", optional: true },
					},
					async handler(this: ConsumingService, ctx: Context<{ limit?: number; group?: string }>): Promise<DeadLetter[]> {
						return busOf(this).deadLetters(groupOf(this, ctx.params.group), ctx.params.limit ?? 100);
					},
				},
				/** Operators (REPL): put every parked message back in the queue, with fresh attempts. */
				replayDeadLetters: {
					visibility: "public",
					params: { group: { type: "string", optional: true } },
					async handler(this: ConsumingService, ctx: Context<{ group?: string }>): Promise<{ replayed: number }> {
						return { replayed: await busOf(this).replayDeadLetters(groupOf(this, ctx.params.group)) };
					},
				},
			};
		},

		serviceStarted(service: ConsumingService) {
			return subscribeAll(service);
		},

		serviceStopping(service: ConsumingService) {
			return unsubscribeAll(service);
		},
	} as unknown as Middleware;
}
