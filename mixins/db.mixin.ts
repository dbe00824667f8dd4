/**
 * Persistence mixins: one factory per kind of store, each picking its adapter from the
 * environment (SPEC §1, §2).
 *
 *  - DocumentDbMixin: MongoDB when MONGO_URI is set, else NeDB (moleculer-db's MemoryAdapter)
 *    in a file under DATA_DIR (in memory when DATA_DIR is ":memory:").
 *  - SqlDbMixin: PostgreSQL when the service's *_DB_URL is set, else SQLite under DATA_DIR.
 *    Schema changes are migrations (umzug) run at start-up, never `sync()`.
 *
 * Each service instance gets its own adapter (and its own Sequelize instance: the adapter
 * closes it on stop), created in `created()` from the configuration of that moment.
 */
import fs from "fs";
import path from "path";
import type { Context, ServiceSchema, Service } from "moleculer";
import DbService from "moleculer-db";
import MongoDbAdapter from "moleculer-db-adapter-mongo";
import SequelizeDbAdapter from "moleculer-db-adapter-sequelize";
import Datastore from "@seald-io/nedb";
import { Sequelize, type ModelAttributes, type ModelOptions, type ModelStatic, type Model, type Options as SequelizeOptions, type QueryInterface } from "sequelize";
import { Umzug, SequelizeStorage, type RunnableMigration } from "umzug";
import { loadConfig, type AppConfig } from "../lib/config";

export type StoreKind = "mongo" | "nedb" | "memory" | "postgres" | "sqlite";

export interface StoreStatus {
	kind: StoreKind;
	up: boolean;
	error?: string;
}

// ---------------------------------------------------------------- document stores

export interface IndexSpec {
	fields: Record<string, 1 | -1 | "text">;
	options?: Record<string, unknown>;
}

export interface DocumentStoreOptions {
	/** Mongo indexes (NeDB keeps everything in memory and needs none). */
	indexes?: IndexSpec[];
}

export function documentStoreKind(cfg: AppConfig): StoreKind {
	if (cfg.mongoUri) return "mongo";
	return cfg.dataDir.endsWith(":memory:") ? "memory" : "nedb";
}

/** The adapter for a collection, from the configuration. */
export function createDocumentAdapter(collection: string, cfg: AppConfig = loadConfig()): { kind: StoreKind; adapter: unknown } {
	const kind = documentStoreKind(cfg);
	if (kind === "mongo") return { kind, adapter: new MongoDbAdapter(cfg.mongoUri, { serverSelectionTimeoutMS: 5000 }) };
	if (kind === "memory") return { kind, adapter: new DbService.MemoryAdapter() };
	fs.mkdirSync(cfg.dataDir, { recursive: true });
	const filename = path.join(cfg.dataDir, `${collection}.db`);
	return { kind, adapter: new DbService.MemoryAdapter(new Datastore({ filename, autoload: false })) };
}

interface DbSettings { idField: string }
type DocMethods = { documentStoreHealth(): Promise<StoreStatus> };
type DocVars = Record<string, unknown>;
type SqlMethods = { sqlStoreHealth(): Promise<StoreStatus>; runMigrations(): Promise<string[]> };
type SqlVars = Record<string, unknown>;

interface DbServiceThis extends Service {
	adapter: {
		init(broker: unknown, service: unknown): void;
		count(filters?: unknown): Promise<number>;
		collection?: { createIndex(fields: unknown, options?: unknown): Promise<unknown> };
		db?: { command?(cmd: unknown): Promise<unknown>; loadDatabase?(): Promise<void> };
	};
	storeKind: StoreKind;
	seedDB?: () => Promise<void>;
}

type DocThis = DbServiceThis & { documentStoreHealth(): Promise<StoreStatus> };

export function DocumentDbMixin(collection: string, opts: DocumentStoreOptions = {}): Partial<ServiceSchema> {
	const mixin: ServiceSchema<DbSettings, DocMethods, DocVars, DocThis> = {
		name: "",
		mixins: [DbService as unknown as Partial<ServiceSchema>],
		// Placeholder: every instance swaps in its own adapter in created().
		adapter: new DbService.MemoryAdapter(),
		settings: { idField: "id" },

		actions: {
			// moleculer-db's generic CRUD actions are not part of any contract: remove them.
			find: false, count: false, list: false, create: false, insert: false, get: false, update: false, remove: false,
			storeHealth: {
				visibility: "public",
				async handler(this: DocThis): Promise<StoreStatus> {
					return this.documentStoreHealth();
				},
			},
		},

		methods: {
			async documentStoreHealth(this: DocThis): Promise<StoreStatus> {
				try {
					if (this.storeKind === "mongo") await this.adapter.db?.command?.({ ping: 1 });
					return { kind: this.storeKind, up: true };
				} catch (err) {
					return { kind: this.storeKind, up: false, error: (err as Error).message };
				}
			},
		},

		created(this: DocThis) {
			const { kind, adapter } = createDocumentAdapter(collection);
			this.storeKind = kind;
			this.adapter = adapter as DbServiceThis["adapter"];
			this.adapter.init(this.broker, this);
		},

		async afterConnected(this: DocThis) {
			if (this.storeKind === "nedb") await this.adapter.db?.loadDatabase?.();
			if (this.storeKind === "mongo" && this.adapter.collection) {
				for (const idx of opts.indexes ?? []) await this.adapter.collection.createIndex(idx.fields, idx.options ?? {});
				this.logger.info(`MongoDB indexes ensured on '${collection}' (${opts.indexes?.length ?? 0}).`);
			}
			if (this.seedDB && (await this.adapter.count()) === 0) {
				this.logger.info(`'${collection}' is empty: seeding.`);
				await this.seedDB();
			}
		},
	};
	return mixin as unknown as Partial<ServiceSchema>;
}

// ---------------------------------------------------------------- SQL stores

export interface SqlModelDefinition {
	name: string;
	define: ModelAttributes;
	options?: ModelOptions;
}

export type Migration = RunnableMigration<QueryInterface>;

export interface SqlStoreOptions {
	/** Used for the SQLite file name and the log. */
	name: string;
	/** The PostgreSQL URL from the configuration (empty: SQLite). */
	url: (cfg: AppConfig) => string;
	model: SqlModelDefinition;
	migrations: Migration[];
	pool?: { max: number; min: number };
}

export function sqlStoreKind(url: string): StoreKind {
	return url ? "postgres" : "sqlite";
}

/**
 * PostgreSQL fails fast when the store is away or hangs, well inside the 10 s request timeout, so
 * a request answers 503 (lib/errors.ts) in seconds: connecting, waiting for a pooled connection,
 * and waiting for a query's answer are each bounded. Migrations run without the query bound.
 */
export const PG_TIMEOUTS = { connectMs: 3_000, acquireMs: 5_000, queryMs: 8_000 };

/** A Sequelize instance for a store; one per service instance, never shared. */
export function createSequelize(name: string, url: string, cfg: AppConfig, pool = { max: 10, min: 0 }, queryTimeoutMs = PG_TIMEOUTS.queryMs): Sequelize {
	const common: SequelizeOptions = { logging: false, benchmark: false, define: { underscored: false, timestamps: false } };
	if (url) {
		if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`${name}: database URL must start with postgres:// (got "${url.replace(/\/\/.*@/, "//***@")}")`);
		return new Sequelize(url, {
			...common,
			dialect: "postgres",
			pool: { ...pool, acquire: PG_TIMEOUTS.acquireMs, idle: 10_000 },
			// query_timeout: pg's own bound on waiting for an answer; Sequelize then discards the connection.
			dialectOptions: { connectionTimeoutMillis: PG_TIMEOUTS.connectMs, ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}), keepAlive: true, application_name: `hotel-${name}` },
		});
	}
	const inMemory = cfg.dataDir.endsWith(":memory:");
	if (!inMemory) fs.mkdirSync(cfg.dataDir, { recursive: true });
	return new Sequelize({
		...common,
		dialect: "sqlite",
		storage: inMemory ? ":memory:" : path.join(cfg.dataDir, `${name}.sqlite`),
		// SQLite has one writer. Sequelize's SQLite dialect still opens a connection per
		// transaction on a file database (SQLITE_BUSY under load): a service that writes
		// concurrently serialises its transactions itself (see services/reservations/db.ts).
		pool: { max: 1, min: 1, idle: 60_000, acquire: 60_000 },
	});
}

/** Runs migrations (umzug, recorded in SequelizeMeta) — idempotent on both dialects. */
export async function migrate(sequelize: Sequelize, migrations: Migration[], log?: (msg: string) => void): Promise<string[]> {
	const umzug = new Umzug({
		migrations,
		context: sequelize.getQueryInterface(),
		storage: new SequelizeStorage({ sequelize }),
		logger: undefined,
	});
	const run = async () => {
		const done = await umzug.up();
		for (const m of done) log?.(`migration applied: ${m.name}`);
		return done.map(m => m.name);
	};
	if (sequelize.getDialect() !== "postgres") return run();
	// Nodes starting together on an empty database take turns: a transaction-scoped advisory
	// lock is held while this node migrates (on other pool connections), then released.
	return sequelize.transaction(async t => {
		await sequelize.query("SELECT pg_advisory_xact_lock(hashtext('hotel-booking:migrations'))", { transaction: t });
		return run();
	});
}

/** The sequelize adapter, connecting without `sync()`: migrations own the schema. */
class MigratedSequelizeAdapter extends SequelizeDbAdapter {
	declare db: Sequelize;
	declare model: ModelStatic<Model>;
	declare service: Service & { model?: ModelStatic<Model> };

	constructor(private readonly makeSequelize: () => Sequelize, private readonly modelDef: SqlModelDefinition) {
		super({});
	}

	async connect(): Promise<void> {
		this.db = this.makeSequelize();
		try {
			await this.db.authenticate();
		} catch (err) {
			await this.db.close().catch(() => undefined);
			throw err;
		}
		this.model = this.db.define(this.modelDef.name, this.modelDef.define, this.modelDef.options);
		this.service.model = this.model;
	}
}

interface SqlServiceThis extends Service {
	adapter: MigratedSequelizeAdapter;
	storeKind: StoreKind;
	sequelize: Sequelize;
	seedDB?: () => Promise<void>;
}

type SqlThis = SqlServiceThis & SqlMethods;

export function SqlDbMixin(opts: SqlStoreOptions): Partial<ServiceSchema> {
	const mixin: ServiceSchema<DbSettings, SqlMethods, SqlVars, SqlThis> = {
		name: "",
		mixins: [DbService as unknown as Partial<ServiceSchema>],
		adapter: new DbService.MemoryAdapter(),
		model: opts.model,
		settings: { idField: "id" },

		actions: {
			find: false, count: false, list: false, create: false, insert: false, get: false, update: false, remove: false,
			storeHealth: {
				visibility: "public",
				async handler(this: SqlThis): Promise<StoreStatus> {
					return this.sqlStoreHealth();
				},
			},
		},

		methods: {
			/** On PostgreSQL through a short-lived instance without the query timeout: an index build or the other nodes' turn may take longer. */
			async runMigrations(this: SqlThis): Promise<string[]> {
				const log = (msg: string) => this.logger.info(msg);
				if (this.storeKind !== "postgres") return migrate(this.sequelize, opts.migrations, log);
				const cfg = loadConfig();
				const once = createSequelize(opts.name, opts.url(cfg), cfg, { max: 2, min: 0 }, 0);
				try {
					return await migrate(once, opts.migrations, log);
				} finally {
					await once.close().catch(() => undefined);
				}
			},

			async sqlStoreHealth(this: SqlThis): Promise<StoreStatus> {
				if (!this.adapter.db) return { kind: this.storeKind, up: false, error: "not connected yet" };
				try {
					await this.adapter.db.query("SELECT 1");
					return { kind: this.storeKind, up: true };
				} catch (err) {
					return { kind: this.storeKind, up: false, error: (err as Error).message };
				}
			},
		},

		created(this: SqlThis) {
			const cfg = loadConfig();
			const url = opts.url(cfg);
			this.storeKind = sqlStoreKind(url);
			this.adapter = new MigratedSequelizeAdapter(() => createSequelize(opts.name, url, cfg, opts.pool), opts.model);
			this.adapter.init(this.broker, this);
		},

		async afterConnected(this: SqlThis) {
			this.sequelize = this.adapter.db;
			const applied = await this.runMigrations();
			this.logger.info(`${opts.name} store: ${this.storeKind}, ${applied.length} migration(s) applied.`);
			if (this.seedDB) await this.seedDB();
		},
	};
	return mixin as unknown as Partial<ServiceSchema>;
}

export type { Context };
