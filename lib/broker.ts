/**
 * Build a broker with the services a node runs (SERVICES), from the configuration.
 * Used by bin/start.ts, the REPL, the seed script and the tests. Also: the product's consumer
 * groups, read from every service schema (the bus topology).
 */
import fs from "fs";
import path from "path";
import { ServiceBroker, type BrokerOptions, type ServiceSchema } from "moleculer";
import { brokerOptions } from "../moleculer.config";
import { loadConfig, assertProductionSafe, ALL_SERVICES, type AppConfig, type ServiceName } from "./config";
import { consumersOf } from "./bus/topology";
import type { ConsumerDecl } from "./bus/types";

/** A service's schema, loaded on demand: a node pays only for what it runs. */
export function serviceSchema(name: ServiceName): ServiceSchema | null {
	const file = path.join(__dirname, "..", "services", `${name}.service`);
	const exists = [".ts", ".js"].some(ext => fs.existsSync(file + ext));
	if (!exists) return null;
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(file) as { default: ServiceSchema };
	return mod.default;
}

export function createBroker(cfg: AppConfig = loadConfig(), overrides: Partial<BrokerOptions> = {}, services: ServiceName[] = cfg.services): ServiceBroker {
	assertProductionSafe(cfg);
	const broker = new ServiceBroker(brokerOptions(cfg, overrides));
	for (const name of services) {
		const schema = serviceSchema(name);
		if (schema) broker.createService(schema);
		else broker.logger.warn(`Service '${name}' is not built yet: skipped.`);
	}
	return broker;
}

/**
 * Every consumer group declared by a service schema of the product (all of ALL_SERVICES, built
 * or not): the bus topology each AMQP node declares, so no message finds its queue missing.
 */
export function productConsumers(): ConsumerDecl[] {
	return ALL_SERVICES.flatMap(name => consumersOf(serviceSchema(name)));
}
