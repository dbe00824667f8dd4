/**
 * The gateway's explicit alias table (services/api/routes.ts) and each action's `rest` metadata
 * describe the same routes: this test keeps them from drifting apart.
 */
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { API_ROUTES, SENSITIVE_ROUTES } from "../../services/api/routes";

it("every alias calls an existing action whose `rest` and `auth` metadata agree with it", () => {
	const broker = createBroker(loadConfig(), {}, ["api", "hotels", "reservations", "mail"]);
	const actions = new Map<string, { rest?: string; auth?: string }>();
	for (const svc of broker.services)
		for (const [name, def] of Object.entries((svc.schema.actions ?? {}) as Record<string, { rest?: string; auth?: string }>))
			if (def && typeof def === "object") actions.set(`${svc.name}.${name}`, def);

	for (const route of [...API_ROUTES, ...SENSITIVE_ROUTES]) {
		const action = actions.get(route.action);
		expect({ route: `${route.method} ${route.path}`, exists: !!action }).toEqual({ route: `${route.method} ${route.path}`, exists: true });
		if (action?.rest) expect(action.rest).toBe(`${route.method} /${route.path}`);
		expect(["public", "guest", "admin"]).toContain(action?.auth);
	}
	// and no action advertises a route the gateway does not serve
	const served = new Set([...API_ROUTES, ...SENSITIVE_ROUTES].map(r => `${r.method} /${r.path}`));
	// (moleculer-web's own actions such as api.listAliases are not aliased: mapping policy "restrict")
	for (const [name, def] of actions) if (def.rest && !(name.startsWith("api.") && name !== "api.login")) expect({ name, rest: def.rest, served: served.has(def.rest) }).toEqual({ name, rest: def.rest, served: true });
});
