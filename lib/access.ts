/**
 * Who may do what (SPEC §11): the role → permission table, and the hotel scope every service
 * checks on the object it touches. Plain functions: the gateway checks an action's `permission`
 * metadata with `hasPermission`, services call `assertHotelAccess` / `hotelScope` / `listScope`
 * on the hotel concerned, so a request forged past the gateway still meets the same rules.
 *
 * A call made inside the cluster (REPL, a job, another service's own call) carries no user at all
 * (`meta.user` undefined) and passes the assert* checks: through the gateway `meta.user` is always
 * set (null when anonymous), so no HTTP request is ever such a call.
 */
import { isStaffRole, type AuthUser, type StaffRole } from "./auth";
import { appError, ErrorType } from "./errors";

export const PERMISSIONS = [
	"staff.manage",
	"hotels.create",
	"hotels.edit",
	"rates.edit",
	"reservations.view",
	"reservations.manage",
	"fees.waive",
	"reports.view",
	"mail.manage",
	"webhooks.manage",
	"audit.view",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** SPEC §11's table, one row per role. Every permission applies to the user's hotels only. */
export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
	owner: PERMISSIONS,
	manager: ["staff.manage", "hotels.edit", "rates.edit", "reservations.view", "reservations.manage", "fees.waive", "reports.view", "mail.manage", "webhooks.manage", "audit.view"],
	revenue: ["rates.edit", "reservations.view", "reports.view"],
	front_desk: ["reservations.view", "reservations.manage"],
};

/** Every hotel, present and future. */
export const ALL_HOTELS = "*";

/** A call from inside the cluster, not from the gateway (see the header). */
export function isInternalCall(user: AuthUser | undefined | null): boolean {
	return user === undefined;
}

export function isStaff(user: AuthUser | undefined | null): boolean {
	return !!user && isStaffRole(user.role);
}

export function permissionsOf(user: AuthUser | undefined | null): Permission[] {
	return user && isStaffRole(user.role) ? [...ROLE_PERMISSIONS[user.role]] : [];
}

export function hasPermission(user: AuthUser | undefined | null, permission: Permission): boolean {
	return !!user && isStaffRole(user.role) && ROLE_PERMISSIONS[user.role].includes(permission);
}

/** The hotels a staff user may see: null means every hotel; anyone else none. */
export function hotelScope(user: AuthUser | undefined | null): string[] | null {
	if (!isStaff(user)) return [];
	const ids = user?.hotelIds ?? [];
	return ids.includes(ALL_HOTELS) ? null : ids;
}

export function inScope(user: AuthUser | undefined | null, hotelId: string | null | undefined): boolean {
	const scope = hotelScope(user);
	return scope === null || (!!hotelId && scope.includes(hotelId));
}

/**
 * The check a service makes on the hotel an action touches: out of the caller's scope answers
 * 404 exactly like an unknown hotel (no way to learn it exists); in scope without the permission, 403.
 */
export function assertHotelAccess(user: AuthUser | undefined | null, permission: Permission, hotelId: string, what = "Hotel"): void {
	if (isInternalCall(user)) return;
	if (!inScope(user, hotelId)) throw appError(ErrorType.NOT_FOUND, `${what} not found`);
	if (!hasPermission(user, permission)) throw appError(ErrorType.FORBIDDEN, `This token may not do this (needs ${permission})`);
}

/** A permission that concerns no one hotel (creating a hotel, the staff list): 403 without it. */
export function assertPermission(user: AuthUser | undefined | null, permission: Permission): void {
	if (isInternalCall(user)) return;
	if (!hasPermission(user, permission)) throw appError(ErrorType.FORBIDDEN, `This token may not do this (needs ${permission})`);
}

/**
 * The hotels a list may show: null for all, else the ids to filter on (possibly empty). A
 * `requested` hotel out of scope gives the empty list, not an error: lists never tell.
 */
export function listScope(user: AuthUser | undefined | null, permission: Permission, requested?: string | null): string[] | null {
	assertPermission(user, permission);
	const scope = isInternalCall(user) ? null : hotelScope(user);
	if (requested) return scope === null || scope.includes(requested) ? [requested] : [];
	return scope;
}

/** A staff user as another may see or change it. */
export interface StaffSubject { role: StaffRole; hotelIds: string[] }

/**
 * May `actor` invite, change or deactivate a user that is (or will be) `subject`? Owners anyone;
 * managers staff of their own hotels only, never an owner, never "all hotels".
 */
export function canManageStaff(actor: AuthUser | undefined | null, subject: StaffSubject): boolean {
	if (!hasPermission(actor, "staff.manage")) return false;
	if (actor?.role === "owner") return true;
	if (subject.role === "owner") return false;
	const scope = hotelScope(actor);
	if (scope === null) return true;
	return subject.hotelIds.length > 0 && subject.hotelIds.every(h => h !== ALL_HOTELS && scope.includes(h));
}

/** May `actor` see this user in the staff list? Owners all; managers those sharing one of their hotels. */
export function canSeeStaff(actor: AuthUser | undefined | null, subject: StaffSubject): boolean {
	if (!hasPermission(actor, "staff.manage")) return false;
	const scope = hotelScope(actor);
	if (scope === null) return true;
	return subject.hotelIds.some(h => scope.includes(h));
}
