/**
 * The mail log's SQL (PostgreSQL and SQLite alike) and its mapping to the API shape.
 * Sending is driven from this table: a row is queued in the same transaction that records
 * the reservations message, then claimed, sent and marked by the sender loop. A sent or failed
 * mark writes its mail.message.sent|failed message to the outbox in the same transaction.
 */
import crypto from "crypto";
import { QueryTypes, Transaction as Tx, type Sequelize, type Transaction } from "sequelize";
import { affectedRows } from "../../lib/bus/dedup";
import type { DomainMessage } from "../../lib/events";
import { OUTBOX_TABLE } from "../../lib/outbox";
import { MAILS_TABLE } from "./migrations";
import type { MailLogEntry, MailStatus, MailType } from "./types";

export interface MailRow {
	id: string; message_id: string; reservation_code: string; type: MailType; recipient: string; subject: string; locale: string;
	status: MailStatus; attempts: number | string; last_error: string | null; sent_at: string | Date | null; created_at: string | Date;
	next_attempt_at: string | Date; locked_until: string | Date | null; resend_of: string | null; payload: string;
	/** The hotel the mail is about (staff scopes); null for staff emails. */
	hotel_id?: string | null;
}

export interface NewMail {
	messageId: string; reservationCode: string; type: MailType; to: string; subject: string; locale: string; payload: string; resendOf?: string;
	hotelId?: string | null;
}

const iso = (d: string | Date | null): string | null => (d == null ? null : new Date(d).toISOString());

export function toEntry(r: MailRow): MailLogEntry {
	return {
		id: r.id, reservationCode: r.reservation_code, type: r.type, to: r.recipient, subject: r.subject, status: r.status,
		attempts: Number(r.attempts), lastError: r.last_error, sentAt: iso(r.sent_at), createdAt: iso(r.created_at) as string,
	};
}

/** Queues a mail; its id, or null when a row for this message exists already. */
export async function insertQueued(db: Sequelize, t: Transaction | null, m: NewMail, now = new Date()): Promise<string | null> {
	const id = crypto.randomUUID();
	const [, meta] = await db.query(
		`INSERT INTO ${MAILS_TABLE} (id, message_id, reservation_code, type, recipient, subject, locale, status, attempts, created_at, next_attempt_at, resend_of, payload, hotel_id)
		 VALUES (:id, :messageId, :code, :type, :to, :subject, :locale, 'queued', 0, :now, :now, :resendOf, :payload, :hotelId)
		 ON CONFLICT (message_id) DO NOTHING`,
		{ replacements: { id, messageId: m.messageId, code: m.reservationCode, type: m.type, to: m.to, subject: m.subject.slice(0, 300), locale: m.locale, now, resendOf: m.resendOf ?? null, payload: m.payload, hotelId: m.hotelId ?? null }, type: QueryTypes.RAW, transaction: t ?? undefined },
	);
	return affectedRows(meta) === 1 ? id : null;
}

/**
 * Queues many mails in one statement (the consumer's group commit, lib/batcher.ts); a message
 * whose row exists already is skipped, so a redelivered message changes nothing.
 */
export async function insertQueuedMany(db: Sequelize, mails: NewMail[], now = new Date()): Promise<void> {
	if (mails.length === 0) return;
	const replacements: Record<string, unknown> = { now };
	const values = mails.map((m, i) => {
		Object.assign(replacements, {
			[`id${i}`]: crypto.randomUUID(), [`m${i}`]: m.messageId, [`c${i}`]: m.reservationCode, [`t${i}`]: m.type, [`to${i}`]: m.to,
			[`s${i}`]: m.subject.slice(0, 300), [`l${i}`]: m.locale, [`r${i}`]: m.resendOf ?? null, [`p${i}`]: m.payload, [`h${i}`]: m.hotelId ?? null,
		});
		return `(:id${i}, :m${i}, :c${i}, :t${i}, :to${i}, :s${i}, :l${i}, 'queued', 0, :now, :now, :r${i}, :p${i}, :h${i})`;
	});
	await db.query(
		`INSERT INTO ${MAILS_TABLE} (id, message_id, reservation_code, type, recipient, subject, locale, status, attempts, created_at, next_attempt_at, resend_of, payload, hotel_id)
		 VALUES ${values.join(", ")}
		 ON CONFLICT (message_id) DO NOTHING`,
		{ replacements, type: QueryTypes.RAW },
	);
}

/**
 * Claims up to `limit` due rows for `lockMs` (other nodes skip them meanwhile; a node that
 * dies leaves them to be claimed again when the lock runs out) and counts the attempt.
 */
export async function claimDue(db: Sequelize, limit: number, lockMs: number, now = new Date()): Promise<MailRow[]> {
	const postgres = db.getDialect() === "postgres";
	return db.query<MailRow>(
		`UPDATE ${MAILS_TABLE} SET locked_until = :until, attempts = attempts + 1
		 WHERE id IN (SELECT id FROM ${MAILS_TABLE} WHERE status = 'queued' AND next_attempt_at <= :now AND (locked_until IS NULL OR locked_until < :now)
		              ORDER BY created_at LIMIT :limit${postgres ? " FOR UPDATE SKIP LOCKED" : ""})
		 RETURNING *`,
		{ replacements: { now, until: new Date(now.getTime() + lockMs), limit }, type: QueryTypes.SELECT },
	);
}

/** A mark and the messages announcing it. */
export interface Marked { id: string; message: DomainMessage }

/** The INSERT of `messages` into the outbox, with its replacements (prefix keeps names apart). */
function outboxInsert(messages: DomainMessage[], prefix = "o"): { sql: string; replacements: Record<string, unknown> } {
	const replacements: Record<string, unknown> = {};
	const values = messages.map((m, i) => {
		Object.assign(replacements, { [`${prefix}i${i}`]: m.id, [`${prefix}e${i}`]: m.event, [`${prefix}p${i}`]: JSON.stringify(m), [`${prefix}c${i}`]: new Date(m.occurredAt) });
		return `(:${prefix}i${i}, :${prefix}e${i}, :${prefix}p${i}, :${prefix}c${i}, 0)`;
	});
	return { sql: `INSERT INTO ${OUTBOX_TABLE} (id, event, payload, created_at, attempts) VALUES ${values.join(", ")}`, replacements };
}

/**
 * A mark and its outbox rows, atomically. PostgreSQL: one statement (the UPDATE in a WITH:
 * one round trip, no transaction to hold); SQLite: one IMMEDIATE transaction (it takes the write
 * lock first and waits for it, rather than failing half-way).
 */
async function markWithOutbox(db: Sequelize, update: string, replacements: Record<string, unknown>, messages: DomainMessage[]): Promise<void> {
	const insert = outboxInsert(messages);
	if (db.getDialect() === "postgres") {
		await db.query(`WITH marked AS (${update} RETURNING id) ${insert.sql}`, { replacements: { ...replacements, ...insert.replacements }, type: QueryTypes.RAW });
		return;
	}
	// One at a time: on an in-memory database every transaction shares the one connection.
	const previous = sqliteMarks.get(db) ?? Promise.resolve();
	const run = previous.then(() => db.transaction({ type: Tx.TYPES.IMMEDIATE }, async t => {
		await db.query(update, { replacements, transaction: t });
		await db.query(insert.sql, { replacements: insert.replacements, transaction: t });
	}));
	sqliteMarks.set(db, run.then(() => undefined, () => undefined));
	await run;
}

/** SQLite: the mark transactions of each database, chained. */
const sqliteMarks = new WeakMap<Sequelize, Promise<void>>();

/**
 * Marks many rows sent in one statement (the sender's group commit), their mail.message.sent
 * messages with them: `sent_at` is when it is recorded.
 */
export async function markSentMany(db: Sequelize, marks: Marked[], now = new Date()): Promise<void> {
	if (marks.length === 0) return;
	await markWithOutbox(db, `UPDATE ${MAILS_TABLE} SET status = 'sent', sent_at = :now, last_error = NULL, locked_until = NULL WHERE id IN (:ids)`,
		{ ids: marks.map(m => m.id), now }, marks.map(m => m.message));
}

export async function markRetry(db: Sequelize, id: string, error: string, at: Date): Promise<void> {
	await db.query(`UPDATE ${MAILS_TABLE} SET last_error = :error, next_attempt_at = :at, locked_until = NULL WHERE id = :id`, { replacements: { id, error: error.slice(0, 2000), at } });
}

/** Gives up on a row; its mail.message.failed message is written with the mark. */
export async function markFailed(db: Sequelize, id: string, error: string, message: DomainMessage): Promise<void> {
	await markWithOutbox(db, `UPDATE ${MAILS_TABLE} SET status = 'failed', last_error = :error, locked_until = NULL WHERE id = :id`, { id, error: error.slice(0, 2000) }, [message]);
}

export async function getRow(db: Sequelize, id: string): Promise<MailRow | null> {
	const rows = await db.query<MailRow>(`SELECT * FROM ${MAILS_TABLE} WHERE id = :id`, { replacements: { id }, type: QueryTypes.SELECT });
	return rows[0] ?? null;
}

export interface ListFilters {
	/** The caller's hotels (lib/access.ts listScope): null or absent for all. */
	hotelIds?: string[] | null;
	reservationCode?: string; status?: MailStatus; type?: MailType; page: number; pageSize: number }

export async function listRows(db: Sequelize, f: ListFilters): Promise<{ rows: MailRow[]; total: number }> {
	const where: string[] = [];
	const r: Record<string, unknown> = {};
	if (f.hotelIds) {
		if (f.hotelIds.length === 0) return { rows: [], total: 0 };
		where.push("hotel_id IN (:hotelIds)");
		r.hotelIds = f.hotelIds;
	}
	if (f.reservationCode) { where.push("reservation_code = :code"); r.code = f.reservationCode.toUpperCase(); }
	if (f.status) { where.push("status = :status"); r.status = f.status; }
	if (f.type) { where.push("type = :type"); r.type = f.type; }
	const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
	const [count] = await db.query<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${MAILS_TABLE}${clause}`, { replacements: r, type: QueryTypes.SELECT });
	const rows = await db.query<MailRow>(`SELECT * FROM ${MAILS_TABLE}${clause} ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset`,
		{ replacements: { ...r, limit: f.pageSize, offset: (f.page - 1) * f.pageSize }, type: QueryTypes.SELECT });
	return { rows, total: Number(count?.n ?? 0) };
}
