/**
 * The durable bus on RabbitMQ, a small adapter on amqplib:
 *  - one durable topic exchange; one durable queue per consumer group (no x-expires: a queue
 *    outlives every node of its group), bound to the group's patterns;
 *  - persistent messages published on a confirm channel: publish() resolves only once
 *    RabbitMQ has taken responsibility for the message;
 *  - a consumer acknowledges only after its handler resolved (it has recorded the message);
 *    on a throw the message goes to `<group>.retry.<delay>ms` (a queue whose TTL dead-letters
 *    it back to the group's queue: exponential back-off), and after `maxAttempts` deliveries
 *    to `<group>.dlq`, where it waits for an operator (deadLetters / replayDeadLetters);
 *  - the connection is re-established on its own, with back-off, and every subscription with it.
 * A broadcast subscription (SubscribeOptions.broadcast) gets its own server-named queue per
 * connection (exclusive, auto-delete: it goes with the node), acknowledged whatever the handler
 * did — no retry queue, no DLQ; a node that is down misses what is published meanwhile.
 * Every node declares the queues of every consumer group of the product (`topology`, read from the
 * service schemas), so a message published before its consumers ever ran is kept.
 * Delays (retry queues' TTLs, reconnects) follow the one policy of lib/retry.ts.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from "amqplib";
import type { DomainMessage } from "../events";
import { capped, retryDelayMs, retryDelays } from "../retry";
import { names } from "./topology";
import { BusUnavailableError, DEFAULT_BUS_OPTIONS, type BusLogger, type BusOptions, type ConsumerDecl, type DeadLetter, type MessageBus, type MessageHandler, type SubscribeOptions } from "./types";

interface Subscription {
	group: string;
	patterns: string[];
	handler: MessageHandler;
	prefetch: number;
	attempts: number;
	deadLetter: boolean;
	broadcast: boolean;
	channel: Channel | null;
	consumerTag: string | null;
	inFlight: Set<Promise<void>>;
}

const ATTEMPTS = "x-attempts";
const LAST_ERROR = "x-last-error";
const FAILED_AT = "x-failed-at";
const CONFIRM_TIMEOUT_MS = 10_000;
/** A reconnect waits at most this long: once RabbitMQ is back, the node should be too. */
const RECONNECT_MAX_MS = 5_000;

const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export class AmqpBus implements MessageBus {
	readonly kind = "amqp" as const;
	/** The live connection (null while reconnecting); tests break it on purpose. */
	connection: ChannelModel | null = null;
	private publishChannel: ConfirmChannel | null = null;
	private readonly subs = new Map<string, Subscription>();
	private readonly n: ReturnType<typeof names>;
	private readonly opts: BusOptions;
	private closing = false;
	private connecting: Promise<void> | null = null;
	private waiters: (() => void)[] = [];

	constructor(private readonly url: string, namespace: string, private readonly logger: BusLogger, opts: Partial<BusOptions> = {}, private readonly connectionName = `hotel-bus ${namespace}`, private readonly topology: () => ConsumerDecl[] = () => []) {
		this.n = names(namespace);
		this.opts = { ...DEFAULT_BUS_OPTIONS, ...opts };
		this.ensureConnecting();
	}

	connected(): boolean {
		return !!this.connection && !!this.publishChannel;
	}

	async ready(timeoutMs = 15_000): Promise<void> {
		if (this.connected()) return;
		await new Promise<void>((resolve, reject) => {
			const t = setTimeout(() => reject(new BusUnavailableError(`message bus not connected after ${timeoutMs} ms`)), timeoutMs);
			this.waiters.push(() => { clearTimeout(t); resolve(); });
		});
	}

	async publish(message: DomainMessage): Promise<void> {
		const ch = this.publishChannel;
		if (!ch) throw new BusUnavailableError();
		await this.confirmPublish(ch, this.n.exchange, message.event, message, {});
	}

	async subscribe(group: string, patterns: string[], handler: MessageHandler, opts: SubscribeOptions = {}): Promise<void> {
		if (this.subs.has(group)) throw new Error(`already subscribed as group '${group}'`);
		const sub: Subscription = {
			group, patterns, handler, prefetch: opts.prefetch ?? 20, attempts: opts.attempts ?? this.opts.maxAttempts, deadLetter: opts.deadLetter ?? true, broadcast: !!opts.broadcast,
			channel: null, consumerTag: null, inFlight: new Set(),
		};
		this.subs.set(group, sub);
		const conn = this.connection;
		if (conn && this.publishChannel) await this.startConsumer(conn, this.publishChannel, sub);
	}

	async unsubscribe(group: string): Promise<void> {
		const sub = this.subs.get(group);
		if (!sub) return;
		this.subs.delete(group);
		await this.stopConsumer(sub);
	}

	async deadLetters(group: string, limit = 100): Promise<DeadLetter[]> {
		await this.ready();
		const conn = this.connection as ChannelModel;
		const ch = await conn.createChannel();
		try {
			// Peek: get without ack, then close the channel so every message goes back in place.
			const out: DeadLetter[] = [];
			for (let i = 0; i < limit; i++) {
				const msg = await ch.get(this.n.dlq(group), { noAck: false });
				if (!msg) break;
				out.push(this.deadLetterOf(msg));
			}
			return out;
		} finally {
			await ch.close().catch(() => undefined);
		}
	}

	async replayDeadLetters(group: string): Promise<number> {
		await this.ready();
		const conn = this.connection as ChannelModel;
		const ch = await conn.createConfirmChannel();
		let moved = 0;
		try {
			for (;;) {
				const msg = await ch.get(this.n.dlq(group), { noAck: false });
				if (!msg) break;
				await this.confirmPublish(ch, "", this.n.queue(group), JSON.parse(msg.content.toString()) as DomainMessage, { [ATTEMPTS]: 0 });
				ch.ack(msg);
				moved++;
			}
			return moved;
		} finally {
			await ch.close().catch(() => undefined);
		}
	}

	/** Test and operations helper: delete every queue and the exchange of this namespace. */
	async deleteTopology(groups: string[] = []): Promise<void> {
		await this.ready();
		const ch = await (this.connection as ChannelModel).createChannel();
		const decls = [...this.topology().filter(d => !d.broadcast), ...[...this.subs.values()].filter(s => !s.broadcast).map(s => ({ group: s.group, attempts: s.attempts })), ...groups.map(group => ({ group, attempts: undefined }))];
		for (const d of decls) {
			await ch.deleteQueue(this.n.queue(d.group));
			await ch.deleteQueue(this.n.dlq(d.group));
			for (const ms of this.delaysFor(d.attempts)) await ch.deleteQueue(this.n.retryQueue(d.group, ms));
		}
		await ch.deleteExchange(this.n.exchange);
		await ch.close();
	}

	async close(): Promise<void> {
		this.closing = true;
		await Promise.all([...this.subs.values()].map(s => this.stopConsumer(s)));
		const conn = this.connection;
		this.connection = null;
		this.publishChannel = null;
		if (conn) await conn.close().catch(() => undefined);
	}

	// ---------------------------------------------------------------- internals

	private ensureConnecting(): void {
		if (this.connecting || this.closing) return;
		this.connecting = this.connectLoop().finally(() => { this.connecting = null; });
	}

	private async connectLoop(): Promise<void> {
		const policy = capped(this.opts.retry, RECONNECT_MAX_MS);
		for (let failures = 1; !this.closing; failures++) {
			try {
				await this.connectOnce();
				return;
			} catch (err) {
				const delay = retryDelayMs(policy, failures);
				this.logger.warn(`Message bus: cannot connect (${(err as Error).message}); retrying in ${delay} ms.`);
				await sleep(delay);
			}
		}
	}

	private async connectOnce(): Promise<void> {
		const conn = await amqp.connect(this.url, { clientProperties: { connection_name: this.connectionName } });
		let lost = false;
		const onLost = (why: string) => {
			if (lost) return;
			lost = true;
			if (this.connection === conn) {
				this.connection = null;
				this.publishChannel = null;
				for (const s of this.subs.values()) { s.channel = null; s.consumerTag = null; }
			}
			if (!this.closing) {
				this.logger.warn(`Message bus: connection lost (${why}); reconnecting.`);
				conn.close().catch(() => undefined);
				this.ensureConnecting();
			}
		};
		conn.on("error", (err: Error) => onLost(err.message));
		conn.on("close", () => onLost("closed"));
		try {
			const pub = await conn.createConfirmChannel();
			pub.on("error", (err: Error) => onLost(`publish channel: ${err.message}`));
			pub.on("close", () => onLost("publish channel closed"));
			await this.declareTopology(pub);
			for (const sub of this.subs.values()) await this.startConsumer(conn, pub, sub);
			if (this.closing) throw new Error("closing");
			this.connection = conn;
			this.publishChannel = pub;
		} catch (err) {
			lost = true;
			await conn.close().catch(() => undefined);
			throw err;
		}
		this.logger.info(`Message bus connected (${this.subs.size} subscription(s)).`);
		const waiters = this.waiters;
		this.waiters = [];
		for (const w of waiters) w();
	}

	private async declareTopology(ch: Channel): Promise<void> {
		await ch.assertExchange(this.n.exchange, "topic", { durable: true });
		for (const d of this.topology()) if (!d.broadcast) await this.declareGroup(ch, d.group, d.patterns, d.attempts);
	}

	/** The retry queues' delays of a group making `attempts` deliveries. */
	private delaysFor(attempts: number | undefined): number[] {
		return retryDelays(this.opts.retry, attempts ?? this.opts.maxAttempts);
	}

	private async declareGroup(ch: Channel, group: string, patterns: string[], attempts: number | undefined): Promise<void> {
		const queue = this.n.queue(group);
		await ch.assertQueue(queue, { durable: true });
		for (const p of patterns) await ch.bindQueue(queue, this.n.exchange, p);
		for (const d of this.delaysFor(attempts)) {
			await ch.assertQueue(this.n.retryQueue(group, d), {
				durable: true,
				arguments: { "x-message-ttl": d, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue },
			});
		}
		await ch.assertQueue(this.n.dlq(group), { durable: true });
	}

	private async startConsumer(conn: ChannelModel, pub: ConfirmChannel, sub: Subscription): Promise<void> {
		if (sub.broadcast) return this.startBroadcast(conn, sub);
		await this.declareGroup(pub, sub.group, sub.patterns, sub.attempts);
		const ch = await conn.createChannel();
		ch.on("error", (err: Error) => this.logger.warn(`Message bus: consumer channel '${sub.group}': ${err.message}`));
		await ch.prefetch(sub.prefetch);
		sub.channel = ch;
		const { consumerTag } = await ch.consume(this.n.queue(sub.group), msg => {
			if (!msg) return; // consumer cancelled by the server (queue deleted)
			const p = this.onMessage(sub, ch, pub, msg).finally(() => sub.inFlight.delete(p));
			sub.inFlight.add(p);
		}, { noAck: false });
		sub.consumerTag = consumerTag;
	}

	/** One queue of this connection's own, bound to the patterns; every message acknowledged once handled. */
	private async startBroadcast(conn: ChannelModel, sub: Subscription): Promise<void> {
		const ch = await conn.createChannel();
		ch.on("error", (err: Error) => this.logger.warn(`Message bus: broadcast channel '${sub.group}': ${err.message}`));
		await ch.prefetch(sub.prefetch);
		const { queue } = await ch.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
		for (const p of sub.patterns) await ch.bindQueue(queue, this.n.exchange, p);
		sub.channel = ch;
		const { consumerTag } = await ch.consume(queue, msg => {
			if (!msg) return;
			const p = (async () => {
				try {
					await sub.handler(JSON.parse(msg.content.toString()) as DomainMessage);
				} catch (err) {
					this.logger.warn(`Broadcast message dropped by '${sub.group}': ${(err as Error).message}`);
				}
				try { ch.ack(msg); } catch { /* the queue is gone with its channel */ }
			})().finally(() => sub.inFlight.delete(p));
			sub.inFlight.add(p);
		}, { noAck: false });
		sub.consumerTag = consumerTag;
	}

	private async stopConsumer(sub: Subscription): Promise<void> {
		const ch = sub.channel;
		if (ch && sub.consumerTag) await ch.cancel(sub.consumerTag).catch(() => undefined);
		await Promise.allSettled([...sub.inFlight]);
		if (ch) await ch.close().catch(() => undefined);
		sub.channel = null;
		sub.consumerTag = null;
	}

	private async onMessage(sub: Subscription, ch: Channel, pub: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
		const attempt = Number(msg.properties.headers?.[ATTEMPTS] ?? 0) + 1;
		let message: DomainMessage;
		try {
			message = JSON.parse(msg.content.toString()) as DomainMessage;
		} catch (err) {
			// Not JSON: no retry can help. Park it as it is.
			await this.park(pub, sub.group, msg.content, attempt, `unparseable message: ${(err as Error).message}`).then(() => ch.ack(msg), () => undefined);
			return;
		}
		let failure: unknown = null;
		try {
			await sub.handler(message);
		} catch (err) {
			failure = err ?? new Error("handler failed");
		}
		if (!failure) {
			// If the channel died meanwhile the message comes back; the consumer's de-duplication drops it.
			try { ch.ack(msg); } catch { /* redelivered later */ }
			return;
		}
		{
			const err = failure;
			const error = (err as Error).message || String(err);
			try {
				if (attempt >= sub.attempts && !sub.deadLetter) {
					this.logger.error(`Message ${message.id} (${message.event}) failed ${attempt} times in '${sub.group}': dropped (no dead-lettering). Last error: ${error}`);
				} else if (attempt >= sub.attempts) {
					this.logger.error(`Message ${message.id} (${message.event}) failed ${attempt} times in '${sub.group}': parked in the dead-letter queue. Last error: ${error}`);
					await this.park(pub, sub.group, msg.content, attempt, error);
				} else {
					const delay = retryDelayMs(this.opts.retry, attempt);
					this.logger.warn(`Message ${message.id} (${message.event}) failed in '${sub.group}' (attempt ${attempt}/${sub.attempts}): ${error}; retry in ${delay} ms.`);
					await this.confirmPublishRaw(pub, "", this.n.retryQueue(sub.group, delay), msg.content, { [ATTEMPTS]: attempt, [LAST_ERROR]: error.slice(0, 1000) });
				}
				try { ch.ack(msg); } catch { /* redelivered later */ }
			} catch (moveErr) {
				// Could not move it: leave it unacknowledged; it comes back after a reconnect.
				this.logger.warn(`Message bus: could not schedule the retry of ${message.id}: ${(moveErr as Error).message}`);
			}
		}
	}

	private park(pub: ConfirmChannel, group: string, content: Buffer, attempts: number, error: string): Promise<void> {
		return this.confirmPublishRaw(pub, "", this.n.dlq(group), content, { [ATTEMPTS]: attempts, [LAST_ERROR]: error.slice(0, 1000), [FAILED_AT]: new Date().toISOString() });
	}

	private deadLetterOf(msg: { content: Buffer; properties: { headers?: Record<string, unknown> } }): DeadLetter {
		const h = msg.properties.headers ?? {};
		let message: DomainMessage;
		try {
			message = JSON.parse(msg.content.toString()) as DomainMessage;
		} catch {
			message = { event: "unparseable", id: "", occurredAt: "", data: msg.content.toString() } as unknown as DomainMessage;
		}
		return { message, attempts: Number(h[ATTEMPTS] ?? 0), lastError: String(h[LAST_ERROR] ?? ""), failedAt: String(h[FAILED_AT] ?? "") };
	}

	private confirmPublish(ch: ConfirmChannel, exchange: string, key: string, message: DomainMessage, headers: Record<string, unknown>): Promise<void> {
		return this.confirmPublishRaw(ch, exchange, key, Buffer.from(JSON.stringify(message)), headers, message);
	}

	private confirmPublishRaw(ch: ConfirmChannel, exchange: string, key: string, content: Buffer, headers: Record<string, unknown>, message?: DomainMessage): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`no publisher confirm within ${CONFIRM_TIMEOUT_MS} ms`)), CONFIRM_TIMEOUT_MS);
			try {
				ch.publish(exchange, key, content, {
					persistent: true,
					contentType: "application/json",
					messageId: message?.id,
					type: message?.event,
					timestamp: Math.floor(Date.now() / 1000),
					headers,
				}, (err: unknown) => {
					clearTimeout(timer);
					if (err) reject(err instanceof Error ? err : new Error(`message nacked by RabbitMQ: ${String(err)}`));
					else resolve();
				});
			} catch (err) {
				clearTimeout(timer);
				reject(err as Error);
			}
		});
	}
}
