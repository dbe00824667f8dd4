/**
 * One message bus per broker (node), shared by its services and closed with the last of them.
 * RabbitMQ when TRANSPORTER is an AMQP URL (the same server as Moleculer's transporter,
 * names prefixed with NAMESPACE); the in-process bus otherwise.
 *
 * Extra knobs (environment): BUS_MAX_ATTEMPTS (deliveries before the dead-letter queue, 5),
 * BUS_RETRY_DELAYS_MS (back-off per retry, "1000,5000,30000,120000").
 */
import type { ServiceBroker } from "moleculer";
import { loadConfig } from "../config";
import { AmqpBus } from "./amqp-bus";
import { LocalBus } from "./local-bus";
import { DEFAULT_BUS_OPTIONS, type BusOptions, type MessageBus } from "./types";

export * from "./types";
export { AmqpBus } from "./amqp-bus";
export { LocalBus, NoConsumerError } from "./local-bus";
export { CONSUMER_GROUPS, names } from "./topology";

interface Held { bus: MessageBus; users: number }
const buses = new WeakMap<ServiceBroker, Held>();

export function busOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): BusOptions {
	const maxAttempts = Number(env.BUS_MAX_ATTEMPTS || DEFAULT_BUS_OPTIONS.maxAttempts);
	const delays = (env.BUS_RETRY_DELAYS_MS || "").split(",").map(s => Number(s.trim())).filter(n => Number.isInteger(n) && n > 0);
	return {
		maxAttempts: Number.isInteger(maxAttempts) && maxAttempts >= 1 ? maxAttempts : DEFAULT_BUS_OPTIONS.maxAttempts,
		retryDelaysMs: delays.length ? delays : DEFAULT_BUS_OPTIONS.retryDelaysMs,
	};
}

export function isAmqpUrl(url: string): boolean {
	return /^amqps?:\/\//.test(url);
}

/** The node's bus; every acquireBus() is paired with a releaseBus() (service started/stopped). */
export function acquireBus(broker: ServiceBroker): MessageBus {
	let held = buses.get(broker);
	if (!held) {
		const cfg = loadConfig();
		const logger = broker.getLogger("bus");
		const bus: MessageBus = isAmqpUrl(cfg.transporter)
			? new AmqpBus(cfg.transporter, cfg.namespace, logger, busOptionsFromEnv(), `hotel-bus ${cfg.namespace || "default"} ${broker.nodeID}`)
			: new LocalBus();
		held = { bus, users: 0 };
		buses.set(broker, held);
	}
	held.users++;
	return held.bus;
}

export async function releaseBus(broker: ServiceBroker): Promise<void> {
	const held = buses.get(broker);
	if (!held) return;
	held.users--;
	if (held.users <= 0) {
		buses.delete(broker);
		await held.bus.close();
	}
}

/** The node's bus if one is in use (tests, admin actions). */
export function currentBus(broker: ServiceBroker): MessageBus | null {
	return buses.get(broker)?.bus ?? null;
}
