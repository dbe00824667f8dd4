/**
 * The application's own Prometheus metrics, next to Moleculer's built-in ones (request rates,
 * latencies and errors per action: `moleculer_request_*`). Exposed on METRICS_PORT/metrics.
 *
 * Services record them with `countMetric` / `setMetric`; both register the metric on first use
 * and do nothing when metrics are off (no METRICS_PORT), so callers never check.
 *
 *   countMetric(this.broker, AppMetric.BOOKINGS);
 *   countMetric(this.broker, AppMetric.MAILS_SENT, { type: "confirmation" });
 *   setMetric(this.broker, AppMetric.OUTBOX_LAG, 0.42);
 *
 * Moleculer names use dots; Prometheus shows them with underscores
 * (`hotel.bookings.total` → `hotel_bookings_total`).
 */
import type { ServiceBroker } from "moleculer";

export const AppMetric = {
	/** Reservations confirmed (counter). */
	BOOKINGS: "hotel.bookings.total",
	/** Bookings or changes refused with NO_AVAILABILITY (counter). */
	SOLD_OUTS: "hotel.soldouts.total",
	/** Outbox messages not yet published (gauge). */
	OUTBOX_PENDING: "hotel.outbox.pending",
	/** Age in seconds of the oldest unpublished outbox message, 0 when empty (gauge). */
	OUTBOX_LAG: "hotel.outbox.lag.seconds",
	/** Emails accepted by the SMTP server or written as .eml (counter, label `type`). */
	MAILS_SENT: "hotel.mails.sent.total",
	/** Email delivery attempts that failed (counter, label `type`). */
	MAILS_FAILED: "hotel.mails.failed.total",
} as const;
export type AppMetricName = (typeof AppMetric)[keyof typeof AppMetric];

interface MetricDef {
	type: "counter" | "gauge";
	description: string;
	labelNames?: string[];
	unit?: string;
}

export const METRIC_DEFINITIONS: Record<AppMetricName, MetricDef> = {
	[AppMetric.BOOKINGS]: { type: "counter", description: "Reservations confirmed" },
	[AppMetric.SOLD_OUTS]: { type: "counter", description: "Bookings or changes refused for lack of availability" },
	// Label `service`: each publishing service (hotels, reservations, mail) has its own outbox.
	[AppMetric.OUTBOX_PENDING]: { type: "gauge", description: "Outbox messages waiting to be published", labelNames: ["service"] },
	[AppMetric.OUTBOX_LAG]: { type: "gauge", description: "Age of the oldest unpublished outbox message", unit: "seconds", labelNames: ["service"] },
	[AppMetric.MAILS_SENT]: { type: "counter", description: "Emails sent", labelNames: ["type"] },
	[AppMetric.MAILS_FAILED]: { type: "counter", description: "Email delivery attempts that failed", labelNames: ["type"] },
};

type Labels = Record<string, string>;

/** Registers the metric if metrics are on and it is not registered yet; false when metrics are off. */
export function ensureMetric(broker: ServiceBroker, name: AppMetricName): boolean {
	if (!broker.isMetricsEnabled()) return false;
	if (broker.metrics.hasMetric(name)) return true;
	const def = METRIC_DEFINITIONS[name];
	if (def.type === "counter") broker.metrics.register({ name, ...def, type: "counter" });
	else broker.metrics.register({ name, ...def, type: "gauge" });
	return true;
}

/**
 * Registers application metrics (default: all). Unlabelled counters start at 0, so they are
 * scraped before the first event and `rate()` sees the first increment.
 */
export function registerAppMetrics(broker: ServiceBroker, names: readonly AppMetricName[] = Object.values(AppMetric)): void {
	for (const name of names) {
		const def = METRIC_DEFINITIONS[name];
		if (ensureMetric(broker, name) && def.type === "counter" && !def.labelNames) broker.metrics.increment(name, undefined, 0);
	}
}

export function countMetric(broker: ServiceBroker, name: AppMetricName, labels?: Labels, value = 1): void {
	if (ensureMetric(broker, name)) broker.metrics.increment(name, labels, value);
}

export function setMetric(broker: ServiceBroker, name: AppMetricName, value: number, labels?: Labels): void {
	if (ensureMetric(broker, name)) broker.metrics.set(name, value, labels);
}
