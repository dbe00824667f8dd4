/**
 * The outbox relay (SPEC §4), one loop for every publisher whatever its store: it claims pending
 * messages from the service's outbox store (lib/outbox.ts: the SQL `outbox` table, or the
 * messages kept on documents), publishes them on the node's message bus, and marks them
 * delivered only after the bus confirmed them (RabbitMQ publisher confirm, or every in-process
 * consumer recorded them).
 *
 * - A crash between the confirm and the mark publishes the message again: consumers
 *   de-duplicate by message id, so that costs nothing.
 * - Several nodes share one store: each claims its messages for a while (no transaction is held
 *   open while RabbitMQ confirms), so nodes do not publish the same messages at the same time.
 * - Messages with the same key (one hotel's) go out in order; a failure holds back the rest.
 * - A failed publish leaves the message pending until its next try (lib/retry.ts). In the embedded
 *   shape a message whose consumers failed `localMaxAttempts` times is parked (left pending with
 *   its error) until `<service>.replayOutbox`: the embedded shape's dead-letter queue.
 * - Metrics: hotel.outbox.lag.seconds (age of the oldest pending message) and hotel.outbox.pending,
 *   labelled with the service.
 *
 * Put it BEFORE the store's mixin in `mixins` so the store is connected when the relay starts and
 * still open while it stops (Moleculer runs the last mixin's `started` first).
 * After a commit that appended messages, call `this.wakeOutboxRelay()` to publish at once.
 */
import type { Service, ServiceSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import { acquireBus, releaseBus, NoConsumerError, type MessageBus } from "../lib/bus";
import { loadConfig } from "../lib/config";
import { AppMetric, setMetric } from "../lib/metrics";
import { sqlOutboxStore, type OutboxFailure, type OutboxStore, type PendingMessage } from "../lib/outbox";
import { PollLoop } from "../lib/poll-loop";
import { retryDelayMs, type RetryPolicy } from "../lib/retry";

export interface OutboxRelayOptions {
	/** Wait between passes when nothing is pending (default: OUTBOX_POLL_MS). */
	pollIntervalMs?: number;
	batchSize?: number;
	/** Embedded shape: failed deliveries of a message before it is parked. */
	localMaxAttempts?: number;
	/** Delivered rows are deleted after this many days. */
	keepDeliveredDays?: number;
	/** The service's outbox store once its store is connected (default: SQL on `this.sequelize`). */
	store?: (service: Service & Record<string, unknown>) => OutboxStore | null;
}

/** A claim outlives the publisher confirm's timeout: a live node never loses its claim mid-publish. */
const CLAIM_MS = 30_000;

interface RelayState {
	bus: MessageBus;
	loop: PollLoop | null;
	store: OutboxStore | null;
	retry: RetryPolicy;
	lastStats: number;
	lastPrune: number;
	lastWarn: number;
}

export interface OutboxStatus { pending: number; parked: number; lagSeconds: number; bus: string; connected: boolean }

export interface RelayMethods {
	relayOutboxOnce(): Promise<number>;
	wakeOutboxRelay(): void;
	outboxStatus(): Promise<OutboxStatus>;
}

interface RelayThis extends Service, RelayMethods {
	sequelize?: Sequelize;
	outboxRelay: RelayState;
	outboxStore(): OutboxStore | null;
}

type Outcome = { ok: true } | { ok: false; error: string; counts: boolean };

async function publishOne(bus: MessageBus, m: PendingMessage): Promise<Outcome> {
	try {
		await bus.publish(m.message);
		return { ok: true };
	} catch (err) {
		return { ok: false, error: (err as Error).message || String(err), counts: !(err instanceof NoConsumerError) };
	}
}

/**
 * Publishes a claimed batch: the messages of one key one after the other (stopping at a failure),
 * the keys side by side on RabbitMQ (one channel keeps the order) and one by one in process.
 */
async function publishBatch(bus: MessageBus, batch: PendingMessage[]): Promise<Map<string, Outcome>> {
	const sequences = new Map<string, PendingMessage[]>();
	for (const m of batch) {
		const k = m.key ?? `#${m.id}`;
		sequences.set(k, [...(sequences.get(k) ?? []), m]);
	}
	const outcomes = new Map<string, Outcome>();
	const runSequence = async (list: PendingMessage[]) => {
		let blocked: Outcome | null = null;
		for (const m of list) {
			if (blocked) {
				outcomes.set(m.id, { ok: false, error: "waits for an earlier message of the same key", counts: false });
				continue;
			}
			const o = await publishOne(bus, m);
			outcomes.set(m.id, o);
			if (!o.ok) blocked = o;
		}
	};
	if (bus.kind === "local") for (const list of sequences.values()) await runSequence(list);
	else await Promise.all([...sequences.values()].map(runSequence));
	return outcomes;
}

export function OutboxRelayMixin(options: OutboxRelayOptions = {}): Partial<ServiceSchema> {
	const batchSize = options.batchSize ?? 200;
	const localMaxAttempts = options.localMaxAttempts ?? 10;
	const keepDeliveredDays = options.keepDeliveredDays ?? 7;
	const storeOf = options.store ?? ((svc: Service & Record<string, unknown>) => (svc.sequelize ? sqlOutboxStore(svc.sequelize as Sequelize) : null));

	const mixin: ServiceSchema<Record<string, unknown>, RelayMethods, Record<string, unknown>, RelayThis> = {
		name: "",

		actions: {
			/** Operators (REPL): pending messages, parked ones and the lag of this service's outbox. */
			outboxStatus: {
				visibility: "public",
				async handler(this: RelayThis): Promise<OutboxStatus> {
					return this.outboxStatus();
				},
			},
			/** Operators (REPL): give parked messages (embedded shape) fresh attempts. */
			replayOutbox: {
				visibility: "public",
				async handler(this: RelayThis): Promise<{ replayed: number }> {
					const store = this.outboxStore();
					if (!store) return { replayed: 0 };
					const replayed = await store.replay(localMaxAttempts);
					this.wakeOutboxRelay();
					return { replayed };
				},
			},
		},

		methods: {
			outboxStore(this: RelayThis): OutboxStore | null {
				const state = this.outboxRelay;
				if (state && !state.store) state.store = storeOf(this as unknown as Service & Record<string, unknown>);
				return state?.store ?? null;
			},

			wakeOutboxRelay(this: RelayThis): void {
				this.outboxRelay?.loop?.wake();
			},

			async outboxStatus(this: RelayThis): Promise<OutboxStatus> {
				const state = this.outboxRelay;
				const base = { bus: state.bus.kind, connected: state.bus.connected() };
				const store = this.outboxStore();
				if (!store) return { pending: 0, parked: 0, lagSeconds: 0, ...base };
				const st = await store.stats(localMaxAttempts);
				const lagSeconds = st.oldest ? Math.max(0, (Date.now() - st.oldest.getTime()) / 1000) : 0;
				return { pending: st.pending, parked: state.bus.kind === "local" ? st.parked : 0, lagSeconds, ...base };
			},

			/** One pass: claim up to `batchSize` pending messages and publish them; returns how many were claimed. */
			async relayOutboxOnce(this: RelayThis): Promise<number> {
				const state = this.outboxRelay;
				const store = this.outboxStore();
				if (!store || !state.bus.connected()) return 0;
				const local = state.bus.kind === "local";
				const batch = await store.claim(batchSize, CLAIM_MS, local ? localMaxAttempts : null);
				if (batch.length === 0) return 0;
				const outcomes = await publishBatch(state.bus, batch);

				const delivered = batch.filter(m => outcomes.get(m.id)?.ok).map(m => m.id);
				const failures: OutboxFailure[] = [];
				for (const m of batch) {
					const o = outcomes.get(m.id);
					if (!o || o.ok) continue;
					// Nobody refused it (no consumer up yet): try again soon, without counting an attempt.
					const delay = o.counts ? retryDelayMs(state.retry, m.attempts + 1) : state.retry.baseMs;
					failures.push({ id: m.id, error: o.error, counts: o.counts, retryAt: new Date(Date.now() + delay) });
					if (o.counts && Date.now() - state.lastWarn > 5_000) {
						state.lastWarn = Date.now();
						this.logger.warn(`Outbox: message ${m.id} (${m.message.event}) not delivered (${o.error}); retry in ${delay} ms.`);
					}
				}
				await store.delivered(delivered);
				await store.failed(failures);
				return batch.length;
			},
		},

		async started(this: RelayThis) {
			const cfg = loadConfig().messaging;
			const pollIntervalMs = options.pollIntervalMs ?? cfg.outboxPollMs;
			const state: RelayState = { bus: acquireBus(this.broker), loop: null, store: null, retry: cfg.retry, lastStats: 0, lastPrune: Date.now(), lastWarn: 0 };
			this.outboxRelay = state;

			const maintenance = async (store: OutboxStore) => {
				const now = Date.now();
				if (now - state.lastStats >= 1_000) {
					state.lastStats = now;
					const st = await this.outboxStatus();
					setMetric(this.broker, AppMetric.OUTBOX_LAG, st.lagSeconds, { service: this.name });
					setMetric(this.broker, AppMetric.OUTBOX_PENDING, st.pending, { service: this.name });
				}
				if (now - state.lastPrune >= 10 * 60_000) {
					state.lastPrune = now;
					await store.prune(new Date(now - keepDeliveredDays * 86_400_000));
				}
			};

			// Until the store is connected, passes find nothing to do and wait.
			state.loop = new PollLoop({
				name: "Outbox relay pass", pollMs: pollIntervalMs, logger: this.logger,
				pass: async () => {
					const store = this.outboxStore();
					if (!store) return false;
					const claimed = await this.relayOutboxOnce();
					await maintenance(store);
					return claimed >= batchSize;
				},
			});
		},

		async stopped(this: RelayThis) {
			const state = this.outboxRelay;
			if (!state) return;
			await state.loop?.stop();
			await releaseBus(this.broker);
		},
	};
	return mixin as unknown as Partial<ServiceSchema>;
}

export default OutboxRelayMixin;
