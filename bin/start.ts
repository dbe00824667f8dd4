/**
 * Start one node: the services named in SERVICES (all by default), configured from the
 * environment. `--repl` opens Moleculer's REPL on the node.
 */
import { loadConfig, ConfigError } from "../lib/config";
import { createBroker } from "../lib/broker";

async function main(): Promise<void> {
	let cfg;
	try {
		cfg = loadConfig();
		const broker = createBroker(cfg);
		const stop = (signal: string) => {
			broker.logger.info(`${signal} received: stopping (in-flight requests finish first)...`);
			const force = setTimeout(() => process.exit(1), 30_000);
			force.unref();
			broker.stop().then(() => process.exit(0), () => process.exit(1));
		};
		process.once("SIGTERM", () => stop("SIGTERM"));
		process.once("SIGINT", () => stop("SIGINT"));

		await broker.start();
		const where = cfg.services.includes("api") ? ` — http://localhost:${cfg.port}` : "";
		broker.logger.info(`Node ${broker.nodeID} up with [${cfg.services.join(", ")}]${cfg.transporter ? " over AMQP" : " (embedded)"}${where}`);
		if (process.argv.includes("--repl")) await broker.repl();
	} catch (err) {
		if (err instanceof ConfigError) {
			console.error(`Configuration error: ${err.message}`);
			process.exit(2);
		}
		console.error("Start-up failed:", err instanceof Error ? err.message : err);
		process.exit(1);
	}
}

void main();
