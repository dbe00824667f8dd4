/**
 * Every knob of SPEC §2, read from the environment in one place.
 * `loadConfig()` reads `process.env` each time it is called so tests can vary it.
 */
import path from "path";

export const ALL_SERVICES = ["api", "hotels", "reservations", "mail", "webhooks", "accounts"] as const;
export type ServiceName = (typeof ALL_SERVICES)[number];

export const DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-change-me";
export const DEV_ADMIN_EMAIL = "admin@example.com";
export const DEV_ADMIN_PASSWORD = "admin";

export interface AppConfig {
	env: string;
	production: boolean;
	port: number;
	services: ServiceName[];
	transporter: string;
	namespace: string;
	mongoUri: string;
	reservationsDbUrl: string;
	mailDbUrl: string;
	/** ACCOUNTS_DB_URL: staff users and the audit log (empty: SQLite under DATA_DIR). */
	accountsDbUrl: string;
	/** WEBHOOKS_DB_URL: the webhooks service's own PostgreSQL (empty: SQLite under DATA_DIR). */
	webhooksDbUrl: string;
	dataDir: string;
	smtpUrl: string;
	mailFrom: string;
	jwtSecret: string;
	adminEmail: string;
	adminPassword: string;
	publicUrl: string;
	logLevel: string;
	metricsPort: number | null;
	rateLimitPerMinute: number | null;
	authRateLimitPerMinute: number;
	corsOrigins: string[];
	trustedProxies: string[];
	healthPort: number | null;
	tracing: string;
	/** HOST / HEALTH_HOST: interfaces the gateway and the health server bind. */
	host: string;
	healthHost: string;
	/** NODE_ID: this node's Moleculer id (empty: Moleculer's hostname-pid). */
	nodeId: string;
	/** AMQP_PREFETCH: requests a node holds unacknowledged (moleculer.config.ts). */
	amqpPrefetch: number;
	/** SERIALIZER: Moleculer's packet format between nodes (every node of a namespace must agree). */
	serializer: Serializer;
	/** TRACING_SAMPLE_RATE (0–1, default 1) and ZIPKIN_URL for TRACING_EXPORTER=Zipkin. */
	tracingSampleRate: number;
	zipkinUrl: string;
	/** SEED_DEMO: demo hotels into an empty store ("auto": NeDB only, never MongoDB). */
	seedDemo: "true" | "false" | "auto";
	messaging: MessagingConfig;
	streams: StreamsConfig;
	accounts: AccountsConfig;
	webhooks: WebhooksConfig;
}

/** Outgoing webhooks (SPEC §13, docs/webhooks.md). Nonsense falls back to the default. */
export interface WebhooksConfig {
	/** WEBHOOK_ALLOW_PRIVATE=true: targets on loopback/private/link-local addresses are allowed (tests, closed networks). */
	allowPrivate: boolean;
	/** WEBHOOK_CONNECT_TIMEOUT_MS / WEBHOOK_TIMEOUT_MS: connecting, and the whole request until the answer's end. */
	connectTimeoutMs: number;
	timeoutMs: number;
	/** WEBHOOK_MAX_RESPONSE_BYTES: the receiver's answer is read up to this, then the connection is dropped. */
	maxResponseBytes: number;
	/** WEBHOOK_RETRY_BASE_MS / WEBHOOK_RETRY_MAX_MS: the back-off (lib/retry.ts) between attempts of one delivery. */
	retry: { baseMs: number; maxMs: number };
	/** WEBHOOK_RETRY_FOR_MS: a delivery is retried this long after its first attempt. */
	retryForMs: number;
	/** WEBHOOK_DISABLE_AFTER_MS: a webhook failing continuously this long is disabled (its owner emailed). */
	disableAfterMs: number;
	/** WEBHOOK_CONCURRENCY: requests in flight per node; WEBHOOK_POLL_MS: the sender's idle pause. */
	concurrency: number;
	pollMs: number;
	/** WEBHOOK_LOCK_MS: how long a claimed delivery is reserved for the node sending it. */
	lockMs: number;
	/** WEBHOOK_KEEP_DAYS: received events (the replay window) and finished deliveries are kept this long. */
	keepDays: number;
}

export function webhooksConfig(env: NodeJS.ProcessEnv = process.env): WebhooksConfig {
	const baseMs = lenientInt(env.WEBHOOK_RETRY_BASE_MS, 10_000);
	return {
		allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === "true",
		connectTimeoutMs: lenientInt(env.WEBHOOK_CONNECT_TIMEOUT_MS, 3_000),
		timeoutMs: lenientInt(env.WEBHOOK_TIMEOUT_MS, 10_000),
		maxResponseBytes: lenientInt(env.WEBHOOK_MAX_RESPONSE_BYTES, 64 * 1024),
		retry: { baseMs, maxMs: Math.max(baseMs, lenientInt(env.WEBHOOK_RETRY_MAX_MS, 3_600_000)) },
		retryForMs: lenientInt(env.WEBHOOK_RETRY_FOR_MS, 24 * 3_600_000),
		disableAfterMs: lenientInt(env.WEBHOOK_DISABLE_AFTER_MS, 3 * 24 * 3_600_000),
		concurrency: lenientInt(env.WEBHOOK_CONCURRENCY, 8),
		pollMs: lenientInt(env.WEBHOOK_POLL_MS, 1000),
		lockMs: lenientInt(env.WEBHOOK_LOCK_MS, 60_000),
		keepDays: lenientInt(env.WEBHOOK_KEEP_DAYS, 30),
	};
}

/** Live availability (SPEC §13, docs/operations.md "Live streams"). Nonsense falls back to the default. */
export interface StreamsConfig {
	/** AVAILABILITY_FLUSH_MS: reservations reads the counts of the nights changed meanwhile and announces them this often. */
	flushMs: number;
	/** STREAM_COALESCE_MS: a gateway writes at most one batch of events per hotel this often. */
	coalesceMs: number;
	/** STREAM_HEARTBEAT_MS: comment line on every open stream. */
	heartbeatMs: number;
	/** STREAM_MAX_PER_CLIENT: open streams per client IP on one gateway node (429 beyond). */
	maxPerClient: number;
	/** STREAM_MAX_HOTELS: hotelIds one stream may follow (422 beyond). */
	maxHotels: number;
	/** STREAM_BUFFER_PER_HOTEL: events kept per hotel for Last-Event-ID resume. */
	bufferPerHotel: number;
	/** STREAM_SNAPSHOT_DAYS: nights from today sent as current counts when a resume is beyond the buffer. */
	snapshotDays: number;
}

export function streamsConfig(env: NodeJS.ProcessEnv = process.env): StreamsConfig {
	return {
		flushMs: lenientInt(env.AVAILABILITY_FLUSH_MS, 100),
		coalesceMs: lenientInt(env.STREAM_COALESCE_MS, 250),
		heartbeatMs: lenientInt(env.STREAM_HEARTBEAT_MS, 15_000),
		maxPerClient: lenientInt(env.STREAM_MAX_PER_CLIENT, 10),
		maxHotels: lenientInt(env.STREAM_MAX_HOTELS, 20),
		bufferPerHotel: lenientInt(env.STREAM_BUFFER_PER_HOTEL, 200),
		snapshotDays: lenientInt(env.STREAM_SNAPSHOT_DAYS, 90),
	};
}

/** Staff accounts (SPEC §11, docs/accounts.md). Nonsense falls back to the default. */
export interface AccountsConfig {
	/** STAFF_SESSION_TTL_MS: a gateway re-reads a staff user's state from accounts at least this often. */
	sessionTtlMs: number;
	/** STAFF_SESSION_MAX_STALE_MS: while accounts is unreachable, the last state read is used this long, then staff routes answer 503. */
	maxStaleMs: number;
	/** AUTH_ACCOUNT_LIMIT: login / forgot / reset attempts per account (email) per 15 minutes. */
	attemptsPerAccount: number;
}

export function accountsConfig(env: NodeJS.ProcessEnv = process.env): AccountsConfig {
	const sessionTtlMs = lenientInt(env.STAFF_SESSION_TTL_MS, 30_000);
	return {
		sessionTtlMs,
		maxStaleMs: Math.max(sessionTtlMs, lenientInt(env.STAFF_SESSION_MAX_STALE_MS, 60_000)),
		attemptsPerAccount: lenientInt(env.AUTH_ACCOUNT_LIMIT, 10),
	};
}

/** The durable messaging knobs (docs/messaging.md). Nonsense falls back to the default. */
export interface MessagingConfig {
	/** The one back-off policy (lib/retry.ts): RETRY_BASE_MS, RETRY_MAX_MS. */
	retry: { baseMs: number; maxMs: number };
	/** BUS_MAX_ATTEMPTS: deliveries of a message to a consumer before it is dead-lettered. */
	busMaxAttempts: number;
	/** OUTBOX_POLL_MS: the relay's pause when nothing is pending. */
	outboxPollMs: number;
	mail: { concurrency: number; maxAttempts: number; lockMs: number; pollMs: number };
}

function lenientInt(raw: string | undefined, fallback: number): number {
	const n = Number(raw);
	return raw != null && raw.trim() !== "" && Number.isInteger(n) && n >= 1 ? n : fallback;
}

/**
 * RETRY_BASE_MS / RETRY_MAX_MS; the older MAIL_RETRY_BASE_MS and BUS_RETRY_DELAYS_MS (first and
 * last delay) still count when the new ones are not set.
 */
export function messagingConfig(env: NodeJS.ProcessEnv = process.env): MessagingConfig {
	const oldDelays = (env.BUS_RETRY_DELAYS_MS || "").split(",").map(s => Number(s.trim())).filter(n => Number.isInteger(n) && n > 0);
	const baseMs = lenientInt(env.RETRY_BASE_MS, lenientInt(env.MAIL_RETRY_BASE_MS, oldDelays[0] ?? 1_000));
	const maxMs = Math.max(baseMs, lenientInt(env.RETRY_MAX_MS, oldDelays.length ? oldDelays[oldDelays.length - 1] : 60_000));
	return {
		retry: { baseMs, maxMs },
		busMaxAttempts: lenientInt(env.BUS_MAX_ATTEMPTS, 5),
		outboxPollMs: lenientInt(env.OUTBOX_POLL_MS, 1000),
		mail: {
			concurrency: lenientInt(env.MAIL_SEND_CONCURRENCY, 16),
			maxAttempts: lenientInt(env.MAIL_MAX_ATTEMPTS, 5),
			lockMs: lenientInt(env.MAIL_LOCK_MS, 60_000),
			pollMs: lenientInt(env.MAIL_POLL_MS, 1000),
		},
	};
}

export class ConfigError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "ConfigError";
	}
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number | null, min = 0): number | null {
	const raw = env[name];
	if (raw == null || raw.trim() === "") return fallback;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be an integer ≥ ${min} (got "${raw}")`);
	return n;
}

export const SERIALIZERS = ["CBOR", "JSON"] as const;
export type Serializer = (typeof SERIALIZERS)[number];

function serializerOf(raw: string | undefined): Serializer {
	const v = (raw?.trim() || "CBOR").toUpperCase();
	if (!(SERIALIZERS as readonly string[]).includes(v)) throw new ConfigError(`SERIALIZER must be one of ${SERIALIZERS.join(", ")} (got "${raw}")`);
	return v as Serializer;
}

function list(raw: string | undefined): string[] {
	return (raw ?? "").split(",").map(s => s.trim()).filter(Boolean);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
	const production = env.NODE_ENV === "production";
	const services = list(env.SERVICES);
	for (const s of services) {
		if (!(ALL_SERVICES as readonly string[]).includes(s))
			throw new ConfigError(`SERVICES contains unknown service "${s}" (known: ${ALL_SERVICES.join(", ")})`);
	}
	const dataDir = path.resolve(env.DATA_DIR || "./data");
	return {
		env: env.NODE_ENV || "development",
		production,
		port: int(env, "PORT", 3000) ?? 3000,
		services: services.length ? (services as ServiceName[]) : [...ALL_SERVICES],
		transporter: env.TRANSPORTER?.trim() || "",
		namespace: env.NAMESPACE?.trim() || "",
		mongoUri: env.MONGO_URI?.trim() || "",
		reservationsDbUrl: env.RESERVATIONS_DB_URL?.trim() || "",
		mailDbUrl: env.MAIL_DB_URL?.trim() || "",
		accountsDbUrl: env.ACCOUNTS_DB_URL?.trim() || "",
		webhooksDbUrl: env.WEBHOOKS_DB_URL?.trim() || "",
		dataDir,
		smtpUrl: env.SMTP_URL?.trim() || "",
		mailFrom: env.MAIL_FROM?.trim() || "reservations@localhost",
		jwtSecret: env.JWT_SECRET || DEV_JWT_SECRET,
		adminEmail: (env.ADMIN_EMAIL || DEV_ADMIN_EMAIL).toLowerCase(),
		adminPassword: env.ADMIN_PASSWORD || DEV_ADMIN_PASSWORD,
		publicUrl: (env.PUBLIC_URL || "http://localhost:3000").replace(/\/+$/, ""),
		logLevel: env.LOG_LEVEL || "info",
		metricsPort: int(env, "METRICS_PORT", null, 1),
		rateLimitPerMinute: int(env, "RATE_LIMIT_PER_MINUTE", null, 1),
		authRateLimitPerMinute: int(env, "AUTH_RATE_LIMIT_PER_MINUTE", 10, 1) ?? 10,
		corsOrigins: list(env.CORS_ORIGINS),
		trustedProxies: list(env.TRUSTED_PROXIES),
		healthPort: int(env, "HEALTH_PORT", null, 1),
		tracing: env.TRACING_EXPORTER?.trim() || "",
		host: env.HOST?.trim() || "0.0.0.0",
		healthHost: env.HEALTH_HOST?.trim() || "0.0.0.0",
		nodeId: env.NODE_ID?.trim() || "",
		amqpPrefetch: Number(env.AMQP_PREFETCH) || 100,
		serializer: serializerOf(env.SERIALIZER),
		tracingSampleRate: Number(env.TRACING_SAMPLE_RATE) || 1,
		zipkinUrl: env.ZIPKIN_URL?.trim() || "",
		seedDemo: env.SEED_DEMO === "true" || env.SEED_DEMO === "false" ? env.SEED_DEMO : "auto",
		messaging: messagingConfig(env),
		streams: streamsConfig(env),
		accounts: accountsConfig(env),
		webhooks: webhooksConfig(env),
	};
}

/**
 * Refuse to run in production with the development defaults: a leaked default secret
 * would let anyone mint admin tokens.
 */
export function assertProductionSafe(cfg: AppConfig, env: NodeJS.ProcessEnv = process.env): void {
	if (!cfg.production) return;
	const problems: string[] = [];
	if (cfg.jwtSecret === DEV_JWT_SECRET) problems.push("JWT_SECRET is not set (the development default cannot be used in production)");
	else if (cfg.jwtSecret.length < 32) problems.push("JWT_SECRET must be at least 32 characters in production");
	if (!env.ADMIN_EMAIL) problems.push("ADMIN_EMAIL is not set");
	if (cfg.adminPassword === DEV_ADMIN_PASSWORD) problems.push("ADMIN_PASSWORD is not set (the development default cannot be used in production)");
	else if (cfg.adminPassword.length < 12) problems.push("ADMIN_PASSWORD must be at least 12 characters in production");
	if (problems.length) throw new ConfigError(`Refusing to start with NODE_ENV=production:\n - ${problems.join("\n - ")}`);
}
