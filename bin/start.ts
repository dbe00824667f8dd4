/**
 * Start one node: the services named in SERVICES (all by default), configured from the
 * environment. `--repl` opens Moleculer's REPL on the node.
 *
 *   npm start                                  embedded shape: every service, no transporter
 *   SERVICES=hotels TRANSPORTER=amqp://… npm run node     one broker of the distributed shape
 *
 * HEALTH_PORT adds /health and /ready over HTTP (for nodes without the gateway).
 * SIGTERM/SIGINT stop gracefully: the gateway stops accepting connections and finishes its
 * requests, then the broker tells the others it has no services, finishes in-flight requests and
 * event handlers (tracking, bounded) and disconnects. A second signal or the deadline exits at once.
 */
import type { Server } from "http";
import type { ServiceBroker } from "moleculer";
import { loadConfig, ConfigError, type AppConfig } from "../lib/config";
import { createBroker } from "../lib/broker";
import { startHealthServer, type HealthServer } from "../lib/health-server";
import { SHUTDOWN_TIMEOUT_MS } from "../moleculer.config";

/** How long the gateway waits for its open HTTP requests before the broker stops. */
const HTTP_DRAIN_MS = 5_000;
/** Hard deadline for the whole stop; past it the process exits with code 1. */
const STOP_DEADLINE_MS = HTTP_DRAIN_MS + SHUTDOWN_TIMEOUT_MS + 5_000;

/** Services other nodes must run for this one to be useful (part of its readiness). */
function neededServices(cfg: AppConfig): string[] {
	return cfg.services.includes("api") ? ["hotels", "reservations"] : [];
}

/**
 * Close the gateway's listener (new connections are refused, so nginx tries the next api node),
 * answer the requests still arriving on open keep-alive connections with `Connection: close`,
 * close idle connections as they go idle, and resolve once every connection is gone or after
 * HTTP_DRAIN_MS.
 */
function drainHttp(broker: ServiceBroker): Promise<void> {
	const api = broker.getLocalService("api") as unknown as { server?: Server; streams?: { closeAll(): void } | null } | undefined;
	// Live streams never finish by themselves: end them first (their clients reconnect elsewhere).
	api?.streams?.closeAll();
	const server = api?.server;
	if (!server || !server.listening) return Promise.resolve();
	return new Promise(resolve => {
		server.on("request", (_req, res: { setHeader(n: string, v: string): void }) => res.setHeader("Connection", "close"));
		const idle = setInterval(() => server.closeIdleConnections(), 100);
		const deadline = setTimeout(() => {
			server.closeAllConnections();
			finish();
		}, HTTP_DRAIN_MS);
		function finish(): void {
			clearInterval(idle);
			clearTimeout(deadline);
			resolve();
		}
		server.close(() => finish());
		server.closeIdleConnections();
	});
}

async function main(): Promise<void> {
	let cfg: AppConfig;
	let health: HealthServer | null = null;
	try {
		cfg = loadConfig();
		// This file owns the signals: Moleculer's own handlers would stop the broker before the
		// gateway has drained its connections.
		const broker = createBroker(cfg, { skipProcessEventRegistration: true });

		let stopping = false;
		const stop = (signal: string) => {
			if (stopping) {
				broker.logger.warn(`${signal} received again: exiting now.`);
				process.exit(1);
			}
			stopping = true;
			broker.logger.info(`${signal} received: stopping (in-flight requests finish first, at most ${STOP_DEADLINE_MS / 1000} s)...`);
			const force = setTimeout(() => {
				broker.logger.error("Graceful stop took too long: exiting.");
				process.exit(1);
			}, STOP_DEADLINE_MS);
			force.unref();
			health?.markStopping();
			drainHttp(broker)
				.then(() => broker.stop())
				.then(() => health?.close())
				.then(() => process.exit(0), err => {
					console.error("Stop failed:", err);
					process.exit(1);
				});
		};
		process.on("SIGTERM", () => stop("SIGTERM"));
		process.on("SIGINT", () => stop("SIGINT"));

		if (cfg.healthPort) {
			health = await startHealthServer(broker, cfg.healthPort, neededServices(cfg));
			broker.logger.info(`Health and readiness on http://0.0.0.0:${health.port}/health and /ready`);
		}

		await broker.start();
		const where = cfg.services.includes("api") ? ` — http://localhost:${cfg.port}` : "";
		broker.logger.info(`Node ${broker.nodeID} up with [${cfg.services.join(", ")}]${cfg.transporter ? " over AMQP" : " (embedded)"}${where}`);
		if (process.argv.includes("--repl")) await broker.repl();
	} catch (err) {
		await health?.close();
		if (err instanceof ConfigError) {
			console.error(`Configuration error: ${err.message}`);
			process.exit(2);
		}
		console.error("Start-up failed:", err instanceof Error ? err.message : err);
		process.exit(1);
	}
}

void main();
