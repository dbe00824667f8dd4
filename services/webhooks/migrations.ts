/**
 * The webhooks service's schema (umzug, run at start by SqlDbMixin), in its own database
 * (WEBHOOKS_DB_URL or SQLite under DATA_DIR):
 *  - webhooks: the subscriptions; `secret` is the Standard Webhooks key ("whsec_…"), needed
 *    as it is to sign (HMAC), never returned after creation nor logged (docs/webhooks.md);
 *  - webhook_messages: every §4 message received, for replay; its primary key (the message id)
 *    is the consumer's de-duplication record;
 *  - webhook_deliveries: one row per message and webhook (a replay or a test adds rows), the
 *    sender's queue and the delivery log;
 *  - outbox: the audit entries of staff's changes (webhooks.audit.recorded, lib/audit.ts) and
 *    the owners' emails of automatic disables (webhooks.mail.requested, notice.ts), written with
 *    the change and relayed by OutboxRelayMixin.
 */
import { DataTypes, QueryTypes } from "sequelize";
import type { Migration } from "../../mixins/db.mixin";
import { addOutboxClaims, appendOutbox, createOutboxTable, OUTBOX_TABLE } from "../../lib/outbox";
import { disabledNotice } from "./notice";

export const WEBHOOKS_TABLE = "webhooks";
export const MESSAGES_TABLE = "webhook_messages";
export const DELIVERIES_TABLE = "webhook_deliveries";

export const migrations: Migration[] = [
	{
		name: "webhooks-001-tables",
		async up({ context: qi }) {
			await qi.createTable(WEBHOOKS_TABLE, {
				id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
				url: { type: DataTypes.STRING(2000), allowNull: false },
				events: { type: DataTypes.TEXT, allowNull: false },
				hotel_ids: { type: DataTypes.TEXT, allowNull: false },
				secret: { type: DataTypes.STRING(100), allowNull: false },
				enabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
				disabled_reason: { type: DataTypes.TEXT, allowNull: true },
				disabled_at: { type: DataTypes.DATE, allowNull: true },
				/** The first failure since the last success (null: healthy). */
				failing_since: { type: DataTypes.DATE, allowNull: true },
				/** Until webhooks-003: the automatic disable was still to be mailed (now the outbox's job). */
				notice_pending: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
				notice_sent_at: { type: DataTypes.DATE, allowNull: true },
				owner_email: { type: DataTypes.STRING(254), allowNull: true },
				created_at: { type: DataTypes.DATE, allowNull: false },
				updated_at: { type: DataTypes.DATE, allowNull: false },
			});
			await qi.createTable(MESSAGES_TABLE, {
				id: { type: DataTypes.STRING(100), primaryKey: true, allowNull: false },
				event: { type: DataTypes.STRING(100), allowNull: false },
				hotel_id: { type: DataTypes.STRING(64), allowNull: true },
				occurred_at: { type: DataTypes.DATE, allowNull: false },
				received_at: { type: DataTypes.DATE, allowNull: false },
				payload: { type: DataTypes.TEXT, allowNull: false },
			});
			await qi.addIndex(MESSAGES_TABLE, ["occurred_at", "id"], { name: "webhook_messages_time_idx" });
			await qi.createTable(DELIVERIES_TABLE, {
				id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
				webhook_id: { type: DataTypes.STRING(36), allowNull: false },
				message_id: { type: DataTypes.STRING(100), allowNull: false },
				event: { type: DataTypes.STRING(100), allowNull: false },
				/** "event" (from the bus), "replay", or "test" (its message in `payload`, not in webhook_messages). */
				kind: { type: DataTypes.STRING(10), allowNull: false },
				status: { type: DataTypes.STRING(10), allowNull: false },
				attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
				next_attempt_at: { type: DataTypes.DATE, allowNull: false },
				locked_until: { type: DataTypes.DATE, allowNull: true },
				first_attempt_at: { type: DataTypes.DATE, allowNull: true },
				last_attempt_at: { type: DataTypes.DATE, allowNull: true },
				response_status: { type: DataTypes.INTEGER, allowNull: true },
				latency_ms: { type: DataTypes.INTEGER, allowNull: true },
				error: { type: DataTypes.TEXT, allowNull: true },
				payload: { type: DataTypes.TEXT, allowNull: true },
				created_at: { type: DataTypes.DATE, allowNull: false },
				delivered_at: { type: DataTypes.DATE, allowNull: true },
			});
			await qi.sequelize.query(`CREATE INDEX webhook_deliveries_queue_idx ON ${DELIVERIES_TABLE} (next_attempt_at) WHERE status = 'pending'`);
			await qi.addIndex(DELIVERIES_TABLE, ["webhook_id", "created_at"], { name: "webhook_deliveries_log_idx" });
		},
		async down({ context: qi }) {
			await qi.dropTable(DELIVERIES_TABLE);
			await qi.dropTable(MESSAGES_TABLE);
			await qi.dropTable(WEBHOOKS_TABLE);
		},
	},
	{
		name: "webhooks-002-outbox",
		async up({ context: qi }) {
			await createOutboxTable(qi);
			await addOutboxClaims(qi);
		},
		async down({ context: qi }) {
			await qi.dropTable(OUTBOX_TABLE);
		},
	},
	{
		// The owner's email now leaves through the outbox with the disable: the notices still
		// pending move there, and the columns that tracked them go.
		name: "webhooks-003-notice-outbox",
		async up({ context: qi }) {
			const db = qi.sequelize;
			await db.transaction(async t => {
				const pending = await db.query<{ id: string; url: string; owner_email: string | null; disabled_reason: string | null; disabled_at: string | Date | null }>(
					`SELECT id, url, owner_email, disabled_reason, disabled_at FROM ${WEBHOOKS_TABLE} WHERE notice_pending = :yes AND enabled = :no`,
					{ replacements: { yes: true, no: false }, type: QueryTypes.SELECT, transaction: t });
				for (const w of pending) {
					const notice = disabledNotice(w, w.disabled_reason ?? "repeated failures", new Date(w.disabled_at ?? Date.now()));
					if (notice) await appendOutbox(db, t, notice);
				}
			});
			await qi.removeColumn(WEBHOOKS_TABLE, "notice_pending");
			await qi.removeColumn(WEBHOOKS_TABLE, "notice_sent_at");
		},
		async down({ context: qi }) {
			await qi.addColumn(WEBHOOKS_TABLE, "notice_pending", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
			await qi.addColumn(WEBHOOKS_TABLE, "notice_sent_at", { type: DataTypes.DATE, allowNull: true });
		},
	},
];

/** moleculer-db's model (the service queries with SQL; the model documents the columns). */
export const webhookModel = {
	name: WEBHOOKS_TABLE,
	define: {
		id: { type: DataTypes.STRING(36), primaryKey: true },
		url: DataTypes.STRING(2000),
		events: DataTypes.TEXT,
		hotel_ids: DataTypes.TEXT,
		enabled: DataTypes.BOOLEAN,
		created_at: DataTypes.DATE,
		updated_at: DataTypes.DATE,
	},
	options: { tableName: WEBHOOKS_TABLE, timestamps: false },
};
