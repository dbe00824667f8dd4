/**
 * Who sees and changes which webhook (SPEC §11 "webhooks"): a webhook belongs to its hotels; a
 * caller sees it when every one of them is in the caller's scope, and "*" (every hotel) only
 * when the caller's scope is every hotel. Anything else answers 404, like an unknown id.
 */
import { ALL_HOTELS, assertHotelAccess, hasPermission, hotelScope, inScope, isInternalCall } from "../../lib/access";
import type { AuthUser } from "../../lib/auth";
import { appError, ErrorType, notFound } from "../../lib/errors";

const PERMISSION = "webhooks.manage" as const;

export function canSee(user: AuthUser | null | undefined, hotelIds: readonly string[]): boolean {
	if (isInternalCall(user)) return true;
	if (!hasPermission(user, PERMISSION)) return false;
	return hotelIds.every(h => (h === ALL_HOTELS ? hotelScope(user) === null : inScope(user, h)));
}

/** The hotels a new or changed webhook names must all be the caller's to manage. */
export function assertMayTarget(user: AuthUser | null | undefined, hotelIds: readonly string[]): void {
	if (isInternalCall(user)) return;
	for (const h of hotelIds) {
		if (h === ALL_HOTELS) {
			if (hotelScope(user) !== null) throw appError(ErrorType.FORBIDDEN, "Only staff of every hotel may subscribe to all hotels ('*')");
			if (!hasPermission(user, PERMISSION)) throw appError(ErrorType.FORBIDDEN, `This token may not do this (needs ${PERMISSION})`);
		} else assertHotelAccess(user, PERMISSION, h);
	}
}

export function assertSees(user: AuthUser | null | undefined, id: string, hotelIds: readonly string[]): void {
	if (!canSee(user, hotelIds)) throw notFound("Webhook", id);
}

/** The owner's address for the disable notice: the staff user's email (today the token's subject). */
export function ownerEmailOf(user: AuthUser | null | undefined): string | null {
	const email = (user as { email?: unknown } | null | undefined)?.email;
	const candidate = typeof email === "string" ? email : user?.sub;
	return candidate && /^[^@\s]+@[^@\s]+$/.test(candidate) ? candidate : null;
}
