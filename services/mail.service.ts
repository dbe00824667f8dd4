/**
 * mail: the guests' emails (SPEC §3 Mail, §4, §6). Its own database (PostgreSQL via MAIL_DB_URL,
 * SQLite otherwise) holds the mail log; nodemailer sends through SMTP (SMTP_URL) or writes
 * `.eml` files under DATA_DIR/outbox.
 *
 * Flow: reservations.reservation.confirmed|modified|cancelled arrive through the durable bus
 * (the `consumers:` block). Each message queues one mail row; the row's unique message id makes a
 * redelivery a no-op (dedupe "handler"), and the rows of the messages that arrive together are
 * written by one INSERT (group commit, lib/batcher.ts); a message is acknowledged after its row
 * committed. The sender loop claims due rows, sends them and marks them sent (again one UPDATE
 * for the rows sent together), or retries with the one back-off policy (lib/retry.ts) and marks
 * them failed after MAIL_MAX_ATTEMPTS. Each outcome's mail.message.sent|failed message is written
 * to the mail database's outbox with the mark and relayed by OutboxRelayMixin.
 *
 * Knobs: lib/config.ts `messaging.mail` (MAIL_SEND_CONCURRENCY: sends in flight and SMTP
 * connections, MAIL_MAX_ATTEMPTS, MAIL_LOCK_MS: how long a claimed row is reserved for the node
 * sending it, MAIL_POLL_MS) and the retry policy (RETRY_BASE_MS, RETRY_MAX_MS).
 */
import crypto from "crypto";
import type { Context, Service, ServiceSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import { SqlDbMixin } from "../mixins/db.mixin";
import OutboxRelayMixin from "../mixins/outbox.mixin";
import ValidationMixin, { pageOf, paginationParams, rules, type Page } from "../mixins/validation.mixin";
import { loadConfig, type AppConfig } from "../lib/config";
import { notFound } from "../lib/errors";
import { Events, makeMessage, type DomainMessage } from "../lib/events";
import { AppMetric, countMetric } from "../lib/metrics";
import type { AppMeta } from "../types/moleculer";
import { mailModel, migrations } from "./mail/migrations";
import { renderMail, subjectOf } from "./mail/render";
import { Batcher } from "../lib/batcher";
import { PollLoop } from "../lib/poll-loop";
import { retryDelayMs, type RetryPolicy } from "../lib/retry";
import { claimDue, getRow, insertQueued, insertQueuedMany, listRows, markFailed, markRetry, markSentMany, toEntry, type ListFilters, type Marked, type MailRow, type NewMail } from "./mail/store";
import { createMailTransport, type MailTransport } from "./mail/transport";
import { MAIL_STATUSES, MAIL_TYPES, mailTypeOf, missingFields, type MailLogEntry, type ReservationData } from "./mail/types";
import { pickLocale } from "./mail/i18n";
import { assertHotelAccess, hotelScope, isInternalCall, listScope } from "../lib/access";
import { auditMessage } from "../lib/audit";
import { appendOutbox } from "../lib/outbox";
import { isStaffMailType, renderStaffMail, staffMailProblem, staffSubject, type StaffMailData } from "./mail/staff-templates";

interface MailSettings {
	concurrency: number;
	maxAttempts: number;
	retry: RetryPolicy;
	lockMs: number;
	pollMs: number;
}

interface MailMethods {
	onReservationMessage(message: DomainMessage<ReservationData>): Promise<void>;
	sendDue(): Promise<number>;
	sendRow(row: MailRow): Promise<void>;
	wakeSender(): void;
	wakeOutboxRelay(): void;
}

interface MailThis extends Service<MailSettings>, MailMethods {
	sequelize: Sequelize;
	cfg: AppConfig;
	transport: MailTransport;
	sender: PollLoop;
	/** Group commits: queued rows from the consumer, `sent` marks from the sender. */
	queued: Batcher<NewMail>;
	sentMarks: Batcher<Marked>;
}

function settingsOf(cfg: AppConfig): MailSettings {
	return { ...cfg.messaging.mail, retry: cfg.messaging.retry };
}

const MailService: ServiceSchema<MailSettings, MailMethods, Record<string, unknown>, MailThis> = {
	name: "mail",
	mixins: [
		// Before SqlDbMixin: the relay starts once the store is connected and stops before it closes.
		OutboxRelayMixin(),
		SqlDbMixin({ name: "mail", url: cfg => cfg.mailDbUrl, model: mailModel, migrations }),
		ValidationMixin,
	],

	/** created() applies the configuration of that moment (see the header). */
	settings: {} as MailSettings,

	consumers: {
		reservations: {
			events: ["reservations.reservation.*"],
			// The mail row's unique message_id de-duplicates (ON CONFLICT DO NOTHING): a message costs
			// one row in a multi-row INSERT, without a transaction of its own.
			dedupe: "handler",
			concurrency: 100,
			async handler(this: MailThis, message: DomainMessage<ReservationData>) {
				await this.onReservationMessage(message);
			},
		},
		/**
		 * Staff emails: invitations and password resets (accounts.mail.requested), a disabled
		 * webhook's notice to its owner (webhooks.mail.requested). The same log, sender and retries.
		 */
		staff: {
			events: [Events.ACCOUNTS_MAIL_REQUESTED, Events.WEBHOOKS_MAIL_REQUESTED], group: "mail-staff", dedupe: "handler",
			async handler(this: MailThis, message: DomainMessage<StaffMailData>) {
				const problem = staffMailProblem(message?.data);
				if (problem) return this.logger.warn(`Staff mail message ${message?.id} (${message?.event}) dropped: ${problem}`);
				const d = message.data;
				await insertQueued(this.sequelize, null, {
					// The staff types outside MailType (invitation, reset) are stored as they are.
					messageId: message.id, reservationCode: "", type: d.type as NewMail["type"], to: d.to, subject: staffSubject(d),
					locale: pickLocale(d.locale), payload: JSON.stringify(message), hotelId: null,
				});
				this.wakeSender();
			},
		},
	},

	actions: {
		list: {
			rest: "GET /mails",
			auth: "admin",
			permission: "mail.manage",
			openapi: { summary: "The mail log, newest first, with filters and pages", tags: ["mail"] },
			params: {
				$$strict: true,
				reservationCode: { type: "string", trim: true, min: 1, max: 16, pattern: "^[A-Za-z0-9]+$", optional: true, messages: { stringPattern: "The 'reservationCode' field must be a booking code (letters and digits)" } },
				status: { type: "enum", values: [...MAIL_STATUSES], optional: true, messages: { enumValue: `The 'status' field must be one of: ${MAIL_STATUSES.join(", ")}` } },
				type: { type: "enum", values: [...MAIL_TYPES], optional: true, messages: { enumValue: `The 'type' field must be one of: ${MAIL_TYPES.join(", ")}` } },
				...paginationParams,
			},
			async handler(this: MailThis, ctx: Context<ListFilters, AppMeta>): Promise<Page<MailLogEntry>> {
				const { rows, total } = await listRows(this.sequelize, { ...ctx.params, hotelIds: listScope(ctx.meta.user, "mail.manage") });
				return pageOf(rows.map(toEntry), total, ctx.params.page, ctx.params.pageSize);
			},
		},

		resend: {
			rest: "POST /mails/:id/resend",
			auth: "admin",
			permission: "mail.manage",
			openapi: { summary: "Send a mail again (a new entry in the log)", status: 202, tags: ["mail"] },
			params: { $$strict: true, id: rules.id },
			async handler(this: MailThis, ctx: Context<{ id: string }, AppMeta>): Promise<MailLogEntry> {
				const original = await getRow(this.sequelize, ctx.params.id);
				if (!original) throw notFound("Mail", ctx.params.id);
				const user = ctx.meta.user;
				// Another hotel's mail, or a staff email for a scoped user: as if it did not exist.
				if (original.hotel_id) assertHotelAccess(user, "mail.manage", original.hotel_id, "Mail");
				else if (!isInternalCall(user) && hotelScope(user) !== null) throw notFound("Mail", ctx.params.id);
				const audit = auditMessage("mail", ctx, "mail.resend", { type: "mail", id: original.id, hotelId: original.hotel_id ?? null },
					{ resent: [null, { type: original.type, to: original.recipient, reservationCode: original.reservation_code || null }] });
				// The new row and its audit entry in one transaction.
				const id = await this.sequelize.transaction(async t => {
					const newId = await insertQueued(this.sequelize, t, {
					messageId: `resend:${crypto.randomUUID()}`,
					reservationCode: original.reservation_code,
					type: original.type,
					to: original.recipient,
					subject: original.subject,
					locale: original.locale,
					payload: original.payload,
					resendOf: original.id,
					hotelId: original.hotel_id ?? null,
				});
					await appendOutbox(this.sequelize, t, audit);
					return newId;
				});
				this.wakeSender();
				this.wakeOutboxRelay();
				ctx.meta.$statusCode = 202;
				return toEntry((await getRow(this.sequelize, id as string)) as MailRow);
			},
		},
	},

	methods: {
		/**
		 * Consumer of reservations.reservation.*: queues the guest's email. Resolves once the row is
		 * committed (with the other messages of its batch); the bus acknowledges the message then.
		 */
		async onReservationMessage(this: MailThis, message: DomainMessage<ReservationData>): Promise<void> {
			const type = mailTypeOf(message.event);
			if (!type) return; // another reservations event: nothing to send
			// Booked by staff for a guest who gave no email (reservations/booking.ts): nothing to send.
			if (message.data?.reservation?.guest?.email === "") return;
			const missing = missingFields(message.data);
			if (missing.length) throw new Error(`message ${message.id} cannot make an email: missing ${missing.join(", ")}`);
			const data = message.data;
			await this.queued.add({
				messageId: message.id,
				reservationCode: data.reservation.code,
				type,
				to: data.reservation.guest.email,
				subject: subjectOf(data, type),
				locale: pickLocale(data.reservation.guest.locale),
				payload: JSON.stringify(message),
				hotelId: data.hotel.id ?? (data.reservation as { hotelId?: string }).hotelId ?? null,
			});
		},

		wakeSender(this: MailThis): void {
			this.sender?.wake();
		},

		/** Claims a batch of due rows and sends them, `concurrency` at a time; returns how many were claimed. */
		async sendDue(this: MailThis): Promise<number> {
			const { concurrency, lockMs } = this.settings;
			const rows = await claimDue(this.sequelize, Math.min(concurrency * 5, 200), lockMs);
			let next = 0;
			const worker = async () => {
				while (next < rows.length) await this.sendRow(rows[next++]);
			};
			await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
			return rows.length;
		},

		async sendRow(this: MailThis, row: MailRow): Promise<void> {
			const attempts = Number(row.attempts);
			let error: string;
			try {
				const message = JSON.parse(row.payload) as DomainMessage<ReservationData>;
				// Staff emails (staff-templates.ts) have no calendar file.
				const mail = isStaffMailType(row.type) ? { ...renderStaffMail(message.data as unknown as StaffMailData, { publicUrl: this.cfg.publicUrl }), ics: null }
					: renderMail(message.data, row.type, { publicUrl: this.cfg.publicUrl, mailFrom: this.cfg.mailFrom });
				await this.transport.send({
					from: this.cfg.mailFrom,
					to: row.recipient,
					subject: mail.subject,
					html: mail.html,
					text: mail.text,
					messageId: `<${row.id}@hotel-booking>`,
					headers: { "X-Hotel-Message-Id": row.message_id, "X-Hotel-Reservation": row.reservation_code, "X-Hotel-Mail-Type": row.type },
					attachments: mail.ics ? [{ filename: mail.ics.filename, content: mail.ics.content, contentType: `text/calendar; charset=utf-8; method=${mail.ics.method}` }] : [],
				}, `${new Date().toISOString().replace(/[:.]/g, "-")}-${row.reservation_code}-${row.type}-${row.id}`);
				await this.sentMarks.add({ id: row.id, message: makeMessage(Events.MAIL_SENT, { mailId: row.id, messageId: row.message_id, reservationCode: row.reservation_code, type: row.type, to: row.recipient }) });
				countMetric(this.broker, AppMetric.MAILS_SENT, { type: row.type });
				return;
			} catch (err) {
				error = (err as Error).message || String(err);
			}
			countMetric(this.broker, AppMetric.MAILS_FAILED, { type: row.type });
			if (attempts >= this.settings.maxAttempts) {
				await markFailed(this.sequelize, row.id, error, makeMessage(Events.MAIL_FAILED, { mailId: row.id, messageId: row.message_id, reservationCode: row.reservation_code, type: row.type, to: row.recipient, error }));
				this.wakeOutboxRelay();
				this.logger.error(`Mail ${row.id} (${row.type} ${row.reservation_code}) failed ${attempts} times; giving up: ${error}`);
			} else {
				const delay = retryDelayMs(this.settings.retry, attempts);
				await markRetry(this.sequelize, row.id, error, new Date(Date.now() + delay));
				this.logger.warn(`Mail ${row.id} (${row.type} ${row.reservation_code}) attempt ${attempts} failed: ${error}; retry in ${delay} ms.`);
			}
		},
	},

	created(this: MailThis) {
		this.cfg = loadConfig();
		Object.assign(this.settings, settingsOf(this.cfg));
		this.queued = new Batcher(async rows => {
			await insertQueuedMany(this.sequelize, rows);
			this.wakeSender();
		}, { max: 200 });
		this.sentMarks = new Batcher(async marks => {
			await markSentMany(this.sequelize, marks);
			this.wakeOutboxRelay();
		}, { max: 200 });
	},

	async started(this: MailThis) {
		this.transport = createMailTransport(this.cfg, this.settings.concurrency);
		this.sender = new PollLoop({ name: "Mail sender pass", pollMs: this.settings.pollMs, logger: this.logger, pass: async () => (await this.sendDue()) > 0 });
		this.logger.info(`Mail transport: ${this.transport.kind}.`);
	},

	async stopped(this: MailThis) {
		await this.sender?.stop();
		this.transport?.close();
	},
};

export default MailService;
