/**
 * The embedded shape's bus (no TRANSPORTER): messages are handed to the consumers living in
 * this process. publish() resolves only once every matching consumer has recorded the
 * message, and rejects when one failed or when no consumer is subscribed yet, so the
 * publisher (the outbox relay) keeps the message and tries again later: nothing is lost.
 * Parking after too many failures is the relay's job here (the outbox row keeps its error).
 */
import type { DomainMessage } from "../events";
import { topicMatches, type DeadLetter, type MessageBus, type MessageHandler } from "./types";

interface LocalSubscription {
	group: string;
	patterns: string[];
	handler: MessageHandler;
}

export class NoConsumerError extends Error {
	constructor(event: string) {
		super(`no consumer subscribed to '${event}' in this process yet`);
		this.name = "NoConsumerError";
	}
}

export class LocalBus implements MessageBus {
	readonly kind = "local" as const;
	private readonly subs = new Map<string, LocalSubscription>();

	connected(): boolean {
		return true;
	}

	async ready(): Promise<void> {
		/* always */
	}

	async publish(message: DomainMessage): Promise<void> {
		const targets = [...this.subs.values()].filter(s => s.patterns.some(p => topicMatches(p, message.event)));
		if (targets.length === 0) throw new NoConsumerError(message.event);
		const errors: string[] = [];
		for (const t of targets) {
			// A copy each: a consumer must not see another's changes to the message.
			try {
				await t.handler(JSON.parse(JSON.stringify(message)) as DomainMessage);
			} catch (err) {
				errors.push(`${t.group}: ${(err as Error).message}`);
			}
		}
		if (errors.length) throw new Error(errors.join("; "));
	}

	async subscribe(group: string, patterns: string[], handler: MessageHandler): Promise<void> {
		if (this.subs.has(group)) throw new Error(`already subscribed as group '${group}'`);
		this.subs.set(group, { group, patterns, handler });
	}

	async unsubscribe(group: string): Promise<void> {
		this.subs.delete(group);
	}

	async deadLetters(): Promise<DeadLetter[]> {
		return [];
	}

	async replayDeadLetters(): Promise<number> {
		return 0;
	}

	async close(): Promise<void> {
		this.subs.clear();
	}
}
