/**
 * De-duplication by message id (SPEC §4): each consumer records the ids it has processed in
 * its own database, in the same transaction as the effect of the message. The primary key
 * makes a second delivery of the same message a no-op, even across nodes. The table is created
 * by the consumer's migrations (`createProcessedTable`).
 */
import { QueryTypes, type QueryInterface, type Sequelize, type Transaction } from "sequelize";
import type { DomainMessage } from "../events";

export const PROCESSED_TABLE = "processed_messages";

/**
 * A migration step: the table, unless it exists (databases where the consumer created it at run
 * time before migrations did keep theirs). Same SQL on PostgreSQL and SQLite.
 */
export async function createProcessedTable(qi: QueryInterface): Promise<void> {
	await qi.sequelize.query(
		`CREATE TABLE IF NOT EXISTS ${PROCESSED_TABLE} (id VARCHAR(64) PRIMARY KEY, event VARCHAR(100) NOT NULL, processed_at TIMESTAMP NOT NULL)`,
	);
}

/**
 * Rows written by an INSERT/UPDATE/DELETE, from what Sequelize returns on either dialect
 * (pg: the result's rowCount; sqlite: the statement's changes).
 */
export function affectedRows(meta: unknown): number {
	if (typeof meta === "number") return meta;
	if (meta && typeof meta === "object") {
		const m = meta as { rowCount?: number; changes?: number };
		return m.rowCount ?? m.changes ?? 0;
	}
	return 0;
}

/** Records the message; true the first time, false for a duplicate (then do nothing). */
export async function recordOnce(sequelize: Sequelize, t: Transaction | null, message: DomainMessage, now = new Date()): Promise<boolean> {
	const [, meta] = await sequelize.query(
		`INSERT INTO ${PROCESSED_TABLE} (id, event, processed_at) VALUES (:id, :event, :now) ON CONFLICT (id) DO NOTHING`,
		{ replacements: { id: message.id, event: message.event, now }, transaction: t ?? undefined, type: QueryTypes.RAW },
	);
	return affectedRows(meta) === 1;
}

export async function alreadyProcessed(sequelize: Sequelize, id: string): Promise<boolean> {
	const rows = await sequelize.query(`SELECT 1 AS one FROM ${PROCESSED_TABLE} WHERE id = :id`, { replacements: { id }, type: QueryTypes.SELECT });
	return rows.length > 0;
}

/** Forget ids older than `days` (a message is never redelivered that late). */
export async function pruneProcessed(sequelize: Sequelize, days = 30, now = new Date()): Promise<void> {
	await sequelize.query(`DELETE FROM ${PROCESSED_TABLE} WHERE processed_at < :before`, { replacements: { before: new Date(now.getTime() - days * 86_400_000) } });
}
