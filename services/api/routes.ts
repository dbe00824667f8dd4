/**
 * The public HTTP API of SPEC §3, derived from the actions' own metadata: every action with
 * `rest: "METHOD /path"` is one /api/v1 alias (mapping policy "restrict": nothing else is served),
 * `auth` is who may call it (missing: admin), `rateLimit: "auth"` puts it on the brute-force
 * limited route. Read from the service schemas of the product, not from the live registry, so a
 * route whose service has no node right now still exists and answers 503, not 404.
 * The OpenAPI document (./openapi.ts) is generated from the same routes.
 */
import type { ActionSchema, ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import type { AccessLevel } from "../../lib/auth";
import { ALL_SERVICES } from "../../lib/config";
import { serviceSchema } from "../../lib/broker";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
const METHODS = new Set<string>(["GET", "POST", "PATCH", "DELETE", "PUT"]);

export interface RouteDef {
	method: HttpMethod;
	/** Under /api/v1, without the leading slash: "hotels/:id". */
	path: string;
	/** The action's full name: "hotels.get". */
	action: string;
	auth: AccessLevel;
	/** "auth": served on the brute-force limited route. */
	rateLimit?: "auth";
	params?: Record<string, unknown>;
	openapi?: ActionSchema["openapi"];
}

type ActionDef = ActionSchema & { visibility?: string };

/**
 * A schema's actions as Moleculer merges them: its mixins' first (the first mixin wins over the
 * later ones), its own on top; `false` removes one. moleculer-web's own actions (rest,
 * listAliases…) are the gateway's machinery, not the API.
 */
function actionsOf(schema: Partial<ServiceSchema>): Map<string, ActionDef> {
	const out = new Map<string, ActionDef>();
	const mixins = ([] as Partial<ServiceSchema>[]).concat((schema.mixins ?? []) as Partial<ServiceSchema>[]);
	for (const mixin of [...mixins].reverse()) {
		if ((mixin as unknown) === ApiGateway) continue;
		for (const [name, def] of actionsOf(mixin)) out.set(name, { ...(out.get(name) ?? {}), ...def });
	}
	for (const [name, def] of Object.entries(schema.actions ?? {})) {
		if (def === false || def == null) out.delete(name);
		else if (typeof def === "object") out.set(name, { ...(out.get(name) ?? {}), ...(def as ActionDef) });
		else out.set(name, { ...(out.get(name) ?? {}), handler: def as ActionDef["handler"] });
	}
	return out;
}

function fullName(schema: Partial<ServiceSchema>): string {
	const v = schema.version;
	const prefix = v == null ? "" : typeof v === "number" ? `v${v}.` : `${v}.`;
	return `${prefix}${schema.name}`;
}

/** "GET /hotels/:id" → method and path; anything else is a mistake in the schema. */
export function parseRest(rest: string, action: string): { method: HttpMethod; path: string } {
	const m = /^([A-Z]+)\s+\/(\S*)$/.exec(rest.trim());
	if (!m || !METHODS.has(m[1])) throw new Error(`${action}: rest must be "METHOD /path" (got "${rest}")`);
	return { method: m[1] as HttpMethod, path: m[2].replace(/\/+$/, "") };
}

/** The routes of these service schemas: one per `rest` of a published action. */
export function routesOf(schemas: Partial<ServiceSchema>[]): RouteDef[] {
	const routes: RouteDef[] = [];
	const seen = new Map<string, string>();
	for (const schema of schemas) {
		for (const [name, def] of actionsOf(schema)) {
			if (def.rest == null) continue;
			const action = `${fullName(schema)}.${name}`;
			if (def.visibility && def.visibility !== "published") throw new Error(`${action}: has rest but visibility "${def.visibility}" (the gateway cannot call it)`);
			for (const rest of ([] as string[]).concat(def.rest)) {
				const { method, path } = parseRest(rest, action);
				const key = `${method} ${path.replace(/:[A-Za-z0-9_]+/g, ":")}`;
				const other = seen.get(key);
				if (other) throw new Error(`${action}: "${rest}" is already the route of ${other}`);
				seen.set(key, action);
				routes.push({
					method, path, action,
					auth: def.auth ?? "admin",
					...(def.rateLimit ? { rateLimit: def.rateLimit } : {}),
					...(def.params ? { params: def.params as Record<string, unknown> } : {}),
					...(def.openapi ? { openapi: def.openapi } : {}),
				});
			}
		}
	}
	// Stable order for the OpenAPI document and its generated types: by path, then method.
	const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
	return routes.sort((a, b) => cmp(a.path, b.path) || cmp(a.method, b.method));
}

let productRoutes: RouteDef[] | null = null;

/**
 * The routes of every service of the product (ALL_SERVICES, the api's own login included).
 * Computed on first use: the service modules (this gateway's among them) import this one.
 */
export function apiRoutes(): RouteDef[] {
	productRoutes ??= routesOf(ALL_SERVICES.map(name => serviceSchema(name)).filter((s): s is ServiceSchema => !!s));
	return productRoutes;
}

/** moleculer-web aliases ("GET hotels/:id": "hotels.get") of the routes on one gateway route. */
export const toAliases = (routes: RouteDef[]): Record<string, string> =>
	Object.fromEntries(routes.map(rt => [`${rt.method} ${rt.path}`, rt.action]));
