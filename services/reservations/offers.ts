/**
 * Offers (SPEC §9): for one room type and stay, the plans that sell it with their nightly
 * prices, total and cancellation terms, and the plans a restriction refuses with the reason —
 * plain functions over a hotel copy and the calendar's overrides.
 */
import type { Hotel, RatePlan, RoomType } from "../hotels/domain";
import { isActive, plansOf, sells } from "../hotels/rate-plans";
import { cancellationTerms, type CancellationTerms } from "./policy";
import { extraPerRoom, priceStay, termsOf, type RateIndex, type StayPrice } from "./pricing";
import { stayRestriction, type Restriction } from "./restrictions";
import { nightsOf, type Stay } from "./stay";

export interface Offer {
	ratePlanId: string; name: string; description?: string; includes: string[];
	totalPrice: number; nightly: { date: string; price: number }[];
	/** Absent only while search ranks hotels (`withTerms` false); every answered offer has it. */
	cancellation?: CancellationTerms;
}
export type RestrictedPlan = { ratePlanId: string; name: string } & Restriction;

/** The dates a quote reads: the stay's nights, then the check-out date (for closedToDeparture). */
export const quoteDates = (stay: Pick<Stay, "checkIn" | "checkOut">): string[] => [...nightsOf(stay.checkIn, stay.checkOut), stay.checkOut];

/** What `plan` charges for the stay, or the restriction that refuses it. */
export function quote(hotel: Hotel, rates: RateIndex, rt: RoomType, plan: RatePlan, stay: Stay, today: string, dates = quoteDates(stay)): { price: StayPrice } | { restriction: Restriction } {
	const terms = termsOf(hotel, rates, rt, plan, dates);
	const departure = terms.pop();
	const restriction = stayRestriction(plan, terms, departure, stay, today);
	if (restriction) return { restriction };
	return { price: priceStay(terms, extraPerRoom(rt, stay.guests, stay.rooms), stay.rooms) };
}

/** Cancellation terms of a plan for a priced stay, offered or booked at `now`. */
export function termsFor(hotel: Hotel, plan: RatePlan, stay: Pick<Stay, "checkIn" | "rooms">, price: StayPrice, now: Date): CancellationTerms {
	return cancellationTerms(plan.cancellationPolicy, { checkIn: stay.checkIn, rooms: stay.rooms, nightly: price.nightly, totalPrice: price.totalPrice },
		{ timezone: hotel.timezone, checkInTime: hotel.checkInTime }, now);
}

/** Offers cheapest first; the cancellation schedule is computed for sellable offers only (and not at all without `withTerms`: ranking only). */
export function roomOffers(hotel: Hotel, rates: RateIndex, rt: RoomType, stay: Stay, today: string, now: Date, dates = quoteDates(stay), withTerms = true): { offers: Offer[]; restricted: RestrictedPlan[] } {
	const offers: Offer[] = [];
	const restricted: RestrictedPlan[] = [];
	for (const plan of plansOf(hotel)) {
		if (!isActive(plan) || !sells(hotel, plan, rt.id)) continue;
		const q = quote(hotel, rates, rt, plan, stay, today, dates);
		if ("restriction" in q) {
			restricted.push({ ratePlanId: plan.id, name: plan.name, ...q.restriction });
			continue;
		}
		const offer: Offer = {
			ratePlanId: plan.id, name: plan.name, includes: plan.includes ?? [],
			totalPrice: q.price.totalPrice, nightly: q.price.nightly,
		};
		if (withTerms) offer.cancellation = termsFor(hotel, plan, stay, q.price, now);
		if (plan.description) offer.description = plan.description;
		offers.push(offer);
	}
	offers.sort((a, b) => a.totalPrice - b.totalPrice);
	return { offers, restricted };
}
