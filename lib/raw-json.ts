/**
 * A big read answer crosses the transporter once, already in its HTTP form. Called by the
 * gateway, an action answers its JSON as bytes and names their type; moleculer-web writes a
 * Buffer untouched, so the gateway neither decodes the answer nor encodes it again. A binary
 * serializer (CBOR) carries the bytes as they are; with JSON, or for any other caller (the REPL,
 * another service), the action answers the object. docs/benchmarks.md has the measurements.
 */
import type { Context, ServiceBroker } from "moleculer";

const GATEWAY = "api";

/** Buffers travel as bytes: no transporter (one process), or a serializer other than JSON. */
function bytesTravel(broker: ServiceBroker): boolean {
	const s = broker.options.serializer;
	return !broker.transit || (s !== undefined && s !== "JSON");
}

export function jsonAnswer<T>(ctx: Context<unknown, object>, value: T): T {
	if (ctx.caller !== GATEWAY || !bytesTravel(ctx.broker)) return value;
	(ctx.meta as { $responseType?: string }).$responseType = "application/json; charset=utf-8";
	// The route's contract stays the object's type: only moleculer-web sees the bytes.
	return Buffer.from(JSON.stringify(value)) as unknown as T;
}
