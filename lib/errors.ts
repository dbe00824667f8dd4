/**
 * The one place that makes the errors of SPEC §3 and maps any error to its HTTP answer.
 */
import { Errors } from "moleculer";

export const ErrorType = {
	INVALID_REQUEST: "INVALID_REQUEST",
	UNAUTHORIZED: "UNAUTHORIZED",
	FORBIDDEN: "FORBIDDEN",
	NOT_FOUND: "NOT_FOUND",
	NO_AVAILABILITY: "NO_AVAILABILITY",
	IDEMPOTENCY_KEY_IN_USE: "IDEMPOTENCY_KEY_IN_USE",
	INVENTORY_CONFLICT: "INVENTORY_CONFLICT",
	INVALID_STATE: "INVALID_STATE",
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
			return { name: "ServiceUnavailableError", message: "A service needed for this request is unavailable, try again shortly", code: 503, type: ErrorType.SERVICE_UNAVAILABLE };
	}
	// moleculer-web's own ServiceUnavailableError (no type): the action has no node yet or any more.
	if (name === "ServiceUnavailableError" || numeric === 503)
		return { name: "ServiceUnavailableError", message: "A service needed for this request is unavailable, try again shortly", code: 503, type: ErrorType.SERVICE_UNAVAILABLE };
	if (name === "RateLimitExceeded" || numeric === 429)
		return { name: "RateLimitExceeded", message: "Too many requests, try again later", code: 429, type: ErrorType.RATE_LIMITED };
	if (name === "NotFoundError" || (numeric === 404 && !type))
		return { name: "NotFoundError", message: "Not found", code: 404, type: ErrorType.NOT_FOUND };
	if (numeric && numeric >= 400 && numeric < 500)
		return { name, message, code: numeric, type: type || ErrorType.INVALID_REQUEST, data: err.data };
	return { name: "InternalServerError", message: "Internal server error", code: 500, type: ErrorType.INTERNAL_ERROR };
}
