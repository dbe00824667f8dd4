/**
 * `npm run seed`: load the demo hotels into the configured hotels store (idempotent).
 * The reservations issue extends it with a large data set for benchmarks.
 */
import { loadConfig } from "../lib/config";
import { createBroker } from "../lib/broker";

async function main(): Promise<void> {
	const cfg = loadConfig();
	const broker = createBroker({ ...cfg, logLevel: "warn" }, {}, ["hotels"]);
	await broker.start();
	const res = await broker.call<{ created: number }, Record<string, never>>("hotels.seed", {});
	console.log(`Demo hotels: ${res.created} created.`);
	await broker.stop();
}

main().catch(err => {
	console.error("Seeding failed:", err instanceof Error ? err.message : err);
	process.exit(1);
});
