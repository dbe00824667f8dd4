/**
 * The webhooks' SQL (PostgreSQL and SQLite alike) and its mapping to the API shapes.
 * A received message, its de-duplication and its deliveries are one transaction (recordMessage);
 * the sender claims due deliveries, sends them and marks each outcome.
 * SQLite has one writer: every call is chained on one queue per database (`serial`), the outbox
 * relay's too (serialOutboxStore), so the consumer, the sender, the relay and the API never meet
 * in a transaction (SQLITE_BUSY).
 */
import crypto from "crypto";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { affectedRows } from "../../lib/bus/dedup";
import type { DomainMessage } from "../../lib/events";
import { appendOutbox, sqlOutboxStore, type OutboxStore } from "../../lib/outbox";
import { DELIVERIES_TABLE, MESSAGES_TABLE, WEBHOOKS_TABLE } from "./migrations";
import { disabledNotice } from "./notice";
import { coversHotel, matchesAny } from "./patterns";
import type { DeliveryKind, DeliveryStatus, WebhookDelivery, WebhookView } from "./types";

export interface WebhookRow {
	id: string; url: string; events: string; hotel_ids: string; secret: string; enabled: boolean | number; disabled_reason: string | null;
	disabled_at: string | Date | null; failing_since: string | Date | null;
	owner_email: string | null; created_at: string | Date; updated_at: string | Date;
}

export interface DeliveryRow {
	id: string; webhook_id: string; message_id: string; event: string; kind: DeliveryKind; status: DeliveryStatus; attempts: number | string;
	next_attempt_at: string | Date; locked_until: string | Date | null; first_attempt_at: string | Date | null; last_attempt_at: string | Date | null;
	response_status: number | null; latency_ms: number | null; error: string | null; payload: string | null; created_at: string | Date; delivered_at: string | Date | null;
}

/** A claimed delivery with what sending it needs. */
export interface DueDelivery extends DeliveryRow { url: string; secret: string; body: string }

const iso = (d: string | Date | null): string | null => (d == null ? null : new Date(d).toISOString());
export const dateOf = (d: string | Date | null): Date | null => (d == null ? null : new Date(d));

export function toView(r: WebhookRow): WebhookView {
	return {
		id: r.id, url: r.url, events: JSON.parse(r.events) as string[], hotelIds: JSON.parse(r.hotel_ids) as string[], enabled: !!Number(r.enabled),
		disabledReason: r.disabled_reason, disabledAt: iso(r.disabled_at), failingSince: iso(r.failing_since),
		createdAt: iso(r.created_at) as string, updatedAt: iso(r.updated_at) as string,
	};
}

export function toDelivery(r: DeliveryRow): WebhookDelivery {
	return {
		id: r.id, webhookId: r.webhook_id, messageId: r.message_id, event: r.event, kind: r.kind, status: r.status, attempts: Number(r.attempts),
		responseStatus: r.response_status == null ? null : Number(r.response_status), latencyMs: r.latency_ms == null ? null : Number(r.latency_ms),
		error: r.error, createdAt: iso(r.created_at) as string, lastAttemptAt: iso(r.last_attempt_at),
		nextAttemptAt: r.status === "pending" ? iso(r.next_attempt_at) : null, deliveredAt: iso(r.delivered_at),
	};
}

const chains = new WeakMap<Sequelize, Promise<unknown>>();

/** Runs `fn` alone on SQLite (one writer, one connection in memory); as it comes on PostgreSQL. */
export function serial<T>(db: Sequelize, fn: () => Promise<T>): Promise<T> {
	if (db.getDialect() === "postgres") return fn();
	const previous = chains.get(db) ?? Promise.resolve();
	const run = previous.then(fn, fn);
	chains.set(db, run.catch(() => undefined));
	return run;
}

/** The outbox relay's store (lib/outbox.ts), its statements on the same queue as everything else here. */
export function serialOutboxStore(db: Sequelize): OutboxStore {
	const inner = sqlOutboxStore(db);
	return {
		claim: (...a) => serial(db, () => inner.claim(...a)),
		delivered: (...a) => serial(db, () => inner.delivered(...a)),
		failed: (...a) => serial(db, () => inner.failed(...a)),
		stats: (...a) => serial(db, () => inner.stats(...a)),
		replay: (...a) => serial(db, () => inner.replay(...a)),
		prune: (...a) => serial(db, () => inner.prune(...a)),
	};
}

const q = <T extends object>(db: Sequelize, sql: string, replacements: Record<string, unknown> = {}, t?: Transaction | null) =>
	db.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction: t ?? undefined });
const exec = async (db: Sequelize, sql: string, replacements: Record<string, unknown> = {}, t?: Transaction | null): Promise<number> => {
	const [, meta] = await db.query(sql, { replacements, type: QueryTypes.RAW, transaction: t ?? undefined });
	return affectedRows(meta);
};

// ---------------------------------------------------------------- webhooks

export interface NewWebhook { url: string; events: string[]; hotelIds: string[]; secret: string; ownerEmail: string | null }

/** The audit messages of a change (lib/audit.ts), from the webhook before and after it; written with it. */
export type AuditOf = (before: WebhookView | null, after: WebhookView | null) => DomainMessage[];

async function audited(db: Sequelize, t: Transaction, audit: AuditOf, before: WebhookRow | null, after: WebhookRow | null): Promise<void> {
	for (const m of audit(before && toView(before), after && toView(after))) await appendOutbox(db, t, m);
}

const selectOne = async (db: Sequelize, id: string, t?: Transaction | null) => (await q<WebhookRow>(db, `SELECT * FROM ${WEBHOOKS_TABLE} WHERE id = :id`, { id }, t))[0] ?? null;

export function insertWebhook(db: Sequelize, w: NewWebhook, now: Date, audit: AuditOf): Promise<WebhookRow> {
	return serial(db, () => db.transaction(async t => {
		const id = crypto.randomUUID();
		await exec(db, `INSERT INTO ${WEBHOOKS_TABLE} (id, url, events, hotel_ids, secret, enabled, owner_email, created_at, updated_at)
			VALUES (:id, :url, :events, :hotelIds, :secret, :yes, :owner, :now, :now)`,
		{ id, url: w.url, events: JSON.stringify(w.events), hotelIds: JSON.stringify(w.hotelIds), secret: w.secret, yes: true, owner: w.ownerEmail, now }, t);
		const row = (await selectOne(db, id, t)) as WebhookRow;
		await audited(db, t, audit, null, row);
		return row;
	}));
}

export function getWebhook(db: Sequelize, id: string): Promise<WebhookRow | null> {
	return serial(db, () => selectOne(db, id));
}

export function allWebhooks(db: Sequelize): Promise<WebhookRow[]> {
	return serial(db, () => q<WebhookRow>(db, `SELECT * FROM ${WEBHOOKS_TABLE} ORDER BY created_at DESC, id`));
}

export interface WebhookChanges { url?: string; events?: string[]; hotelIds?: string[]; enabled?: boolean }

/** Re-enabling clears the failure record: the webhook starts afresh. */
export function updateWebhook(db: Sequelize, id: string, c: WebhookChanges, now: Date, audit: AuditOf): Promise<WebhookRow | null> {
	return serial(db, () => db.transaction(async t => {
		const before = await selectOne(db, id, t);
		if (!before) return null;
		const sets: string[] = ["updated_at = :now"];
		const r: Record<string, unknown> = { id, now, yes: true, no: false, reason: "disabled by staff" };
		if (c.url !== undefined) { sets.push("url = :url"); r.url = c.url; }
		if (c.events !== undefined) { sets.push("events = :events"); r.events = JSON.stringify(c.events); }
		if (c.hotelIds !== undefined) { sets.push("hotel_ids = :hotelIds"); r.hotelIds = JSON.stringify(c.hotelIds); }
		if (c.enabled === true) sets.push("enabled = :yes, disabled_reason = NULL, disabled_at = NULL, failing_since = NULL");
		if (c.enabled === false && Number(before.enabled)) sets.push("enabled = :no, disabled_reason = :reason, disabled_at = :now");
		await exec(db, `UPDATE ${WEBHOOKS_TABLE} SET ${sets.join(", ")} WHERE id = :id`, r, t);
		const after = await selectOne(db, id, t);
		await audited(db, t, audit, before, after);
		return after;
	}));
}

export function deleteWebhook(db: Sequelize, id: string, audit: AuditOf): Promise<void> {
	return serial(db, () => db.transaction(async t => {
		const before = await selectOne(db, id, t);
		await exec(db, `DELETE FROM ${DELIVERIES_TABLE} WHERE webhook_id = :id`, { id }, t);
		await exec(db, `DELETE FROM ${WEBHOOKS_TABLE} WHERE id = :id`, { id }, t);
		if (before) await audited(db, t, audit, before, null);
	}));
}

// ---------------------------------------------------------------- messages in, deliveries out

interface NewDelivery { webhookId: string; messageId: string; event: string; kind: DeliveryKind; payload?: string | null }

async function insertDeliveries(db: Sequelize, rows: NewDelivery[], now: Date, t?: Transaction | null): Promise<void> {
	for (let i = 0; i < rows.length; i += 200) {
		const r: Record<string, unknown> = { now };
		const values = rows.slice(i, i + 200).map((d, j) => {
			Object.assign(r, { [`i${j}`]: crypto.randomUUID(), [`w${j}`]: d.webhookId, [`m${j}`]: d.messageId, [`e${j}`]: d.event, [`k${j}`]: d.kind, [`p${j}`]: d.payload ?? null });
			return `(:i${j}, :w${j}, :m${j}, :e${j}, :k${j}, 'pending', 0, :now, :p${j}, :now)`;
		});
		await exec(db, `INSERT INTO ${DELIVERIES_TABLE} (id, webhook_id, message_id, event, kind, status, attempts, next_attempt_at, payload, created_at) VALUES ${values.join(", ")}`, r, t);
	}
}

export interface Incoming { message: DomainMessage; hotel: { hotelId: string | null; viaMessageId?: string } }

/**
 * Records messages from the bus and queues one delivery per enabled webhook each matches, in one
 * transaction whose message rows are the de-duplication records (a message already stored, or
 * twice in the batch, queues nothing). `viaMessageId`: the hotel is the one of that earlier
 * message, stored or in this batch. Returns the deliveries queued.
 */
export async function recordMessages(db: Sequelize, batch: Incoming[], now: Date): Promise<number> {
	// Without any webhook nothing is kept: one read answers, with no transaction per batch (the
	// common case: most deployments subscribe few hotels, or none). A webhook committed after this
	// read misses the batch exactly as it would after the transaction's own read.
	const [{ n }] = await q<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM ${WEBHOOKS_TABLE}`, {});
	if (Number(n) === 0) return 0;
	return serial(db, () => db.transaction(async t => {
		const hotels = new Map<string, string | null>();
		const items = batch.filter((x, i) => batch.findIndex(y => y.message.id === x.message.id) === i);
		const lookups = [...new Set(items.flatMap(x => (!x.hotel.hotelId && x.hotel.viaMessageId ? [x.hotel.viaMessageId] : [])))];
		if (lookups.length)
			for (const r of await q<{ id: string; hotel_id: string | null }>(db, `SELECT id, hotel_id FROM ${MESSAGES_TABLE} WHERE id IN (:ids)`, { ids: lookups }, t)) hotels.set(r.id, r.hotel_id);
		const rows = items.map(({ message, hotel }) => {
			const hotelId = hotel.hotelId ?? (hotel.viaMessageId ? hotels.get(hotel.viaMessageId) ?? null : null);
			hotels.set(message.id, hotelId);
			return { message, hotelId };
		});
		// Kept only for hotels some webhook (enabled or not) covers: replay serves subscriptions, and
		// the hotels without one would otherwise store every event of theirs for nothing.
		const all = (await q<WebhookRow>(db, `SELECT id, events, hotel_ids, enabled FROM ${WEBHOOKS_TABLE}`, {}, t))
			.map(w => ({ id: w.id, enabled: w.enabled === true || w.enabled === 1, events: JSON.parse(w.events) as string[], hotels: JSON.parse(w.hotel_ids) as string[] }));
		const kept = rows.filter(x => all.some(w => coversHotel(w.hotels, x.hotelId)));
		if (kept.length === 0) return 0;
		const r: Record<string, unknown> = { now };
		const values = kept.map(({ message, hotelId }, i) => {
			Object.assign(r, { [`i${i}`]: message.id, [`e${i}`]: message.event, [`h${i}`]: hotelId, [`o${i}`]: new Date(message.occurredAt), [`p${i}`]: JSON.stringify(message) });
			return `(:i${i}, :e${i}, :h${i}, :o${i}, :now, :p${i})`;
		});
		const insert = `INSERT INTO ${MESSAGES_TABLE} (id, event, hotel_id, occurred_at, received_at, payload) VALUES ${values.join(", ")} ON CONFLICT (id) DO NOTHING`;
		let fresh: Set<string>;
		if (db.getDialect() === "postgres") fresh = new Set((await q<{ id: string }>(db, `${insert} RETURNING id`, r, t)).map(x => x.id));
		else {
			// Sequelize's SQLite dialect returns no rows for an INSERT; SQLite has one writer (serial), so read first.
			const known = new Set((await q<{ id: string }>(db, `SELECT id FROM ${MESSAGES_TABLE} WHERE id IN (:ids)`, { ids: kept.map(x => x.message.id) }, t)).map(x => x.id));
			await exec(db, insert, r, t);
			fresh = new Set(kept.map(x => x.message.id).filter(id => !known.has(id)));
		}
		if (fresh.size === 0) return 0;
		const hooks = all.filter(w => w.enabled);
		const deliveries = kept.filter(x => fresh.has(x.message.id)).flatMap(({ message, hotelId }) => hooks
			.filter(w => matchesAny(w.events, message.event) && coversHotel(w.hotels, hotelId))
			.map(w => ({ webhookId: w.id, messageId: message.id, event: message.event, kind: "event" as const })));
		await insertDeliveries(db, deliveries, now, t);
		return deliveries.length;
	}));
}

export interface ReplayRange { from: Date; to?: Date | null }

/** Queues again, for one webhook, the stored messages of the range it matches (oldest first); returns how many. */
export function replay(db: Sequelize, w: WebhookRow, range: ReplayRange, limit: number, now: Date): Promise<number> {
	return serial(db, () => db.transaction(async t => {
		const rows = await q<{ id: string; event: string; hotel_id: string | null }>(db,
			`SELECT id, event, hotel_id FROM ${MESSAGES_TABLE} WHERE occurred_at >= :from${range.to ? " AND occurred_at < :to" : ""} ORDER BY occurred_at, id`,
			{ from: range.from, to: range.to ?? null }, t);
		const events = JSON.parse(w.events) as string[];
		const hotels = JSON.parse(w.hotel_ids) as string[];
		const chosen = rows.filter(m => matchesAny(events, m.event) && coversHotel(hotels, m.hotel_id)).slice(0, limit);
		await insertDeliveries(db, chosen.map(m => ({ webhookId: w.id, messageId: m.id, event: m.event, kind: "replay" as const })), now, t);
		return chosen.length;
	}));
}

export function messageTime(db: Sequelize, id: string): Promise<Date | null> {
	return serial(db, async () => dateOf((await q<{ occurred_at: string }>(db, `SELECT occurred_at FROM ${MESSAGES_TABLE} WHERE id = :id`, { id }))[0]?.occurred_at ?? null));
}

/**
 * The test event's delivery, claimed for the caller from the start (the sender loop never takes
 * it), with its message kept on the row, not among the replayable ones.
 */
export function insertTest(db: Sequelize, w: WebhookRow, message: DomainMessage, lockMs: number, now: Date): Promise<DueDelivery> {
	return serial(db, async () => {
		const id = crypto.randomUUID();
		const payload = JSON.stringify(message);
		await exec(db, `INSERT INTO ${DELIVERIES_TABLE} (id, webhook_id, message_id, event, kind, status, attempts, next_attempt_at, locked_until, first_attempt_at, last_attempt_at, payload, created_at)
			VALUES (:id, :w, :m, :e, 'test', 'pending', 1, :now, :until, :now, :now, :payload, :now)`,
		{ id, w: w.id, m: message.id, e: message.event, now, until: new Date(now.getTime() + lockMs), payload });
		const [row] = await q<DeliveryRow>(db, `SELECT * FROM ${DELIVERIES_TABLE} WHERE id = :id`, { id });
		return { ...row, url: w.url, secret: w.secret, body: payload };
	});
}

// ---------------------------------------------------------------- the sender's queue

/**
 * Claims up to `limit` due deliveries of enabled webhooks for `lockMs` (another node skips them;
 * a node that dies leaves them to be claimed again) and counts the attempt.
 */
export function claimDue(db: Sequelize, limit: number, lockMs: number, now: Date): Promise<DueDelivery[]> {
	return serial(db, async () => {
		const postgres = db.getDialect() === "postgres";
		const claimed = await q<DeliveryRow>(db,
			`UPDATE ${DELIVERIES_TABLE} SET locked_until = :until, attempts = attempts + 1, first_attempt_at = COALESCE(first_attempt_at, :now), last_attempt_at = :now
			 WHERE id IN (SELECT d.id FROM ${DELIVERIES_TABLE} d JOIN ${WEBHOOKS_TABLE} w ON w.id = d.webhook_id
			              WHERE d.status = 'pending' AND w.enabled = :yes AND d.next_attempt_at <= :now AND (d.locked_until IS NULL OR d.locked_until < :now)
			              ORDER BY d.next_attempt_at LIMIT :limit${postgres ? " FOR UPDATE OF d SKIP LOCKED" : ""})
			 RETURNING *`,
			{ now, until: new Date(now.getTime() + lockMs), limit, yes: true });
		if (claimed.length === 0) return [];
		const hooks = new Map((await q<WebhookRow>(db, `SELECT id, url, secret FROM ${WEBHOOKS_TABLE} WHERE id IN (:ids)`, { ids: [...new Set(claimed.map(d => d.webhook_id))] })).map(w => [w.id, w]));
		const needBodies = claimed.filter(d => d.payload == null).map(d => d.message_id);
		const bodies = new Map(needBodies.length
			? (await q<{ id: string; payload: string }>(db, `SELECT id, payload FROM ${MESSAGES_TABLE} WHERE id IN (:ids)`, { ids: [...new Set(needBodies)] })).map(m => [m.id, m.payload])
			: []);
		return claimed.flatMap(d => {
			const w = hooks.get(d.webhook_id);
			const body = d.payload ?? bodies.get(d.message_id);
			return w && body != null ? [{ ...d, url: w.url, secret: w.secret, body }] : [];
		});
	});
}

export interface Outcome { status: number | null; latencyMs: number; error: string | null }

/** A success: the delivery is done and its webhook healthy again. */
export function markDelivered(db: Sequelize, d: DeliveryRow, o: Outcome, now: Date): Promise<void> {
	return serial(db, () => db.transaction(async t => {
		await exec(db, `UPDATE ${DELIVERIES_TABLE} SET status = 'succeeded', delivered_at = :now, locked_until = NULL, response_status = :status, latency_ms = :latency, error = NULL WHERE id = :id`,
			{ id: d.id, now, status: o.status, latency: o.latencyMs }, t);
		await exec(db, `UPDATE ${WEBHOOKS_TABLE} SET failing_since = NULL WHERE id = :w AND failing_since IS NOT NULL`, { w: d.webhook_id }, t);
	}));
}

/**
 * A failure: retried at `retryAt`, or given up (null). A test delivery is not retried and does
 * not count towards disabling. Returns the webhook's failing-since time after this failure.
 */
export function markFailure(db: Sequelize, d: DeliveryRow, o: Outcome, retryAt: Date | null, now: Date): Promise<Date | null> {
	return serial(db, () => db.transaction(async t => {
		const test = d.kind === "test";
		await exec(db, `UPDATE ${DELIVERIES_TABLE} SET status = :status, next_attempt_at = :at, locked_until = NULL, response_status = :code, latency_ms = :latency, error = :error WHERE id = :id`,
			{ id: d.id, status: retryAt && !test ? "pending" : "failed", at: retryAt ?? now, code: o.status, latency: o.latencyMs, error: (o.error ?? "").slice(0, 1000) }, t);
		if (test) return null;
		await exec(db, `UPDATE ${WEBHOOKS_TABLE} SET failing_since = :now WHERE id = :w AND failing_since IS NULL`, { w: d.webhook_id, now }, t);
		const [w] = await q<{ failing_since: string | null }>(db, `SELECT failing_since FROM ${WEBHOOKS_TABLE} WHERE id = :w`, { w: d.webhook_id }, t);
		return dateOf(w?.failing_since ?? null);
	}));
}

/**
 * Disables a webhook after continuous failures and, in the same transaction, writes the email to
 * its owner to the outbox (notice.ts): the mail is sent if and only if the webhook was disabled.
 * False when it was disabled already (another pass or staff got there first).
 */
export function disableFailing(db: Sequelize, webhookId: string, reason: string, now: Date): Promise<boolean> {
	return serial(db, () => db.transaction(async t => {
		// RETURNING: SQLite reports no affected rows for a raw UPDATE.
		const [w] = await q<WebhookRow>(db, `UPDATE ${WEBHOOKS_TABLE} SET enabled = :no, disabled_reason = :reason, disabled_at = :now, updated_at = :now WHERE id = :id AND enabled = :yes RETURNING *`,
			{ id: webhookId, reason, now, yes: true, no: false }, t);
		if (!w) return false;
		const notice = disabledNotice(w, reason, now);
		if (notice) await appendOutbox(db, t, notice);
		return true;
	}));
}

/**
 * Forgets what is older than `before`: received messages (the replay window) and finished
 * deliveries; pending ones stay whatever their age (they end within the retry window).
 */
export function prune(db: Sequelize, before: Date): Promise<{ messages: number; deliveries: number }> {
	return serial(db, async () => ({
		deliveries: await exec(db, `DELETE FROM ${DELIVERIES_TABLE} WHERE status <> 'pending' AND created_at < :before`, { before }),
		messages: await exec(db, `DELETE FROM ${MESSAGES_TABLE} WHERE received_at < :before`, { before }),
	}));
}

// ---------------------------------------------------------------- the delivery log

export function getDelivery(db: Sequelize, id: string): Promise<DeliveryRow | null> {
	return serial(db, async () => (await q<DeliveryRow>(db, `SELECT * FROM ${DELIVERIES_TABLE} WHERE id = :id`, { id }))[0] ?? null);
}

export function listDeliveries(db: Sequelize, webhookId: string, f: { status?: DeliveryStatus; page: number; pageSize: number }): Promise<{ rows: DeliveryRow[]; total: number }> {
	return serial(db, async () => {
		const where = `webhook_id = :w${f.status ? " AND status = :status" : ""}`;
		const r = { w: webhookId, status: f.status ?? null };
		const [count] = await q<{ n: number | string }>(db, `SELECT COUNT(*) AS n FROM ${DELIVERIES_TABLE} WHERE ${where}`, r);
		const rows = await q<DeliveryRow>(db, `SELECT * FROM ${DELIVERIES_TABLE} WHERE ${where} ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset`,
			{ ...r, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
		return { rows, total: Number(count?.n ?? 0) };
	});
}
