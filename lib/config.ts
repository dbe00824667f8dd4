/**
 * Every knob of SPEC §2, read from the environment in one place.
 * `loadConfig()` reads `process.env` each time it is called so tests can vary it.
 */
import path from "path";

export const ALL_SERVICES = ["api", "hotels", "reservations", "mail"] as const;
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
	/** TRACING_SAMPLE_RATE (0–1, default 1) and ZIPKIN_URL for TRACING_EXPORTER=Zipkin. */
	tracingSampleRate: number;
	zipkinUrl: string;
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
		tracingSampleRate: Number(env.TRACING_SAMPLE_RATE) || 1,
		zipkinUrl: env.ZIPKIN_URL?.trim() || "",
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
