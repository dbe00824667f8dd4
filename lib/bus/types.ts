/**
 * The durable message bus of SPEC §4: what publishers and consumers see, whatever carries
 * the messages (RabbitMQ with an AMQP URL, the process itself in the embedded shape).
 */
import type { DomainMessage } from "../events";

/** Handles one message; a throw means "not processed": it is retried, then dead-lettered. */
export type MessageHandler = (message: DomainMessage) => Promise<void>;

export interface SubscribeOptions {
	/** Messages processed at once by this node (AMQP prefetch). */
	prefetch?: number;
}

export interface DeadLetter {
	message: DomainMessage;
	attempts: number;
	lastError: string;
	failedAt: string;
}

export interface MessageBus {
	readonly kind: "amqp" | "local";
	/** Resolves once the broker confirmed the message is stored (AMQP) or every local consumer recorded it. */
	publish(message: DomainMessage): Promise<void>;
	/** A durable subscription of a consumer group (one queue per group, shared by its nodes). */
	subscribe(group: string, patterns: string[], handler: MessageHandler, opts?: SubscribeOptions): Promise<void>;
	unsubscribe(group: string): Promise<void>;
	/** Resolves when connected with every subscription consuming. */
	ready(timeoutMs?: number): Promise<void>;
	connected(): boolean;
	/** Messages parked after too many failures (left in place). */
	deadLetters(group: string, limit?: number): Promise<DeadLetter[]>;
	/** Moves every parked message of a group back to its queue, with fresh attempts; returns how many. */
	replayDeadLetters(group: string): Promise<number>;
	close(): Promise<void>;
}

export interface BusLogger {
	info(...args: unknown[]): void;
	warn(...args: unknown[]): void;
	error(...args: unknown[]): void;
}

/** Bus-wide knobs (tests shorten them). */
export interface BusOptions {
	/** Deliveries of one message before it is parked in `<group>.dlq`. */
	maxAttempts: number;
	/** Waits before the 1st, 2nd, … retry (the last one repeats). */
	retryDelaysMs: number[];
}

export const DEFAULT_BUS_OPTIONS: BusOptions = {
	maxAttempts: 5,
	retryDelaysMs: [1_000, 5_000, 30_000, 120_000],
};

/** Topic pattern match as RabbitMQ does it: `*` one word, `#` zero or more words. */
export function topicMatches(pattern: string, key: string): boolean {
	const p = pattern.split(".");
	const k = key.split(".");
	const match = (i: number, j: number): boolean => {
		if (i === p.length) return j === k.length;
		if (p[i] === "#") return match(i + 1, j) || (j < k.length && match(i, j + 1));
		if (j === k.length) return false;
		return (p[i] === "*" || p[i] === k[j]) && match(i + 1, j + 1);
	};
	return match(0, 0);
}

/** Back-off before retry number `attempt` (1-based). */
export function retryDelay(opts: BusOptions, attempt: number): number {
	const d = opts.retryDelaysMs;
	return d[Math.min(Math.max(attempt, 1), d.length) - 1];
}
