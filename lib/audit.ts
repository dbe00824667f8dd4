/**
 * The audit log's message (SPEC §11, §4): every write by staff, guests or jobs builds one
 * `<service>.audit.recorded` message here and writes it to ITS OWN outbox in the same
 * transaction (SQL) or document write (hotels) as the change, so the entry exists iff the change
 * does; the accounts service collects them into its append-only table.
 *
 *   const msg = auditMessage("hotels", ctx, "hotel.update", { type: "hotel", id, hotelId: id }, changesOf(before, after));
 *   await appendOutbox(sequelize, t, msg);        // SQL outbox, inside the change's transaction
 *   withOutbox(doc, [changeMsg, msg])             // document outbox, same update
 *
 * `changes` is field → [before, after] (a created object: before null; a removed one: after null);
 * secrets (passwords, tokens, hashes, webhook secrets) are never written, only that they changed.
 */
import crypto from "crypto";
import type { AuthUser } from "./auth";
import type { DomainMessage, EventName } from "./events";

export type ActorType = "staff" | "guest" | "system";
export interface AuditActor { type: ActorType; id: string | null; email: string | null; role: string | null }
export interface AuditTarget { type: string; id: string; hotelId: string | null }
export type AuditChanges = Record<string, [unknown, unknown]>;

export interface AuditEntry {
	id: string;
	at: string;
	actor: AuditActor;
	/** "<entity>.<verb>": "hotel.update", "reservation.cancel", "staff.invite", "mail.resend"… */
	action: string;
	target: AuditTarget;
	changes: AuditChanges;
	requestId: string | null;
	ip: string | null;
}

/** What the helper reads from a Moleculer context (or anything shaped like one). */
export interface AuditContext {
	meta?: { user?: AuthUser | null; clientIp?: string } | null;
	requestID?: string | null;
}

export const REDACTED = "[redacted]";
const SECRET_KEY = /pass(word)?|secret|token|hash|api_?key|authorization|signature/i;
/** Bookkeeping, not a change anyone made. */
const IGNORED = new Set(["updatedAt", "sequence", "version"]);

export function auditEvent(service: string): EventName {
	return `${service}.audit.recorded` as EventName;
}

export function isAuditEvent(event: string): boolean {
	return /^[a-z][a-z0-9-]*\.audit\.recorded$/.test(event);
}

/** Who is acting: the staff user or guest of the request, or the system (a job, a consumer). */
export function actorOf(ctx: AuditContext | null | undefined): AuditActor {
	const u = ctx?.meta?.user;
	if (!u) return { type: "system", id: null, email: null, role: null };
	if (u.role === "guest") return { type: "guest", id: u.code ?? u.sub, email: null, role: "guest" };
	return { type: "staff", id: u.sub, email: u.email ?? null, role: u.role };
}

function same(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Field-level changes between two versions of an object (top-level fields; a nested value is
 * compared whole). `only` limits to those fields; `ignore` adds to the bookkeeping fields skipped.
 */
export function changesOf(before: object | null | undefined, after: object | null | undefined, opts: { only?: string[]; ignore?: string[] } = {}): AuditChanges {
	const b = (before ?? {}) as Record<string, unknown>;
	const a = (after ?? {}) as Record<string, unknown>;
	const ignore = new Set([...IGNORED, ...(opts.ignore ?? [])]);
	const keys = opts.only ?? [...new Set([...Object.keys(b), ...Object.keys(a)])];
	const out: AuditChanges = {};
	for (const k of keys) {
		if (ignore.has(k)) continue;
		const x = before ? (b[k] ?? null) : null;
		const y = after ? (a[k] ?? null) : null;
		if (!same(x, y)) out[k] = [x, y];
	}
	return redact(out);
}

/** Secrets replaced by a marker, at any depth: the log says a secret changed, never what it is. */
export function redact<T>(value: T): T {
	const walk = (v: unknown, key?: string): unknown => {
		// A secret's [before, after] pair keeps its shape: whether it was set, never what it is.
		if (key && SECRET_KEY.test(key)) return Array.isArray(v) ? v.map(x => (x == null ? x : REDACTED)) : v == null ? v : REDACTED;
		if (Array.isArray(v)) return v.map(x => walk(x));
		if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
		return v;
	};
	return walk(value) as T;
}

/** The audit entry of one write, as the message its service writes to its outbox with the change. */
export function auditMessage(service: string, ctx: AuditContext | null | undefined, action: string, target: AuditTarget, changes: AuditChanges, now: Date = new Date()): DomainMessage<AuditEntry> {
	const id = crypto.randomUUID();
	const at = now.toISOString();
	const entry: AuditEntry = {
		id, at, actor: actorOf(ctx), action,
		target: { type: target.type, id: String(target.id), hotelId: target.hotelId ?? null },
		changes: redact(changes),
		requestId: ctx?.requestID ?? null,
		ip: typeof ctx?.meta?.clientIp === "string" ? ctx.meta.clientIp : null,
	};
	return { event: auditEvent(service), id, occurredAt: at, data: entry };
}
