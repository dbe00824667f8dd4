/**
 * Moleculer broker configuration: every knob comes from the environment (SPEC §2, lib/config.ts).
 * https://moleculer.services/docs/0.15/configuration.html
 */
import type { BrokerOptions, Errors } from "moleculer";
import { loadConfig, type AppConfig } from "./lib/config";
import { createValidator } from "./lib/validator";

/** Errors worth retrying: the request never reached a handler, or the node went away. */
const RETRYABLE = new Set(["SERVICE_NOT_AVAILABLE", "REQUEST_REJECTED", "QUEUE_FULL", "REQUEST_SKIPPED"]);

export function brokerOptions(cfg: AppConfig = loadConfig(), overrides: Partial<BrokerOptions> = {}): BrokerOptions {
	const logLevel = cfg.logLevel === "off" || cfg.logLevel === "silent" ? false : cfg.logLevel;
	const opts: BrokerOptions = {
		namespace: cfg.namespace,
		nodeID: process.env.NODE_ID || undefined,

		// Human-readable logs in development, JSON lines (Pino) in production.
		logger: logLevel === false
			? false
			: cfg.production
				? { type: "Pino", options: { level: logLevel as string, pino: { options: { base: { service: "hotel-booking" } } } } }
				: { type: "Console", options: { level: logLevel as string, colors: !!process.stdout.isTTY, moduleColors: false, formatter: "short", autoPadding: true } },
		logLevel: logLevel === false ? undefined : (logLevel as BrokerOptions["logLevel"]),

		// AMQP when TRANSPORTER is set; none (single process) otherwise.
		// prefetch: 1 and Nagle's algorithm cap remote calls near 20 req/s with 40 ms stalls, so
		// allow many unacked messages per consumer and send packets at once (noDelay).
		transporter: cfg.transporter
			? ({
				type: "AMQP",
				options: {
					url: cfg.transporter,
					prefetch: 100,
					socketOptions: { noDelay: true, heartbeat: 15 },
					
					heartbeatTimeToLive: 10_000,
					// Per-node request/response queues of nodes that are gone are removed after 5 min.
					// Balanced request queues never expire. Domain messages that must not be lost
					// do not travel on these queues (see docs/messaging.md).
					autoDeleteQueues: 5 * 60 * 1000,
				},
			} as unknown as BrokerOptions["transporter"])
			: undefined,

		serializer: "JSON",
		requestTimeout: 10_000,
		maxCallLevel: 50,
		heartbeatInterval: 5,
		heartbeatTimeout: 15,
		contextParamsCloning: false,

		retryPolicy: {
			enabled: true,
			retries: 3,
			delay: 50,
			maxDelay: 1000,
			factor: 2,
			check: (err: Error) => !!err && RETRYABLE.has(String((err as Errors.MoleculerError).type)),
		},

		circuitBreaker: {
			enabled: true,
			threshold: 0.5,
			minRequestCount: 20,
			windowTime: 60,
			halfOpenTime: 10_000,
			check: (err: Error) => { const code = (err as Errors.MoleculerError).code; return !!err && (code === undefined || code >= 500); },
		},

		bulkhead: { enabled: false },
		registry: { strategy: "RoundRobin", preferLocal: true },
		tracking: { enabled: true, shutdownTimeout: 10_000 },
		validator: createValidator(),
		errorHandler: undefined,

		metrics: cfg.metricsPort
			? { enabled: true, reporter: [{ type: "Prometheus", options: { port: cfg.metricsPort, path: "/metrics", defaultLabels: () => ({ namespace: cfg.namespace || "default" }) } }] }
			: { enabled: false },

		tracing: cfg.tracing
			// Console, Zipkin, Jaeger, Datadog, NewRelic or Event (Moleculer's exporters).
			? ({ enabled: true, exporter: [{ type: cfg.tracing, options: {} }] } as unknown as BrokerOptions["tracing"])
			: { enabled: false },

		...overrides,
	};
	return opts;
}

export default brokerOptions();
