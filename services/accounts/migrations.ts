/**
 * The accounts service's schema (umzug, run at start by SqlDbMixin): staff users, the single-use
 * links (invitations and password resets, stored as hashes), attempt counters for the brute-force
 * limits, the audit log and the outbox of accounts' own messages.
 *
 * The audit log is append-only in the database itself: triggers refuse UPDATE and DELETE (and
 * TRUNCATE on PostgreSQL), whoever connects. Its primary key is the audit message's id, so a
 * redelivered message adds nothing.
 */
import { DataTypes } from "sequelize";
import type { Migration } from "../../mixins/db.mixin";
import { addOutboxClaims, createOutboxTable, OUTBOX_TABLE } from "../../lib/outbox";

export const USERS_TABLE = "staff_users";
export const LINKS_TABLE = "staff_links";
export const ATTEMPTS_TABLE = "auth_attempts";
export const AUDIT_TABLE = "audit_log";

export const migrations: Migration[] = [
	{
		name: "accounts-001-users",
		async up({ context: qi }) {
			await qi.createTable(USERS_TABLE, {
				id: { type: DataTypes.STRING(40), primaryKey: true, allowNull: false },
				email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
				name: { type: DataTypes.STRING(200), allowNull: false, defaultValue: "" },
				role: { type: DataTypes.STRING(20), allowNull: false },
				hotel_ids: { type: DataTypes.TEXT, allowNull: false },
				active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
				password_hash: { type: DataTypes.STRING(200), allowNull: true },
				version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
				locale: { type: DataTypes.STRING(10), allowNull: false, defaultValue: "en" },
				created_at: { type: DataTypes.DATE, allowNull: false },
				updated_at: { type: DataTypes.DATE, allowNull: false },
				last_login_at: { type: DataTypes.DATE, allowNull: true },
			});
			await qi.createTable(LINKS_TABLE, {
				token_hash: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
				user_id: { type: DataTypes.STRING(40), allowNull: false },
				kind: { type: DataTypes.STRING(10), allowNull: false },
				created_at: { type: DataTypes.DATE, allowNull: false },
				expires_at: { type: DataTypes.DATE, allowNull: false },
				used_at: { type: DataTypes.DATE, allowNull: true },
			});
			await qi.addIndex(LINKS_TABLE, ["user_id"], { name: "staff_links_user_idx" });
			await qi.createTable(ATTEMPTS_TABLE, {
				key: { type: DataTypes.STRING(300), primaryKey: true, allowNull: false },
				count: { type: DataTypes.INTEGER, allowNull: false },
				window_start: { type: DataTypes.DATE, allowNull: false },
			});
		},
		async down({ context: qi }) {
			await qi.dropTable(ATTEMPTS_TABLE);
			await qi.dropTable(LINKS_TABLE);
			await qi.dropTable(USERS_TABLE);
		},
	},
	{
		name: "accounts-002-audit-log",
		async up({ context: qi }) {
			await qi.createTable(AUDIT_TABLE, {
				id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
				at: { type: DataTypes.DATE, allowNull: false },
				service: { type: DataTypes.STRING(40), allowNull: false },
				actor_type: { type: DataTypes.STRING(10), allowNull: false },
				actor_id: { type: DataTypes.STRING(100), allowNull: true },
				actor_email: { type: DataTypes.STRING(254), allowNull: true },
				actor_role: { type: DataTypes.STRING(20), allowNull: true },
				action: { type: DataTypes.STRING(80), allowNull: false },
				target_type: { type: DataTypes.STRING(40), allowNull: false },
				target_id: { type: DataTypes.STRING(100), allowNull: false },
				hotel_id: { type: DataTypes.STRING(64), allowNull: true },
				changes: { type: DataTypes.TEXT, allowNull: false },
				request_id: { type: DataTypes.STRING(100), allowNull: true },
				ip: { type: DataTypes.STRING(64), allowNull: true },
			});
			await qi.addIndex(AUDIT_TABLE, ["at"], { name: "audit_at_idx" });
			await qi.addIndex(AUDIT_TABLE, ["hotel_id", "at"], { name: "audit_hotel_idx" });
			await qi.addIndex(AUDIT_TABLE, ["actor_id", "at"], { name: "audit_actor_idx" });
			await qi.addIndex(AUDIT_TABLE, ["target_id", "at"], { name: "audit_target_idx" });
			const db = qi.sequelize;
			if (db.getDialect() === "postgres") {
				await db.query(`CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
					BEGIN RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP; END $$`);
				await db.query(`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON ${AUDIT_TABLE} FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
				await db.query(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON ${AUDIT_TABLE} FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
			} else {
				await db.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON ${AUDIT_TABLE} BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END`);
				await db.query(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON ${AUDIT_TABLE} BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END`);
			}
		},
		async down() {
			throw new Error("The audit log is never dropped by a migration");
		},
	},
	{
		name: "accounts-003-outbox",
		async up({ context: qi }) {
			await createOutboxTable(qi);
			await addOutboxClaims(qi);
		},
		async down({ context: qi }) {
			await qi.dropTable(OUTBOX_TABLE);
		},
	},
];

/** moleculer-db's model (the service queries with SQL; the model documents the columns). */
export const usersModel = {
	name: USERS_TABLE,
	define: {
		id: { type: DataTypes.STRING(40), primaryKey: true },
		email: DataTypes.STRING(254),
		name: DataTypes.STRING(200),
		role: DataTypes.STRING(20),
		hotel_ids: DataTypes.TEXT,
		active: DataTypes.BOOLEAN,
		version: DataTypes.INTEGER,
		created_at: DataTypes.DATE,
		updated_at: DataTypes.DATE,
		last_login_at: DataTypes.DATE,
	},
	options: { tableName: USERS_TABLE, timestamps: false },
};
