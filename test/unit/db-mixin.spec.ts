import os from "os";
import path from "path";
import DbService from "moleculer-db";
import MongoDbAdapter from "moleculer-db-adapter-mongo";
import { createDocumentAdapter, createSequelize, documentStoreKind, PG_TIMEOUTS, sqlStoreKind } from "../../mixins/db.mixin";
import { loadConfig } from "../../lib/config";

const cfg = (env: Record<string, string>) => loadConfig({ ...env } as NodeJS.ProcessEnv);

describe("db mixin picks the adapter from the environment", () => {
	it("MongoDB when MONGO_URI is set", () => {
		const { kind, adapter } = createDocumentAdapter("hotels", cfg({ MONGO_URI: "mongodb://127.0.0.1:1/hotels" }));
		expect(kind).toBe("mongo");
		expect(adapter).toBeInstanceOf(MongoDbAdapter);
	});
	it("an NeDB file under DATA_DIR otherwise", () => {
		const dir = path.join(os.tmpdir(), `hb-${process.pid}`);
		const { kind, adapter } = createDocumentAdapter("hotels", cfg({ DATA_DIR: dir }));
		expect(kind).toBe("nedb");
		expect(adapter).toBeInstanceOf(DbService.MemoryAdapter);
		expect((adapter as { opts: { filename: string } }).opts.filename).toBe(path.join(dir, "hotels.db"));
	});
	it("in memory when DATA_DIR is :memory: (unit tests)", () => {
		expect(documentStoreKind(cfg({ DATA_DIR: ":memory:" }))).toBe("memory");
	});
	it("PostgreSQL when a *_DB_URL is set, SQLite otherwise", async () => {
		expect(sqlStoreKind("postgres://u@h/db")).toBe("postgres");
		expect(sqlStoreKind("")).toBe("sqlite");
		const pg = createSequelize("reservations", "postgres://u@127.0.0.1:1/db", cfg({}));
		expect(pg.getDialect()).toBe("postgres");
		await pg.close();
		const lite = createSequelize("reservations", "", cfg({ DATA_DIR: ":memory:" }));
		expect(lite.getDialect()).toBe("sqlite");
		await lite.close();
	});
	it("PostgreSQL fails fast: connect, pool acquire and query each bounded well inside the 10 s request timeout", async () => {
		const pg = createSequelize("reservations", "postgres://u@127.0.0.1:1/db", cfg({}));
		const opts = (pg as unknown as { options: unknown }).options as { pool: { acquire: number }; dialectOptions: { connectionTimeoutMillis: number; query_timeout?: number } };
		expect(opts.pool.acquire).toBe(PG_TIMEOUTS.acquireMs);
		expect(opts.dialectOptions).toMatchObject({ connectionTimeoutMillis: PG_TIMEOUTS.connectMs, query_timeout: PG_TIMEOUTS.queryMs });
		for (const ms of Object.values(PG_TIMEOUTS)) expect(ms).toBeLessThan(10_000);
		// A closed port answers at once: a connection error (the 503 of lib/errors.ts), not a hang.
		const started = Date.now();
		await expect(pg.authenticate()).rejects.toMatchObject({ name: "SequelizeConnectionRefusedError" });
		expect(Date.now() - started).toBeLessThan(PG_TIMEOUTS.connectMs);
		await pg.close();
		// Migrations: no query timeout (an index build may take longer).
		const once = createSequelize("reservations", "postgres://u@127.0.0.1:1/db", cfg({}), { max: 2, min: 0 }, 0);
		expect(((once as unknown as { options: { dialectOptions: Record<string, unknown> } }).options).dialectOptions.query_timeout).toBeUndefined();
		await once.close();
	});
	it("refuses a database URL that is not PostgreSQL, naming the store", () => {
		expect(() => createSequelize("mail", "mysql://x@y/z", cfg({}))).toThrow(/mail: database URL must start with postgres/);
	});
});
