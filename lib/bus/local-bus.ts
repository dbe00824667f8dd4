/**
 * The embedded shape's bus (no TRANSPORTER): messages are handed to the consumers living in
 * this process. publish() resolves once every matching consumer has recorded the message and
 * rejects when one failed, so the publisher (the outbox relay) keeps the message and tries again.
 *
 * Who should receive a message comes from the consumers the services of THIS broker declare:
 * a message for a declared group that is not subscribed yet (start-up) is refused with
 * NoConsumerError (the relay retries, without counting an attempt); a message that no declared
 * group wants (an audit message nobody here consumes, a message for a service this broker
 * does not run) is delivered to nobody and resolves. Parking after too many failures is the relay's job here.
 * A broadcast subscription (SubscribeOptions.broadcast) is handed the message like any other, but
 * is never waited for and its failures do not fail the publish: nothing is retried for it.
 */
import type { DomainMessage } from "../events";
import { topicMatches, type ConsumerDecl, type DeadLetter, type MessageBus, type MessageHandler, type SubscribeOptions } from "./types";

interface LocalSubscription {
	group: string;
	patterns: string[];
	handler: MessageHandler;
	broadcast: boolean;
	inFlight: Set<Promise<void>>;
}

export class NoConsumerError extends Error {
	constructor(event: string, groups: string[]) {
		super(`no consumer subscribed to '${event}' in this process yet (group ${groups.join(", ")})`);
		this.name = "NoConsumerError";
	}
}

export class LocalBus implements MessageBus {
	readonly kind = "local" as const;
	private readonly subs = new Map<string, LocalSubscription>();

	/** `declared`: the consumer groups the services of this broker declare (read at each publish). */
	constructor(private readonly declared: () => ConsumerDecl[] = () => []) {}

	connected(): boolean {
		return true;
	}

	async ready(): Promise<void> {
		/* always */
	}

	async publish(message: DomainMessage): Promise<void> {
		const matches = (patterns: string[]) => patterns.some(p => topicMatches(p, message.event));
		// A broadcast subscriber not up yet simply misses the message (nothing is kept for it).
		const waiting = this.declared().filter(d => !d.broadcast && matches(d.patterns) && !this.subs.has(d.group)).map(d => d.group);
		if (waiting.length) throw new NoConsumerError(message.event, [...new Set(waiting)]);
		const targets = [...this.subs.values()].filter(s => matches(s.patterns));
		const errors: string[] = [];
		for (const t of targets) {
			// A copy each: a consumer must not see another's changes to the message.
			const p = t.handler(JSON.parse(JSON.stringify(message)) as DomainMessage);
			t.inFlight.add(p);
			try {
				await p;
			} catch (err) {
				if (!t.broadcast) errors.push(`${t.group}: ${(err as Error).message}`);
			} finally {
				t.inFlight.delete(p);
			}
		}
		if (errors.length) throw new Error(errors.join("; "));
	}

	async subscribe(group: string, patterns: string[], handler: MessageHandler, opts: SubscribeOptions = {}): Promise<void> {
		if (this.subs.has(group)) throw new Error(`already subscribed as group '${group}'`);
		this.subs.set(group, { group, patterns, handler, broadcast: !!opts.broadcast, inFlight: new Set() });
	}

	/** Stops delivering to the group, once the messages it is handling are done. */
	async unsubscribe(group: string): Promise<void> {
		const sub = this.subs.get(group);
		this.subs.delete(group);
		if (sub) await Promise.allSettled([...sub.inFlight]);
	}

	async deadLetters(): Promise<DeadLetter[]> {
		return [];
	}

	async replayDeadLetters(): Promise<number> {
		return 0;
	}

	async close(): Promise<void> {
		const all = [...this.subs.values()].flatMap(s => [...s.inFlight]);
		this.subs.clear();
		await Promise.allSettled(all);
	}
}
