/**
 * Health and readiness over HTTP for nodes that run no gateway (HEALTH_PORT):
 *   GET /health → 200 while the process lives
 *   GET /ready  → 200 when the transporter and this node's stores are up, else 503
 * Same bodies as the gateway's /api/health and /api/ready (lib/readiness.ts), so one compose
 * healthcheck command and one probe configuration fit every node.
 */
import http from "http";
import type { AddressInfo } from "net";
import type { ServiceBroker } from "moleculer";
import { checkReadiness } from "./readiness";
import { loadConfig } from "./config";

export interface HealthServer {
	port: number;
	/** Set while the node stops: /ready answers 503 at once so load balancers drain it. */
	markStopping(): void;
	close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
	const data = JSON.stringify(body);
	res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(data), "Cache-Control": "no-store" });
	res.end(data);
}

/**
 * @param needs services this node calls (their reachability is part of readiness)
 * @param host  interface to bind (HEALTH_HOST, default 0.0.0.0 so a container's healthcheck and Prometheus reach it)
 */
export function startHealthServer(broker: ServiceBroker, port: number, needs: string[] = [], host = loadConfig().healthHost): Promise<HealthServer> {
	let stopping = false;
	const server = http.createServer((req, res) => {
		const url = (req.url ?? "/").split("?")[0];
		if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { status: "error", message: "GET only" });
		if (url === "/health" || url === "/api/health") {
			return send(res, 200, { status: "up", nodeID: broker.nodeID, uptime: Math.round(process.uptime()) });
		}
		if (url === "/ready" || url === "/api/ready") {
			if (stopping) return send(res, 503, { status: "down", checks: { node: { ok: false, detail: "stopping" } }, nodeID: broker.nodeID });
			checkReadiness(broker, needs).then(
				r => send(res, r.status === "up" ? 200 : 503, { ...r, nodeID: broker.nodeID }),
				err => send(res, 503, { status: "down", checks: { node: { ok: false, detail: (err as Error).message } }, nodeID: broker.nodeID }),
			);
			return;
		}
		send(res, 404, { status: "error", message: "Not found: try /health or /ready" });
	});
	server.keepAliveTimeout = 5_000;

	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () => {
			server.off("error", reject);
			resolve({
				port: (server.address() as AddressInfo).port,
				markStopping: () => { stopping = true; },
				close: () => new Promise<void>(done => {
					server.close(() => done());
					server.closeAllConnections();
				}),
			});
		});
	});
}
