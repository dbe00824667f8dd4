import { capped, DEFAULT_RETRY_POLICY, retryDelayMs, retryDelays } from "../../lib/retry";
import { messagingConfig } from "../../lib/config";

describe("the retry policy (lib/retry.ts)", () => {
	it("waits the base after the first failure, doubling each time up to the cap", () => {
		const p = { baseMs: 1000, maxMs: 60_000 };
		expect([1, 2, 3, 4, 5, 6, 7, 8].map(a => retryDelayMs(p, a))).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
		expect(retryDelayMs(p, 0)).toBe(1000);
		expect(retryDelayMs(p, 10_000)).toBe(60_000);
	});

	it("gives a bus group's distinct retry-queue delays for its attempts", () => {
		const p = { baseMs: 100, maxMs: 300 };
		expect(retryDelays(p, 5)).toEqual([100, 200, 300]);
		expect(retryDelays(p, 1)).toEqual([100]);
		expect(retryDelays(DEFAULT_RETRY_POLICY, 5)).toEqual([1000, 2000, 4000, 8000]);
	});

	it("caps a use of the policy lower (the reconnect loop)", () => {
		expect(capped({ baseMs: 1000, maxMs: 60_000 }, 5000)).toEqual({ baseMs: 1000, maxMs: 5000 });
		expect(capped({ baseMs: 10_000, maxMs: 60_000 }, 5000)).toEqual({ baseMs: 5000, maxMs: 5000 });
	});

	it("reads RETRY_BASE_MS / RETRY_MAX_MS, else the older MAIL_RETRY_BASE_MS and BUS_RETRY_DELAYS_MS", () => {
		expect(messagingConfig({}).retry).toEqual({ baseMs: 1000, maxMs: 60_000 });
		expect(messagingConfig({ RETRY_BASE_MS: "50", RETRY_MAX_MS: "400" }).retry).toEqual({ baseMs: 50, maxMs: 400 });
		expect(messagingConfig({ MAIL_RETRY_BASE_MS: "100", BUS_RETRY_DELAYS_MS: "100,300" }).retry).toEqual({ baseMs: 100, maxMs: 300 });
		expect(messagingConfig({ RETRY_BASE_MS: "5000", RETRY_MAX_MS: "10" }).retry).toEqual({ baseMs: 5000, maxMs: 5000 });
		expect(messagingConfig({ RETRY_BASE_MS: "-1" }).retry.baseMs).toBe(1000);
	});
});
