/**
 * Idempotency keys of POST /reservations (SPEC §3). A key is claimed (in_flight) before any
 * work, completed in the booking's own transaction (so a committed booking always has its
 * stored answer), and released when the request fails before doing anything worth replaying.
 *
 *  - same key, same request, done     → replay the stored status and body
 *  - same key, other request, done    → 422 IDEMPOTENCY_KEY_REUSED
 *  - same key, in flight              → 409 IDEMPOTENCY_KEY_IN_USE (whatever the body)
 *  - in flight for longer than STALE  → the claimant died: the next request takes it over
 * Keys are kept ≥ 24 h (purged after KEEP_MS).
 *
 * `withIdempotencyKey` is the one wrapper around a booking: claim → run → the 201 is stored by
 * the booking itself, a 409 NO_AVAILABILITY is stored here, any other failure releases the key.
 */
import crypto from "crypto";
import type { Context } from "moleculer";
import type { Transaction } from "sequelize";
import { appError, ErrorType, validationError } from "../../lib/errors";
import type { AppMeta } from "../../types/moleculer";
import type { SqlStore } from "./db";

export const STALE_MS = 60_000;
export const KEEP_MS = 25 * 3600_000;

export type Claim =
	| { kind: "claimed" }
	| { kind: "replay"; status: number; body: unknown }
	| { kind: "reused" }
	| { kind: "in_use" };

interface KeyRow { key: string; request_hash: string; status: string; response_status: number | null; response_body: string | null; created_at: string }

/** A stable hash of the request: key order does not matter. */
export function requestHash(value: unknown): string {
	const canon = (v: unknown): unknown => {
		if (Array.isArray(v)) return v.map(canon);
		if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map(k => [k, canon((v as Record<string, unknown>)[k])]));
		return v;
	};
	return crypto.createHash("sha256").update(JSON.stringify(canon(value))).digest("hex");
}

export async function claimKey(db: SqlStore, key: string, hash: string, now = new Date()): Promise<Claim> {
	return db.withTx(async t => {
		const at = now.toISOString();
		// The WITH matters: Sequelize's SQLite dialect runs statements starting with "INSERT INTO"
		// without fetching rows, which would hide RETURNING.
		const inserted = await db.select<{ key: string }>(
			`WITH claim AS (SELECT 1) INSERT INTO idempotency_keys ("key", request_hash, status, created_at) VALUES (:key, :hash, 'in_flight', :at)
			ON CONFLICT ("key") DO NOTHING RETURNING "key"`, { key, hash, at }, t);
		if (inserted.length) return { kind: "claimed" };

		const row = await db.one<KeyRow>(`SELECT "key", request_hash, status, response_status, response_body, created_at FROM idempotency_keys WHERE "key" = :key${db.forUpdate}`, { key }, t);
		if (!row) return { kind: "in_use" }; // purged between the two statements: let the client retry
		if (row.status === "in_flight") {
			if (row.created_at >= new Date(now.getTime() - STALE_MS).toISOString()) return { kind: "in_use" };
			await db.exec(`UPDATE idempotency_keys SET request_hash = :hash, created_at = :at WHERE "key" = :key`, { key, hash, at }, t);
			return { kind: "claimed" };
		}
		if (row.request_hash !== hash) return { kind: "reused" };
		return { kind: "replay", status: Number(row.response_status), body: JSON.parse(row.response_body ?? "null") };
	});
}

/** Store the answer, in the caller's transaction when it has one. */
export async function completeKey(db: SqlStore, t: Transaction, key: string, status: number, body: unknown): Promise<void> {
	await db.exec(`UPDATE idempotency_keys SET status = 'done', response_status = :status, response_body = :body WHERE "key" = :key`, { key, status, body: JSON.stringify(body) }, t);
}

export async function releaseKey(db: SqlStore, key: string): Promise<void> {
	await db.withTx(t => db.exec(`DELETE FROM idempotency_keys WHERE "key" = :key AND status = 'in_flight'`, { key }, t));
}

export async function purgeKeys(db: SqlStore, now = new Date()): Promise<void> {
	const before = new Date(now.getTime() - KEEP_MS).toISOString();
	await db.withTx(t => db.exec(`DELETE FROM idempotency_keys WHERE created_at < :before`, { before }, t));
}

/** What is stored for a refusal worth replaying (the shape of the error the client got). */
interface StoredRefusal { name: string; message: string; code: number; type: typeof ErrorType.NO_AVAILABILITY; data?: unknown }

const storedRefusal = (err: unknown): StoredRefusal | null => {
	const e = err as { name?: string; message?: string; type?: unknown; data?: unknown } | null;
	return e?.type === ErrorType.NO_AVAILABILITY ? { name: e.name ?? "MoleculerClientError", message: e.message ?? "", code: 409, type: ErrorType.NO_AVAILABILITY, data: e.data } : null;
};

/**
 * Run `run(key)` under the request's Idempotency-Key (ctx.meta.idempotencyKey), or plainly
 * without one. `run` must store its 201 answer under the key in its own transaction (the
 * booking statement does). A replay answers the stored body (201) or throws the stored
 * refusal, with `Idempotent-Replayed: true`.
 */
export async function withIdempotencyKey<T>(
	db: SqlStore, ctx: Context<unknown, AppMeta>, run: (key: string | undefined) => Promise<T>, onReleaseError: (err: Error) => void,
): Promise<T> {
	const key = ctx.meta.idempotencyKey;
	if (key === undefined) return run(undefined);
	if (typeof key !== "string" || key.length < 1 || key.length > 255)
		throw validationError([{ field: "Idempotency-Key", message: "The 'Idempotency-Key' header must be 1 to 255 characters", type: "idempotencyKey" }]);

	const claim = await claimKey(db, key, requestHash(ctx.params));
	if (claim.kind === "in_use") throw appError(ErrorType.IDEMPOTENCY_KEY_IN_USE, "A request with this Idempotency-Key is still being processed; retry shortly");
	if (claim.kind === "reused") throw appError(ErrorType.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used with a different request body");
	if (claim.kind === "replay") {
		ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "Idempotent-Replayed": "true" };
		if (claim.status === 201) return claim.body as T;
		const refusal = claim.body as StoredRefusal;
		throw appError(refusal.type, refusal.message, refusal.data);
	}

	try {
		return await run(key);
	} catch (err) {
		const refusal = storedRefusal(err);
		if (refusal) await db.withTx(t => completeKey(db, t, key, refusal.code, refusal));
		else await releaseKey(db, key).catch(onReleaseError);
		throw err;
	}
}
