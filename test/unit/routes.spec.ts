/**
 * The gateway's /api/v1 routes come from the actions' `rest`, `auth` and `rateLimit` metadata
 * (services/api/routes.ts): every advertised route is served, nothing else is, each once.
 */
import type { Service, ServiceSchema } from "moleculer";
import { createBroker } from "../../lib/broker";
import { ALL_SERVICES, loadConfig } from "../../lib/config";
import { apiRoutes, routesOf, toAliases } from "../../services/api/routes";

type Def = { rest?: string | string[]; auth?: string; rateLimit?: string };

describe("routes from the actions' rest metadata", () => {
	const broker = createBroker({ ...loadConfig(), logLevel: "warn" }, { logLevel: "warn" }, [...ALL_SERVICES]);
	// The actions as Moleculer merged each service (mixins included); moleculer-web's own
	// actions (api.listAliases…) are the gateway's machinery, not routes (mapping policy "restrict").
	const actions = new Map<string, Def>();
	for (const svc of broker.services)
		for (const [name, def] of Object.entries((svc.schema.actions ?? {}) as Record<string, Def>))
			if (def && typeof def === "object" && !(svc.name === "api" && name !== "login")) actions.set(`${svc.name}.${name}`, def);
	const routes = apiRoutes();
	const key = (r: { method: string; path: string }) => `${r.method} /${r.path}`;

	it("every action with `rest` has its route, with the action's access level (missing: admin)", () => {
		const withRest = [...actions].filter(([, def]) => def.rest);
		expect(withRest.length).toBeGreaterThanOrEqual(20);
		for (const [name, def] of withRest)
			for (const rest of ([] as string[]).concat(def.rest!)) {
				const route = routes.find(r => r.action === name && key(r) === rest);
				expect({ name, rest, routed: !!route, auth: route?.auth }).toEqual({ name, rest, routed: true, auth: def.auth ?? "admin" });
			}
	});

	it("every routed action says who may call it (the gateway would make a forgotten one admin-only)", () => {
		for (const [name, def] of actions) if (def.rest) expect({ name, auth: def.auth }).toEqual({ name, auth: expect.stringMatching(/^(public|guest|admin)$/) });
		// closed by default: no `auth` → admin
		expect(routesOf([{ name: "x", actions: { a: { rest: "GET /a", handler: () => 1 } } }])[0].auth).toBe("admin");
	});

	it("no route without an action, none twice", () => {
		for (const r of routes) expect({ route: key(r), exists: actions.has(r.action) }).toEqual({ route: key(r), exists: true });
		expect(new Set(routes.map(key)).size).toBe(routes.length);
		for (const r of routes) expect(["public", "guest", "admin"]).toContain(r.auth);
	});

	it("login, forgot, reset and lookup are on the brute-force limited route, and only they", () => {
		expect(routes.filter(r => r.rateLimit === "auth").map(key).sort()).toEqual(["POST /auth/forgot", "POST /auth/login", "POST /auth/reset", "POST /reservations/lookup"]);
	});

	it("the gateway serves exactly these aliases: the limited ones on the auth route, the rest on v1", async () => {
		const api = broker.getLocalService("api") as Service & { settings: { routes: { name?: string; aliases: Record<string, string> }[] } };
		const byName = Object.fromEntries(api.settings.routes.filter(r => r.name).map(r => [r.name!, r.aliases]));
		expect(byName.auth).toEqual(toAliases(routes.filter(r => r.rateLimit === "auth")));
		expect(byName.v1).toEqual(toAliases(routes.filter(r => r.rateLimit !== "auth")));
		expect(byName.v1["GET hotels/:id"]).toBe("hotels.get");
	});

	it("refuses a malformed rest, a route taken twice and rest on an action the gateway cannot call", () => {
		const svc = (actions: ServiceSchema["actions"]): ServiceSchema => ({ name: "x", actions });
		expect(() => routesOf([svc({ a: { rest: "/nothing", handler: () => 1 } })])).toThrow(/METHOD \/path/);
		expect(() => routesOf([svc({ a: { rest: "GET /x/:id", handler: () => 1 }, b: { rest: "GET /x/:code", handler: () => 1 } })])).toThrow(/already the route of x.a/);
		expect(() => routesOf([svc({ a: { rest: "GET /x", visibility: "public", handler: () => 1 } })])).toThrow(/visibility/);
		// Mixins count, own definitions win, `false` removes one.
		const routed = routesOf([{ name: "x", mixins: [{ actions: { a: { rest: "GET /a", handler: () => 1 }, b: { rest: "GET /b", handler: () => 1 } } }], actions: { a: { auth: "public", handler: () => 2 }, b: false } } as ServiceSchema]);
		expect(routed.map(r => [key(r), r.action, r.auth])).toEqual([["GET /a", "x.a", "public"]]);
	});
});
