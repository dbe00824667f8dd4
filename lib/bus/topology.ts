/**
 * The bus topology comes from the service schemas: each `consumers:` entry is a consumer group
 * (a durable queue) bound to its event patterns. This module reads those declarations from a
 * schema and names the RabbitMQ objects (prefixed with the NAMESPACE).
 */
import type { ServiceSchema } from "moleculer";
import type { ConsumerSchema } from "../../types/moleculer";
import type { ConsumerDecl } from "./types";

/** The consumers a schema declares, its mixins' included (group defaults to the service name). */
export function consumersOf(schema: Partial<ServiceSchema> | null | undefined): (ConsumerDecl & { name: string })[] {
	if (!schema) return [];
	const found = new Map<string, ConsumerDecl & { name: string }>();
	const visit = (s: Partial<ServiceSchema>, serviceName: string | undefined) => {
		for (const m of (s.mixins ?? []) as Partial<ServiceSchema>[]) visit(m, serviceName);
		const block = (s as { consumers?: Record<string, ConsumerSchema> }).consumers ?? {};
		for (const [name, c] of Object.entries(block)) {
			if (!c) continue;
			found.set(name, { name, group: c.group ?? serviceName ?? name, patterns: [...c.events], attempts: c.attempts, deadLetter: c.deadLetter, broadcast: c.broadcast });
		}
	};
	visit(schema, schema.name);
	return [...found.values()];
}

/** Names carry the NAMESPACE so clusters (and test runs) sharing one RabbitMQ never meet. */
export function names(namespace: string) {
	const base = namespace ? `${namespace}.` : "";
	return {
		exchange: `${base}domain-events`,
		queue: (group: string) => `${base}${group}`,
		retryQueue: (group: string, delayMs: number) => `${base}${group}.retry.${delayMs}ms`,
		dlq: (group: string) => `${base}${group}.dlq`,
	};
}
