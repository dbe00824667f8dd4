/**
 * api: the moleculer-web gateway (SPEC §3). /api/v1 aliases from the actions' `rest` metadata
 * (./api/routes.ts), error bodies of SPEC §3 (503 with Retry-After for outages),
 * JWT authentication with per-action access levels and §11 permissions (./api/auth.ts: staff
 * tokens checked against the accounts service's current state), rate limits, health/readiness, OpenAPI,
 * interactive docs, the static front end and the live streams (./api/streams.ts; fed by a
 * broadcast consumer: every api node gets every availability and reservation message).
 */
import fs from "fs";
import path from "path";
import type { IncomingMessage, ServerResponse } from "http";
import type { Context, Service, ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import { loadConfig, type AppConfig } from "../lib/config";
import { PROJECT_ROOT } from "../lib/paths";
import { verifyToken, TokenError, type AuthUser, type AccessLevel } from "../lib/auth";
import { isStaff, type Permission } from "../lib/access";
import { appError, errorHeaders, ErrorType, toHttpError } from "../lib/errors";
import { checkReadiness } from "../lib/readiness";
import type { AppMeta } from "../types/moleculer";
import { authorizeAction, staffStreamHotels, StaffSessions, type SessionState } from "./api/auth";
import { apiRoutes, toAliases } from "./api/routes";
import { buildOpenApi } from "./api/openapi";
import { isStreamRequest, StreamHub, streamAliases, type AvailabilityChange } from "./api/streams";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const swaggerUiDir: string = require("swagger-ui-dist").getAbsoluteFSPath();
const SWAGGER_FILES = new Set(["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png", "favicon-16x16.png", "index.css"]);
const { version } = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string };

type Req = IncomingMessage & {
	$action?: { name: string; auth?: AccessLevel; permission?: Permission };
	$ctx?: Context<unknown, AppMeta>;
	$params?: Record<string, unknown>;
	$authError?: string;
	/** accounts could not say whether a staff token still holds (503 on routes that need it). */
	$authFailure?: unknown;
	socket: IncomingMessage["socket"];
};
type Res = ServerResponse;

interface ApiVars {
	cfg: AppConfig;
	streams: StreamHub | null;
	sessions: StaffSessions;
}
interface ApiMethods {
	errorHandler(req: Req, res: Res, err: unknown): void;
	authenticate(ctx: Context<unknown, AppMeta>, route: unknown, req: Req): Promise<AuthUser | null>;
	authorize(ctx: Context<unknown, AppMeta>, route: unknown, req: Req): Promise<void>;
	userOf(token: string, req: Req): Promise<AuthUser | null>;
}
type ApiThis = Service & ApiVars & ApiMethods;

/** Which services the gateway calls: readiness needs them. */
const NEEDED_SERVICES = ["hotels", "reservations"];

/** The peer address; X-Real-IP/X-Forwarded-For only when the peer is a trusted proxy (nginx). */
export function clientIp(cfg: AppConfig, req: Req): string {
	const peer = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
	if (cfg.trustedProxies.includes(peer)) {
		const real = req.headers["x-real-ip"];
		if (typeof real === "string" && real) return real.trim();
		const xff = req.headers["x-forwarded-for"];
		if (typeof xff === "string" && xff) return xff.split(",").pop()!.trim();
	}
	return peer;
}

function sendJson(res: Res, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const data = JSON.stringify(body);
	res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(data), ...headers });
	res.end(data);
}

function errorHandler(this: ApiThis, req: Req, res: Res, err: unknown): void {
	const body = toHttpError(err);
	if (body.code >= 500 && body.type === ErrorType.INTERNAL_ERROR) this.logger.error("Unhandled error on", req.method, req.url, err);
	if (body.message.includes("(in '')")) body.message = body.message.replace(/ \(in ''\)/g, "");
	if (body.type === ErrorType.VALIDATION_ERROR && Array.isArray(body.data))
		body.data = body.data.map((d: Record<string, unknown>) => ({ ...d, message: typeof d.message === "string" ? d.message.replace(/ \(in ''\)/g, "") : d.message }));
	// Headers the action set before failing (Idempotent-Replayed on a replayed 409).
	const headers = { ...(req.$ctx?.meta?.$responseHeaders ?? {}), ...errorHeaders(body) };
	if (!res.headersSent) sendJson(res, body.code, body, headers);
	else res.end();
}

const ApiService: ServiceSchema<Record<string, unknown>, ApiMethods, ApiVars, ApiThis> = {
	name: "api",
	mixins: [ApiGateway as unknown as Partial<ServiceSchema>],

	// Filled in created() from the configuration of that moment (tests vary it).
	settings: {},

	// POST /auth/login and the other staff routes are the accounts service's (SPEC §11).
	actions: {},

	/** Every api node gets every change (one queue per node), for its own streams; the hub splits a feed batch `{ changes }` into §13 events. */
	consumers: {
		live: {
			events: ["reservations.availability.changed", "reservations.reservation.*"], group: "api-live", broadcast: true, concurrency: 100,
			async handler(this: ApiThis, message) { this.streams?.onMessage(message); },
		},
		/** A staff user changed (role, hotels, deactivated, password): every node forgets its cached state at once. */
		staff: {
			events: ["accounts.user.changed"], group: "api-staff", broadcast: true,
			async handler(this: ApiThis, message) {
				const id = (message.data as { id?: string; active?: boolean } | null)?.id;
				if (!id) return;
				this.sessions.evict(id);
				this.streams?.closeUser(id);
			},
		},
	},

	methods: {
		/**
		 * moleculer-web logs every 5xx with its stack: during an outage that is one per request.
		 * Our onError logs the unexpected 500s; an outage is logged once in a while where it happens.
		 */
		errorHandler(this: ApiThis & { sendError(req: Req, res: Res, err: unknown): void }, req: Req, res: Res, err: unknown): void {
			this.sendError(req, res, err);
		},

		async authenticate(this: ApiThis, ctx: Context<unknown, AppMeta>, _route: unknown, req: Req): Promise<AuthUser | null> {
			const header = req.headers.authorization;
			if (!header) return null;
			const m = /^Bearer\s+(\S+)$/i.exec(header);
			if (!m) {
				req.$authError = "Authorization header must be 'Bearer <token>'";
				return null;
			}
			return this.userOf(m[1], req);
		},

		/** A token's user: guests as signed; staff as accounts says they are now (null with $authError / $authFailure otherwise). */
		async userOf(this: ApiThis, token: string, req: Req): Promise<AuthUser | null> {
			let user: AuthUser;
			try {
				user = verifyToken(token, this.cfg.jwtSecret);
			} catch (err) {
				req.$authError = err instanceof TokenError ? err.message : "Token is invalid";
				return null;
			}
			if (!isStaff(user)) return user;
			try {
				return await this.sessions.check(user);
			} catch (err) {
				if ((err as { code?: number }).code === 401) req.$authError = (err as Error).message;
				else req.$authFailure = err;
				return null;
			}
		},

		/** Access level from the action's `auth` metadata; missing means admin (closed by default). */
		async authorize(this: ApiThis, ctx: Context<unknown, AppMeta>, _route: unknown, req: Req): Promise<void> {
			const level: AccessLevel = req.$action?.auth ?? "admin";
			if (level !== "public" && !ctx.meta.user && req.$authFailure) throw req.$authFailure;
			authorizeAction(ctx.meta.user, level, req.$action?.permission, req.$authError);
		},

	},

	/** Settings from the configuration of this moment (tests vary it), before moleculer-web reads them. */
	merged(schema) {
		// On top of moleculer-web's defaults (request timeout, server options…), not instead of them.
		schema.settings = { ...(schema.settings ?? {}), ...gatewaySettings(loadConfig()) } as Record<string, unknown>;
		// The circuit breaker and the retry policy guard the calls behind the gateway, not its own
		// entry action: counting every 5xx it relays (one store's outage) would trip `api.rest`
		// and take every route down, healthy ones included; retrying it would replay a consumed
		// HTTP request (a 404) when the called action's circuit is open.
		const actions = (schema.actions ?? {}) as Record<string, unknown>;
		if (actions.rest && typeof actions.rest === "object")
			schema.actions = { ...actions, rest: { ...actions.rest, circuitBreaker: { enabled: false }, retryPolicy: { enabled: false } } } as typeof schema.actions;
	},

	created(this: ApiThis) {
		this.cfg = loadConfig();
		this.sessions = new StaffSessions(id => this.broker.call<SessionState | null, { id: string }>("accounts.session", { id }, { timeout: 3_000, retries: 1 }), { ttlMs: this.cfg.accounts.sessionTtlMs, maxStaleMs: this.cfg.accounts.maxStaleMs });
		this.streams = new StreamHub(this.cfg.streams, hotelIds => this.broker.call<AvailabilityChange[], { hotelIds: string[] }>("reservations.liveAvailability", { hotelIds }));
	},

	/** Runs before moleculer-web's (own hooks stop first): open streams would hold its server.close(). */
	stopped(this: ApiThis) {
		this.streams?.closeAll();
	},
};

/** The front end: the built web app when present, else the placeholder page. */
function staticFolder(): string {
	const built = path.join(PROJECT_ROOT, "web", "dist");
	return fs.existsSync(path.join(built, "index.html")) ? built : path.join(PROJECT_ROOT, "public");
}

function gatewaySettings(cfg: AppConfig) {
		const routes = apiRoutes();
		const clientKey = (req: Req) => clientIp(cfg, req);
		const cors = cfg.corsOrigins.length
			? { origin: cfg.corsOrigins, methods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"], allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key"], exposedHeaders: ["Idempotent-Replayed", "Location"], credentials: false, maxAge: 600 }
			: undefined;

		const common = {
			path: "/api/v1",
			mappingPolicy: "restrict",
			authentication: true,
			authorization: true,
			mergeParams: true,
			bodyParsers: { json: { limit: "64kb", strict: true }, urlencoded: false },
			logging: cfg.logLevel === "debug" || cfg.logLevel === "trace",
			callOptions: { timeout: 10_000 },
			onBeforeCall(ctx: Context<unknown, AppMeta>, _route: unknown, req: Req) {
				const key = req.headers["idempotency-key"];
				if (typeof key === "string") ctx.meta.idempotencyKey = key;
				ctx.meta.clientIp = clientIp(cfg, req);
				// Only what an action answers differently for (reports: CSV); meta travels with every call.
				if (req.headers.accept?.includes("text/csv")) ctx.meta.accept = req.headers.accept;
			},
			onError: errorHandler,
			...(cors ? { cors } : {}),
		};

		return {
			port: cfg.port,
			ip: cfg.host,
			log4XXResponses: false,
			logRequestParams: null,
			logResponseData: null,
			logRequest: "debug",
			logResponse: "debug",
			// Static front end at "/", served after the API routes.
			assets: { folder: staticFolder(), options: { index: "index.html", maxAge: "1h" } },
			onError: errorHandler,
			cors: undefined,
			rootCallOptions(options: { tracking?: boolean }, req: Req) {
				if (isStreamRequest(req.url)) options.tracking = false;
			},
			routes: [
				{
					path: "/api",
					mappingPolicy: "restrict",
					bodyParsers: false,
					authentication: false,
					authorization: false,
					logging: false,
					aliases: {
						"GET health"(this: ApiThis, req: Req, res: Res) {
							sendJson(res, 200, { status: "up", nodeID: this.broker.nodeID, uptime: Math.round(process.uptime()) });
						},
						async "GET ready"(this: ApiThis, req: Req, res: Res) {
							const r = await checkReadiness(this.broker, NEEDED_SERVICES);
							sendJson(res, r.status === "up" ? 200 : 503, { ...r, nodeID: this.broker.nodeID });
						},
						"GET openapi.json"(this: ApiThis, req: Req, res: Res) {
							sendJson(res, 200, buildOpenApi(routes, (this.broker.validator as unknown as { validator: Parameters<typeof buildOpenApi>[1] }).validator, version));
						},
						...streamAliases<ApiThis>({
							hub: svc => svc.streams,
							clientIp: req => clientIp(cfg, req as Req),
							async requireStaff(svc, req, query, requested) {
								const header = req.headers.authorization;
								const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1] ?? query.get("token");
								if (!token) throw appError(ErrorType.UNAUTHORIZED, "Authentication required: send 'Authorization: Bearer <token>'");
								const r = req as Req;
								const user = await svc.userOf(token, r);
								if (!user && r.$authFailure) throw r.$authFailure;
								authorizeAction(user, "admin", "reservations.view", r.$authError);
								return { userId: (user as AuthUser).sub, hotelIds: staffStreamHotels(user as AuthUser, requested) };
							},
							onError: (svc, req, res, err) => errorHandler.call(svc, req as Req, res, err),
						}),
						"GET docs"(req: Req, res: Res) {
							res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache" });
							res.end(DOCS_HTML);
						},
						"GET docs/:file"(req: Req & { $params: { file?: string } }, res: Res) {
							const file = String(req.$params.file ?? "");
							if (!SWAGGER_FILES.has(file) && file !== "init.js") return sendJson(res, 404, toHttpError({ name: "NotFoundError", code: 404 }));
							if (file === "init.js") {
								res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
								return res.end(DOCS_INIT);
							}
							const type = file.endsWith(".css") ? "text/css" : file.endsWith(".js") ? "text/javascript" : "image/png";
							res.writeHead(200, { "Content-Type": type, "Cache-Control": "public, max-age=86400" });
							fs.createReadStream(path.join(swaggerUiDir, file)).pipe(res);
						},
					},
					onError: errorHandler,
				},
				{
					...common,
					name: "auth",
					aliases: toAliases(routes.filter(rt => rt.rateLimit === "auth")),
					// Brute force: always on, per client.
					rateLimit: { window: 60_000, limit: cfg.authRateLimitPerMinute, headers: true, key: clientKey },
				},
				{
					...common,
					name: "v1",
					aliases: toAliases(routes.filter(rt => rt.rateLimit !== "auth")),
					...(cfg.rateLimitPerMinute ? { rateLimit: { window: 60_000, limit: cfg.rateLimitPerMinute, headers: true, key: clientKey } } : {}),
				},
			],
		};
}

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hotel booking API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"><link rel="icon" href="/api/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true, persistAuthorization: true });`;

export default ApiService;
