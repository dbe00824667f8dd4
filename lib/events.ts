/**
 * Domain events of SPEC §4: names and the message envelope, typed in one place.
 */
import crypto from "crypto";

export const Events = {
	HOTEL_CREATED: "hotels.hotel.created",
	HOTEL_UPDATED: "hotels.hotel.updated",
	HOTEL_DEACTIVATED: "hotels.hotel.deactivated",
	RESERVATION_CONFIRMED: "reservations.reservation.confirmed",
	RESERVATION_MODIFIED: "reservations.reservation.modified",
	RESERVATION_CANCELLED: "reservations.reservation.cancelled",
	/** SPEC §10: marked no-show (by staff or the autoNoShow job), with its fee. */
	RESERVATION_NO_SHOW: "reservations.reservation.no_show",
	MAIL_SENT: "mail.message.sent",
	MAIL_FAILED: "mail.message.failed",
	/** A staff user's role, hotels, state or password changed: gateways drop their cached copy (SPEC §11). */
	ACCOUNTS_USER_CHANGED: "accounts.user.changed",
	/** An invitation or password-reset email to send (the mail service's staff consumer). */
	ACCOUNTS_MAIL_REQUESTED: "accounts.mail.requested",
	/** A webhook disabled after continuous failures: the email to its owner (the mail service's staff consumer). */
	WEBHOOKS_MAIL_REQUESTED: "webhooks.mail.requested",
} as const;
export type EventName = (typeof Events)[keyof typeof Events];

export interface DomainMessage<T = unknown> {
	event: EventName;
	id: string;
	occurredAt: string;
	data: T;
}

export function makeMessage<T>(event: EventName, data: T, now: Date = new Date()): DomainMessage<T> {
	return { event, id: crypto.randomUUID(), occurredAt: now.toISOString(), data };
}
