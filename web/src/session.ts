/**
 * Tokens kept in sessionStorage (closed with the tab): the staff token, and each booking's
 * guest token by code (from the booking or the lookup). The server checks them; expiry is read
 * from the JWT so an expired one is dropped before use. With the token, the staff user it belongs
 * to (GET /auth/me: role, permissions, hotels), which decides the navigation and the buttons shown.
 */
import { useEffect, useState } from "preact/hooks";
import { accountsApi, ApiError, tokenClaims } from "./api";
import type { Permission, Reservation, StaffMe } from "./types";

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

// Staff accounts (issue 14): who the staff token belongs to, from GET /auth/me.

/** Kept with the token it was read for, so a new login never shows the last user's pages. */
const ME = "hb.me";
type MeListener = (me: StaffMe | null) => void;
const meListeners = new Set<MeListener>();
let meLoading: Promise<StaffMe | null> | null = null;
let meReadAt = 0;
let meError: unknown = null;
/** Why the last GET /auth/me failed (not a 401), while no user is known: the page offers a retry. */
export const staffMeError = (): unknown => (staffMe() ? null : meError);
/** A role change or a deactivation reaches the server at once; the nav follows within this. */
const ME_MAX_AGE_MS = 30_000;

export function staffMe(): StaffMe | null {
	const token = adminToken();
	const raw = get(ME);
	if (!token || !raw) return null;
	try {
		const kept = JSON.parse(raw) as { token: string; me: StaffMe };
		return kept.token === token ? kept.me : null;
	} catch {
		return null;
	}
}

function setStaffMe(me: StaffMe | null): void {
	const token = adminToken();
	set(ME, me && token ? JSON.stringify({ token, me }) : null);
	for (const fn of meListeners) fn(me);
}

/** Read GET /auth/me for the current token (once at a time); null without a token or when refused. */
export function loadStaffMe(force = false): Promise<StaffMe | null> {
	const token = adminToken();
	if (!token) return Promise.resolve(null);
	if (!force && staffMe() && Date.now() - meReadAt < ME_MAX_AGE_MS) return Promise.resolve(staffMe());
	meLoading ??= accountsApi
		.me(token)
		.then(me => {
			meReadAt = Date.now();
			meError = null;
			setStaffMe(me);
			return me;
		})
		.catch((err: unknown) => {
			// A 401 already ended the session (the api's handler); other failures keep what we had.
			meError = err;
			for (const fn of meListeners) fn(staffMe());
			return staffMe();
		})
		.finally(() => {
			meLoading = null;
		});
	return meLoading;
}

/** Staff login and logout go through here, so the user read for one token never serves another. */
export function startStaffSession(token: string | null): void {
	setAdminToken(token);
	meReadAt = 0;
	setStaffMe(null);
	scheduleRefresh();
}

/**
 * Staff tokens are short-lived (SPEC §11): while the app is open, a fresh one is asked for
 * shortly before the current one ends (POST /auth/refresh), so a working day needs one login.
 * The server refuses it once the account changed (role, hotels, deactivation): the 401 ends the
 * session like any other.
 */
const REFRESH_AHEAD_MS = 120_000;
let refreshTimer: ReturnType<typeof setTimeout> | null = null;

function scheduleRefresh(retryInMs?: number): void {
	if (refreshTimer) clearTimeout(refreshTimer);
	refreshTimer = null;
	const token = adminToken();
	const exp = token ? tokenClaims(token).exp : undefined;
	if (!token || !exp) return;
	const wait = retryInMs ?? Math.max(0, exp * 1000 - Date.now() - REFRESH_AHEAD_MS);
	refreshTimer = setTimeout(() => void refreshStaffToken(), wait);
}

export async function refreshStaffToken(): Promise<void> {
	const token = adminToken();
	if (!token) return;
	try {
		const res = await accountsApi.refresh(token);
		if (adminToken() !== token) return; // logged out or in meanwhile
		const me = staffMe();
		setAdminToken(res.token);
		// Same user, new token: pages re-render and reopen what holds the old one (the live stream).
		setStaffMe(me ? { ...me } : null);
		scheduleRefresh();
	} catch (err) {
		// A 401 already ended the session; a network failure tries again while the token lasts.
		if (!(err instanceof ApiError && err.status === 401) && adminToken() === token) scheduleRefresh(30_000);
	}
}
scheduleRefresh(); // a token kept from before a reload

/** The staff user, re-rendering when it is (re)loaded; reads it again when older than half a minute. */
export function useStaffMe(): StaffMe | null {
	const [me, setMe] = useState<StaffMe | null>(staffMe);
	const [, setTick] = useState(0);
	useEffect(() => {
		const on = (m: StaffMe | null) => {
			setMe(m);
			setTick(x => x + 1); // a failure with no user yet still re-renders (the retry offer)
		};
		meListeners.add(on);
		void loadStaffMe();
		return () => {
			meListeners.delete(on);
		};
	}, []);
	return me;
}

/** May the staff user do this (on at least one of its hotels)? The server checks again. */
export function can(permission: Permission, me: StaffMe | null = staffMe()): boolean {
	return !!me && me.permissions.includes(permission);
}

/** Is this hotel one of the staff user's? (Pickers offer only those; the server filters its lists too.) */
export function inStaffScope(hotelId: string, me: StaffMe | null = staffMe()): boolean {
	return !!me && (me.hotelIds.includes("*") || me.hotelIds.includes(hotelId));
}

/** May the staff user do this on that hotel? */
export function canOnHotel(permission: Permission, hotelId: string, me: StaffMe | null = staffMe()): boolean {
	return can(permission, me) && inStaffScope(hotelId, me);
}

/** The page a staff user lands on: the first of these its role allows. */
const LANDINGS: [Permission, string][] = [
	["hotels.edit", "/admin/hotels"],
	// The front desk starts its day on the day's arrivals and departures; revenue on the reports.
	["reservations.manage", "/admin/today"],
	["reports.view", "/admin/reports"],
	["reservations.view", "/admin/reservations"],
	["reports.view", "/admin/occupancy"],
	["staff.manage", "/admin/staff"],
];
export function staffLanding(me: StaffMe | null = staffMe()): string {
	return LANDINGS.find(([p]) => can(p, me))?.[1] ?? "/admin/account";
}
