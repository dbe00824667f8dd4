/**
 * The outbox relay (SPEC §4): a service that writes its domain messages to its `outbox` table
 * in the same transaction as the change (lib/outbox.ts) gets this mixin, which publishes
 * every pending row on the node's message bus and marks it delivered only after the bus
 * confirmed it (RabbitMQ publisher confirm, or every in-process consumer recorded it).
 *
 * - A crash between the confirm and the UPDATE publishes the row again: consumers
 *   de-duplicate by message id, so that costs nothing.
 * - Several nodes of one service share the table: on PostgreSQL each pass locks its rows
 *   (FOR UPDATE SKIP LOCKED), so nodes do not publish the same rows at the same time.
 * - A failed publish (RabbitMQ unreachable, no local consumer yet) leaves the row pending;
 *   it is retried with back-off. In the embedded shape a row whose consumers failed
 *   `localMaxAttempts` times is parked (left pending, `attempts` and `last_error` say why)
 *   until `<service>.replayOutbox` is called: the embedded shape's dead-letter queue.
 * - Metrics: hotel.outbox.lag.seconds (age of the oldest pending row) and hotel.outbox.pending.
 *
 * Put it BEFORE SqlDbMixin in `mixins` so the store is connected when the relay starts and
 * still open while it stops (Moleculer runs the last mixin's `started` first).
 * After a commit that appended messages, call `this.wakeOutboxRelay()` to publish at once.
 */
import type { Service, ServiceSchema } from "moleculer";
import type { QueryResult } from "pg";
import { QueryTypes, type Sequelize } from "sequelize";
import { acquireBus, releaseBus, NoConsumerError, type MessageBus } from "../lib/bus";
import { affectedRows } from "../lib/bus/dedup";
import type { DomainMessage } from "../lib/events";
import { AppMetric, setMetric } from "../lib/metrics";
import { OUTBOX_TABLE } from "../lib/outbox";
import { withPgClient } from "../lib/pg-client";
import { PollLoop } from "../lib/poll-loop";

export interface OutboxRelayOptions {
	/** Wait between passes when nothing is pending. */
	pollIntervalMs?: number;
	batchSize?: number;
	/** Embedded shape: failed deliveries of a row before it is parked. */
	localMaxAttempts?: number;
	/** Delivered rows are deleted after this many days. */
	keepDeliveredDays?: number;
}

interface Row { id: string; payload: string; attempts: number }

/** How one relay pass talks to its store: SQL with literals, a transaction around the pass. */
interface PassDb {
	literal(value: string): string;
	date(value: Date): string;
	/** Open the pass (PostgreSQL: its transaction) with the SELECT of pending rows. */
	begin(select: string): Promise<Row[]>;
	/** Run the writes and close the pass (PostgreSQL: COMMIT). */
	end(writes: string[]): Promise<void>;
}

interface RelayState {
	bus: MessageBus;
	loop: PollLoop | null;
	/** Message id → earliest next try (ms), after a failed publish. */
	backoff: Map<string, number>;
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
}

interface Failure { error: string; /** false: nobody refused it (no consumer up yet): not an attempt. */ counts: boolean }

/** Publish one row; null when delivered. */
async function publishRow(bus: MessageBus, row: Row): Promise<Failure | null> {
	try {
		await bus.publish(JSON.parse(row.payload) as DomainMessage);
		return null;
	} catch (err) {
		return { error: (err as Error).message || String(err), counts: !(err instanceof NoConsumerError) };
	}
}

export function OutboxRelayMixin(options: OutboxRelayOptions = {}): Partial<ServiceSchema> {
	const pollIntervalMs = options.pollIntervalMs ?? Number(process.env.OUTBOX_POLL_MS || 100);
	const batchSize = options.batchSize ?? 200;
	const localMaxAttempts = options.localMaxAttempts ?? 10;
	const keepDeliveredDays = options.keepDeliveredDays ?? 7;

	const mixin: ServiceSchema<Record<string, unknown>, RelayMethods, Record<string, unknown>, RelayThis> = {
		name: "",

		actions: {
			/** Operators (REPL): pending rows, parked rows and the lag of this service's outbox. */
			outboxStatus: {
				visibility: "public",
				async handler(this: RelayThis): Promise<OutboxStatus> {
					return this.outboxStatus();
				},
			},
			/** Operators (REPL): give parked rows (embedded shape) fresh attempts. */
			replayOutbox: {
				visibility: "public",
				async handler(this: RelayThis): Promise<{ replayed: number }> {
					if (!this.sequelize) return { replayed: 0 };
					const [, meta] = await this.sequelize.query(`UPDATE ${OUTBOX_TABLE} SET attempts = 0 WHERE delivered_at IS NULL AND attempts >= :max`, { replacements: { max: localMaxAttempts } });
					this.outboxRelay.backoff.clear();
					this.wakeOutboxRelay();
					return { replayed: affectedRows(meta) };
				},
			},
		},

		methods: {
			wakeOutboxRelay(this: RelayThis): void {
				this.outboxRelay?.loop?.wake();
			},

			async outboxStatus(this: RelayThis): Promise<OutboxStatus> {
				const state = this.outboxRelay;
				const base = { bus: state.bus.kind, connected: state.bus.connected() };
				if (!this.sequelize) return { pending: 0, parked: 0, lagSeconds: 0, ...base };
				const [row] = await this.sequelize.query<{ pending: number | string; parked: number | string; oldest: string | Date | null }>(
					`SELECT COUNT(*) AS pending, SUM(CASE WHEN attempts >= :max THEN 1 ELSE 0 END) AS parked, MIN(created_at) AS oldest FROM ${OUTBOX_TABLE} WHERE delivered_at IS NULL`,
					{ replacements: { max: localMaxAttempts }, type: QueryTypes.SELECT },
				);
				const lagSeconds = row.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0;
				return { pending: Number(row.pending), parked: state.bus.kind === "local" ? Number(row.parked ?? 0) : 0, lagSeconds, ...base };
			},

			/** One pass: publish up to `batchSize` pending rows; returns how many were delivered. */
			async relayOutboxOnce(this: RelayThis): Promise<number> {
				const sequelize = this.sequelize;
				const state = this.outboxRelay;
				if (!sequelize || !state.bus.connected()) return 0;
				const now = Date.now();
				const skip = [...state.backoff].filter(([, at]) => at > now).map(([id]) => id).slice(0, 1000);
				const local = state.bus.kind === "local";
				const postgres = sequelize.getDialect() === "postgres";

				// The pass's SQL with literals (ids come from our own table; escaped all the same), so on
				// PostgreSQL it travels as two round trips: "BEGIN; SELECT … FOR UPDATE SKIP LOCKED" and
				// "UPDATE …; COMMIT". SQLite: one connection and one relay per process, no lock needed.
				const pass = async (db: PassDb): Promise<number> => {
					const select = `SELECT id, payload, attempts FROM ${OUTBOX_TABLE} WHERE delivered_at IS NULL` +
						(local ? ` AND attempts < ${Number(localMaxAttempts)}` : "") +
						(skip.length ? ` AND id NOT IN (${skip.map(db.literal).join(", ")})` : "") +
						` ORDER BY created_at LIMIT ${Number(batchSize)}` + (postgres ? " FOR UPDATE SKIP LOCKED" : "");
					const rows = await db.begin(select);
					if (rows.length === 0) {
						await db.end([]);
						return 0;
					}
					// RabbitMQ keeps the order of one channel: publish the batch at once. In process: one by one.
					const errors: (Failure | null)[] = [];
					if (local) for (const row of rows) errors.push(await publishRow(state.bus, row));
					else errors.push(...(await Promise.all(rows.map(row => publishRow(state.bus, row)))));

					const writes: string[] = [];
					const delivered = rows.filter((_, i) => errors[i] === null).map(r => r.id);
					if (delivered.length)
						writes.push(`UPDATE ${OUTBOX_TABLE} SET delivered_at = ${db.date(new Date())}, attempts = attempts + 1, last_error = NULL WHERE id IN (${delivered.map(db.literal).join(", ")})`);
					for (const [i, row] of rows.entries()) {
						const failure = errors[i];
						if (failure === null) continue;
						writes.push(`UPDATE ${OUTBOX_TABLE} SET attempts = attempts + ${failure.counts ? 1 : 0}, last_error = ${db.literal(failure.error.slice(0, 2000))} WHERE id = ${db.literal(row.id)}`);
					}
					await db.end(writes);
					for (const id of delivered) state.backoff.delete(id);
					for (const [i, row] of rows.entries()) {
						const failure = errors[i];
						if (failure === null) continue;
						const delay = failure.counts ? Math.min(100 * 2 ** Math.min(row.attempts, 10), 30_000) : 500;
						state.backoff.set(row.id, Date.now() + delay);
						if (Date.now() - state.lastWarn > 5_000) {
							state.lastWarn = Date.now();
							this.logger.warn(`Outbox: message ${row.id} not delivered (${failure.error}); retry in ${delay} ms.`);
						}
					}
					return delivered.length;
				};

				if (!postgres) {
					return pass({
						literal: v => sequelize.escape(v),
						date: d => sequelize.escape(d),
						begin: sql => sequelize.query<Row>(sql, { type: QueryTypes.SELECT }),
						end: async writes => { for (const sql of writes) await sequelize.query(sql); },
					});
				}
				return withPgClient(sequelize, "write", async client => {
					let open = false;
					try {
						return await pass({
							literal: v => client.escapeLiteral(v),
							date: d => client.escapeLiteral(d.toISOString()),
							begin: async sql => {
								open = true;
								const results = (await client.query(`BEGIN; ${sql}`)) as unknown as QueryResult<Row>[];
								return results[1].rows;
							},
							end: async writes => {
								await client.query([...writes, "COMMIT"].join("; "));
								open = false;
							},
						});
					} finally {
						if (open) await client.query("ROLLBACK").catch(() => undefined);
					}
				});
			},
		},

		async started(this: RelayThis) {
			const state: RelayState = { bus: acquireBus(this.broker), loop: null, backoff: new Map(), lastStats: 0, lastPrune: Date.now(), lastWarn: 0 };
			this.outboxRelay = state;

			const maintenance = async () => {
				const now = Date.now();
				if (now - state.lastStats >= 1_000) {
					state.lastStats = now;
					const st = await this.outboxStatus();
					setMetric(this.broker, AppMetric.OUTBOX_LAG, st.lagSeconds);
					setMetric(this.broker, AppMetric.OUTBOX_PENDING, st.pending);
				}
				if (now - state.lastPrune >= 10 * 60_000 && this.sequelize) {
					state.lastPrune = now;
					await this.sequelize.query(`DELETE FROM ${OUTBOX_TABLE} WHERE delivered_at < :before`, { replacements: { before: new Date(now - keepDeliveredDays * 86_400_000) } });
				}
			};

			// Until the store is connected, passes find nothing to do and wait.
			state.loop = new PollLoop({
				name: "Outbox relay pass", pollMs: pollIntervalMs, logger: this.logger,
				pass: async () => {
					if (!this.sequelize) return false;
					const delivered = await this.relayOutboxOnce();
					await maintenance();
					return delivered >= batchSize;
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
