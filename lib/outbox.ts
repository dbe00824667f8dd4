/**
 * The outbox (SPEC §4): a domain message is written with the change it announces, and one relay
 * (mixins/outbox.mixin.ts) publishes it with confirms. Two stores behind one interface:
 *
 *  - SQL (reservations, mail): the `outbox` table, the row inserted in the change's transaction.
 *      id, event, payload (the whole message as JSON), created_at, delivered_at (set after the
 *      confirm), attempts, last_error, claimed_until (a relay's claim, or the time of the next try)
 *  - document (hotels on NeDB/MongoDB): the pending messages are an array ON the document,
 *    pushed by the same single-document update that makes the change (`withOutbox`), so both
 *    are written or neither; `outboxPending` marks the documents to look at. After the confirm
 *    the messages are pulled by id (the flag cleared only if nothing else was pushed meanwhile).
 *
 * Claims make several relaying nodes share the work without a transaction held open while
 * RabbitMQ confirms: a claim is one autocommit statement (SQL) or one conditional update per
 * document, valid `leaseMs`; a node that dies leaves its claims to expire.
 */
import { DataTypes, QueryTypes, type QueryInterface, type Sequelize, type Transaction } from "sequelize";
import type { DomainMessage } from "./events";
import { affectedRows } from "./bus/dedup";
import { withPgClient } from "./pg-client";

export const OUTBOX_TABLE = "outbox";

export async function createOutboxTable(qi: QueryInterface): Promise<void> {
	await qi.createTable(OUTBOX_TABLE, {
		id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
		event: { type: DataTypes.STRING(100), allowNull: false },
		payload: { type: DataTypes.TEXT, allowNull: false },
		created_at: { type: DataTypes.DATE, allowNull: false },
		delivered_at: { type: DataTypes.DATE, allowNull: true },
		attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
		last_error: { type: DataTypes.TEXT, allowNull: true },
	});
	await qi.addIndex(OUTBOX_TABLE, ["delivered_at", "created_at"], { name: "outbox_pending_idx" });
}

/**
 * Migration step after createOutboxTable: the relay's claim column (nullable: writers need not
 * know it) and an index of the undelivered rows in claim order.
 */
export async function addOutboxClaims(qi: QueryInterface): Promise<void> {
	await qi.addColumn(OUTBOX_TABLE, "claimed_until", { type: DataTypes.DATE, allowNull: true });
	await qi.sequelize.query(`CREATE INDEX outbox_undelivered_idx ON ${OUTBOX_TABLE} (created_at) WHERE delivered_at IS NULL`);
}

/** Append a message inside the caller's transaction: it exists iff the change commits. */
export async function appendOutbox(sequelize: Sequelize, t: Transaction, message: DomainMessage): Promise<void> {
	await sequelize.query(
		`INSERT INTO ${OUTBOX_TABLE} (id, event, payload, created_at, attempts) VALUES (:id, :event, :payload, :createdAt, 0)`,
		{ replacements: { id: message.id, event: message.event, payload: JSON.stringify(message), createdAt: new Date(message.occurredAt) }, transaction: t, type: QueryTypes.INSERT },
	);
}

// ---------------------------------------------------------------- the relay's view of a store

export interface PendingMessage {
	id: string;
	message: DomainMessage;
	/** Failed deliveries so far. */
	attempts: number;
	/** Messages with the same key are published in this order, and one failing holds back the rest. */
	key?: string;
}

export interface OutboxFailure {
	id: string;
	error: string;
	/** false: nobody refused it (no consumer up yet): not an attempt. */
	counts: boolean;
	retryAt: Date;
}

export interface OutboxStats { pending: number; parked: number; oldest: Date | null }

export interface OutboxStore {
	/** Claims up to `limit` pending messages for `leaseMs`, oldest first (skipping those with `maxAttempts` failures, when set). */
	claim(limit: number, leaseMs: number, maxAttempts: number | null, now?: Date): Promise<PendingMessage[]>;
	delivered(ids: string[], now?: Date): Promise<void>;
	/** Not delivered: counted (or not) and left until `retryAt`. */
	failed(failures: OutboxFailure[]): Promise<void>;
	stats(maxAttempts: number): Promise<OutboxStats>;
	/** Parked messages get fresh attempts; how many. */
	replay(maxAttempts: number): Promise<number>;
	/** Forget delivered messages older than `before` (SQL; documents keep none). */
	prune(before: Date): Promise<void>;
}

// ---------------------------------------------------------------- SQL

interface SqlRow { id: string; payload: string; attempts: number | string; created_at: string | Date }

const NO_LIMIT = 2_147_483_647;

/**
 * The `outbox` table. PostgreSQL: bound parameters on a pooled pg client (one round trip per
 * claim and per delivered batch); SQLite: the same statements with Sequelize replacements.
 */
export function sqlOutboxStore(sequelize: Sequelize): OutboxStore {
	const pg = sequelize.getDialect() === "postgres";
	const sqlite = (sql: string, replacements: Record<string, unknown>, select = false) =>
		sequelize.query(sql, { replacements, type: select ? QueryTypes.SELECT : QueryTypes.RAW });
	const toPending = (rows: SqlRow[]): PendingMessage[] => rows
		.sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
		.map(r => ({ id: r.id, message: JSON.parse(r.payload) as DomainMessage, attempts: Number(r.attempts) }));

	return {
		async claim(limit, leaseMs, maxAttempts, now = new Date()) {
			const until = new Date(now.getTime() + leaseMs);
			const max = maxAttempts ?? NO_LIMIT;
			if (pg) {
				return withPgClient(sequelize, "write", async client => toPending((await client.query<SqlRow>(
					`UPDATE ${OUTBOX_TABLE} SET claimed_until = $1 WHERE id IN (
					   SELECT id FROM ${OUTBOX_TABLE} WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2) AND attempts < $3
					   ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)
					 RETURNING id, payload, attempts, created_at`,
					[until, now, max, limit],
				)).rows));
			}
			return toPending(await sqlite(
				`UPDATE ${OUTBOX_TABLE} SET claimed_until = :until WHERE id IN (
				   SELECT id FROM ${OUTBOX_TABLE} WHERE delivered_at IS NULL AND (claimed_until IS NULL OR claimed_until < :now) AND attempts < :max
				   ORDER BY created_at LIMIT :limit)
				 RETURNING id, payload, attempts, created_at`,
				{ until, now, max, limit }, true,
			) as unknown as SqlRow[]);
		},

		async delivered(ids, now = new Date()) {
			if (ids.length === 0) return;
			const set = `delivered_at = ${pg ? "$1" : ":now"}, attempts = attempts + 1, last_error = NULL, claimed_until = NULL`;
			if (pg) await withPgClient(sequelize, "write", client => client.query(`UPDATE ${OUTBOX_TABLE} SET ${set} WHERE id = ANY($2::text[])`, [now, ids]));
			else await sqlite(`UPDATE ${OUTBOX_TABLE} SET ${set} WHERE id IN (:ids)`, { now, ids });
		},

		async failed(failures) {
			if (failures.length === 0) return;
			if (pg) {
				await withPgClient(sequelize, "write", client => client.query(
					`UPDATE ${OUTBOX_TABLE} o SET attempts = o.attempts + f.inc, last_error = f.err, claimed_until = f.at
					 FROM unnest($1::text[], $2::int[], $3::text[], $4::timestamptz[]) AS f(id, inc, err, at) WHERE o.id = f.id`,
					[failures.map(f => f.id), failures.map(f => (f.counts ? 1 : 0)), failures.map(f => f.error.slice(0, 2000)), failures.map(f => f.retryAt)],
				));
				return;
			}
			for (const f of failures) {
				await sqlite(`UPDATE ${OUTBOX_TABLE} SET attempts = attempts + :inc, last_error = :err, claimed_until = :at WHERE id = :id`,
					{ id: f.id, inc: f.counts ? 1 : 0, err: f.error.slice(0, 2000), at: f.retryAt });
			}
		},

		async stats(maxAttempts) {
			const [row] = await sequelize.query<{ pending: number | string; parked: number | string | null; oldest: string | Date | null }>(
				`SELECT COUNT(*) AS pending, SUM(CASE WHEN attempts >= :max THEN 1 ELSE 0 END) AS parked, MIN(created_at) AS oldest FROM ${OUTBOX_TABLE} WHERE delivered_at IS NULL`,
				{ replacements: { max: maxAttempts }, type: QueryTypes.SELECT },
			);
			return { pending: Number(row.pending), parked: Number(row.parked ?? 0), oldest: row.oldest ? new Date(row.oldest) : null };
		},

		async replay(maxAttempts) {
			const [, meta] = await sequelize.query(`UPDATE ${OUTBOX_TABLE} SET attempts = 0, claimed_until = NULL WHERE delivered_at IS NULL AND attempts >= :max`, { replacements: { max: maxAttempts } });
			return affectedRows(meta);
		},

		async prune(before) {
			await sequelize.query(`DELETE FROM ${OUTBOX_TABLE} WHERE delivered_at < :before`, { replacements: { before } });
		},
	};
}

// ---------------------------------------------------------------- documents

/** The outbox fields of a document (never part of what the API or a message shows). */
export interface DocumentOutboxFields {
	outbox?: DomainMessage[];
	outboxPending?: boolean;
	/** ms epoch: claimed by a relay, or not to be tried before (after a failure). */
	outboxClaimedUntil?: number;
	outboxAttempts?: number;
	outboxError?: string;
}

export const DOCUMENT_OUTBOX_FIELDS = ["outbox", "outboxPending", "outboxClaimedUntil", "outboxAttempts", "outboxError"] as const;

/** What moleculer-db's MemoryAdapter (NeDB) and Mongo adapter both offer. */
export interface DocumentAdapter {
	find(filters: { query?: unknown; limit?: number }): Promise<(DocumentOutboxFields & { _id: unknown })[]>;
	findById(id: unknown): Promise<(DocumentOutboxFields & { _id: unknown }) | null>;
	updateMany(query: unknown, update: unknown): Promise<number>;
}

/** A `$set` update that also appends `message` to the document's outbox: one atomic document write. */
export function withOutbox(set: Record<string, unknown>, message: DomainMessage | DomainMessage[]): Record<string, unknown> {
	const messages = Array.isArray(message) ? message : [message];
	return { $set: { ...set, outboxPending: true }, $push: { outbox: messages.length === 1 ? messages[0] : { $each: messages } } };
}

/** A new document carrying its first messages (the change's, its audit entry). */
export function newWithOutbox<T extends object>(doc: T, message: DomainMessage | DomainMessage[]): T & DocumentOutboxFields {
	return { ...doc, outbox: Array.isArray(message) ? message : [message], outboxPending: true };
}

/** The documents with pending messages scanned per claim (each then claimed by a conditional update). */
const DOCS_PER_CLAIM = 50;

export function documentOutboxStore(adapter: DocumentAdapter): OutboxStore {
	/** Message id → its document, for the claims this store handed out. */
	const owner = new Map<string, unknown>();
	const byDoc = (ids: string[]) => {
		const m = new Map<unknown, string[]>();
		for (const id of ids) {
			const doc = owner.get(id);
			if (doc === undefined) continue;
			owner.delete(id);
			m.set(doc, [...(m.get(doc) ?? []), id]);
		}
		return m;
	};

	return {
		async claim(limit, leaseMs, maxAttempts, now = new Date()) {
			const t = now.getTime();
			const candidates = await adapter.find({ query: { outboxPending: true }, limit: DOCS_PER_CLAIM });
			const out: PendingMessage[] = [];
			for (const c of candidates) {
				if (out.length >= limit) break;
				if ((c.outboxClaimedUntil ?? 0) >= t) continue;
				if (maxAttempts != null && (c.outboxAttempts ?? 0) >= maxAttempts) continue;
				const free = { $or: [{ outboxClaimedUntil: { $exists: false } }, { outboxClaimedUntil: { $lt: t } }] };
				const claimed = await adapter.updateMany({ _id: c._id, outboxPending: true, ...free }, { $set: { outboxClaimedUntil: t + leaseMs } });
				if (claimed !== 1) continue; // another node has it
				const doc = await adapter.findById(c._id);
				if (!doc?.outbox?.length) {
					// Delivered by another node meanwhile: clear what is left of the claim.
					await adapter.updateMany({ _id: c._id }, { $unset: { outboxClaimedUntil: true } });
					await adapter.updateMany({ _id: c._id, outbox: { $size: 0 } }, { $unset: { outboxPending: true, outbox: true } });
					await adapter.updateMany({ _id: c._id, outbox: { $exists: false } }, { $unset: { outboxPending: true } });
					continue;
				}
				const key = String(c._id);
				for (const message of doc?.outbox ?? []) {
					owner.set(message.id, c._id);
					out.push({ id: message.id, message, attempts: doc?.outboxAttempts ?? 0, key });
				}
			}
			return out;
		},

		async delivered(ids) {
			for (const [_id, delivered] of byDoc(ids)) {
				await adapter.updateMany({ _id }, { $pull: { outbox: { id: { $in: delivered } } }, $unset: { outboxClaimedUntil: true, outboxAttempts: true, outboxError: true } });
				// Conditional: a message pushed since the pull keeps the flag.
				await adapter.updateMany({ _id, outbox: { $size: 0 } }, { $unset: { outboxPending: true, outbox: true } });
			}
		},

		async failed(failures) {
			const first = new Map<unknown, OutboxFailure>();
			for (const f of failures) {
				const doc = owner.get(f.id);
				owner.delete(f.id);
				if (doc !== undefined && !first.has(doc)) first.set(doc, f);
			}
			for (const [_id, f] of first) {
				await adapter.updateMany({ _id }, { $set: { outboxClaimedUntil: f.retryAt.getTime(), outboxError: f.error.slice(0, 2000) }, $inc: { outboxAttempts: f.counts ? 1 : 0 } });
			}
		},

		async stats(maxAttempts) {
			const docs = await adapter.find({ query: { outboxPending: true } });
			let pending = 0;
			let parked = 0;
			let oldest: Date | null = null;
			for (const d of docs) {
				const n = d.outbox?.length ?? 0;
				pending += n;
				if ((d.outboxAttempts ?? 0) >= maxAttempts) parked += n;
				for (const m of d.outbox ?? []) {
					const at = new Date(m.occurredAt);
					if (!oldest || at < oldest) oldest = at;
				}
			}
			return { pending, parked, oldest };
		},

		async replay(maxAttempts) {
			return adapter.updateMany({ outboxPending: true, outboxAttempts: { $gte: maxAttempts } }, { $unset: { outboxAttempts: true, outboxClaimedUntil: true } });
		},

		async prune() {
			/* delivered messages are pulled at once */
		},
	};
}
