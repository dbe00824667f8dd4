/**
 * Transitional: the old mixin form of a durable consumer, now a `consumers:` block entry handled
 * by lib/bus/consumers.ts. Delete once no service uses it (services declare `consumers:` directly).
 */
import type { ServiceSchema } from "moleculer";
import type { Transaction } from "sequelize";
import type { DomainMessage } from "../lib/events";

export interface ConsumerOptions {
	group?: string;
	events: string[];
	/** Name of the service method `(message, t) => Promise<void>`. */
	handler: string;
	transactional?: boolean;
	idempotent?: boolean;
	prefetch?: number;
}

export function DurableConsumerMixin(opts: ConsumerOptions): Partial<ServiceSchema> {
	const dedupe = opts.idempotent ? "handler" : opts.transactional === false ? "record" : "transaction";
	return {
		consumers: {
			[opts.group ?? "default"]: {
				events: opts.events,
				group: opts.group,
				dedupe,
				concurrency: opts.prefetch,
				async handler(this: Record<string, (m: DomainMessage, t: Transaction | null) => Promise<void>>, message: DomainMessage, t: Transaction | null) {
					await this[opts.handler](message, t);
				},
			},
		},
	} as Partial<ServiceSchema>;
}

export default DurableConsumerMixin;
