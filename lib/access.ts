/**
 * Who may do what (SPEC §11): permissions, and the hotel scope every service checks on the object
 * it touches. Plain functions: the gateway checks an action's `permission` metadata with
 * `hasPermission`, services call `assertHotelAccess` / `hotelScope` on the hotel concerned.
 *
 * The role → permission table and staff users arrive with the accounts service (issue 14); until
 * then the legacy admin token holds every permission on every hotel.
 */
import type { AuthUser } from "./auth";
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

export function isStaff(user: AuthUser | undefined | null): boolean {
	return user?.role === "admin";
}

export function hasPermission(user: AuthUser | undefined | null, _permission: Permission): boolean {
	return isStaff(user);
}

/** The hotels a staff user may see: null means every hotel. */
export function hotelScope(user: AuthUser | undefined | null): string[] | null {
	return isStaff(user) ? null : [];
}

export function inScope(user: AuthUser | undefined | null, hotelId: string): boolean {
	const scope = hotelScope(user);
	return scope === null || scope.includes(hotelId);
}

/**
 * The check a service makes on the hotel an action touches: out of the caller's scope answers
 * 404 exactly like an unknown hotel (no way to learn it exists); in scope without the permission, 403.
 */
export function assertHotelAccess(user: AuthUser | undefined | null, permission: Permission, hotelId: string, what = "Hotel"): void {
	if (!inScope(user, hotelId)) throw appError(ErrorType.NOT_FOUND, `${what} not found`);
	if (!hasPermission(user, permission)) throw appError(ErrorType.FORBIDDEN, `This token may not do this (needs ${permission})`);
}
