/**
 * Hot paths that skip Sequelize's per-query formatting borrow the raw `pg` client of one of its
 * pooled connections: the same pool, limits and credentials as the service's other queries.
 */
import type { Client } from "pg";
import type { Sequelize } from "sequelize";

interface RawConnectionManager {
	getConnection(options?: { type?: string }): Promise<unknown>;
	releaseConnection(connection: unknown): Promise<void> | void;
}

/** Runs `fn` with a pooled PostgreSQL client, given back to the pool afterwards. `read` may use a read replica. */
export async function withPgClient<T>(sequelize: Sequelize, use: "read" | "write", fn: (client: Client) => Promise<T>): Promise<T> {
	const cm = (sequelize as unknown as { connectionManager: RawConnectionManager }).connectionManager;
	const client = (await cm.getConnection({ type: use === "read" ? "SELECT" : "INSERT" })) as Client;
	try {
		return await fn(client);
	} finally {
		await cm.releaseConnection(client);
	}
}
