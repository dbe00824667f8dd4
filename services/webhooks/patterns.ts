/**
 * Which messages a webhook receives (SPEC §13): patterns over the §4 event names, with the bus's
 * own topic syntax (`*` one word, `#` any number), and the hotel a message belongs to.
 */
import { ALL_HOTELS } from "../../lib/access";
import { topicMatches } from "../../lib/bus/types";
import { Events, type DomainMessage } from "../../lib/events";

/** The §4 events a webhook can subscribe to (the live availability feed and audit records are not offered). */
export const WEBHOOK_EVENTS: readonly string[] = [
	Events.RESERVATION_CONFIRMED, Events.RESERVATION_MODIFIED, Events.RESERVATION_CANCELLED, Events.RESERVATION_NO_SHOW,
	Events.HOTEL_CREATED, Events.HOTEL_UPDATED, Events.HOTEL_DEACTIVATED,
	Events.MAIL_SENT, Events.MAIL_FAILED,
];

/** What the service consumes from the bus: every event above. */
export const CONSUMED_PATTERNS = ["reservations.reservation.*", "hotels.hotel.*", "mail.message.*"];

/** The synthetic event of "send test event" (never on the bus). */
export const TEST_EVENT = "webhooks.webhook.tested";

export const MAX_PATTERNS = 20;
const WORD = /^([a-z][a-z0-9_]*|\*|#)$/;

/** Why a pattern is refused, or null: three words at most, each a name, `*` or `#`, matching some event. */
export function patternProblem(pattern: unknown): string | null {
	if (typeof pattern !== "string" || pattern.length === 0 || pattern.length > 100) return "must be a string of 1 to 100 characters";
	const words = pattern.split(".");
	if (words.length > 3 || words.some(w => !WORD.test(w)))
		return "must be an event name or a pattern such as 'reservations.reservation.*' (words of a-z, '*' for one word, '#' for any)";
	if (!WEBHOOK_EVENTS.some(e => topicMatches(pattern, e))) return `matches no event (events: ${WEBHOOK_EVENTS.join(", ")})`;
	return null;
}

export function matchesAny(patterns: readonly string[], event: string): boolean {
	return patterns.some(p => topicMatches(p, event));
}

/** "*" in a webhook's hotelIds (ALL_HOTELS): every hotel, messages without a hotel included. */
export function coversHotel(hotelIds: readonly string[], hotelId: string | null): boolean {
	if (hotelIds.includes(ALL_HOTELS)) return true;
	return hotelId != null && hotelIds.includes(hotelId);
}

/**
 * The hotel of a message from its own data; mail messages name the reservations message they
 * answer (`data.messageId`), whose hotel the caller looks up (`viaMessageId`).
 */
export function hotelOf(message: DomainMessage): { hotelId: string | null; viaMessageId?: string } {
	const data = (message.data ?? {}) as Record<string, unknown>;
	if (message.event.startsWith("reservations.")) {
		const r = data.reservation as { hotelId?: unknown } | undefined;
		return { hotelId: typeof r?.hotelId === "string" ? r.hotelId : null };
	}
	if (message.event.startsWith("hotels.")) return { hotelId: typeof data.id === "string" ? data.id : null };
	if (message.event.startsWith("mail.") && typeof data.messageId === "string") return { hotelId: null, viaMessageId: data.messageId };
	return { hotelId: null };
}
