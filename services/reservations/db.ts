/**
 * The reservations store's SQL plumbing: raw queries with replacements (no ORM round trips on
 * the hot paths) and transactions.
 *
 * PostgreSQL: each transaction has its own pooled connection; concurrent transactions are
 * ordered by the inventory rows' locks (taken in date order). Deadlocks and serialisation
 * failures, rare by construction, are retried.
 * SQLite: one writer. Write transactions are serialised in-process by a mutex, so a second
 * writer never meets SQLITE_BUSY; readers never wait (WAL on a file database).
 */
import { QueryTypes, Transaction, UniqueConstraintError, type Sequelize } from "sequelize";
import { withPgClient } from "../../lib/pg-client";
import type { Database } from "sqlite3";

type Replacements = Record<string, unknown>;

const MAX_PREPARED_READS = 500;

/** A promise-chain mutex: one holder at a time, FIFO. */
export class Mutex {
	private tail: Promise<void> = Promise.resolve();

	run<T>(fn: () => Promise<T>): Promise<T> {
		const result = this.tail.then(fn);
		this.tail = result.then(() => undefined, () => undefined);
		return result;
	}
}

interface SqliteConnectionManager {
	getConnection(options?: { uuid?: string }): Promise<unknown>;
	releaseConnection(connection: unknown, force?: boolean): void;
	__oneConnection?: boolean;
}

/**
 * Sequelize's SQLite dialect opens a new connection per transaction on a file database (it
 * ignores the pool), and a second connection meets SQLITE_BUSY under load. Our transactions are
 * serialised by the mutex below, so they all run on the one default connection instead, as they
 * already do on ":memory:".
 */
function useOneSqliteConnection(sequelize: Sequelize): void {
	const cm = (sequelize as unknown as { connectionManager: SqliteConnectionManager }).connectionManager;
	if (cm.__oneConnection) return;
	const get = cm.getConnection.bind(cm);
	const release = cm.releaseConnection.bind(cm);
	cm.getConnection = (options = {}) => get({ ...options, uuid: "default" });
	cm.releaseConnection = (connection, force) => { if (force) release(connection, force); };
	cm.__oneConnection = true;
}

const RETRYABLE_PG_CODES = new Set(["40P01", "40001"]);

/** The SQLSTATE of a PostgreSQL error, thrown by Sequelize (wrapped) or by the driver itself. */
export function pgCode(err: unknown): string | undefined {
	const e = err as { code?: unknown; original?: { code?: string }; parent?: { code?: string } };
	return e?.original?.code ?? e?.parent?.code ?? (typeof e?.code === "string" ? e.code : undefined);
}

/** Worth running again: deadlock, serialisation failure (PostgreSQL). */
export function isRetryable(err: unknown): boolean {
	return RETRYABLE_PG_CODES.has(pgCode(err) ?? "");
}

/** A unique violation, from Sequelize or from the driver (SQLSTATE 23505). */
export function isUniqueViolation(err: unknown): boolean {
	return err instanceof UniqueConstraintError || pgCode(err) === "23505";
}

export class SqlStore {
	readonly dialect: "postgres" | "sqlite";
	private readonly writer = new Mutex();

	constructor(readonly sequelize: Sequelize) {
		this.dialect = sequelize.getDialect() === "postgres" ? "postgres" : "sqlite";
		if (this.dialect === "sqlite") useOneSqliteConnection(sequelize);
	}

	get pg(): boolean {
		return this.dialect === "postgres";
	}

	/** ` FOR UPDATE` on PostgreSQL; SQLite has one writer and needs none. */
	get forUpdate(): string {
		return this.pg ? " FOR UPDATE" : "";
	}

	async select<T extends object>(sql: string, replacements: Replacements = {}, t?: Transaction): Promise<T[]> {
		return this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction: t });
	}

	/**
	 * Hot-path reads (availability, search): `?` placeholders bound by the driver itself, on a
	 * pooled connection, without Sequelize's per-query formatting and bookkeeping.
	 */
	async fastSelect<T>(sql: string, params: (string | number)[]): Promise<T[]> {
		if (this.pg) {
			const { text, name } = this.prepared(sql);
			return withPgClient(this.sequelize, "read", async client => (await client.query({ text, values: params, name })).rows as T[]);
		}
		const cm = (this.sequelize as unknown as { connectionManager: SqliteConnectionManager }).connectionManager;
		const conn = (await cm.getConnection()) as Database;
		return new Promise((resolve, reject) => conn.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
	}

	private statements = new Map<string, { text: string; name: string }>();

	/**
	 * A read's text in `$n` form and its statement name: prepared once per connection, so the
	 * server plans it once instead of on every read (the planning cost as much as the execution).
	 * The texts are few (they vary only with the length of an IN list).
	 */
	private prepared(sql: string): { text: string; name?: string } {
		let st = this.statements.get(sql);
		if (!st) {
			let n = 0;
			const text = sql.replace(/\?/g, () => `$${++n}`);
			// Bounded: past the cap a text is planned on every call rather than kept on every connection.
			if (this.statements.size >= MAX_PREPARED_READS) return { text };
			st = { text, name: `read_${this.statements.size}` };
			this.statements.set(sql, st);
		}
		return st;
	}

	/**
	 * PostgreSQL: one statement in autocommit on a pooled connection, parameters (`$1`…) bound by
	 * the driver. With `name`, the statement is prepared once per connection and then only
	 * bound and executed (the text must be the same for every call with that name).
	 */
	async pgQuery<T>(sql: string, params: unknown[], name?: string): Promise<T[]> {
		if (!this.pg) throw new Error("pgQuery is for PostgreSQL only");
		return withPgClient(this.sequelize, "write", async client => (await client.query({ text: sql, values: params, name })).rows as T[]);
	}

	async one<T extends object>(sql: string, replacements: Replacements = {}, t?: Transaction): Promise<T | null> {
		const rows = await this.select<T>(sql, replacements, t);
		return rows[0] ?? null;
	}

	async exec(sql: string, replacements: Replacements = {}, t?: Transaction): Promise<void> {
		await this.sequelize.query(sql, { replacements, transaction: t, type: QueryTypes.RAW });
	}

	/**
	 * Run `fn` in a transaction; commit when it returns, roll back when it throws. On PostgreSQL a
	 * deadlock or serialisation failure runs it again (up to 5 times).
	 */
	async withTx<T>(fn: (t: Transaction) => Promise<T>): Promise<T> {
		const attempt = () => this.sequelize.transaction(t => fn(t));
		for (let i = 0; ; i++) {
			try {
				return this.pg ? await attempt() : await this.writer.run(attempt);
			} catch (err) {
				if (!(i < 4 && this.pg && isRetryable(err))) throw err;
			}
		}
	}

	/** SQLite file databases: WAL lets readers run while the one writer commits. */
	async tune(): Promise<void> {
		if (this.pg) return;
		const storage = (this.sequelize as unknown as { options: { storage?: string } }).options.storage;
		if (storage && storage !== ":memory:") {
			await this.exec("PRAGMA journal_mode = WAL");
			await this.exec("PRAGMA synchronous = NORMAL");
		}
		await this.exec("PRAGMA busy_timeout = 5000");
	}
}
