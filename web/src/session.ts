/**
 * Tokens kept in sessionStorage (closed with the tab): the staff token, and each booking's
 * guest token by code (from the booking or the lookup). The server checks them; expiry is read
 * from the JWT so an expired one is dropped before use.
 */
import { tokenClaims } from "./api";
import type { Reservation } from "./types";

const ADMIN = "hb.admin";
const guestKey = (code: string) => `hb.guest.${code.toUpperCase()}`;

function get(key: string): string | null {
	try {
		return sessionStorage.getItem(key);
	} catch {
		return null;
	}
}
function set(key: string, value: string | null): void {
	try {
		if (value === null) sessionStorage.removeItem(key);
		else sessionStorage.setItem(key, value);
	} catch {
		/* storage disabled: the session lasts the page */
	}
}

const live = (token: string | null): string | null => {
	if (!token) return null;
	const exp = tokenClaims(token).exp;
	return exp && exp * 1000 < Date.now() ? null : token;
};

export const adminToken = (): string | null => live(get(ADMIN));
export const setAdminToken = (token: string | null): void => set(ADMIN, token);

export interface GuestSession {
	token: string;
	reservation?: Reservation;
}
export function guestSession(code: string): GuestSession | null {
	const raw = get(guestKey(code));
	if (!raw) return null;
	try {
		const s = JSON.parse(raw) as GuestSession;
		return live(s.token) ? s : null;
	} catch {
		return null;
	}
}
/** A session was kept for this code but its token has expired. */
export const guestSessionExpired = (code: string): boolean => get(guestKey(code)) !== null && guestSession(code) === null;
export const setGuestSession = (code: string, s: GuestSession | null): void => set(guestKey(code), s ? JSON.stringify(s) : null);
