/**
 * The durable message bus of SPEC §4: what publishers and consumers see, whatever carries
 * the messages (RabbitMQ with an AMQP URL, the process itself in the embedded shape).
 */
import type { DomainMessage } from "../events";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../retry";

/** Handles one message; a throw means "not processed": it is retried, then dead-lettered. */
export type MessageHandler = (message: DomainMessage) => Promise<void>;

export interface SubscribeOptions {
	/** Messages processed at once by this node (AMQP prefetch). */
	prefetch?: number;
	/** Deliveries before the message is dead-lettered (default: the bus's). */
	attempts?: number;
	/** false: drop the message after its last attempt instead of parking it. */
	deadLetter?: boolean;
	/**
	 * Every node gets every message: one queue per node (AMQP: exclusive, auto-delete, gone with
	 * the node), not a group sharing one queue. No retry, no dead-letter: a message whose
	 * handler throws is dropped, and messages sent while the node is down are not kept.
	 */
	broadcast?: boolean;
}

/** A consumer group as a service schema declares it: what the topology is made of. */
export interface ConsumerDecl {
	group: string;
	patterns: string[];
	attempts?: number;
	deadLetter?: boolean;
	/** Per-node subscription (SubscribeOptions.broadcast): no durable queue to declare. */
	broadcast?: boolean;
}

/** The bus is not connected: nothing can be published now (the gateway answers 503). */
export class BusUnavailableError extends Error {
	constructor(message = "message bus not connected") {
		super(message);
		this.name = "BusUnavailableError";
	}
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

/** Bus-wide knobs (lib/config.ts messaging; tests shorten them). */
export interface BusOptions {
	/** Deliveries of one message before it is parked in `<group>.dlq`. */
	maxAttempts: number;
	/** The one back-off policy: retry-queue delays and the reconnect loop. */
	retry: RetryPolicy;
}

export const DEFAULT_BUS_OPTIONS: BusOptions = { maxAttempts: 5, retry: DEFAULT_RETRY_POLICY };

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
