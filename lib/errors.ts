/**
 * The one place that makes the errors of SPEC §3 and maps any error to its HTTP answer,
 * including store and bus outages (503 with Retry-After, never 500): `isOutage` classifies,
 * `OutageMiddleware` converts at the source, `toHttpError` maps whatever reaches the gateway.
 */
import { Errors, type Middleware } from "moleculer";

export const ErrorType = {
	INVALID_REQUEST: "INVALID_REQUEST",
	UNAUTHORIZED: "UNAUTHORIZED",
	FORBIDDEN: "FORBIDDEN",
	NOT_FOUND: "NOT_FOUND",
	NO_AVAILABILITY: "NO_AVAILABILITY",
	IDEMPOTENCY_KEY_IN_USE: "IDEMPOTENCY_KEY_IN_USE",
	INVENTORY_CONFLICT: "INVENTORY_CONFLICT",
	INVALID_STATE: "INVALID_STATE",
	STAY_RESTRICTED: "STAY_RESTRICTED",
	PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
	VALIDATION_ERROR: "VALIDATION_ERROR",
	IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
	RATE_LIMITED: "RATE_LIMITED",
	SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
	INTERNAL_ERROR: "INTERNAL_ERROR",
} as const;
export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

const STATUS: Record<ErrorTypeName, number> = {
	INVALID_REQUEST: 400,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	NO_AVAILABILITY: 409,
	IDEMPOTENCY_KEY_IN_USE: 409,
	INVENTORY_CONFLICT: 409,
	INVALID_STATE: 409,
	STAY_RESTRICTED: 409,
	PAYLOAD_TOO_LARGE: 413,
	VALIDATION_ERROR: 422,
	IDEMPOTENCY_KEY_REUSED: 422,
	RATE_LIMITED: 429,
	SERVICE_UNAVAILABLE: 503,
	INTERNAL_ERROR: 500,
};

export interface FieldError {
	field: string;
	message: string;
	type?: string;
	actual?: unknown;
}

/** A client error of SPEC §3 (4xx); `data` travels with it across nodes. */
export function appError(type: ErrorTypeName, message: string, data?: unknown): Errors.MoleculerError {
	const status = STATUS[type];
	return status < 500
		? new Errors.MoleculerClientError(message, status, type, data)
		: new Errors.MoleculerError(message, status, type, data);
}

/** Retry-After of every 503: about the circuit breaker's half-open time (moleculer.config.ts). */
export const RETRY_AFTER_SECONDS = 5;

const UNAVAILABLE_MESSAGE = "A service needed for this request is unavailable, try again shortly";

export const notFound = (what: string, id?: string) =>
	appError(ErrorType.NOT_FOUND, id ? `${what} '${id}' not found` : `${what} not found`, id ? { id } : undefined);

/** 422 listing the fields, same shape as the validator's own errors. */
export function validationError(fields: FieldError[]): Errors.ValidationError {
	const message = fields.map(f => f.message).join("; ");
	return new Errors.ValidationError(message || "Validation failed", ErrorType.VALIDATION_ERROR, fields.map(f => ({ type: f.type ?? "invalid", ...f })));
}

export interface HttpErrorBody {
	name: string;
	message: string;
	code: number;
	type: string;
	data?: unknown;
}

interface ErrorLike {
	name?: string;
	message?: string;
	code?: unknown;
	status?: unknown;
	statusCode?: unknown;
	type?: unknown;
	data?: unknown;
}

// ---------------------------------------------------------------- outages

/** Store and bus drivers' outage errors by name (they keep it across nodes: the transit sends name, message, code). */
const OUTAGE_NAMES = new Set([
	// Sequelize's ConnectionError family (PostgreSQL, SQLite), pool acquire timeout included
	"SequelizeConnectionError", "SequelizeConnectionRefusedError", "SequelizeConnectionTimedOutError", "SequelizeConnectionAcquireTimeoutError",
	"SequelizeHostNotFoundError", "SequelizeHostNotReachableError", "SequelizeInvalidConnectionError", "SequelizeAccessDeniedError",
	// SQLite's SQLITE_BUSY
	"SequelizeTimeoutError",
	// MongoDB driver (3.x and later)
	"MongoNetworkError", "MongoNetworkTimeoutError", "MongoServerSelectionError", "MongoTimeoutError", "MongoNotConnectedError",
	"MongoTopologyClosedError", "MongoPoolClearedError", "MongoServerClosedError",
	// the durable message bus (lib/bus), Moleculer's open circuit
	"BusUnavailableError", "CircuitBreakerOpenError",
]);

/** System, SQLite and PostgreSQL (SQLSTATE) codes of a store that cannot answer now. */
const OUTAGE_CODES = new Set([
	"ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN",
	// NeDB's file: the disk is full or failing
	"ENOSPC", "EIO",
	"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL",
	// admin/crash shutdown, starting up, statement cancelled (timeout)
	"57P01", "57P02", "57P03", "57014",
]);
/** SQLSTATE classes: 08 connection exception, 53 insufficient resources (too many connections…). */
const OUTAGE_SQLSTATE = /^(08|53)[0-9A-Z]{3}$/;

/** pg and drivers say some outages in words only (no code): matched on the message. */
const OUTAGE_MESSAGE = new RegExp([
	"Connection terminated", "Query read timeout", "timeout exceeded when trying to connect", "is not queryable",
	"terminating connection due to administrator command", "the database system is (shutting down|starting up|in recovery mode)",
	"sorry, too many clients already", "[Tt]opology (was destroyed|is closed)", "server is closed", "pool (was )?destroyed", "pool is draining",
	// a driver's code quoted in the message survives the transit when the code itself did not
	"\\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|SQLITE_BUSY|SQLITE_LOCKED|SQLITE_CANTOPEN|SQLITE_IOERR|SQLITE_FULL)\\b",
].join("|"));

const OUTAGE_TYPES = new Set(["CIRCUIT_BREAKER_OPEN", "BUS_UNAVAILABLE"]);

/**
 * Is this a store or bus outage (the request may succeed once it is back)? Looks at the error and
 * the errors it wraps (Sequelize's `parent`/`original`, `cause`, an AggregateError's `errors`).
 */
export function isOutage(raw: unknown, depth = 0): boolean {
	if (!raw || typeof raw !== "object" || depth > 4) return false;
	const err = raw as ErrorLike & { parent?: unknown; original?: unknown; cause?: unknown; errors?: unknown };
	if (err.name && OUTAGE_NAMES.has(err.name)) return true;
	if (typeof err.type === "string" && OUTAGE_TYPES.has(err.type)) return true;
	if (typeof err.code === "string" && (OUTAGE_CODES.has(err.code) || OUTAGE_SQLSTATE.test(err.code))) return true;
	if (typeof err.message === "string" && OUTAGE_MESSAGE.test(err.message) && !isAppError(err)) return true;
	const inner = [err.parent, err.original, err.cause, ...(Array.isArray(err.errors) ? err.errors : [])];
	return inner.some(e => e !== raw && isOutage(e, depth + 1));
}

/** An error of SPEC §3 made by appError/validationError: never reclassified. */
function isAppError(err: ErrorLike): boolean {
	return typeof err.type === "string" && (Object.values(ErrorType) as string[]).includes(err.type);
}

/** The 503 an outage becomes (no internals: the cause is logged where it happened). */
export const unavailableError = () => appError(ErrorType.SERVICE_UNAVAILABLE, UNAVAILABLE_MESSAGE);

/**
 * Broker middleware: an outage thrown by any local action leaves its node as SPEC §3's 503, so
 * every caller, route and node sees the same answer; the driver's error is logged here (at most
 * once per action every 10 s while the outage lasts).
 */
export function OutageMiddleware(): Middleware {
	const lastLog = new Map<string, number>();
	return {
		name: "Outage",
		localAction(next: (ctx: unknown) => Promise<unknown>, action: { name: string; service?: { logger?: { warn(...a: unknown[]): void } } }) {
			return function outage(ctx: unknown) {
				return next(ctx).catch((err: unknown) => {
					if (isAppError(err as ErrorLike) || !isOutage(err)) throw err;
					const now = Date.now();
					if (now - (lastLog.get(action.name) ?? 0) >= 10_000) {
						lastLog.set(action.name, now);
						action.service?.logger?.warn(`${action.name}: store or bus unavailable, answering 503:`, (err as Error).name, (err as Error).message);
					}
					throw unavailableError();
				});
			};
		},
	} as unknown as Middleware;
}

/** Headers that go with an error answer: Retry-After on every 503. */
export function errorHeaders(body: HttpErrorBody): Record<string, string> {
	return body.code === 503 ? { "Retry-After": String(RETRY_AFTER_SECONDS) } : {};
}

/**
 * Map anything thrown on the way through the gateway to the body of SPEC §3.
 * Unknown errors become a 500 without internals; the caller logs them.
 */
export function toHttpError(raw: unknown): HttpErrorBody {
	const err: ErrorLike = raw && typeof raw === "object" ? (raw as ErrorLike) : { message: String(raw) };
	const name = err.name || "Error";
	const message = err.message || "Error";
	const type = typeof err.type === "string" ? err.type : "";
	const numeric = [err.code, err.status, err.statusCode].find(v => typeof v === "number") as number | undefined;

	// body-parser (raw-body) errors carry `type` and `status`.
	if (type === "entity.parse.failed")
		return { name: "InvalidRequestError", message: `Malformed JSON body: ${message}`, code: 400, type: ErrorType.INVALID_REQUEST };
	if (type === "entity.too.large")
		return { name: "PayloadTooLargeError", message: "Request body is larger than 64 KiB", code: 413, type: ErrorType.PAYLOAD_TOO_LARGE };
	if (type.startsWith("encoding.") || type.startsWith("charset.") || type === "request.aborted" || type === "request.size.invalid")
		return { name: "InvalidRequestError", message, code: numeric && numeric < 500 ? numeric : 400, type: ErrorType.INVALID_REQUEST };

	if ((Object.values(ErrorType) as string[]).includes(type) && type !== ErrorType.INTERNAL_ERROR)
		return { name, message, code: STATUS[type as ErrorTypeName], type, data: err.data };

	switch (type) {
		case "NO_TOKEN":
		case "INVALID_TOKEN":
		case "UNAUTHORIZED":
			return { name: "UnAuthorizedError", message: message === "Unauthorized" ? "Authentication required" : message, code: 401, type: ErrorType.UNAUTHORIZED };
		case "FORBIDDEN":
		case "ERR_INVALID_TOKEN":
			return { name: "ForbiddenError", message, code: 403, type: ErrorType.FORBIDDEN };
		case "RATE_LIMIT_EXCEEDED":
			return { name: "RateLimitExceeded", message: "Too many requests, try again later", code: 429, type: ErrorType.RATE_LIMITED };
		case "SERVICE_NOT_FOUND":
		case "SERVICE_NOT_AVAILABLE":
		case "REQUEST_TIMEOUT":
		case "REQUEST_REJECTED":
		case "REQUEST_SKIPPED":
		case "QUEUE_FULL":
		case "BAD_GATEWAY":
		case "SERVICE_UNAVAILABLE":
			return { name: "ServiceUnavailableError", message: UNAVAILABLE_MESSAGE, code: 503, type: ErrorType.SERVICE_UNAVAILABLE };
	}
	// moleculer-web's own ServiceUnavailableError (no type): the action has no node yet or any more.
	// A store or bus outage that was not converted at its source (by name, code or message).
	if (name === "ServiceUnavailableError" || numeric === 503 || isOutage(err))
		return { name: "ServiceUnavailableError", message: UNAVAILABLE_MESSAGE, code: 503, type: ErrorType.SERVICE_UNAVAILABLE };
	if (name === "RateLimitExceeded" || numeric === 429)
		return { name: "RateLimitExceeded", message: "Too many requests, try again later", code: 429, type: ErrorType.RATE_LIMITED };
	if (name === "NotFoundError" || (numeric === 404 && !type))
		return { name: "NotFoundError", message: "Not found", code: 404, type: ErrorType.NOT_FOUND };
	if (numeric && numeric >= 400 && numeric < 500)
		return { name, message, code: numeric, type: type || ErrorType.INVALID_REQUEST, data: err.data };
	return { name: "InternalServerError", message: "Internal server error", code: 500, type: ErrorType.INTERNAL_ERROR };
}
