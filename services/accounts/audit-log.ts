/**
 * The audit log's collector side: `*.audit.recorded` messages become rows of the append-only
 * `audit_log` (id = the message id: a redelivery inserts nothing), and the scoped, filtered,
 * paged reads of GET /audit.
 */
import type { AuditEntry } from "../../lib/audit";
import type { DomainMessage } from "../../lib/events";
import { AUDIT_TABLE } from "./migrations";
import type { AccountsStore } from "./store";

interface Row {
	id: string; at: string | Date; service: string; actor_type: string; actor_id: string | null; actor_email: string | null; actor_role: string | null;
	action: string; target_type: string; target_id: string; hotel_id: string | null; changes: string; request_id: string | null; ip: string | null;
}

export interface AuditRecord extends AuditEntry { service: string }

/** A message that can be logged, or the reason it cannot (it is then dropped, never retried forever). */
export function auditProblem(m: DomainMessage<Partial<AuditEntry>>): string | null {
	const e = m?.data;
	if (!e || typeof e !== "object") return "no data";
	if (typeof e.action !== "string" || !e.action) return "no action";
	if (!e.actor || typeof e.actor.type !== "string") return "no actor";
	if (!e.target || typeof e.target.type !== "string" || e.target.id == null) return "no target";
	return null;
}

const cut = (s: unknown, n: number): string | null => (s == null ? null : String(s).slice(0, n));

/** Inserts many entries in one statement; ones already logged are skipped. */
export async function insertEntries(store: AccountsStore, messages: DomainMessage<AuditEntry>[]): Promise<void> {
	if (messages.length === 0) return;
	const r: Record<string, unknown> = {};
	const values = messages.map((m, i) => {
		const e = m.data;
		Object.assign(r, {
			[`id${i}`]: m.id, [`at${i}`]: new Date(e.at ?? m.occurredAt), [`sv${i}`]: m.event.split(".")[0],
			[`at_${i}`]: e.actor.type, [`ai${i}`]: cut(e.actor.id, 100), [`ae${i}`]: cut(e.actor.email, 254), [`ar${i}`]: cut(e.actor.role, 20),
			[`ac${i}`]: e.action.slice(0, 80), [`tt${i}`]: e.target.type.slice(0, 40), [`ti${i}`]: String(e.target.id).slice(0, 100), [`h${i}`]: cut(e.target.hotelId, 64),
			[`c${i}`]: JSON.stringify(e.changes ?? {}), [`rq${i}`]: cut(e.requestId, 100), [`ip${i}`]: cut(e.ip, 64),
		});
		return `(:id${i}, :at${i}, :sv${i}, :at_${i}, :ai${i}, :ae${i}, :ar${i}, :ac${i}, :tt${i}, :ti${i}, :h${i}, :c${i}, :rq${i}, :ip${i})`;
	});
	await store.write(t => store.exec(
		`INSERT INTO ${AUDIT_TABLE} (id, at, service, actor_type, actor_id, actor_email, actor_role, action, target_type, target_id, hotel_id, changes, request_id, ip)
		 VALUES ${values.join(", ")} ON CONFLICT (id) DO NOTHING`, r, t));
}

export interface AuditFilters {
	hotelId?: string; actorId?: string; action?: string; targetId?: string; from?: string; to?: string; page: number; pageSize: number;
}

function fromRow(r: Row): AuditRecord {
	return {
		id: r.id, at: new Date(r.at).toISOString(), service: r.service,
		actor: { type: r.actor_type as AuditEntry["actor"]["type"], id: r.actor_id, email: r.actor_email, role: r.actor_role },
		action: r.action, target: { type: r.target_type, id: r.target_id, hotelId: r.hotel_id },
		changes: JSON.parse(r.changes) as AuditEntry["changes"], requestId: r.request_id, ip: r.ip,
	};
}

/** Newest first. `scope` null: every entry; else only entries of those hotels. `action` matches a prefix ("hotel." or "hotel.update"). */
export async function listEntries(store: AccountsStore, f: AuditFilters, scope: string[] | null): Promise<{ rows: AuditRecord[]; total: number }> {
	const where: string[] = [];
	const r: Record<string, unknown> = {};
	if (scope !== null) {
		if (scope.length === 0) return { rows: [], total: 0 };
		where.push("hotel_id IN (:scope)");
		r.scope = scope;
	}
	if (f.hotelId) { where.push("hotel_id = :hotelId"); r.hotelId = f.hotelId; }
	if (f.actorId) { where.push("actor_id = :actorId"); r.actorId = f.actorId; }
	if (f.targetId) { where.push("target_id = :targetId"); r.targetId = f.targetId; }
	if (f.action) { where.push("(action = :action OR action LIKE :actionPrefix)"); r.action = f.action; r.actionPrefix = `${f.action.replace(/[%_]/g, "")}.%`; }
	if (f.from) { where.push("at >= :from"); r.from = new Date(f.from); }
	if (f.to) { where.push("at < :to"); r.to = new Date(f.to); }
	const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
	const [count] = await store.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM ${AUDIT_TABLE}${clause}`, r);
	const rows = await store.select<Row>(`SELECT * FROM ${AUDIT_TABLE}${clause} ORDER BY at DESC, id DESC LIMIT :limit OFFSET :offset`,
		{ ...r, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
	return { rows: rows.map(fromRow), total: Number(count?.n ?? 0) };
}
