/**
 * Durable publishing for a service without an SQL outbox (hotels keeps its documents in
 * MongoDB/NeDB): `this.publishDurably(message)` publishes on the node's message bus and
 * waits for RabbitMQ's publisher confirm (or, in process, for every local consumer).
 * When that fails (RabbitMQ unreachable, no consumer yet), the message is kept in memory and
 * retried with back-off, so a short outage loses nothing and the caller's request does not fail.
 *
 * What this cannot cover is a crash of the node between saving the document and the confirm:
 * the message is then gone. Consumers that keep a copy (reservations) therefore fetch a hotel
 * they do not know from the hotels service (`hotels.resolve`) — see docs/messaging.md.
 */
import type { Service, ServiceSchema } from "moleculer";
import { acquireBus, releaseBus, NoConsumerError, type MessageBus } from "../lib/bus";
import type { DomainMessage } from "../lib/events";

const MAX_PENDING = 10_000;
const PUBLISH_TIMEOUT_MS = 5_000;

interface PublisherState {
	bus: MessageBus | null;
	pending: { message: DomainMessage; attempts: number }[];
	timer: NodeJS.Timeout | null;
	stopped: boolean;
}

interface PublisherMethods {
	publishDurably(message: DomainMessage): Promise<boolean>;
	retryPendingMessages(): Promise<void>;
}

interface PublisherThis extends Service, PublisherMethods {
	durablePublisher: PublisherState;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const t = setTimeout(() => reject(new Error(`no confirm within ${ms} ms`)), ms);
		p.then(v => { clearTimeout(t); resolve(v); }, err => { clearTimeout(t); reject(err); });
	});
}

const DurablePublisherMixin: ServiceSchema<Record<string, unknown>, PublisherMethods, Record<string, unknown>, PublisherThis> = {
	name: "",

	methods: {
		/** true when confirmed now; false when kept for a retry (logged). Never throws. */
		async publishDurably(this: PublisherThis, message: DomainMessage): Promise<boolean> {
			const state = this.durablePublisher ?? (this.durablePublisher = { bus: null, pending: [], timer: null, stopped: false });
			state.bus ??= acquireBus(this.broker);
			try {
				if (state.pending.length > 0) throw new Error("earlier messages are still waiting"); // keep the order
				await withTimeout(state.bus.publish(message), PUBLISH_TIMEOUT_MS);
				return true;
			} catch (err) {
				if (state.pending.length >= MAX_PENDING) {
					this.logger.error(`Message ${message.id} (${message.event}) dropped: ${MAX_PENDING} messages already wait for the bus.`);
					return false;
				}
				state.pending.push({ message, attempts: 1 });
				if (state.pending.length === 1) {
					const text = `Message ${message.id} (${message.event}) not published yet (${(err as Error).message}); retrying in the background.`;
					if (err instanceof NoConsumerError) this.logger.info(text); // in process, at start-up: expected
					else this.logger.warn(text);
				}
				if (!state.timer && !state.stopped) state.timer = setTimeout(() => void this.retryPendingMessages(), 200);
				return false;
			}
		},

		async retryPendingMessages(this: PublisherThis): Promise<void> {
			const state = this.durablePublisher;
			state.timer = null;
			while (state.pending.length > 0 && state.bus) {
				const head = state.pending[0];
				try {
					await withTimeout(state.bus.publish(head.message), PUBLISH_TIMEOUT_MS);
					state.pending.shift();
				} catch {
					head.attempts++;
					if (!state.stopped) state.timer = setTimeout(() => void this.retryPendingMessages(), Math.min(200 * 2 ** Math.min(head.attempts, 6), 10_000));
					return;
				}
			}
		},
	},

	started(this: PublisherThis) {
		const state = this.durablePublisher ?? (this.durablePublisher = { bus: null, pending: [], timer: null, stopped: false });
		state.bus ??= acquireBus(this.broker);
	},

	async stopped(this: PublisherThis) {
		const state = this.durablePublisher;
		if (!state) return;
		state.stopped = true;
		if (state.timer) clearTimeout(state.timer);
		await this.retryPendingMessages().catch(() => undefined);
		if (state.pending.length) this.logger.error(`${state.pending.length} message(s) could not be published before stopping: ${state.pending.map(p => p.message.id).join(", ")}`);
		if (state.bus) await releaseBus(this.broker);
	},
};

export default DurablePublisherMixin as unknown as Partial<ServiceSchema>;
