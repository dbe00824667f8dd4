/**
 * Hash routes (#/hotels/abc?checkIn=…): work behind the gateway's static folder and nginx
 * without any server-side fallback, and keep every page linkable.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
	path: string;
	parts: string[];
	query: URLSearchParams;
}

export function parseHash(hash = location.hash): Route {
	const raw = hash.replace(/^#/, "") || "/";
	const [path, qs = ""] = raw.split("?");
	const clean = path.startsWith("/") ? path : `/${path}`;
	return { path: clean, parts: clean.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(qs) };
}

export function href(path: string, query: Record<string, string | number | undefined | null> = {}): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
	const s = q.toString();
	return `#${path}${s ? `?${s}` : ""}`;
}

export function navigate(path: string, query: Record<string, string | number | undefined | null> = {}, replace = false): void {
	const target = href(path, query);
	if (replace) history.replaceState(null, "", target);
	else history.pushState(null, "", target);
	window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
	const [route, setRoute] = useState(parseHash);
	useEffect(() => {
		const on = () => setRoute(parseHash());
		window.addEventListener("hashchange", on);
		window.addEventListener("popstate", on);
		return () => {
			window.removeEventListener("hashchange", on);
			window.removeEventListener("popstate", on);
		};
	}, []);
	return route;
}
