/** A local webhook receiver for the webhooks suites: records every request, answers as told per path. */
import http from "http";
import type { AddressInfo } from "net";
import { Webhook } from "standardwebhooks";

export interface Received { path: string; headers: Record<string, string>; body: string; id: string; event: string; at: number }

export interface Receiver {
	url(path: string): string;
	received: Received[];
	/** Requests on one path. */
	on(path: string): Received[];
	/** How `path` answers: a status, or a function of the request count on that path (1-based). */
	answer(path: string, status: number | ((n: number, r: Received) => number)): void;
	/** Verifies a request with the Standard Webhooks library's own verifier; returns the parsed body. */
	verify(r: Received, secret: string): unknown;
	close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
	const received: Received[] = [];
	const answers = new Map<string, number | ((n: number, r: Received) => number)>();
	const server = http.createServer((req, res) => {
		let body = "";
		req.setEncoding("utf8");
		req.on("data", c => (body += c));
		req.on("end", () => {
			const path = (req.url ?? "/").split("?")[0];
			let event = "";
			try { event = (JSON.parse(body) as { event: string }).event; } catch { /* not JSON */ }
			const r: Received = { path, headers: req.headers as Record<string, string>, body, id: String(req.headers["webhook-id"] ?? ""), event, at: Date.now() };
			received.push(r);
			const a = answers.get(path) ?? 200;
			res.statusCode = typeof a === "function" ? a(received.filter(x => x.path === path).length, r) : a;
			res.end(res.statusCode < 300 ? "ok" : "no");
		});
	});
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: path => `http://127.0.0.1:${port}${path}`,
		received,
		on: path => received.filter(r => r.path === path),
		answer: (path, status) => { answers.set(path, status); },
		verify: (r, secret) => new Webhook(secret).verify(r.body, r.headers),
		close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()); }),
	};
}
