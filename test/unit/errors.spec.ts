/**
 * The one error mapping (lib/errors.ts): store and bus outages in every shape they reach the
 * gateway (local driver errors, wrapped ones, and as Moleculer's transit rebuilds a remote one)
 * answer 503 SERVICE_UNAVAILABLE with Retry-After; validation and unknown errors keep their answer.
 */
import { Errors, ServiceBroker } from "moleculer";
import { ConnectionAcquireTimeoutError, ConnectionRefusedError, DatabaseError, TimeoutError } from "sequelize";
import { appError, errorHeaders, ErrorType, isOutage, OutageMiddleware, toHttpError, validationError } from "../../lib/errors";

/** What the gateway gets for an error thrown on another node (JSON serializer + Moleculer's Regenerator). */
function acrossTransit(err: Error): Error {
	const broker = new ServiceBroker({ logger: false });
	const plain = JSON.parse(JSON.stringify(broker.errorRegenerator!.extractPlainError(err as Errors.MoleculerError, {} as never)));
	return broker.errorRegenerator!.restore(plain, { sender: "other-node" } as never);
}

const sys = (message: string, code: string) => Object.assign(new Error(message), { code });
const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code, severity: "FATAL" } : {});

const outages: [string, () => Error][] = [
	["Sequelize connection refused (PostgreSQL stopped)", () => new ConnectionRefusedError(sys("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))],
	["Sequelize pool acquire timeout", () => new ConnectionAcquireTimeoutError(new Error("Operation timeout"))],
	["pg 'Connection terminated unexpectedly' inside a query", () => new DatabaseError(pgError("Connection terminated unexpectedly") as never)],
	["pg query timeout", () => new DatabaseError(pgError("Query read timeout") as never)],
	["PostgreSQL admin shutdown 57P01", () => new DatabaseError(pgError("terminating connection due to administrator command", "57P01") as never)],
	["PostgreSQL too many connections 53300", () => new DatabaseError(pgError("sorry, too many clients already", "53300") as never)],
	["a raw pg ECONNRESET (hot paths use the pooled client directly)", () => sys("read ECONNRESET", "ECONNRESET")],
	["ETIMEDOUT", () => sys("connect ETIMEDOUT", "ETIMEDOUT")],
	["an AggregateError of ECONNREFUSED (IPv4 and IPv6)", () => Object.assign(new AggregateError([sys("connect ECONNREFUSED ::1:5432", "ECONNREFUSED"), sys("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")], ""), { code: "ECONNREFUSED" })],
	["SQLITE_BUSY", () => new TimeoutError(sys("SQLITE_BUSY: database is locked", "SQLITE_BUSY") as never)],
	["SQLITE_CANTOPEN", () => new DatabaseError(sys("SQLITE_CANTOPEN: unable to open database file", "SQLITE_CANTOPEN") as never)],
	["MongoNetworkError", () => Object.assign(new Error("connection 1 to 127.0.0.1:27017 closed"), { name: "MongoNetworkError" })],
	["MongoServerSelectionError", () => Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:27017"), { name: "MongoServerSelectionError" })],
	["MongoNotConnectedError", () => Object.assign(new Error("Client must be connected"), { name: "MongoNotConnectedError" })],
	["the message bus", () => Object.assign(new Error("the message bus is not connected"), { name: "BusUnavailableError" })],
	["NeDB's disk full", () => sys("ENOSPC: no space left on device", "ENOSPC")],
	["Moleculer request timeout", () => new Errors.RequestTimeoutError({ action: "reservations.create", nodeID: "x" })],
	["Moleculer: no node runs the service", () => new Errors.ServiceNotFoundError({ action: "reservations.create" })],
	["an open circuit breaker (by name)", () => Object.assign(new Error("Circuit breaker is open"), { name: "CircuitBreakerOpenError" })],
	["an open circuit breaker (by type)", () => new Errors.MoleculerError("Circuit breaker is open", 503, "CIRCUIT_BREAKER_OPEN")],
];

describe("an outage answers 503 SERVICE_UNAVAILABLE with Retry-After", () => {
	it.each(outages)("%s", (_label, make) => {
		for (const err of [make(), acrossTransit(make())]) {
			const body = toHttpError(err);
			expect(body).toMatchObject({ code: 503, type: ErrorType.SERVICE_UNAVAILABLE });
			expect(body.message).not.toMatch(/ECONN|Sequelize|Mongo|Query/);
			expect(errorHeaders(body)).toEqual({ "Retry-After": "5" });
		}
	});

	it("the source's middleware turns a driver outage into the 503 before it leaves the node", async () => {
		const wrap = (OutageMiddleware() as unknown as { localAction: (next: () => Promise<unknown>, action: { name: string }) => () => Promise<unknown> }).localAction;
		const converted = await wrap(() => Promise.reject(new ConnectionRefusedError(sys("connect ECONNREFUSED", "ECONNREFUSED"))), { name: "reservations.create" })().catch((e: Error) => e) as Error;
		expect(converted).toBeInstanceOf(Errors.MoleculerError);
		expect(converted).toMatchObject({ code: 503, type: "SERVICE_UNAVAILABLE" });
		expect(acrossTransit(converted)).toMatchObject({ code: 503, type: "SERVICE_UNAVAILABLE" });
		// anything else passes through unchanged
		const conflict = appError(ErrorType.NO_AVAILABILITY, "Sold out");
		expect(await wrap(() => Promise.reject(conflict), { name: "reservations.create" })().catch(e => e)).toBe(conflict);
		expect(await wrap(() => Promise.resolve(42), { name: "x" })()).toBe(42);
	});
});

describe("other errors keep their answer", () => {
	it("a validation error stays 422 with its fields", () => {
		const body = toHttpError(validationError([{ field: "stars", message: "The 'stars' field must be ≤ 5" }]));
		expect(body).toMatchObject({ code: 422, type: "VALIDATION_ERROR", data: [{ field: "stars" }] });
		expect(errorHeaders(body)).toEqual({});
	});
	it("an app error whose message looks like an outage is not reclassified", () => {
		const err = appError(ErrorType.INVALID_STATE, "Connection terminated by the guest");
		expect(isOutage(err)).toBe(false);
		expect(toHttpError(err)).toMatchObject({ code: 409, type: "INVALID_STATE" });
	});
	it("a constraint violation or an unknown error stays a 500 without internals", () => {
		for (const err of [new DatabaseError(pgError('duplicate key value violates unique constraint "x"', "23505") as never), new TypeError("x is undefined"), "boom"]) {
			expect(isOutage(err)).toBe(false);
			expect(toHttpError(err)).toEqual({ name: "InternalServerError", message: "Internal server error", code: 500, type: ErrorType.INTERNAL_ERROR });
		}
	});
});
