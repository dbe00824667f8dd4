/**
 * Why a rate plan does not sell a stay (SPEC §9), as a plain function, so availability can say
 * it and a booking refuses with it (409 STAY_RESTRICTED, `data.reason`).
 *
 * Checked in a fixed order, the first that refuses is the answer: how far ahead the arrival is
 * (the plan's min/maxAdvanceDays, from the hotel's today), a closed night, arrival closed,
 * departure closed (on the check-out date), then the stay length against the arrival night's
 * minStay / maxStay.
 */
import type { RatePlan } from "../hotels/domain";
import { advanceLimits } from "../hotels/rate-plans";
import type { NightTerms } from "./pricing";
import { daysBetween } from "./stay";

export type Restriction =
	| { reason: "MIN_ADVANCE"; minAdvanceDays: number }
	| { reason: "MAX_ADVANCE"; maxAdvanceDays: number }
	| { reason: "CLOSED"; date: string }
	| { reason: "CLOSED_TO_ARRIVAL"; date: string }
	| { reason: "CLOSED_TO_DEPARTURE"; date: string }
	| { reason: "MIN_STAY"; minStay: number }
	| { reason: "MAX_STAY"; maxStay: number };

export type RestrictionReason = Restriction["reason"];

/**
 * The restriction that refuses the stay, or null when the plan sells it. `nights` are the
 * stay's nights in date order; `departure` the check-out date's terms (only its
 * closedToDeparture counts), absent when the calendar does not reach it.
 */
export function stayRestriction(plan: RatePlan, nights: NightTerms[], departure: NightTerms | undefined, stay: { checkIn: string; checkOut: string }, today: string): Restriction | null {
	const ahead = daysBetween(today, stay.checkIn);
	const { min, max } = advanceLimits(plan);
	if (ahead < min) return { reason: "MIN_ADVANCE", minAdvanceDays: min };
	if (ahead > max) return { reason: "MAX_ADVANCE", maxAdvanceDays: max };
	const closed = nights.find(n => n.closed);
	if (closed) return { reason: "CLOSED", date: closed.date };
	const arrival = nights[0];
	if (arrival?.closedToArrival) return { reason: "CLOSED_TO_ARRIVAL", date: arrival.date };
	if (departure?.closedToDeparture) return { reason: "CLOSED_TO_DEPARTURE", date: stay.checkOut };
	const length = nights.length;
	if (arrival?.minStay != null && length < arrival.minStay) return { reason: "MIN_STAY", minStay: arrival.minStay };
	if (arrival?.maxStay != null && length > arrival.maxStay) return { reason: "MAX_STAY", maxStay: arrival.maxStay };
	return null;
}
