/**
 * The sender: claims due deliveries, posts them (sender.ts), records each outcome and schedules
 * the retry (schedule.ts); disables a webhook that has failed without a success for
 * WEBHOOK_DISABLE_AFTER_MS, with the email to its owner in the same transaction (the outbox: the
 * mail service sends it, store.disableFailing). Runs in a PollLoop; the clock is the service's, so
 * tests move time.
 */
import type { Sequelize } from "sequelize";
import type { WebhooksConfig } from "../../lib/config";
import { nextAttemptAt, shouldDisable, type Schedule } from "./schedule";
import { sendWebhook, type SendOutcome } from "./sender";
import type { Resolver } from "./ssrf";
import { claimDue, dateOf, disableFailing, markDelivered, markFailure, prune, type DueDelivery } from "./store";

/** How often old messages and deliveries are pruned. */
const PRUNE_EVERY_MS = 3_600_000;

export interface DelivererDeps {
	db: () => Sequelize;
	cfg: WebhooksConfig;
	clock: () => Date;
	logger: { info(...a: unknown[]): void; warn(...a: unknown[]): void };
	/** A webhook was disabled: its owner's email waits in the outbox. */
	wakeOutbox: () => void;
	resolve?: Resolver;
}

export class Deliverer {
	private lastPrune = 0;

	constructor(private readonly deps: DelivererDeps) {}

	private get schedule(): Schedule {
		const c = this.deps.cfg;
		return { retry: c.retry, retryForMs: c.retryForMs, disableAfterMs: c.disableAfterMs };
	}

	/** One pass of the loop: true when there may be more due right away. */
	async pass(): Promise<boolean> {
		const { cfg, clock } = this.deps;
		const due = await claimDue(this.deps.db(), cfg.concurrency * 4, cfg.lockMs, clock());
		let next = 0;
		const worker = async () => {
			while (next < due.length) await this.deliver(due[next++]);
		};
		await Promise.all(Array.from({ length: Math.min(cfg.concurrency, due.length) }, worker));
		if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
		return due.length > 0;
	}

	/** Sends one claimed delivery and records what happened; `maxTimeMs` bounds the request further (a caller waits). */
	async deliver(d: DueDelivery, maxTimeMs?: number): Promise<SendOutcome> {
		const { cfg, clock } = this.deps;
		const bound = (ms: number) => (maxTimeMs ? Math.min(ms, maxTimeMs) : ms);
		const outcome = await sendWebhook(d.url, d.secret, d.message_id, d.body, {
			allowPrivate: cfg.allowPrivate, connectTimeoutMs: bound(cfg.connectTimeoutMs), timeoutMs: bound(cfg.timeoutMs), maxResponseBytes: cfg.maxResponseBytes,
			resolve: this.deps.resolve, now: clock(),
		});
		const now = clock();
		const db = this.deps.db();
		if (outcome.ok) {
			await markDelivered(db, d, outcome, now);
			return outcome;
		}
		const retryAt = nextAttemptAt(this.schedule, Number(d.attempts), dateOf(d.first_attempt_at) ?? now, now);
		const failingSince = await markFailure(db, d, outcome, retryAt, now);
		this.deps.logger.warn(`Webhook ${d.webhook_id}: delivery ${d.id} (${d.event} ${d.message_id}) attempt ${d.attempts} failed: ${outcome.error}${retryAt ? `; retry at ${retryAt.toISOString()}` : "; given up"}.`);
		if (shouldDisable(this.schedule, failingSince, now)) {
			const hours = Math.round(this.schedule.disableAfterMs / 3_600_000);
			if (await disableFailing(db, d.webhook_id, `no successful delivery for ${hours} h (last error: ${outcome.error})`, now)) {
				this.deps.logger.warn(`Webhook ${d.webhook_id} disabled: failing since ${failingSince?.toISOString()}.`);
				this.deps.wakeOutbox();
			}
		}
		return outcome;
	}

	/** Forgets messages and finished deliveries older than WEBHOOK_KEEP_DAYS (the service's clock). */
	async prune(): Promise<void> {
		this.lastPrune = Date.now();
		const before = new Date(this.deps.clock().getTime() - this.deps.cfg.keepDays * 86_400_000);
		const gone = await prune(this.deps.db(), before);
		if (gone.messages || gone.deliveries) this.deps.logger.info(`Webhooks: forgot ${gone.messages} message(s) and ${gone.deliveries} delivery row(s) older than ${this.deps.cfg.keepDays} days.`);
	}
}
