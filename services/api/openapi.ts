/**
 * OpenAPI 3.1 document generated from the gateway's routes (./routes.ts: the actions' `rest`,
 * `auth`, `openapi` metadata) and the actions' fastest-validator params, as the service schemas
 * declare them: every route is described whether or not its service runs right now.
 */
import type { RouteDef } from "./routes";

type Rule = Record<string, unknown>;
type JsonSchema = Record<string, unknown>;

interface Normalizer {
	normalize(rule: unknown): Rule;
}

const CUSTOM_FORMATS: Record<string, JsonSchema> = {
	calendarDate: { format: "date", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
	timeZone: { description: "IANA time zone, e.g. Europe/Paris" },
	currency: { pattern: "^[A-Z]{3}$", description: "ISO 4217 currency code" },
	uniqueIds: { description: "ids are unique in the list" },
};

export function ruleToSchema(v: Normalizer, raw: unknown): JsonSchema {
	const rule = v.normalize(raw);
	const s: JsonSchema = {};
	// Named checks: "calendarDate", or { type: "calendarDate" } once fastest-validator has parsed them.
	const customs = ([] as unknown[]).concat(rule.custom ?? [])
		.map(c => (typeof c === "string" ? c : c && typeof c === "object" ? (c as { type?: string }).type : undefined))
		.filter((c): c is string => typeof c === "string");
	switch (rule.type) {
		case "string":
			s.type = "string";
			if (rule.min != null) s.minLength = rule.min;
			if (rule.max != null) s.maxLength = rule.max;
			if (rule.length != null) s.minLength = s.maxLength = rule.length;
			if (typeof rule.pattern === "string") s.pattern = rule.pattern;
			break;
		case "number":
			s.type = rule.integer ? "integer" : "number";
			if (rule.min != null) s.minimum = rule.min;
			if (rule.max != null) s.maximum = rule.max;
			break;
		case "boolean": s.type = "boolean"; break;
		case "email": s.type = "string"; s.format = "email"; if (rule.max) s.maxLength = rule.max; break;
		case "url": s.type = "string"; s.format = "uri"; break;
		case "uuid": s.type = "string"; s.format = "uuid"; break;
		case "date": s.type = "string"; s.format = "date-time"; break;
		case "enum": s.enum = rule.values; break;
		case "equal": s.const = rule.value; break;
		case "array":
			s.type = "array";
			if (rule.items) s.items = ruleToSchema(v, rule.items);
			if (rule.min != null) s.minItems = rule.min;
			if (rule.max != null) s.maxItems = rule.max;
			if (rule.unique) s.uniqueItems = true;
			break;
		case "object": Object.assign(s, objectSchema(v, (rule.props ?? rule.properties ?? {}) as Record<string, unknown>, rule.strict === true)); break;
		default: break;
	}
	for (const c of customs) Object.assign(s, CUSTOM_FORMATS[c] ?? {});
	if (rule.default !== undefined && typeof rule.default !== "function") s.default = rule.default;
	return s;
}

function objectSchema(v: Normalizer, props: Record<string, unknown>, strict: boolean): JsonSchema {
	const properties: Record<string, JsonSchema> = {};
	const required: string[] = [];
	for (const [k, raw] of Object.entries(props)) {
		if (k.startsWith("$$")) continue;
		properties[k] = ruleToSchema(v, raw);
		const rule = v.normalize(raw);
		if (!rule.optional && rule.default === undefined) required.push(k);
	}
	return { type: "object", properties, ...(required.length ? { required } : {}), ...(strict ? { additionalProperties: false } : {}) };
}

const ERROR_STATUSES: Record<string, string> = {
	"400": "Malformed JSON", "401": "Missing, invalid or expired token", "403": "Token may not do this",
	"404": "Not found", "409": "Conflict (availability, state, idempotency)", "413": "Body over 64 KiB",
	"422": "Validation error: `data` lists the fields", "429": "Rate limited", "503": "A needed service or store is down",
};

export function buildOpenApi(routes: RouteDef[], validator: Normalizer, version: string): JsonSchema {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const rt of routes) {
		const oaPath = "/api/v1/" + rt.path.replace(/:([A-Za-z]+)/g, "{$1}");
		const pathParams = [...rt.path.matchAll(/:([A-Za-z]+)/g)].map(m => m[1]);
		const params = { ...(rt.params ?? {}) } as Record<string, unknown>;
		const strict = params.$$strict === true;
		const op: Record<string, unknown> = {
			operationId: rt.action,
			summary: rt.openapi?.summary ?? rt.action,
			tags: rt.openapi?.tags ?? [rt.action.split(".")[0]],
			"x-moleculer-action": rt.action,
			"x-access": rt.auth,
		};
		if (rt.auth !== "public") op.security = [{ bearer: [] }];

		const parameters: unknown[] = pathParams.map(name => ({ name, in: "path", required: true, schema: params[name] ? ruleToSchema(validator, params[name]) : { type: "string" } }));
		const rest = Object.fromEntries(Object.entries(params).filter(([k]) => !pathParams.includes(k) && !k.startsWith("$$")));
		if (rt.method === "GET" || rt.method === "DELETE") {
			for (const [name, raw] of Object.entries(rest)) {
				const rule = validator.normalize(raw);
				parameters.push({ name, in: "query", required: !rule.optional && rule.default === undefined, schema: ruleToSchema(validator, raw) });
			}
		} else if (Object.keys(rest).length) {
			op.requestBody = { required: true, content: { "application/json": { schema: objectSchema(validator, rest, strict) } } };
		}
		if (rt.action === "reservations.create")
			parameters.push({ name: "Idempotency-Key", in: "header", required: false, schema: { type: "string", minLength: 1, maxLength: 255 } });
		if (parameters.length) op.parameters = parameters;

		const ok = String(rt.openapi?.status ?? 200);
		const responses: Record<string, unknown> = { [ok]: ok === "204" ? { description: "No content" } : { description: "Success", content: { "application/json": { schema: { type: "object" } } } } };
		for (const [code, description] of Object.entries(ERROR_STATUSES))
			responses[code] = {
				description,
				...(code === "503" ? { headers: { "Retry-After": { description: "Seconds to wait before trying again", schema: { type: "integer" } } } } : {}),
				content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
			};
		op.responses = responses;
		(paths[oaPath] ??= {})[rt.method.toLowerCase()] = op;
	}

	// The live streams are gateway routes of their own (./streams.ts), not actions: described here by hand.
	const sse = (summary: string, extra: unknown[]) => ({
		get: {
			operationId: summary.startsWith("Staff") ? "streamStaff" : "stream", summary, tags: ["live"],
			parameters: [
				...extra,
				{ name: "Last-Event-ID", in: "header", required: false, description: "Resume after this event id", schema: { type: "string" } },
				{ name: "lastEventId", in: "query", required: false, description: "Same as Last-Event-ID, for EventSource reconnections by hand", schema: { type: "string" } },
			],
			responses: {
				"200": { description: "Server-Sent Events: `availability` (and for staff `reservation`) events, a comment heartbeat every 15 s", content: { "text/event-stream": { schema: { type: "string" } } } },
				"401": { description: ERROR_STATUSES["401"] }, "422": { description: ERROR_STATUSES["422"] }, "429": { description: "Too many streams from this client" }, "503": { description: ERROR_STATUSES["503"] },
			},
		},
	});
	paths["/api/v1/stream"] = sse("Live availability of some hotels (§13)", [
		{ name: "hotelIds", in: "query", required: true, description: "Comma-separated hotel ids", schema: { type: "string" } },
	]);
	paths["/api/v1/stream/staff"] = sse("Staff stream: the caller's hotels' reservation and availability events", [
		{ name: "token", in: "query", required: false, description: "Staff token, for EventSource (which cannot send headers)", schema: { type: "string" } },
	]);
	(paths["/api/v1/stream/staff"].get as Record<string, unknown>).security = [{ bearer: [] }];

	paths["/api/health"] = { get: { operationId: "health", summary: "Liveness", tags: ["operations"], responses: { "200": { description: "Alive" } } } };
	paths["/api/ready"] = { get: { operationId: "ready", summary: "Readiness: stores, transporter and needed services", tags: ["operations"], responses: { "200": { description: "Ready" }, "503": { description: "Not ready" } } } };

	return {
		openapi: "3.1.0",
		info: { title: "Hotel booking API", version, description: "Generated from the Moleculer actions' parameter schemas." },
		servers: [{ url: "/" }],
		paths,
		components: {
			securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
			schemas: {
				Error: {
					type: "object", required: ["name", "message", "code", "type"],
					properties: { name: { type: "string" }, message: { type: "string" }, code: { type: "integer" }, type: { type: "string" }, data: {} },
				},
			},
		},
	};
}
