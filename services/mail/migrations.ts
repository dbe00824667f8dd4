/**
 * The mail service's schema (umzug, run at start by SqlDbMixin): the mail log.
 * `message_id` is unique: one row per reservations message (a resend has its own id).
 * `recipient` is the API's `to` (a reserved word in SQL). The `outbox` table holds the
 * mail.message.sent|failed messages, written with the sent/failed marks (lib/outbox.ts).
 */
import { DataTypes } from "sequelize";
import type { Migration } from "../../mixins/db.mixin";
import { addOutboxClaims, createOutboxTable, OUTBOX_TABLE } from "../../lib/outbox";

export const MAILS_TABLE = "mails";

export const migrations: Migration[] = [
	{
		name: "mail-001-mails",
		async up({ context: qi }) {
			await qi.createTable(MAILS_TABLE, {
				id: { type: DataTypes.STRING(36), primaryKey: true, allowNull: false },
				message_id: { type: DataTypes.STRING(100), allowNull: false, unique: true },
				reservation_code: { type: DataTypes.STRING(16), allowNull: false },
				type: { type: DataTypes.STRING(20), allowNull: false },
				recipient: { type: DataTypes.STRING(254), allowNull: false },
				subject: { type: DataTypes.STRING(300), allowNull: false },
				locale: { type: DataTypes.STRING(10), allowNull: false, defaultValue: "en" },
				status: { type: DataTypes.STRING(10), allowNull: false },
				attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
				last_error: { type: DataTypes.TEXT, allowNull: true },
				sent_at: { type: DataTypes.DATE, allowNull: true },
				created_at: { type: DataTypes.DATE, allowNull: false },
				next_attempt_at: { type: DataTypes.DATE, allowNull: false },
				locked_until: { type: DataTypes.DATE, allowNull: true },
				resend_of: { type: DataTypes.STRING(36), allowNull: true },
				payload: { type: DataTypes.TEXT, allowNull: false },
			});
			await qi.addIndex(MAILS_TABLE, ["status", "next_attempt_at"], { name: "mails_due_idx" });
			await qi.addIndex(MAILS_TABLE, ["reservation_code"], { name: "mails_code_idx" });
			await qi.addIndex(MAILS_TABLE, ["created_at"], { name: "mails_created_idx" });
		},
		async down({ context: qi }) {
			await qi.dropTable(MAILS_TABLE);
		},
	},
	{
		// The sender claims the oldest due rows (status 'queued' ORDER BY created_at LIMIT n). With
		// (status, next_attempt_at) PostgreSQL read every queued row and sorted them: 236 ms per claim
		// with 48,000 queued (bench soak), so a backlog drained slower the larger it was. A partial
		// index holds the queued rows only, in claim order: a claim reads the first n (8 ms there).
		// The table works as a queue, so PostgreSQL re-analyses and vacuums it after 1 % of its rows
		// changed instead of 10–20 %: with stale statistics the planner went back to read-and-sort.
		name: "mail-002-queue-index",
		async up({ context: qi }) {
			await qi.sequelize.query(`CREATE INDEX mails_queue_idx ON ${MAILS_TABLE} (created_at) WHERE status = 'queued'`);
			await qi.removeIndex(MAILS_TABLE, "mails_due_idx");
			if (qi.sequelize.getDialect() === "postgres")
				await qi.sequelize.query(`ALTER TABLE ${MAILS_TABLE} SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_analyze_scale_factor = 0.01)`);
		},
		async down({ context: qi }) {
			await qi.addIndex(MAILS_TABLE, ["status", "next_attempt_at"], { name: "mails_due_idx" });
			await qi.sequelize.query(`DROP INDEX mails_queue_idx`);
		},
	},
	{
		name: "mail-003-outbox",
		async up({ context: qi }) {
			await createOutboxTable(qi);
			await addOutboxClaims(qi);
		},
		async down({ context: qi }) {
			await qi.dropTable(OUTBOX_TABLE);
		},
	},
	{
		// Staff scopes (SPEC §11): a manager's mail log shows its hotels' mails only. Staff emails
		// (invitations, resets) have no hotel: owners see them.
		name: "mail-010-hotel-scope",
		async up({ context: qi }) {
			await qi.addColumn(MAILS_TABLE, "hotel_id", { type: DataTypes.STRING(64), allowNull: true });
			await qi.addIndex(MAILS_TABLE, ["hotel_id", "created_at"], { name: "mails_hotel_idx" });
		},
		async down({ context: qi }) {
			await qi.removeColumn(MAILS_TABLE, "hotel_id");
		},
	},
];

/** moleculer-db's model (the service queries with SQL; the model documents the columns). */
export const mailModel = {
	name: MAILS_TABLE,
	define: {
		id: { type: DataTypes.STRING(36), primaryKey: true },
		message_id: DataTypes.STRING(100),
		reservation_code: DataTypes.STRING(16),
		type: DataTypes.STRING(20),
		recipient: DataTypes.STRING(254),
		subject: DataTypes.STRING(300),
		locale: DataTypes.STRING(10),
		status: DataTypes.STRING(10),
		attempts: DataTypes.INTEGER,
		last_error: DataTypes.TEXT,
		sent_at: DataTypes.DATE,
		created_at: DataTypes.DATE,
		next_attempt_at: DataTypes.DATE,
		locked_until: DataTypes.DATE,
		resend_of: DataTypes.STRING(36),
		payload: DataTypes.TEXT,
	},
	options: { tableName: MAILS_TABLE, timestamps: false },
};
