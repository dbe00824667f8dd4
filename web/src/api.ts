/**
 * The HTTP client of the front end: JSON over fetch to /api/v1 (SPEC §3), errors as ApiError
 * carrying the SPEC §3 body (type, data) so pages can say exactly what went wrong.
 */
import type {
	AsTyped, Availability, AvailabilityQuery, ErrorBody, FilterQuery, Hotel, HotelChanges, HotelInput, HotelQuery, Login, LoginAnswer, Lookup, Mail,
	MailQuery, NewReservation, Occupancy, OccupancyQuery, Page, Reservation, ReservationChanges, ReservationQuery, SearchQuery, SearchRow,
} from "./types";
import type { AuditEntry, AuditQuery, StaffChanges, StaffInvite, StaffMe, StaffQuery, StaffUser } from "./types";
import type { CalendarAnswer, CalendarUpdate, ReservationRates } from "./types";

import type { DeliveryQuery, Webhook, WebhookChanges, WebhookDelivery, WebhookInput, WebhookReplay } from "./types";
import type { DailyReport, DeskDay, RoomOffers } from "./types";

export const API_BASE = "/api/v1";

export interface FieldError {
	field: string;
	message: string;
	type?: string;
}

export class ApiError extends Error {
	constructor(
		message: string,
		/** HTTP status; 0 when the server could not be reached. */
		readonly status: number,
		/** SPEC §3 `type`, or NETWORK_ERROR. */
		readonly type: string,
		readonly data?: unknown,
	) {
		super(message);
		this.name = "ApiError";
	}

	/** The 422 `data` list as field → message. */
	fieldErrors(): Record<string, string> {
		const out: Record<string, string> = {};
		if (this.type !== "VALIDATION_ERROR" || !Array.isArray(this.data)) return out;
		for (const d of this.data as FieldError[]) {
			if (d && typeof d.field === "string" && !(d.field in out)) out[d.field] = d.message;
		}
		return out;
	}
}

export interface RequestOptions {
	method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
	body?: unknown;
	token?: string | null;
	query?: Record<string, string | number | boolean | undefined | null>;
	headers?: Record<string, string>;
	signal?: AbortSignal;
}

export function queryString(query: RequestOptions["query"]): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
	const s = q.toString();
	return s ? `?${s}` : "";
}

/** Called when an admin request answers 401: the session is over. */
let onAdminUnauthorized: (() => void) | null = null;
export function setAdminUnauthorizedHandler(fn: () => void): void {
	onAdminUnauthorized = fn;
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
	const headers: Record<string, string> = { Accept: "application/json", ...(opts.headers ?? {}) };
	if (opts.body !== undefined) headers["Content-Type"] = "application/json";
	if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
	let res: Response;
	try {
		res = await fetch(API_BASE + path + queryString(opts.query), {
			method: opts.method ?? "GET",
			headers,
			body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
			signal: opts.signal,
		});
	} catch (err) {
		if (err instanceof DOMException && err.name === "AbortError") throw err;
		throw new ApiError("Network error", 0, "NETWORK_ERROR");
	}
	if (res.status === 204) return undefined as T;
	const text = await res.text();
	let body: unknown = undefined;
	try {
		body = text ? JSON.parse(text) : undefined;
	} catch {
		body = undefined;
	}
	if (!res.ok) {
		const b = (body ?? {}) as Partial<ErrorBody>;
		const type = b.type ?? (res.status >= 500 ? "SERVICE_UNAVAILABLE" : "ERROR");
		if (res.status === 401 && opts.token && isAdminToken(opts.token) && onAdminUnauthorized) onAdminUnauthorized();
		throw new ApiError(b.message ?? res.statusText, res.status, type, b.data);
	}
	return body as T;
}

/** The role claim of a JWT, read without verifying (the server verifies). */
export function tokenClaims(token: string): { role?: string; exp?: number; code?: string; sub?: string } {
	try {
		const part = token.split(".")[1] ?? "";
		const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
		return JSON.parse(decodeURIComponent(escape(json))) as { role?: string; exp?: number };
	} catch {
		return {};
	}
}
/** Every token but a guest's is a staff one (its role claim is the user's role, SPEC §11). */
const isAdminToken = (token: string) => tokenClaims(token).role !== "guest";

export function newIdempotencyKey(): string {
	if (typeof crypto !== "undefined" && "randomUUID" in crypto) return crypto.randomUUID();
	return `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** The staff actions on a reservation: the last segment of POST /reservations/:code/… */
export type Transition = "check-in" | "check-out" | "no-show" | "cancel";

export const api = {
	hotels: (query: HotelQuery, token?: string | null) => request<Page<Hotel>>("/hotels", { query, token }),
	hotel: (id: string, token?: string | null) => request<Hotel>(`/hotels/${encodeURIComponent(id)}`, { token }),
	availability: (id: string, query: AvailabilityQuery) => request<Availability>(`/hotels/${encodeURIComponent(id)}/availability`, { query }),
	search: (query: SearchQuery) => request<Page<SearchRow>>("/search", { query }),
	book: (body: NewReservation, idempotencyKey: string) =>
		request<Reservation & { guestToken: string }>("/reservations", { method: "POST", body, headers: { "Idempotency-Key": idempotencyKey } }),
	lookup: (code: string, email: string) =>
		request<{ reservation: Reservation; guestToken: string }>("/reservations/lookup", { method: "POST", body: { code, email } satisfies Lookup }),
	reservation: (code: string, token: string) => request<Reservation>(`/reservations/${encodeURIComponent(code)}`, { token }),
	changeReservation: (code: string, changes: ReservationChanges, token: string) =>
		request<Reservation>(`/reservations/${encodeURIComponent(code)}`, { method: "PATCH", body: changes, token }),
	cancel: (code: string, token: string) => request<Reservation>(`/reservations/${encodeURIComponent(code)}/cancel`, { method: "POST", token }),
	// Staff
	login: (email: string, password: string) => request<LoginAnswer>("/auth/login", { method: "POST", body: { email, password } satisfies Login }),
	createHotel: (body: AsTyped<HotelInput>, token: string) => request<Hotel>("/hotels", { method: "POST", body, token }),
	updateHotel: (id: string, body: AsTyped<HotelChanges>, token: string) => request<Hotel>(`/hotels/${encodeURIComponent(id)}`, { method: "PATCH", body, token }),
	deactivateHotel: (id: string, token: string) => request<void>(`/hotels/${encodeURIComponent(id)}`, { method: "DELETE", token }),
	reservations: (query: FilterQuery<ReservationQuery>, token: string) => request<Page<Reservation>>("/reservations", { query, token }),
	transition: (code: string, action: Transition, token: string) =>
		request<Reservation>(`/reservations/${encodeURIComponent(code)}/${action}`, { method: "POST", token }),
	occupancy: (id: string, from: string, to: string, token: string) =>
		request<Occupancy>(`/hotels/${encodeURIComponent(id)}/occupancy`, { query: { from, to } satisfies OccupancyQuery, token }),
	mails: (query: FilterQuery<MailQuery>, token: string) => request<Page<Mail>>("/mails", { query, token }),
	resendMail: (id: string, token: string) => request<unknown>(`/mails/${encodeURIComponent(id)}/resend`, { method: "POST", token }),
};

// Rate plans and the calendar (SPEC §9), fees (SPEC §10).
export const ratesApi = {
	calendar: (id: string, query: { from: string; to: string; roomTypeId?: string; ratePlanId?: string }, token: string) =>
		request<CalendarAnswer>(`/hotels/${encodeURIComponent(id)}/calendar`, { query, token }),
	updateCalendar: (id: string, updates: CalendarUpdate[], token: string) =>
		request<{ changedNights: number }>(`/hotels/${encodeURIComponent(id)}/calendar`, { method: "PUT", body: { updates }, token }),
	/** A cancel; staff may waive the fee with a reason (SPEC §10). */
	cancel: (code: string, token: string, waive?: { reason: string }) =>
		request<Reservation & ReservationRates>(`/reservations/${encodeURIComponent(code)}/cancel`, { method: "POST", token, body: waive ? { waiveFee: true, reason: waive.reason } : undefined }),
	/** A no-show; staff with fees.waive may waive its fee with a reason, as for a cancel. */
	noShow: (code: string, token: string, waive?: { reason: string }) =>
		request<Reservation & ReservationRates>(`/reservations/${encodeURIComponent(code)}/no-show`, { method: "POST", token, body: waive ? { waiveFee: true, reason: waive.reason } : undefined }),
	/** Waive the fee of a reservation already cancelled or marked no-show (staff with fees.waive). */
	waiveFee: (code: string, reason: string, token: string) =>
		request<Reservation & ReservationRates>(`/reservations/${encodeURIComponent(code)}/waive-fee`, { method: "POST", token, body: { reason } }),
};

// Staff accounts and the audit log (SPEC §11, issue 14).
export const accountsApi = {
	me: (token: string) => request<StaffMe>("/auth/me", { token }),
	/** A fresh staff token for the same user (refused once the account changed). */
	refresh: (token: string) => request<LoginAnswer>("/auth/refresh", { method: "POST", token }),
	forgot: (email: string) => request<unknown>("/auth/forgot", { method: "POST", body: { email } }),
	/** Spends the link's token; answers a staff token, so the user is logged in at once. */
	reset: (token: string, password: string) => request<LoginAnswer>("/auth/reset", { method: "POST", body: { token, password } }),
	staff: (query: StaffQuery, token: string) => request<Page<StaffUser>>("/staff", { query: { ...query }, token }),
	invite: (body: StaffInvite, token: string) => request<StaffUser>("/staff", { method: "POST", body, token }),
	changeStaff: (id: string, body: StaffChanges, token: string) => request<StaffUser>(`/staff/${encodeURIComponent(id)}`, { method: "PATCH", body, token }),
	audit: (query: FilterQuery<AuditQuery>, token: string) => request<Page<AuditEntry>>("/audit", { query: { ...query }, token }),
};

// Webhooks (SPEC §13, issue 16).
export const webhooksApi = {
	list: (query: { page?: number; pageSize?: number }, token: string) => request<Page<Webhook>>("/webhooks", { query, token }),
	/** The answer carries the signing secret: the only time the server gives it. */
	create: (body: WebhookInput, token: string) => request<Webhook & { secret: string }>("/webhooks", { method: "POST", body, token }),
	update: (id: string, body: Omit<WebhookChanges, "id">, token: string) => request<Webhook>(`/webhooks/${encodeURIComponent(id)}`, { method: "PATCH", body, token }),
	remove: (id: string, token: string) => request<void>(`/webhooks/${encodeURIComponent(id)}`, { method: "DELETE", token }),
	test: (id: string, token: string) => request<WebhookDelivery>(`/webhooks/${encodeURIComponent(id)}/test`, { method: "POST", token }),
	deliveries: (id: string, query: Omit<DeliveryQuery, "id">, token: string) =>
		request<Page<WebhookDelivery>>(`/webhooks/${encodeURIComponent(id)}/deliveries`, { query: { ...query }, token }),
	replay: (id: string, body: Omit<WebhookReplay, "id">, token: string) =>
		request<{ replayed: number }>(`/webhooks/${encodeURIComponent(id)}/replay`, { method: "POST", body, token }),
};

// Reports and the front desk (SPEC §12, issue 17).
export const reportsApi = {
	daily: (id: string, from: string, to: string, token: string) =>
		request<DailyReport>(`/hotels/${encodeURIComponent(id)}/reports/daily`, { query: { from, to }, token }),
	/** The same report as the server's CSV (Accept: text/csv), for a download. */
	dailyCsv: async (id: string, from: string, to: string, token: string): Promise<Blob> => {
		let res: Response;
		try {
			res = await fetch(`${API_BASE}/hotels/${encodeURIComponent(id)}/reports/daily${queryString({ from, to })}`, { headers: { Accept: "text/csv", Authorization: `Bearer ${token}` } });
		} catch {
			throw new ApiError("Network error", 0, "NETWORK_ERROR");
		}
		if (!res.ok) {
			const b = (await res.json().catch(() => ({}))) as Partial<ErrorBody>;
			throw new ApiError(b.message ?? res.statusText, res.status, b.type ?? "ERROR", b.data);
		}
		return res.blob();
	},
	today: (id: string, token: string) => request<DeskDay>(`/hotels/${encodeURIComponent(id)}/today`, { token }),
	/** A booking made by staff for a guest (the same route as guests'; the staff token makes staff the actor). */
	book: (body: NewReservation & { ratePlanId?: string }, idempotencyKey: string, token: string) =>
		request<Reservation & ReservationRates & { guestToken: string }>("/reservations", { method: "POST", body, token, headers: { "Idempotency-Key": idempotencyKey } }),
	reservation: (code: string, token: string) => request<Reservation & ReservationRates>(`/reservations/${encodeURIComponent(code)}`, { token }),
	mailsOf: (code: string, token: string) => request<Page<Mail>>("/mails", { query: { reservationCode: code, pageSize: 100 }, token }),
	auditOf: (code: string, token: string) => request<Page<AuditEntry>>("/audit", { query: { targetId: code, pageSize: 100 }, token }),
	offers: (id: string, query: AvailabilityQuery) => request<Availability & { roomTypes: RoomOffers[] }>(`/hotels/${encodeURIComponent(id)}/availability`, { query }),
};
