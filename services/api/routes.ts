/**
 * The public HTTP API of SPEC §3: every /api/v1 alias, explicit (mapping policy "restricted").
 * The OpenAPI document is generated from this table and the actions' params.
 */
export interface RouteDef {
	method: "GET" | "POST" | "PATCH" | "DELETE";
	path: string;
	action: string;
}

const r = (method: RouteDef["method"], path: string, action: string): RouteDef => ({ method, path, action });

/** Brute-force sensitive routes: their own route with the auth rate limit. */
export const SENSITIVE_ROUTES: RouteDef[] = [
	r("POST", "auth/login", "api.login"),
	r("POST", "reservations/lookup", "reservations.lookup"),
];

export const API_ROUTES: RouteDef[] = [
	r("GET", "hotels", "hotels.list"),
	r("POST", "hotels", "hotels.create"),
	r("GET", "hotels/:id", "hotels.get"),
	r("PATCH", "hotels/:id", "hotels.update"),
	r("DELETE", "hotels/:id", "hotels.deactivate"),
	r("GET", "hotels/:id/availability", "reservations.availability"),
	r("GET", "hotels/:id/occupancy", "reservations.occupancy"),
	r("GET", "search", "reservations.search"),
	r("POST", "reservations", "reservations.create"),
	r("GET", "reservations", "reservations.list"),
	r("GET", "reservations/:code", "reservations.get"),
	r("PATCH", "reservations/:code", "reservations.update"),
	r("POST", "reservations/:code/cancel", "reservations.cancel"),
	r("POST", "reservations/:code/check-in", "reservations.checkIn"),
	r("POST", "reservations/:code/check-out", "reservations.checkOut"),
	r("POST", "reservations/:code/no-show", "reservations.noShow"),
	r("GET", "mails", "mail.list"),
	r("POST", "mails/:id/resend", "mail.resend"),
];

export const toAliases = (routes: RouteDef[]): Record<string, string> =>
	Object.fromEntries(routes.map(rt => [`${rt.method} ${rt.path}`, rt.action]));
