/**
 * Transactional outbox (SPEC §4): a service writes its domain messages to its own `outbox`
 * table in the same transaction as the change they describe. A relay (mixins/outbox.mixin.ts)
 * delivers them durably and marks them delivered.
 *
 * Table `outbox` (created by each owning service's migrations with `createOutboxTable`):
 *   id            uuid/text primary key  — the message id of SPEC §4 (consumers de-duplicate on it)
 *   event         text                   — e.g. reservations.reservation.confirmed
 *   payload       text (JSON)            — the whole message { event, id, occurredAt, data }
 *   created_at    timestamp
 *   delivered_at  timestamp null         — set by the relay after the broker confirmed it
 *   attempts      integer default 0
 *   last_error    text null
 */
import { DataTypes, QueryTypes, type QueryInterface, type Sequelize, type Transaction } from "sequelize";
import type { DomainMessage } from "./events";

export const OUTBOX_TABLE = "outbox";

export async function createOutboxTable(qi: QueryInterface): Promise<void> {
	await qi.createTable(OUTBOX_TABLE, {
		id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
		event: { type: DataTypes.STRING(100), allowNull: false },
		payload: { type: DataTypes.TEXT, allowNull: false },
		created_at: { type: DataTypes.DATE, allowNull: false },
		delivered_at: { type: DataTypes.DATE, allowNull: true },
		attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
		last_error: { type: DataTypes.TEXT, allowNull: true },
	});
	await qi.addIndex(OUTBOX_TABLE, ["delivered_at", "created_at"], { name: "outbox_pending_idx" });
}

/** Append a message inside the caller's transaction: it exists iff the change commits. */
export async function appendOutbox(sequelize: Sequelize, t: Transaction, message: DomainMessage): Promise<void> {
	await sequelize.query(
		`INSERT INTO ${OUTBOX_TABLE} (id, event, payload, created_at, attempts) VALUES (:id, :event, :payload, :createdAt, 0)`,
		{ replacements: { id: message.id, event: message.event, payload: JSON.stringify(message), createdAt: new Date(message.occurredAt) }, transaction: t, type: QueryTypes.INSERT },
	);
}
