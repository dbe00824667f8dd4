/**
 * What the mail service reads from reservations.reservation.* messages (SPEC §4) and what its
 * log answers (SPEC §3 Mail). The message shape is the reservations service's contract;
 * it is restated here rather than imported so the two services share nothing but the wire.
 */
/** The guests' emails, one per reservations event. */
export const RESERVATION_MAIL_TYPES = ["confirmation", "modification", "cancellation", "no_show"] as const;
export type ReservationMailType = (typeof RESERVATION_MAIL_TYPES)[number];
/** Every type of the log's filter: the guests' and the owner's notice of a disabled webhook (staff-templates.ts). */
export const MAIL_TYPES = [...RESERVATION_MAIL_TYPES, "staff_invitation", "password_reset", "webhook_disabled"] as const;
export type MailType = (typeof MAIL_TYPES)[number];

export const MAIL_STATUSES = ["queued", "sent", "failed"] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** The schedule frozen on the reservation (SPEC §10): instants with the hotel's offset. */
export interface CancellationTerms {
	refundable: boolean;
	freeUntil: string | null;
	schedule: { from: string; to: string | null; fee: number }[];
}

export interface MailAddress { line1: string; line2?: string; city: string; postalCode?: string; country: string }

export interface ReservationData {
	reservation: {
		id?: string; code: string; status: string;
		checkIn: string; checkOut: string; nights: number; rooms: number; guests: number;
		guest: { name: string; email: string; locale?: string };
		totalPrice: number; currency: string; roomTypeName: string; hotelName?: string;
		/** SPEC §9/§10, absent from messages written before rate plans and policies. */
		ratePlanName?: string;
		/** Price per night per room. */
		nightly?: { date: string; price: number }[];
		cancellation?: CancellationTerms;
		cancellationFee?: number | null;
		noShowFee?: number | null;
		feeWaived?: boolean;
	};
	hotel: { id?: string; name: string; address?: MailAddress; timezone?: string; email?: string };
	/** Raised on each change of the reservation: the .ics SEQUENCE. */
	sequence: number;
	previous?: { checkIn: string; checkOut: string; nights: number; rooms: number; guests: number; totalPrice: number; roomTypeName: string };
}

/** A row of the mail log as the API shows it. */
export interface MailLogEntry {
	id: string;
	reservationCode: string;
	type: MailType;
	to: string;
	subject: string;
	status: MailStatus;
	attempts: number;
	lastError: string | null;
	sentAt: string | null;
	createdAt: string;
}

const TYPE_OF_EVENT: Record<string, ReservationMailType> = {
	"reservations.reservation.confirmed": "confirmation",
	"reservations.reservation.modified": "modification",
	"reservations.reservation.cancelled": "cancellation",
	"reservations.reservation.no_show": "no_show",
};

export function mailTypeOf(event: string): ReservationMailType | null {
	return TYPE_OF_EVENT[event] ?? null;
}

/** Checks the fields an email needs; a list of what is missing (empty when usable). */
export function missingFields(d: unknown): string[] {
	const data = d as Partial<ReservationData> | null;
	const r = data?.reservation;
	const missing: string[] = [];
	if (!r || typeof r !== "object") return ["reservation"];
	for (const k of ["code", "checkIn", "checkOut", "currency"] as const) if (typeof r[k] !== "string" || !r[k]) missing.push(`reservation.${k}`);
	for (const k of ["nights", "rooms", "guests", "totalPrice"] as const) if (typeof r[k] !== "number") missing.push(`reservation.${k}`);
	if (!r.guest || typeof r.guest.email !== "string" || !r.guest.email.includes("@")) missing.push("reservation.guest.email");
	if (!data?.hotel || typeof data.hotel.name !== "string") missing.push("hotel.name");
	return missing;
}
