/**
 * The accounts store's SQL (PostgreSQL and SQLite alike): staff users, single-use links, attempt
 * counters. Every change to a user writes, in the same transaction, its audit message and an
 * `accounts.user.changed` message (gateways evict their cached copy at once) to the outbox.
 */
import crypto from "crypto";
import { QueryTypes, Transaction as Tx, type Sequelize, type Transaction } from "sequelize";
import { appendOutbox } from "../../lib/outbox";
import type { DomainMessage } from "../../lib/events";
import { affectedRows } from "../../lib/bus/dedup";
import type { StaffRole } from "../../lib/auth";
import { ATTEMPTS_TABLE, LINKS_TABLE, USERS_TABLE } from "./migrations";
import type { LinkKind } from "./links";

export interface StaffUser {
	id: string; email: string; name: string; role: StaffRole; hotelIds: string[]; active: boolean;
	createdAt: string; lastLoginAt: string | null;
	/** Invited, no password set yet. */
	invitationPending: boolean;
}

/** A user as the store knows it, with what never leaves the service. */
export interface UserRecord extends StaffUser { passwordHash: string | null; version: number; locale: string; updatedAt: string }

interface Row {
	id: string; email: string; name: string; role: StaffRole; hotel_ids: string; active: boolean | number; password_hash: string | null;
	version: number | string; locale: string; created_at: string | Date; updated_at: string | Date; last_login_at: string | Date | null;
}

const iso = (d: string | Date | null): string | null => (d == null ? null : new Date(d).toISOString());

function fromRow(r: Row): UserRecord {
	return {
		id: r.id, email: r.email, name: r.name, role: r.role, hotelIds: JSON.parse(r.hotel_ids) as string[], active: !!r.active,
		createdAt: iso(r.created_at) as string, lastLoginAt: iso(r.last_login_at), invitationPending: !r.password_hash,
		passwordHash: r.password_hash, version: Number(r.version), locale: r.locale, updatedAt: iso(r.updated_at) as string,
	};
}

/** The API shape (SPEC §11): never the hash, the version or the locale. */
export function toPublic(u: UserRecord): StaffUser {
	return { id: u.id, email: u.email, name: u.name, role: u.role, hotelIds: u.hotelIds, active: u.active, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt, invitationPending: u.invitationPending };
}

export function newUserId(): string {
	return `usr_${crypto.randomBytes(8).toString("hex")}`;
}

export class AccountsStore {
	/** SQLite has one writer: this service's write transactions run one after the other. */
	private chain: Promise<unknown> = Promise.resolve();

	constructor(readonly db: Sequelize) {}

	get postgres(): boolean {
		return this.db.getDialect() === "postgres";
	}

	/** A write transaction; its outbox messages commit with it. */
	write<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
		if (this.postgres) return this.db.transaction(fn);
		const run = this.chain.then(() => this.db.transaction({ type: Tx.TYPES.IMMEDIATE }, fn));
		this.chain = run.catch(() => undefined);
		return run;
	}

	async select<T extends object>(sql: string, replacements: Record<string, unknown> = {}, t?: Transaction): Promise<T[]> {
		return this.db.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction: t });
	}

	async exec(sql: string, replacements: Record<string, unknown>, t?: Transaction): Promise<number> {
		const [, meta] = await this.db.query(sql, { replacements, type: QueryTypes.RAW, transaction: t });
		return affectedRows(meta);
	}

	async outbox(t: Transaction, messages: DomainMessage[]): Promise<void> {
		for (const m of messages) await appendOutbox(this.db, t, m);
	}

	// ------------------------------------------------------------------ users

	async byId(id: string, t?: Transaction): Promise<UserRecord | null> {
		const [row] = await this.select<Row>(`SELECT * FROM ${USERS_TABLE} WHERE id = :id${t && this.postgres ? " FOR UPDATE" : ""}`, { id }, t);
		return row ? fromRow(row) : null;
	}

	async byEmail(email: string, t?: Transaction): Promise<UserRecord | null> {
		const [row] = await this.select<Row>(`SELECT * FROM ${USERS_TABLE} WHERE email = :email`, { email: email.toLowerCase() }, t);
		return row ? fromRow(row) : null;
	}

	async count(): Promise<number> {
		const [row] = await this.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${USERS_TABLE}`);
		return Number(row?.n ?? 0);
	}

	async all(): Promise<UserRecord[]> {
		return (await this.select<Row>(`SELECT * FROM ${USERS_TABLE} ORDER BY email`)).map(fromRow);
	}

	async activeOwners(t?: Transaction): Promise<number> {
		const [row] = await this.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${USERS_TABLE} WHERE role = 'owner' AND active = :yes`, { yes: true }, t);
		return Number(row?.n ?? 0);
	}

	/** Inserts a user; false when the email (or id) is taken. */
	async insert(t: Transaction, u: UserRecord): Promise<boolean> {
		const n = await this.exec(
			`INSERT INTO ${USERS_TABLE} (id, email, name, role, hotel_ids, active, password_hash, version, locale, created_at, updated_at, last_login_at)
			 VALUES (:id, :email, :name, :role, :hotelIds, :active, :hash, :version, :locale, :createdAt, :updatedAt, NULL)
			 ON CONFLICT DO NOTHING`,
			{ id: u.id, email: u.email, name: u.name, role: u.role, hotelIds: JSON.stringify(u.hotelIds), active: u.active, hash: u.passwordHash, version: u.version, locale: u.locale, createdAt: new Date(u.createdAt), updatedAt: new Date(u.updatedAt) }, t);
		return n === 1;
	}

	/** Saves the user's fields and raises its version: every token issued before is refused from now on. */
	async save(t: Transaction, u: UserRecord): Promise<UserRecord> {
		const next = { ...u, version: u.version + 1, updatedAt: new Date().toISOString(), invitationPending: !u.passwordHash };
		await this.exec(
			`UPDATE ${USERS_TABLE} SET name = :name, role = :role, hotel_ids = :hotelIds, active = :active, password_hash = :hash, version = :version, updated_at = :updatedAt WHERE id = :id`,
			{ id: u.id, name: u.name, role: u.role, hotelIds: JSON.stringify(u.hotelIds), active: u.active, hash: u.passwordHash, version: next.version, updatedAt: new Date(next.updatedAt) }, t);
		return next;
	}

	/** The login's mark: not a change to the user (tokens stay valid). */
	async touchLogin(id: string, at = new Date()): Promise<void> {
		await this.write(t => this.exec(`UPDATE ${USERS_TABLE} SET last_login_at = :at WHERE id = :id`, { id, at }, t));
	}

	// ------------------------------------------------------------------ links

	/** A new link of this kind for the user; older unused ones of the same kind stop working. */
	async addLink(t: Transaction, userId: string, kind: LinkKind, tokenHash: string, expiresAt: Date, now = new Date()): Promise<void> {
		await this.exec(`UPDATE ${LINKS_TABLE} SET used_at = :now WHERE user_id = :userId AND kind = :kind AND used_at IS NULL`, { userId, kind, now }, t);
		await this.exec(`INSERT INTO ${LINKS_TABLE} (token_hash, user_id, kind, created_at, expires_at, used_at) VALUES (:tokenHash, :userId, :kind, :now, :expiresAt, NULL)`,
			{ tokenHash, userId, kind, now, expiresAt }, t);
	}

	/**
	 * Takes a link: marks it used if it is unused and unexpired (one conditional UPDATE: two
	 * requests with the same token cannot both win). Its user id and kind, or null.
	 */
	async takeLink(t: Transaction, tokenHash: string, now = new Date()): Promise<{ userId: string; kind: LinkKind } | null> {
		// RETURNING: the row this statement changed (SQLite's driver reports no count for a raw UPDATE).
		const [link] = await this.select<{ user_id: string; kind: LinkKind }>(
			`UPDATE ${LINKS_TABLE} SET used_at = :now WHERE token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now RETURNING user_id, kind`, { tokenHash, now }, t);
		return link ? { userId: link.user_id, kind: link.kind } : null;
	}

	/** Every unused link of the user stops working (its password was just set). */
	async revokeLinks(t: Transaction, userId: string, now = new Date()): Promise<void> {
		await this.exec(`UPDATE ${LINKS_TABLE} SET used_at = :now WHERE user_id = :userId AND used_at IS NULL`, { userId, now }, t);
	}

	async linkUser(tokenHash: string): Promise<string | null> {
		const [link] = await this.select<{ user_id: string }>(`SELECT user_id FROM ${LINKS_TABLE} WHERE token_hash = :tokenHash`, { tokenHash });
		return link?.user_id ?? null;
	}

	// ------------------------------------------------------------------ attempt counters

	/**
	 * Counts one attempt under `key` in a fixed window; true while the count is within `limit`.
	 * Stored so every accounts node shares the count.
	 */
	async attempt(key: string, limit: number, windowMs: number, now = new Date()): Promise<boolean> {
		const since = new Date(now.getTime() - windowMs);
		return this.write(async t => {
			await this.exec(
				`INSERT INTO ${ATTEMPTS_TABLE} (key, count, window_start) VALUES (:key, 1, :now)
				 ON CONFLICT (key) DO UPDATE SET
				   count = CASE WHEN ${ATTEMPTS_TABLE}.window_start < :since THEN 1 ELSE ${ATTEMPTS_TABLE}.count + 1 END,
				   window_start = CASE WHEN ${ATTEMPTS_TABLE}.window_start < :since THEN :now ELSE ${ATTEMPTS_TABLE}.window_start END`,
				{ key, now, since }, t);
			const [row] = await this.select<{ count: number | string }>(`SELECT count FROM ${ATTEMPTS_TABLE} WHERE key = :key`, { key }, t);
			return Number(row?.count ?? 0) <= limit;
		});
	}

	async clearAttempts(key: string): Promise<void> {
		await this.write(t => this.exec(`DELETE FROM ${ATTEMPTS_TABLE} WHERE key = :key`, { key }, t));
	}

	async pruneAttempts(before: Date): Promise<void> {
		await this.write(t => this.exec(`DELETE FROM ${ATTEMPTS_TABLE} WHERE window_start < :before`, { before }, t));
	}
}
