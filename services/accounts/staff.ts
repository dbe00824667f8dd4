/**
 * The staff operations of the accounts service (SPEC §11), each one transaction that writes the
 * change, its audit message, the `accounts.user.changed` message that makes every gateway drop
 * its cached copy, and, for invitations and resets, the email to send (outbox → mail).
 */
import { auditMessage, changesOf, REDACTED, type AuditContext } from "../../lib/audit";
import { ALL_HOTELS, canManageStaff, canSeeStaff, hasPermission } from "../../lib/access";
import { bootstrapOwnerId, type AuthUser, type StaffRole } from "../../lib/auth";
import { appError, ErrorType, validationError } from "../../lib/errors";
import { Events, makeMessage, type DomainMessage } from "../../lib/events";
import { hashLinkToken, linkUrl, LINK_TTL_MS, newLinkToken, type LinkKind } from "./links";
import { hashPassword } from "./passwords";
import { newUserId, toPublic, type AccountsStore, type StaffUser, type UserRecord } from "./store";

export const STAFF_MAIL_TYPES = ["staff_invitation", "password_reset"] as const;
export type StaffMailType = (typeof STAFF_MAIL_TYPES)[number];

/** The data of accounts.mail.requested: everything the mail service needs to write the email. */
export interface StaffMailData {
	type: StaffMailType; userId: string; to: string; name: string; locale: string; role: StaffRole;
	url: string; expiresAt: string; invitedBy: string | null;
}

export interface StaffContext extends AuditContext { meta: { user?: AuthUser | null; clientIp?: string } }

/** The hotel an entry about a user is filed under (manager-scoped audit reads): its one hotel, else none. */
function userHotel(u: Pick<UserRecord, "hotelIds">): string | null {
	return u.hotelIds.length >= 1 && u.hotelIds[0] !== ALL_HOTELS ? u.hotelIds[0] : null;
}

const AUDITED: (keyof UserRecord)[] = ["email", "name", "role", "hotelIds", "active", "passwordHash"];

function audit(ctx: StaffContext | null, action: string, before: UserRecord | null, after: UserRecord): DomainMessage {
	const changes = changesOf(before, after, { only: AUDITED as string[] });
	if (changes.passwordHash) {
		delete changes.passwordHash;
		changes.password = [before?.passwordHash ? REDACTED : null, REDACTED];
	}
	return auditMessage("accounts", ctx, action, { type: "staff", id: after.id, hotelId: userHotel(after) ?? userHotel(before ?? after) }, changes);
}

const changed = (u: UserRecord): DomainMessage => makeMessage(Events.ACCOUNTS_USER_CHANGED, { id: u.id, version: u.version, active: u.active, role: u.role, hotelIds: u.hotelIds });

/** A REPL or internal call carries no user at all (undefined): the operator, trusted. */
const isOperator = (ctx: StaffContext | null) => ctx?.meta?.user === undefined;

function mailMessage(u: UserRecord, kind: LinkKind, token: string, publicUrl: string, expiresAt: Date, invitedBy: AuthUser | null | undefined): DomainMessage<StaffMailData> {
	return makeMessage(Events.ACCOUNTS_MAIL_REQUESTED, {
		type: kind === "invite" ? "staff_invitation" : "password_reset", userId: u.id, to: u.email, name: u.name, locale: u.locale, role: u.role,
		url: linkUrl(publicUrl, kind, token), expiresAt: expiresAt.toISOString(), invitedBy: invitedBy?.email ?? null,
	});
}

/** The actor may manage this (future) user: 403 without the permission or for an owner, 404 for hotels out of its scope. */
function assertCanManage(ctx: StaffContext | null, subject: { role: StaffRole; hotelIds: string[] }): void {
	if (isOperator(ctx)) return;
	const actor = ctx?.meta.user;
	if (!hasPermission(actor, "staff.manage")) throw appError(ErrorType.FORBIDDEN, "This token may not do this (needs staff.manage)");
	if (subject.role === "owner" && actor?.role !== "owner") throw appError(ErrorType.FORBIDDEN, "Only an owner may invite or change an owner");
	if (!canManageStaff(actor, subject)) throw appError(ErrorType.NOT_FOUND, "Hotel not found");
}

/** Owners work for every hotel; everyone else for a list of hotels, never "all" unless an owner grants it. */
function hotelsFor(role: StaffRole, hotelIds: string[] | undefined): string[] {
	if (role === "owner") return [ALL_HOTELS];
	const ids = [...new Set(hotelIds ?? [])];
	if (ids.length === 0) throw validationError([{ field: "hotelIds", message: "The 'hotelIds' field must list at least one hotel (or \"*\") for this role", type: "required" }]);
	if (ids.includes(ALL_HOTELS) && ids.length > 1) throw validationError([{ field: "hotelIds", message: "The 'hotelIds' field is either [\"*\"] or a list of hotel ids", type: "invalid" }]);
	return ids;
}

export interface InviteParams { email: string; name: string; role: StaffRole; hotelIds?: string[]; locale?: string }

export async function invite(store: AccountsStore, ctx: StaffContext | null, p: InviteParams, publicUrl: string): Promise<StaffUser> {
	const hotelIds = hotelsFor(p.role, p.hotelIds);
	assertCanManage(ctx, { role: p.role, hotelIds });
	const now = new Date().toISOString();
	const user: UserRecord = {
		id: newUserId(), email: p.email.toLowerCase(), name: p.name, role: p.role, hotelIds, active: true, createdAt: now, updatedAt: now,
		lastLoginAt: null, invitationPending: true, passwordHash: null, version: 1, locale: p.locale ?? "en",
	};
	const token = newLinkToken();
	const expiresAt = new Date(Date.now() + LINK_TTL_MS);
	const ok = await store.write(async t => {
		if (!(await store.insert(t, user))) return false;
		await store.addLink(t, user.id, "invite", hashLinkToken(token), expiresAt);
		await store.outbox(t, [audit(ctx, "staff.invite", null, user), mailMessage(user, "invite", token, publicUrl, expiresAt, ctx?.meta.user)]);
		return true;
	});
	if (!ok) throw validationError([{ field: "email", message: "This email already has an account", type: "unique" }]);
	return toPublic(user);
}

export interface UpdateParams { id: string; role?: StaffRole; hotelIds?: string[]; active?: boolean; name?: string }

export async function update(store: AccountsStore, ctx: StaffContext | null, p: UpdateParams): Promise<StaffUser> {
	const actor = ctx?.meta.user;
	const current = await store.byId(p.id);
	if (!current || (!isOperator(ctx) && !canSeeStaff(actor, current))) throw appError(ErrorType.NOT_FOUND, "Staff user not found");
	assertCanManage(ctx, current);
	const role = p.role ?? current.role;
	const next: UserRecord = {
		...current, role, name: p.name ?? current.name, active: p.active ?? current.active,
		hotelIds: p.hotelIds || p.role ? hotelsFor(role, p.hotelIds ?? (current.role === "owner" ? undefined : current.hotelIds)) : current.hotelIds,
	};
	assertCanManage(ctx, next);
	if (actor && actor.sub === current.id && (next.role !== current.role || !next.active))
		throw appError(ErrorType.INVALID_STATE, "You cannot deactivate yourself or change your own role");
	if (Object.keys(changesOf(current, next, { only: AUDITED as string[] })).length === 0) return toPublic(current);
	const saved = await store.write(async t => {
		const fresh = await store.byId(p.id, t);
		if (!fresh) throw appError(ErrorType.NOT_FOUND, "Staff user not found");
		const wasOwner = fresh.role === "owner" && fresh.active;
		if (wasOwner && !(next.role === "owner" && next.active) && (await store.activeOwners(t)) <= 1)
			throw appError(ErrorType.INVALID_STATE, "The last active owner cannot be deactivated or demoted");
		const s = await store.save(t, { ...fresh, role: next.role, name: next.name, active: next.active, hotelIds: next.hotelIds });
		await store.outbox(t, [audit(ctx, "staff.update", fresh, s), changed(s)]);
		return s;
	});
	return toPublic(saved);
}

/** Forgot password: a link for a known, active user; nothing (and the same answer) otherwise. */
export async function requestReset(store: AccountsStore, email: string, publicUrl: string): Promise<boolean> {
	const u = await store.byEmail(email);
	if (!u || !u.active) return false;
	const token = newLinkToken();
	const expiresAt = new Date(Date.now() + LINK_TTL_MS);
	await store.write(async t => {
		await store.addLink(t, u.id, "reset", hashLinkToken(token), expiresAt);
		await store.outbox(t, [mailMessage(u, "reset", token, publicUrl, expiresAt, null)]);
	});
	return true;
}

export const BAD_LINK = "This link is invalid, has expired or was already used: ask for a new one";

/** Sets the password from a link (invitation or reset), once; every earlier token of the user stops working. */
export async function resetPassword(store: AccountsStore, ctx: StaffContext | null, token: string, password: string): Promise<UserRecord> {
	const hash = await hashPassword(password);
	const bad = () => validationError([{ field: "token", message: BAD_LINK, type: "invalid" }]);
	return store.write(async t => {
		const link = await store.takeLink(t, hashLinkToken(token));
		if (!link) throw bad();
		const u = await store.byId(link.userId, t);
		if (!u || !u.active) throw bad();
		await store.revokeLinks(t, u.id);
		const s = await store.save(t, { ...u, passwordHash: hash });
		const actorCtx: StaffContext = { ...ctx, meta: { ...ctx?.meta, user: { role: s.role, sub: s.id, email: s.email, hotelIds: s.hotelIds, ver: s.version } } };
		await store.outbox(t, [audit(actorCtx, link.kind === "invite" ? "staff.accept_invitation" : "staff.reset_password", u, s), changed(s)]);
		return s;
	});
}

/** The first owner, from ADMIN_EMAIL / ADMIN_PASSWORD, when the store has no user. Several nodes at once: one wins (same id). */
export async function bootstrapOwner(store: AccountsStore, email: string, password: string): Promise<boolean> {
	if ((await store.count()) > 0) return false;
	const now = new Date().toISOString();
	const owner: UserRecord = {
		id: bootstrapOwnerId(email), email: email.toLowerCase(), name: "Owner", role: "owner", hotelIds: [ALL_HOTELS], active: true,
		createdAt: now, updatedAt: now, lastLoginAt: null, invitationPending: false, passwordHash: await hashPassword(password), version: 1, locale: "en",
	};
	return store.write(async t => {
		if (!(await store.insert(t, owner))) return false;
		await store.outbox(t, [audit(null, "staff.bootstrap", null, owner)]);
		return true;
	});
}
