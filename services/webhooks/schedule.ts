/**
 * When a failed delivery is tried again, when it is given up, and when a webhook is disabled
 * (SPEC §13): the back-off is the one policy of lib/retry.ts with the webhooks' own knobs (first
 * retry after WEBHOOK_RETRY_BASE_MS, doubled up to WEBHOOK_RETRY_MAX_MS), retried for
 * WEBHOOK_RETRY_FOR_MS after the first attempt; a webhook without a success for
 * WEBHOOK_DISABLE_AFTER_MS of failures is disabled.
 */
import { retryDelayMs, type RetryPolicy } from "../../lib/retry";

export interface Schedule {
	retry: RetryPolicy;
	retryForMs: number;
	disableAfterMs: number;
}

/** The next attempt after failure number `attempts`, or null when the delivery is given up. */
export function nextAttemptAt(s: Schedule, attempts: number, firstAttemptAt: Date, now: Date): Date | null {
	const at = now.getTime() + retryDelayMs(s.retry, attempts);
	if (at - firstAttemptAt.getTime() > s.retryForMs) return null;
	return new Date(at);
}

/** A webhook failing since `failingSince` (no success since) is disabled at `now`? */
export function shouldDisable(s: Schedule, failingSince: Date | null, now: Date): boolean {
	return failingSince != null && now.getTime() - failingSince.getTime() >= s.disableAfterMs;
}

/** The waits a delivery goes through before it is given up (docs and tests). */
export function retryPlan(s: Schedule): number[] {
	const waits: number[] = [];
	let elapsed = 0;
	for (let n = 1; n < 1000; n++) {
		const wait = retryDelayMs(s.retry, n);
		if (elapsed + wait > s.retryForMs) break;
		elapsed += wait;
		waits.push(wait);
	}
	return waits;
}
