/**
 * One message bus per broker (node), shared by its services and closed with the last of them.
 * RabbitMQ when TRANSPORTER is an AMQP URL (the same server as Moleculer's transporter, names
 * prefixed with NAMESPACE); the in-process bus otherwise. The topology is what the service
 * schemas declare (`consumers:`): on RabbitMQ every consumer of the product, in process the
 * consumers of this broker's services (registered by the consumers middleware).
 * Knobs: lib/config.ts `messaging` (BUS_MAX_ATTEMPTS, RETRY_BASE_MS, RETRY_MAX_MS).
 */
import type { ServiceBroker } from "moleculer";
import { loadConfig, type MessagingConfig } from "../config";
import { AmqpBus } from "./amqp-bus";
import { LocalBus } from "./local-bus";
import type { BusOptions, ConsumerDecl, MessageBus } from "./types";

export * from "./types";
export { AmqpBus } from "./amqp-bus";
export { LocalBus, NoConsumerError } from "./local-bus";
export { consumersOf, names } from "./topology";

interface Held { bus: MessageBus; users: number }
const buses = new WeakMap<ServiceBroker, Held>();
/** Consumer groups declared by the services created on each broker. */
const declared = new WeakMap<ServiceBroker, Map<string, ConsumerDecl>>();

/** The bus's knobs from the configuration's messaging section. */
export function busOptionsOf(m: MessagingConfig = loadConfig().messaging): BusOptions {
	return { maxAttempts: m.busMaxAttempts, retry: m.retry };
}

export function isAmqpUrl(url: string): boolean {
	return /^amqps?:\/\//.test(url);
}

/** A service of this broker declares consumer groups (the consumers middleware, at creation). */
export function declareConsumers(broker: ServiceBroker, decls: ConsumerDecl[]): void {
	let m = declared.get(broker);
	if (!m) declared.set(broker, (m = new Map()));
	for (const d of decls) m.set(d.group, d);
}

export function declaredConsumers(broker: ServiceBroker): ConsumerDecl[] {
	return [...(declared.get(broker)?.values() ?? [])];
}

/**
 * Every consumer declared by a service schema of the product (all of ALL_SERVICES), plus this
 * broker's own: the queues each AMQP node declares.
 */
function productTopology(broker: ServiceBroker): ConsumerDecl[] {
	// Loaded at call time: lib/broker.ts imports the broker options, which import the middleware and this module.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { productConsumers } = require("../broker") as { productConsumers(): ConsumerDecl[] };
	const all = new Map<string, ConsumerDecl>();
	for (const d of [...productConsumers(), ...declaredConsumers(broker)]) all.set(d.group, d);
	return [...all.values()];
}

/** The node's bus; every acquireBus() is paired with a releaseBus() (service started/stopped). */
export function acquireBus(broker: ServiceBroker): MessageBus {
	let held = buses.get(broker);
	if (!held) {
		const cfg = loadConfig();
		const logger = broker.getLogger("bus");
		const bus: MessageBus = isAmqpUrl(cfg.transporter)
			? new AmqpBus(cfg.transporter, cfg.namespace, logger, busOptionsOf(cfg.messaging), `hotel-bus ${cfg.namespace || "default"} ${broker.nodeID}`, () => productTopology(broker))
			: new LocalBus(() => declaredConsumers(broker));
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
