/**
 * What the staff pages offer, as plain functions (no imports, so test/unit/web-accounts.spec.ts
 * checks them against the server's rules in lib/access.ts): which users the signed-in user may
 * change, which roles it may give, and how an audit value reads.
 */

export type Role = "owner" | "manager" | "revenue" | "front_desk";
export const ROLES: Role[] = ["owner", "manager", "revenue", "front_desk"];
const ALL = "*";

export interface Actor {
	id: string;
	role: Role;
	hotelIds: string[];
	permissions: string[];
}
export interface Subject {
	id: string;
	role: Role;
	hotelIds: string[];
}

/** The roles the actor may give: an owner any, a manager any but owner. */
export const grantableRoles = (me: Pick<Actor, "role"> | null): Role[] => (me?.role === "owner" ? ROLES : ROLES.filter(r => r !== "owner"));

/**
 * May the actor change (role, hotels, deactivate) this user? Never itself (the server refuses its
 * own role change or deactivation), never an owner unless an owner, never a user with a hotel —
 * or all hotels — beyond the actor's.
 */
export function mayManage(me: Actor | null, user: Subject): boolean {
	if (!me || !me.permissions.includes("staff.manage") || user.id === me.id) return false;
	if (me.role === "owner") return true;
	if (user.role === "owner") return false;
	if (me.hotelIds.includes(ALL)) return true;
	return user.hotelIds.length > 0 && user.hotelIds.every(h => h !== ALL && me.hotelIds.includes(h));
}

/** What the server writes in place of a secret (lib/audit.ts REDACTED). */
export const REDACTED = "[redacted]";

export type AuditValue =
	| { kind: "empty" }
	| { kind: "redacted" }
	| { kind: "boolean"; value: boolean }
	| { kind: "text"; text: string }
	| { kind: "json"; text: string };

/** One side of a change: nothing, a secret, a yes/no, a short text (lists joined) or indented JSON. */
export function auditValue(v: unknown): AuditValue {
	if (v === null || v === undefined || v === "") return { kind: "empty" };
	if (v === REDACTED) return { kind: "redacted" };
	if (typeof v === "boolean") return { kind: "boolean", value: v };
	if (typeof v !== "object") return { kind: "text", text: String(v) };
	if (Array.isArray(v) && v.every(x => x === null || typeof x !== "object")) return v.length ? { kind: "text", text: v.join(", ") } : { kind: "empty" };
	return { kind: "json", text: JSON.stringify(v, null, 2) };
}

/** A day typed in a filter (YYYY-MM-DD, the browser's zone) → the instant it starts, `plusDays` later. */
export function dayStart(d: string, plusDays = 0): string | undefined {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return d || undefined;
	const x = new Date(`${d}T00:00:00`);
	x.setDate(x.getDate() + plusDays);
	return x.toISOString();
}
