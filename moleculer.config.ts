/**
 * Moleculer broker configuration: every knob comes from the environment (SPEC §2, lib/config.ts).
 * https://moleculer.services/docs/0.15/configuration.html
 */
import type { BrokerOptions, Errors } from "moleculer";
import { loadConfig, type AppConfig } from "./lib/config";
import { createValidator } from "./lib/validator";
import { corkAmqpWrites } from "./lib/amqp-cork";
import { OutageMiddleware } from "./lib/errors";
import { ConsumersMiddleware } from "./lib/bus/consumers";

/** Errors worth retrying: the request never reached a handler, or the node went away. */
const RETRYABLE = new Set(["SERVICE_NOT_AVAILABLE", "REQUEST_REJECTED", "QUEUE_FULL", "REQUEST_SKIPPED"]);

/** How long a stopping node waits for its in-flight requests (bin/start.ts adds a margin). */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * AMQP transporter tuned for request/response latency (SPEC §8) and no lost work:
 *  - prefetch 100: Moleculer's default of 1 serialises every node to one request at a time
 *    (docs/benchmarks.md); 100 unacknowledged requests per node keeps both cores busy
 *    while still bounding what a dying node holds.
 *  - noDelay: disable Nagle's algorithm; small packets would otherwise wait up to 40 ms for the
 *    delayed ACK of the previous one.
 *  - heartbeat 15 s (AMQP protocol heartbeat, not Moleculer's): a dead TCP peer is noticed
 *    within ~30 s even when the kernel does not report it.
 *  - heartbeatTimeToLive: Moleculer heartbeats are worthless once stale; never let them pile up.
 *  - autoDeleteQueues 5 min: a node's own request/response queues expire 5 minutes after it is
 *    gone (not at once, so a restarting node with the same NODE_ID finds its requests).
 *    Balanced request queues never expire. Domain messages that must not be lost (outbox →
 *    mail) use their own durable queues, not Moleculer events (docs/messaging.md).
 */
export function amqpTransporter(url: string, prefetch = 100): BrokerOptions["transporter"] {
	// One writev per pass of amqplib's frame mux instead of one write per frame (lib/amqp-cork.ts).
	corkAmqpWrites();
	return {
		type: "AMQP",
		options: {
			url,
			prefetch,
			socketOptions: { noDelay: true, heartbeat: 15 },
			heartbeatTimeToLive: 3_000,
			autoDeleteQueues: 5 * 60 * 1000,
		},
	} as unknown as BrokerOptions["transporter"];
}

export function brokerOptions(cfg: AppConfig = loadConfig(), overrides: Partial<BrokerOptions> = {}): BrokerOptions {
	const logLevel = cfg.logLevel === "off" || cfg.logLevel === "silent" ? false : cfg.logLevel;
	const opts: BrokerOptions = {
		namespace: cfg.namespace,
		nodeID: cfg.nodeId || undefined,

		// Human-readable logs in development, JSON lines (Pino) in production.
		logger: logLevel === false
			? false
			: cfg.production
				? { type: "Pino", options: { level: logLevel as string, pino: { options: { base: { service: "hotel-booking" } } } } }
				: { type: "Console", options: { level: logLevel as string, colors: !!process.stdout.isTTY, moduleColors: false, formatter: "short", autoPadding: true } },
		logLevel: logLevel === false ? undefined : (logLevel as BrokerOptions["logLevel"]),

		// AMQP when TRANSPORTER is set; none (single process) otherwise. Reasons in docs/operations.md.
		transporter: cfg.transporter ? amqpTransporter(cfg.transporter, cfg.amqpPrefetch) : undefined,

		// CBOR carries a Buffer answer as bytes (the gateway writes it untouched: lib/raw-json.ts); docs/benchmarks.md has the A/B.
		serializer: cfg.serializer,
		requestTimeout: 10_000,
		maxCallLevel: 50,
		// A SIGKILLed node is noticed by its silence only: its pending requests are rejected and
		// retried elsewhere once the heartbeat times out (checked every heartbeatTimeout seconds),
		// so that must stay well under requestTimeout. 1 s beats cost nothing on RabbitMQ.
		heartbeatInterval: 1,
		heartbeatTimeout: 3,
		contextParamsCloning: false,

		retryPolicy: {
			enabled: true,
			retries: 3,
			delay: 50,
			maxDelay: 1000,
			factor: 2,
			check: (err: Error) => !!err && RETRYABLE.has(String((err as Errors.MoleculerError).type)),
		},

		// Counts 5xx answers, store outages (503) included: an endpoint failing half its requests
		// is skipped, then probed again after halfOpenTime — which bounds how long after a store
		// comes back its requests still answer 503 (the Retry-After of lib/errors.ts).
		circuitBreaker: {
			enabled: true,
			threshold: 0.5,
			minRequestCount: 20,
			windowTime: 60,
			halfOpenTime: 5_000,
			check: (err: Error) => { const code = (err as Errors.MoleculerError).code; return !!err && (code === undefined || code >= 500); },
		},

		bulkhead: { enabled: false },
		// Moleculer's own balancer (per-node request queues), not RabbitMQ's: a stopping node
		// announces it has no services, waits stopDelay for that to reach every caller, then
		// finishes what it has (tracking) before disconnecting.
		disableBalancer: false,
		registry: { strategy: "RoundRobin", preferLocal: true, stopDelay: 500 },
		// Graceful stop: wait for in-flight requests and event handlers, at most this long.
		tracking: { enabled: true, shutdownTimeout: SHUTDOWN_TIMEOUT_MS },
		validator: createValidator(),
		errorHandler: undefined,
		// Store and bus outages thrown by any local action leave the node as 503 SERVICE_UNAVAILABLE.
		// ConsumersMiddleware: the `consumers:` blocks of the service schemas (lib/bus/consumers.ts).
		middlewares: [OutageMiddleware(), ConsumersMiddleware()],

		// Prometheus text on METRICS_PORT/metrics: Moleculer's request rates, latencies and errors
		// per action, transporter and process figures, plus the app's own (lib/metrics.ts).
		metrics: cfg.metricsPort
			? {
				enabled: true,
				reporter: [{
					type: "Prometheus",
					options: { port: cfg.metricsPort, path: "/metrics", defaultLabels: (registry: { broker: { nodeID: string } }) => ({ namespace: cfg.namespace || "default", nodeID: registry.broker.nodeID }) },
				}],
			}
			: { enabled: false },

		// TRACING_EXPORTER: Console, Zipkin (ZIPKIN_URL, e.g. http://zipkin:9411), Event, or
		// another of Moleculer's exporters whose client library is installed. Off when empty.
		tracing: cfg.tracing
			? ({
				enabled: true,
				sampling: { rate: cfg.tracingSampleRate },
				exporter: [{ type: cfg.tracing, options: cfg.tracing === "Zipkin" && cfg.zipkinUrl ? { baseURL: cfg.zipkinUrl } : {} }],
			} as unknown as BrokerOptions["tracing"])
			: { enabled: false },

		...overrides,
	};
	return opts;
}

export default brokerOptions();
