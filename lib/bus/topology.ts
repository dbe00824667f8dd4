/**
 * Who consumes what (SPEC §4), and the RabbitMQ names. Every node declares the whole
 * topology on connect, so a message published before its consumers ever started still
 * lands in their durable queue instead of being dropped as unroutable.
 */
export const CONSUMER_GROUPS: Record<string, string[]> = {
	reservations: ["hotels.hotel.*"],
	mail: ["reservations.reservation.*"],
};

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
