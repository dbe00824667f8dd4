import { ServiceBroker } from "moleculer";
import { AppMetric, countMetric, registerAppMetrics, setMetric } from "../../lib/metrics";

describe("application metrics (lib/metrics.ts)", () => {
	it("registers on first use and counts, with labels", async () => {
		const broker = new ServiceBroker({ logger: false, metrics: { enabled: true } });
		countMetric(broker, AppMetric.BOOKINGS);
		countMetric(broker, AppMetric.BOOKINGS, undefined, 2);
		countMetric(broker, AppMetric.MAILS_SENT, { type: "confirmation" });
		setMetric(broker, AppMetric.OUTBOX_LAG, 1.5);
		const snap = (name: string) => broker.metrics.getMetric(name)!.snapshot() as { value: number; labels: Record<string, string> }[];
		expect(snap(AppMetric.BOOKINGS)[0].value).toBe(3);
		expect(snap(AppMetric.MAILS_SENT)[0]).toMatchObject({ value: 1, labels: { type: "confirmation" } });
		expect(snap(AppMetric.OUTBOX_LAG)[0].value).toBe(1.5);
		registerAppMetrics(broker);
		expect(broker.metrics.hasMetric(AppMetric.MAILS_FAILED)).toBe(true);
		await broker.stop();
	});

	it("registers the named metrics with unlabelled counters at 0, so they are scraped before the first event", async () => {
		const broker = new ServiceBroker({ logger: false, metrics: { enabled: true } });
		registerAppMetrics(broker, [AppMetric.BOOKINGS, AppMetric.SOLD_OUTS, AppMetric.MAILS_SENT]);
		const snap = (name: string) => broker.metrics.getMetric(name)!.snapshot() as { value: number }[];
		expect(snap(AppMetric.BOOKINGS).map(v => v.value)).toEqual([0]);
		expect(snap(AppMetric.SOLD_OUTS).map(v => v.value)).toEqual([0]);
		expect(snap(AppMetric.MAILS_SENT)).toEqual([]);
		expect(broker.metrics.hasMetric(AppMetric.OUTBOX_LAG)).toBe(false);
		countMetric(broker, AppMetric.BOOKINGS);
		registerAppMetrics(broker, [AppMetric.BOOKINGS]);
		expect(snap(AppMetric.BOOKINGS).map(v => v.value)).toEqual([1]);
		await broker.stop();
	});

	it("does nothing when metrics are off (no METRICS_PORT)", async () => {
		const broker = new ServiceBroker({ logger: false, metrics: { enabled: false } });
		expect(() => countMetric(broker, AppMetric.SOLD_OUTS)).not.toThrow();
		expect(() => setMetric(broker, AppMetric.OUTBOX_PENDING, 3)).not.toThrow();
		expect(broker.metrics.hasMetric(AppMetric.SOLD_OUTS)).toBe(false);
		await broker.stop();
	});
});
