/**
 * The .ics attachment (SPEC §6): one all-day event from check-in to check-out, a UID that
 * stays the same for the reservation's whole life, SEQUENCE from the message (raised on each
 * change) so calendars replace the event, and METHOD:CANCEL with a cancelled event on cancellation.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import type { ReservationMailType, ReservationData } from "./types";
import { addressLines } from "./format";

export interface IcsInput {
	data: ReservationData;
	type: ReservationMailType;
	/** Host name for the UID (from PUBLIC_URL). */
	domain: string;
	organizer: { name: string; email: string };
	summary: string;
	description: string;
}

/** A calendar date "YYYY-MM-DD" as the UTC midnight ical-generator writes as DATE. */
const day = (date: string) => new Date(`${date}T00:00:00Z`);

export function reservationUid(code: string, domain: string): string {
	return `reservation-${code.toLowerCase()}@${domain}`;
}

export function buildIcs({ data, type, domain, organizer, summary, description }: IcsInput): { content: string; method: "PUBLISH" | "CANCEL" } {
	// A no-show frees the stay too: the event leaves the guest's calendar.
	const cancelled = type === "cancellation" || type === "no_show";
	const method = cancelled ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.PUBLISH;
	const cal = ical({ prodId: { company: "hotel-booking", product: "reservations", language: "EN" }, method });
	const r = data.reservation;
	cal.createEvent({
		id: reservationUid(r.code, domain),
		sequence: Math.max(0, Math.trunc(Number(data.sequence) || 0)),
		start: day(r.checkIn),
		end: day(r.checkOut),
		allDay: true,
		summary,
		description,
		location: [data.hotel.name, ...addressLines(data.hotel.address)].join(", "),
		organizer,
		status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
		stamp: new Date(),
	});
	return { content: cal.toString(), method: cancelled ? "CANCEL" : "PUBLISH" };
}
