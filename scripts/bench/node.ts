/**
 * Bench-only Moleculer nodes, with the product's broker options (moleculer.config.ts: the same
 * AMQP transporter tuning, serializer, registry), so S1 and S3 measure what the product pays:
 *
 *   BENCH_ROLE=gateway  moleculer-web on BENCH_PORT with two routes and nothing else
 *                       GET /empty → a function alias answering at once (S1)
 *                       GET /echo  → action `bench.echo` on another node, over AMQP (S3)
 *   BENCH_ROLE=echo     the `bench` service: `echo` answers { ok: true } at once
 *
 * Started by scripts/bench/run.ts as child processes; never part of the product.
 */
import type { IncomingMessage, ServerResponse } from "http";
import { ServiceBroker, type BrokerOptions, type ServiceSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import { brokerOptions } from "../../moleculer.config";
import { loadConfig } from "../../lib/config";

const EMPTY = JSON.stringify({ ok: true });

const BenchGateway: ServiceSchema<Record<string, unknown>> = {
	name: "benchapi",
	mixins: [ApiGateway as unknown as Partial<ServiceSchema>],
	settings: {
		port: Number(process.env.BENCH_PORT || 3900),
		ip: "127.0.0.1",
		log4XXResponses: false,
		logRequest: null,
		logResponse: null,
		routes: [{
			path: "/",
			mappingPolicy: "restrict",
			bodyParsers: false,
			logging: false,
			aliases: {
				"GET empty"(_req: IncomingMessage, res: ServerResponse) {
					res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(EMPTY) });
					res.end(EMPTY);
				},
				"GET echo": "bench.echo",
			},
		}],
	},
};

const BenchEcho: ServiceSchema<Record<string, unknown>> = {
	name: "bench",
	actions: {
		echo: {
			handler() {
				return { ok: true };
			},
		},
	},
};

async function main(): Promise<void> {
	const role = process.env.BENCH_ROLE;
	// Experiments: BENCH_BROKER_OVERRIDES='{"circuitBreaker":{"enabled":false}}' changes the product's options here only.
	const overrides = JSON.parse(process.env.BENCH_BROKER_OVERRIDES || "{}") as Partial<BrokerOptions>;
	const broker = new ServiceBroker(brokerOptions(loadConfig(), { nodeID: `bench-${role}-${process.pid}`, skipProcessEventRegistration: true, ...overrides }));
	if (role === "gateway") broker.createService(BenchGateway);
	else if (role === "echo") broker.createService(BenchEcho);
	else throw new Error(`BENCH_ROLE must be gateway or echo (got ${role})`);
	await broker.start();
	if (role === "gateway") await broker.waitForServices(["bench"], 30_000);
	process.send?.({ ready: true });
	process.on("SIGTERM", () => void broker.stop().then(() => process.exit(0), () => process.exit(1)));
}

main().catch(err => {
	console.error("bench node failed:", err);
	process.exit(1);
});
