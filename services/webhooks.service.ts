/**
 * webhooks: outgoing webhooks per Standard Webhooks (SPEC §13), a service of its own with its own
 * database (WEBHOOKS_DB_URL, PostgreSQL; SQLite under DATA_DIR otherwise) so a slow or dead
 * receiver costs bookings and logins nothing (docs/webhooks.md).
 *
 * Flow: the §4 events arrive through the durable bus (the `consumers:` block, its own queue:
 * messages published while no webhooks node runs wait there). Each message is stored (for replay)
 * with one delivery row per enabled webhook it matches, in one transaction whose message row is
 * the de-duplication record (the messages that arrive together share it: lib/batcher.ts). The sender loop (./webhooks/delivery.ts) claims due deliveries,
 * posts them signed, retries with back-off for a day, and disables a webhook failing for three,
 * writing the email to its owner to the outbox with it (webhooks.mail.requested: the mail service
 * sends it, with its log and retries).
 *
 * Knobs: lib/config.ts `webhooks` (WEBHOOK_ALLOW_PRIVATE, WEBHOOK_*_MS, WEBHOOK_CONCURRENCY …).
 */
import crypto from "crypto";
import type { Context, Service, ServiceSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import { SqlDbMixin } from "../mixins/db.mixin";
import OutboxRelayMixin, { type RelayMethods } from "../mixins/outbox.mixin";
import { auditMessage, changesOf, type AuditContext } from "../lib/audit";
import ValidationMixin, { pageOf, paginationParams, rules, type Page } from "../mixins/validation.mixin";
import { loadConfig, type AppConfig } from "../lib/config";
import { appError, ErrorType, notFound, validationError } from "../lib/errors";
import type { DomainMessage } from "../lib/events";
import { Batcher } from "../lib/batcher";
import { PollLoop } from "../lib/poll-loop";
import type { AppMeta } from "../types/moleculer";
import { assertMayTarget, assertSees, canSee, ownerEmailOf } from "./webhooks/access";
import { Deliverer } from "./webhooks/delivery";
import { migrations, webhookModel } from "./webhooks/migrations";
import { CONSUMED_PATTERNS, hotelOf, MAX_PATTERNS, TEST_EVENT } from "./webhooks/patterns";
import { systemResolver, type Resolver } from "./webhooks/ssrf";
import * as store from "./webhooks/store";
import { DELIVERY_STATUSES, type DeliveryStatus, type WebhookDelivery, type WebhookView } from "./webhooks/types";
import { assertValidWebhook } from "./webhooks/validate";

interface WebhooksThis extends Service, Pick<RelayMethods, "wakeOutboxRelay"> {
	sequelize: Sequelize;
	cfg: AppConfig;
	/** The service's clock (tests replace it to move time). */
	clock: () => Date;
	/** DNS for the SSRF guard (tests replace it). */
	resolve?: Resolver;
	deliverer: Deliverer;
	/** Group commit of the consumer: the messages that arrive together are stored by one transaction. */
	incoming: Batcher<store.Incoming>;
	sender: PollLoop | null;
	visible(ctx: Context<{ id: string }, AppMeta>): Promise<store.WebhookRow>;
}

/**
 * The audit entries of a staff change (SPEC §11), one per hotel the webhook names before or after
 * it ("*": one without a hotel) so each hotel's log shows it; the secret only as "set".
 */
function auditOf(ctx: AuditContext, action: string): store.AuditOf {
	return (before, after) => {
		const hotels = [...new Set([...(before?.hotelIds ?? []), ...(after?.hotelIds ?? [])])];
		const withSecret = (v: WebhookView | null) => v && { ...v, secret: "set" };
		const changes = changesOf(action === "webhook.create" ? null : withSecret(before), action === "webhook.delete" ? null : withSecret(after), { ignore: ["createdAt", "failingSince"] });
		const id = (after ?? before)!.id;
		return hotels.map(h => auditMessage("webhooks", ctx, action, { type: "webhook", id, hotelId: h === "*" ? null : h }, changes));
	};
}

type Ctx<P> = Context<P, AppMeta>;
interface Input { url: string; events: string[]; hotelIds: string[] }

const hotelIdsRule = { type: "array", min: 1, max: 100, items: { type: "string", trim: true, min: 1, max: 64, pattern: "^(\\*|[A-Za-z0-9][A-Za-z0-9_-]{0,63})$", messages: { stringPattern: "The '{field}' field must be a hotel id or '*' (every hotel)" } } };
const eventsRule = { type: "array", min: 1, max: MAX_PATTERNS, items: { type: "string", min: 1, max: 100 } };
const urlRule = { type: "string", trim: true, min: 1, max: 2000 };
const common = { auth: "admin" as const, permission: "webhooks.manage" as const };
const tags = ["webhooks"];

/** The test event's request, answered to a waiting caller (the gateway's request timeout is 10 s). */
const TEST_SEND_MS = 5_000;

/** A Standard Webhooks secret: "whsec_" and 32 random bytes in base64. */
const newSecret = () => `whsec_${crypto.randomBytes(32).toString("base64")}`;

const WebhooksService: ServiceSchema<Record<string, unknown>, Record<string, never>, Record<string, unknown>, WebhooksThis> = {
	name: "webhooks",
	mixins: [
		// Before SqlDbMixin: the relay starts once the store is connected and stops before it closes.
		OutboxRelayMixin({ store: s => (s.sequelize ? store.serialOutboxStore(s.sequelize as Sequelize) : null) }),
		SqlDbMixin({ name: "webhooks", url: cfg => cfg.webhooksDbUrl, model: webhookModel, migrations }),
		ValidationMixin,
	],

	consumers: {
		events: {
			events: CONSUMED_PATTERNS,
			// The webhook_messages row (primary key = message id) is the de-duplication record, written
			// in the transaction that queues the deliveries (store.recordMessages).
			dedupe: "handler",
			concurrency: 100,
			async handler(this: WebhooksThis, message: DomainMessage) {
				// Checked alone: a message the table cannot hold must not fail the others of its batch.
				if (message.id.length > 100 || message.event.length > 100 || Number.isNaN(Date.parse(message.occurredAt)))
					throw new Error(`message ${message.id.slice(0, 100)} cannot be stored (id or event over 100 characters, or no occurredAt)`);
				await this.incoming.add({ message, hotel: hotelOf(message) });
			},
		},
	},

	actions: {
		create: {
			...common, rest: "POST /webhooks",
			openapi: { summary: "Subscribe a URL to events of some hotels; the answer carries the signing secret, shown this once", status: 201, tags },
			params: { $$strict: true, url: urlRule, events: eventsRule, hotelIds: hotelIdsRule },
			async handler(this: WebhooksThis, ctx: Ctx<Input>): Promise<WebhookView & { secret: string }> {
				assertMayTarget(ctx.meta.user, ctx.params.hotelIds);
				await assertValidWebhook(ctx.params, { allowPrivate: this.cfg.webhooks.allowPrivate, resolve: this.resolve });
				const secret = newSecret();
				const row = await store.insertWebhook(this.sequelize, { url: ctx.params.url, events: ctx.params.events, hotelIds: [...new Set(ctx.params.hotelIds)], secret, ownerEmail: ownerEmailOf(ctx.meta.user) }, this.clock(), auditOf(ctx, "webhook.create"));
				this.wakeOutboxRelay();
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/webhooks/${row.id}`;
				return { ...store.toView(row), secret };
			},
		},

		list: {
			...common, rest: "GET /webhooks",
			openapi: { summary: "The webhooks of the caller's hotels, newest first", tags },
			params: { $$strict: true, ...paginationParams },
			async handler(this: WebhooksThis, ctx: Ctx<{ page: number; pageSize: number }>): Promise<Page<WebhookView>> {
				const rows = (await store.allWebhooks(this.sequelize)).map(store.toView).filter(w => canSee(ctx.meta.user, w.hotelIds));
				const { page, pageSize } = ctx.params;
				return pageOf(rows.slice((page - 1) * pageSize, page * pageSize), rows.length, page, pageSize);
			},
		},

		get: {
			...common, rest: "GET /webhooks/:id",
			openapi: { summary: "One webhook (never its secret)", tags },
			params: { $$strict: true, id: rules.id },
			async handler(this: WebhooksThis, ctx: Ctx<{ id: string }>): Promise<WebhookView> {
				return store.toView(await this.visible(ctx));
			},
		},

		update: {
			...common, rest: "PATCH /webhooks/:id",
			openapi: { summary: "Change a webhook's URL, events or hotels, or enable/disable it (enabling clears its failure record)", tags },
			params: { $$strict: true, id: rules.id, url: { ...urlRule, optional: true }, events: { ...eventsRule, optional: true }, hotelIds: { ...hotelIdsRule, optional: true }, enabled: { type: "boolean", optional: true } },
			async handler(this: WebhooksThis, ctx: Ctx<{ id: string; url?: string; events?: string[]; hotelIds?: string[]; enabled?: boolean }>): Promise<WebhookView> {
				await this.visible(ctx);
				const { id, ...changes } = ctx.params;
				if (changes.hotelIds) assertMayTarget(ctx.meta.user, changes.hotelIds);
				await assertValidWebhook(changes, { allowPrivate: this.cfg.webhooks.allowPrivate, resolve: this.resolve });
				const row = await store.updateWebhook(this.sequelize, id, { ...changes, hotelIds: changes.hotelIds && [...new Set(changes.hotelIds)] }, this.clock(), auditOf(ctx, "webhook.update"));
				this.wakeOutboxRelay();
				if (!row) throw notFound("Webhook", id);
				if (changes.enabled) this.sender?.wake();
				return store.toView(row);
			},
		},

		remove: {
			...common, rest: "DELETE /webhooks/:id",
			openapi: { summary: "Delete a webhook and its delivery log", status: 204, tags },
			params: { $$strict: true, id: rules.id },
			async handler(this: WebhooksThis, ctx: Ctx<{ id: string }>): Promise<void> {
				await this.visible(ctx);
				await store.deleteWebhook(this.sequelize, ctx.params.id, auditOf(ctx, "webhook.delete"));
				this.wakeOutboxRelay();
				ctx.meta.$statusCode = 204;
			},
		},

		test: {
			...common, rest: "POST /webhooks/:id/test",
			openapi: { summary: `Send a test event (${TEST_EVENT}) now; answers its delivery (one attempt, not retried)`, tags },
			params: { $$strict: true, id: rules.id },
			async handler(this: WebhooksThis, ctx: Ctx<{ id: string }>): Promise<WebhookDelivery> {
				const w = await this.visible(ctx);
				if (!Number(w.enabled)) throw appError(ErrorType.INVALID_STATE, "The webhook is disabled: enable it first");
				const now = this.clock();
				const message = { event: TEST_EVENT, id: crypto.randomUUID(), occurredAt: now.toISOString(), data: { webhookId: w.id, hotelIds: JSON.parse(w.hotel_ids), test: true } };
				const delivery = await store.insertTest(this.sequelize, w, message as unknown as DomainMessage, this.cfg.webhooks.lockMs, now);
				// The caller waits for it: its lookup and request end well within the request timeout.
				await this.deliverer.deliver(delivery, TEST_SEND_MS);
				return store.toDelivery((await store.getDelivery(this.sequelize, delivery.id)) as store.DeliveryRow);
			},
		},

		deliveries: {
			...common, rest: "GET /webhooks/:id/deliveries",
			openapi: { summary: "The delivery log of a webhook, newest first: status, response code, latency, attempts, error", tags },
			params: { $$strict: true, id: rules.id, status: { type: "enum", values: [...DELIVERY_STATUSES], optional: true }, ...paginationParams },
			async handler(this: WebhooksThis, ctx: Ctx<{ id: string; status?: DeliveryStatus; page: number; pageSize: number }>): Promise<Page<WebhookDelivery>> {
				await this.visible(ctx);
				const { rows, total } = await store.listDeliveries(this.sequelize, ctx.params.id, ctx.params);
				return pageOf(rows.map(store.toDelivery), total, ctx.params.page, ctx.params.pageSize);
			},
		},

		replay: {
			...common, rest: "POST /webhooks/:id/replay",
			openapi: { summary: "Send again the stored events this webhook matches, from a message id or a time (to: exclusive end), oldest first", status: 202, tags },
			params: {
				$$strict: true, id: rules.id,
				fromMessageId: { type: "string", min: 1, max: 100, optional: true },
				from: { type: "date", convert: true, optional: true },
				to: { type: "date", convert: true, optional: true },
			},
			async handler(this: WebhooksThis, ctx: Ctx<{ id: string; fromMessageId?: string; from?: Date; to?: Date }>): Promise<{ replayed: number }> {
				const w = await this.visible(ctx);
				const { fromMessageId, from, to } = ctx.params;
				if ((fromMessageId == null) === (from == null)) throw validationError([{ field: "from", type: "required", message: "Give exactly one of 'fromMessageId' and 'from'" }]);
				const start = fromMessageId ? await store.messageTime(this.sequelize, fromMessageId) : from!;
				if (!start) throw validationError([{ field: "fromMessageId", type: "unknown", message: `The 'fromMessageId' field names no stored message ('${fromMessageId}')`, actual: fromMessageId }]);
				if (to && to <= start) throw validationError([{ field: "to", type: "dateMin", message: "The 'to' field must be after the start of the range" }]);
				const replayed = await store.replay(this.sequelize, w, { from: start, to }, 10_000, this.clock());
				this.sender?.wake();
				ctx.meta.$statusCode = 202;
				return { replayed };
			},
		},
	},

	methods: {
		/** The webhook of `ctx.params.id` when the caller may see it; 404 otherwise (unknown or another hotel's). */
		async visible(this: WebhooksThis, ctx: Ctx<{ id: string }>): Promise<store.WebhookRow> {
			const row = await store.getWebhook(this.sequelize, ctx.params.id);
			if (!row) throw notFound("Webhook", ctx.params.id);
			assertSees(ctx.meta.user, row.id, JSON.parse(row.hotel_ids) as string[]);
			return row;
		},
	},

	created(this: WebhooksThis) {
		this.cfg = loadConfig();
		this.clock = () => new Date();
		this.sender = null;
		this.incoming = new Batcher(async batch => {
			if (await store.recordMessages(this.sequelize, batch, this.clock())) this.sender?.wake();
		}, { max: 200 });
		this.deliverer = new Deliverer({
			db: () => this.sequelize, cfg: this.cfg.webhooks, clock: () => this.clock(), logger: this.logger,
			wakeOutbox: () => this.wakeOutboxRelay(),
			resolve: host => (this.resolve ?? systemResolver)(host),
		});
	},

	async started(this: WebhooksThis) {
		this.sender = new PollLoop({ name: "Webhook sender pass", pollMs: this.cfg.webhooks.pollMs, logger: this.logger, pass: () => this.deliverer.pass() });
		if (this.cfg.webhooks.allowPrivate) this.logger.warn("WEBHOOK_ALLOW_PRIVATE=true: webhooks may target loopback and private addresses.");
	},

	async stopped(this: WebhooksThis) {
		await this.sender?.stop();
		this.sender = null;
	},
};

export default WebhooksService;
