/**
 * The API's shapes (SPEC §3) as the front end reads them. Every request shape comes from
 * ./api-types.ts, generated from GET /api/openapi.json (`npm run gen:api-types`): a renamed
 * parameter or field breaks `npm run typecheck`. The document does not describe its answers yet
 * (each 200 is `{ type: "object" }`), so the answers are written here, built on the request
 * shapes they echo wherever they do.
 */
import type { components, paths } from "./api-types";

type Method = "get" | "post" | "patch" | "delete";
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The query parameters of `M P`, as the document declares them. */
export type QueryOf<P extends keyof paths, M extends Method = "get"> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
/** The JSON body of `M P`, as the document declares it. */
export type BodyOf<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;

/** A list's query as its filter form holds it: the document's names, texts as typed ("" = no filter). */
export type FilterQuery<Q> = { [K in keyof Q]?: Q[K] extends number | boolean | undefined ? Q[K] : string };
/** A body as a form sends it: numbers that do not parse go as typed, so the API names the field. */
export type AsTyped<T> = T extends number ? number | string : T extends (infer U)[] ? AsTyped<U>[] : T extends object ? { [K in keyof T]: AsTyped<T[K]> } : T;

/** SPEC §3 error body. */
export type ErrorBody = components["schemas"]["Error"];

// Requests: generated.
export type HotelQuery = QueryOf<"/api/v1/hotels">;
export type SearchQuery = QueryOf<"/api/v1/search">;
export type AvailabilityQuery = QueryOf<"/api/v1/hotels/{id}/availability">;
export type OccupancyQuery = QueryOf<"/api/v1/hotels/{id}/occupancy">;
export type ReservationQuery = QueryOf<"/api/v1/reservations">;
export type MailQuery = QueryOf<"/api/v1/mails">;
export type Login = BodyOf<"/api/v1/auth/login", "post">;
export type Lookup = BodyOf<"/api/v1/reservations/lookup", "post">;
export type HotelInput = BodyOf<"/api/v1/hotels", "post">;
export type HotelChanges = BodyOf<"/api/v1/hotels/{id}", "patch">;
export type NewReservation = BodyOf<"/api/v1/reservations", "post">;
export type ReservationChanges = BodyOf<"/api/v1/reservations/{code}", "patch">;

/** The list filters' enums: the document's. */
export type ReservationStatus = NonNullable<ReservationQuery["status"]>;
export type MailStatus = NonNullable<MailQuery["status"]>;
export type MailType = NonNullable<MailQuery["type"]>;

// Answers: hand-written, as the document has no response schemas yet.

/** Every list answer (SPEC §3 pagination); not in the document. */
export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

/** A saved room type: the input with its id. */
export type RoomType = HotelInput["roomTypes"][number] & { id: string };

/** A saved hotel: the input with its id, room type ids, lists always present, state and times. */
export type Hotel = Omit<HotelInput, "roomTypes" | "amenities" | "photos"> & {
	id: string;
	amenities: string[];
	photos: string[];
	roomTypes: RoomType[];
	active: boolean;
	createdAt: string;
	updatedAt: string;
};

/** One room type of an availability or search answer; not in the document. */
export interface RoomAvailability {
	roomTypeId: string;
	name: string;
	capacity: number;
	available: number;
	pricePerNight: number;
	totalPrice: number;
	currency: string;
}

/** GET /hotels/:id/availability answer; not in the document. */
export interface Availability {
	hotelId: string;
	checkIn: string;
	checkOut: string;
	nights: number;
	roomTypes: RoomAvailability[];
}

/** One row of GET /search: a hotel with the room types free for the whole stay; not in the document. */
export interface SearchRow {
	hotelId?: string;
	id?: string;
	hotelName?: string;
	name?: string;
	hotel?: Partial<Hotel> & { id: string };
	nights?: number;
	currency?: string;
	roomTypes: RoomAvailability[];
	[key: string]: unknown;
}

/** A reservation: the booking request (rooms filled in) with what the server adds. */
export type Reservation = Omit<Required<NewReservation>, "guest"> & {
	id: string;
	code: string;
	status: ReservationStatus;
	hotelName: string;
	roomTypeName: string;
	nights: number;
	/** The server always answers an email: "" when staff booked for a guest who gave none. */
	guest: NewReservation["guest"] & { email: string };
	totalPrice: number;
	currency: string;
	createdAt: string;
	updatedAt: string;
};

/** One day of GET /hotels/:id/occupancy; not in the document. */
export interface OccupancyDay {
	date: string;
	occupancy: number;
	roomTypes: { roomTypeId: string; total: number; booked: number }[];
}

/** GET /hotels/:id/occupancy answer; not in the document. */
export interface Occupancy {
	hotelId: string;
	from: string;
	to: string;
	days: OccupancyDay[];
}

/** One row of the mail log (GET /mails); its status is the filter's enum. */
export interface Mail {
	id: string;
	reservationCode: string;
	type: string;
	to: string;
	subject: string;
	status: MailStatus;
	attempts: number;
	lastError: string | null;
	sentAt: string | null;
	createdAt: string;
}

/** POST /auth/login answer; not in the document. */
export interface LoginAnswer {
	token: string;
	expiresIn: number;
}

// Rate plans, the calendar and offers (SPEC §9) and cancellation policies (SPEC §10): answers
// and hotel fields written here until the document carries them.

/** A fee of a cancellation tier or a no-show: exactly one of the three. */
export interface Fee {
	percent?: number;
	nights?: number;
	amount?: number;
}
export interface PolicyTier {
	hoursBeforeArrival: number;
	fee: Fee;
}
export interface CancellationPolicy {
	refundable: boolean;
	tiers?: PolicyTier[];
	noShowFee?: Fee;
}
export interface RatePlan {
	id: string;
	name: string;
	description?: string;
	roomTypeIds?: string[];
	includes?: string[];
	cancellationPolicy?: CancellationPolicy;
	active?: boolean;
	minAdvanceDays?: number;
	maxAdvanceDays?: number;
	derivedFrom?: { ratePlanId: string; percent?: number; amount?: number };
}
/** The hotel fields of §9/§10 a hotel may carry (absent on hotels saved before them). */
export interface HotelRates {
	ratePlans?: RatePlan[];
	checkInTime?: string;
	checkOutTime?: string;
	autoNoShow?: boolean;
}
export interface RoomTypeRates {
	baseOccupancy?: number;
	extraGuestPerNight?: number;
}

/** One instant range of a cancellation schedule: `fee` from `from` until `to` (null: open). */
export interface ScheduleStep {
	from: string;
	to: string | null;
	fee: number;
}
export interface Cancellation {
	refundable: boolean;
	freeUntil: string | null;
	schedule: ScheduleStep[];
}
export interface NightPrice {
	date: string;
	price: number;
}
export interface Offer {
	ratePlanId: string;
	name: string;
	description?: string;
	includes?: string[];
	totalPrice: number;
	nightly: NightPrice[];
	cancellation?: Cancellation;
}
export type RestrictionReason = "MIN_STAY" | "MAX_STAY" | "CLOSED" | "CLOSED_TO_ARRIVAL" | "CLOSED_TO_DEPARTURE" | "MIN_ADVANCE" | "MAX_ADVANCE";
export interface Restricted {
	ratePlanId: string;
	name?: string;
	reason: RestrictionReason;
	minStay?: number;
	maxStay?: number;
	minAdvanceDays?: number;
	maxAdvanceDays?: number;
	date?: string;
}
/** A room type of availability/search with the §9 offers (absent from a server without plans). */
export type RoomOffers = RoomAvailability & { offers?: Offer[]; restricted?: Restricted[] };

/** The reservation's §9/§10 fields. */
export interface ReservationRates {
	ratePlanId?: string;
	ratePlanName?: string;
	nightly?: NightPrice[];
	cancellation?: Cancellation;
	/** Set once cancelled / marked no-show (null before). */
	cancellationFee?: number | null;
	noShowFee?: number | null;
	feeWaived?: boolean;
	waiveReason?: string | null;
}

/** One night of a calendar row (GET /hotels/:id/calendar). */
export interface CalendarDay {
	date: string;
	price: number;
	minStay: number | null;
	maxStay: number | null;
	closed: boolean;
	closedToArrival: boolean;
	closedToDeparture: boolean;
	total: number;
	booked: number;
	overbookLimit: number;
	available: number;
}
export interface CalendarRow {
	roomTypeId: string;
	ratePlanId: string;
	days: CalendarDay[];
}
export interface CalendarAnswer {
	hotelId: string;
	from: string;
	to: string;
	rows: CalendarRow[];
}
export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export interface CalendarSet {
	price?: number | null;
	minStay?: number | null;
	maxStay?: number | null;
	closed?: boolean;
	closedToArrival?: boolean;
	closedToDeparture?: boolean;
	overbookLimit?: number;
}
export interface CalendarUpdate {
	roomTypeIds: string[];
	ratePlanIds?: string[];
	from: string;
	to: string;
	weekdays?: Weekday[];
	set: CalendarSet;
}

// Staff accounts, roles and the audit log (SPEC §11, issue 14).

/** lib/access.ts PERMISSIONS: what GET /auth/me lists for the user's role. */
export type Permission =
	| "staff.manage" | "hotels.create" | "hotels.edit" | "rates.edit" | "reservations.view" | "reservations.manage"
	| "fees.waive" | "reports.view" | "mail.manage" | "webhooks.manage" | "audit.view";
// Requests: generated (POST /staff, PATCH /staff/:id, GET /staff, GET /audit).
export type StaffInvite = BodyOf<"/api/v1/staff", "post">;
export type StaffChanges = BodyOf<"/api/v1/staff/{id}", "patch">;
export type StaffQuery = QueryOf<"/api/v1/staff">;
export type AuditQuery = QueryOf<"/api/v1/audit">;
/** The role enum of the invitation: the document's. */
export type StaffRole = StaffInvite["role"];
export const STAFF_ROLES: StaffRole[] = ["owner", "manager", "revenue", "front_desk"];

/** A staff user (GET /staff rows, POST /staff, PATCH /staff/:id); `hotelIds` ["*"] = every hotel. */
export interface StaffUser {
	id: string;
	email: string;
	name: string;
	role: StaffRole;
	hotelIds: string[];
	active: boolean;
	createdAt: string;
	lastLoginAt: string | null;
	/** Invited, no password set yet. */
	invitationPending?: boolean;
}

/** GET /auth/me: the user and the permissions its role gives. */
export type StaffMe = StaffUser & { permissions: Permission[] };


/** One audit entry (GET /audit): `changes` maps each field to [before, after]. */
export interface AuditEntry {
	id: string;
	at: string;
	actor: { type: "staff" | "guest" | "system"; id: string | null; email?: string | null; role?: string | null };
	action: string;
	target: { type: string; id: string; hotelId?: string | null };
	changes: Record<string, [unknown, unknown]> | null;
	requestId?: string | null;
	ip?: string | null;
}

// Webhooks (SPEC §13, issue 16).
export type WebhookInput = BodyOf<"/api/v1/webhooks", "post">;
export type WebhookChanges = BodyOf<"/api/v1/webhooks/{id}", "patch">;
export type WebhookReplay = BodyOf<"/api/v1/webhooks/{id}/replay", "post">;
export type DeliveryQuery = QueryOf<"/api/v1/webhooks/{id}/deliveries">;
export type DeliveryStatus = NonNullable<DeliveryQuery["status"]>;

/** A webhook as the API answers it (never its secret, except once in the answer to its creation). */
export interface Webhook {
	id: string;
	url: string;
	events: string[];
	hotelIds: string[];
	enabled: boolean;
	disabledReason: string | null;
	disabledAt: string | null;
	/** The first failure since the last success; null while healthy. */
	failingSince: string | null;
	createdAt: string;
	updatedAt: string;
}

/** One delivery of the log: `messageId` is the `webhook-id` the receiver got. */
export interface WebhookDelivery {
	id: string;
	webhookId: string;
	messageId: string;
	event: string;
	kind: "event" | "replay" | "test";
	status: DeliveryStatus;
	attempts: number;
	responseStatus: number | null;
	latencyMs: number | null;
	error: string | null;
	createdAt: string;
	lastAttemptAt: string | null;
	nextAttemptAt: string | null;
	deliveredAt: string | null;
}

// Reports and the front desk (SPEC §12, issue 17).
/** The figures of one day (or of the range: totals; ADR and RevPAR weighted). */
export interface ReportFigures {
	roomsAvailable: number;
	roomsSold: number;
	occupancy: number;
	roomRevenue: number;
	adr: number;
	revpar: number;
	arrivals: number;
	departures: number;
	cancellations: number;
	noShows: number;
	cancellationFees: number;
	noShowFees: number;
	bookingsMade: number;
}
export interface ReportDay extends ReportFigures {
	date: string;
}
/** GET /hotels/:id/reports/daily. */
export interface DailyReport {
	hotelId: string;
	from: string;
	to: string;
	currency: string;
	timezone: string;
	days: ReportDay[];
	totals: ReportFigures;
}
/** The desk's moves on a stay (lifecycle transitions). */
export type DeskAction = "checkIn" | "checkOut" | "noShow";
export interface DeskRow {
	code: string;
	status: ReservationStatus;
	guestName: string;
	guestEmail: string;
	guestPhone: string | null;
	roomTypeId: string;
	roomTypeName: string;
	ratePlanName: string | null;
	rooms: number;
	guests: number;
	checkIn: string;
	checkOut: string;
	nights: number;
	totalPrice: number;
	currency: string;
	actions: DeskAction[];
}
/** GET /hotels/:id/today. */
export interface DeskDay {
	hotelId: string;
	date: string;
	timezone: string;
	arrivals: DeskRow[];
	inHouse: DeskRow[];
	departures: DeskRow[];
}
