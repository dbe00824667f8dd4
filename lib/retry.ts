/**
 * The one retry/back-off policy of the messaging paths: the outbox relay, the bus's retry queues,
 * the bus's reconnect loop and the mail sender all wait `retryDelayMs(policy, n)` after their
 * n-th failure — the base doubled each time, capped. Knobs: RETRY_BASE_MS, RETRY_MAX_MS
 * (lib/config.ts); how many attempts each path makes is its own setting.
 */
export interface RetryPolicy {
	/** Wait after the first failure. */
	baseMs: number;
	/** No wait is longer. */
	maxMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseMs: 1_000, maxMs: 60_000 };

/** Wait after failure number `attempt` (1-based): baseMs · 2^(attempt−1), at most maxMs. */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
	const n = Math.max(1, Math.floor(attempt));
	return Math.min(policy.baseMs * 2 ** Math.min(n - 1, 30), policy.maxMs);
}

/** The distinct waits of attempts 1 … attempts−1 (a bus group's retry queues, one per delay). */
export function retryDelays(policy: RetryPolicy, attempts: number): number[] {
	const out = new Set<number>();
	for (let a = 1; a < Math.max(2, attempts); a++) out.add(retryDelayMs(policy, a));
	return [...out];
}

/** The same policy with a lower cap (the reconnect loop: an outage ends, then no long wait). */
export function capped(policy: RetryPolicy, maxMs: number): RetryPolicy {
	return { baseMs: Math.min(policy.baseMs, maxMs), maxMs: Math.min(policy.maxMs, maxMs) };
}
