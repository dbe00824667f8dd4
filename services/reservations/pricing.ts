/**
 * Prices and terms of each night under a rate plan (SPEC §9) as plain functions.
 *
 * The calendar stores only what a manager set (sparse overrides: a night nobody touched has no
 * row). A night's terms under a plan are, field by field: the plan's own override, else — for a
 * derived plan — the base plan's terms that night, else the default (price: the room type's
 * `pricePerNight`; no stay limits; open). A derived plan never has a price of its own: it is
 * the base plan's price that night adjusted by its percent or amount, rounded to the minor unit.
 */
import type { DerivedFrom, RatePlan, RoomType } from "../hotels/domain";
import { basePlan, occupancyOf } from "../hotels/rate-plans";

/** One stored override (null: not set, the default or the base plan's value applies). */
export interface RateOverride {
	price: number | null; minStay: number | null; maxStay: number | null;
	closed: boolean | null; closedToArrival: boolean | null; closedToDeparture: boolean | null;
}
export const RESTRICTION_FIELDS = ["minStay", "maxStay", "closed", "closedToArrival", "closedToDeparture"] as const;

/** What a night is sold at and under which restrictions, for one room type and plan. */
export interface NightTerms {
	date: string; price: number; minStay: number | null; maxStay: number | null;
	closed: boolean; closedToArrival: boolean; closedToDeparture: boolean;
}

/** Overrides of one hotel, looked up by (room type, plan, night). */
export type RateIndex = Map<string, RateOverride>;
export const rateKey = (roomTypeId: string, ratePlanId: string, night: string) => `${roomTypeId}\u0000${ratePlanId}\u0000${night}`;

/**
 * Money is integer minor units in every currency (cents, yen, fils): an adjusted price is
 * rounded to the nearest minor unit, halves away from zero. The small epsilon keeps binary
 * fractions (14,500 × 0.885 = 12832.499999…) from rounding the wrong way.
 */
export function roundMinor(x: number): number {
	const r = Math.round(Math.abs(x) + 1e-9);
	return x < 0 ? -r : r;
}

/** A derived plan's price from its base plan's price that night (never below zero). */
export function derivePrice(base: number, d: DerivedFrom): number {
	const v = d.percent !== undefined ? roundMinor((base * (100 + d.percent)) / 100) : base + (d.amount ?? 0);
	return Math.max(0, v);
}

/** The terms of `date` for room type `rt` under `plan` (its base plan's when derived). */
export function nightTerms(rates: RateIndex, rt: RoomType, plan: RatePlan, base: RatePlan, date: string): NightTerms {
	const b = rates.get(rateKey(rt.id, base.id, date));
	const own = base === plan ? b : rates.get(rateKey(rt.id, plan.id, date));
	const basePrice = b?.price ?? rt.pricePerNight;
	const pick = <K extends (typeof RESTRICTION_FIELDS)[number]>(k: K): RateOverride[K] | null => own?.[k] ?? b?.[k] ?? null;
	return {
		date,
		price: plan.derivedFrom ? derivePrice(basePrice, plan.derivedFrom) : basePrice,
		minStay: pick("minStay"), maxStay: pick("maxStay"),
		closed: !!pick("closed"), closedToArrival: !!pick("closedToArrival"), closedToDeparture: !!pick("closedToDeparture"),
	};
}

/** Terms of every date in `dates` (the stay's nights, and the departure date for its restriction). */
export function termsOf(hotel: { roomTypes: RoomType[]; ratePlans?: RatePlan[] }, rates: RateIndex, rt: RoomType, plan: RatePlan, dates: string[]): NightTerms[] {
	const base = basePlan(hotel, plan);
	return dates.map(d => nightTerms(rates, rt, plan, base, d));
}

/**
 * What each room pays per night for the guests above the price's occupancy: each guest above
 * `baseOccupancy × rooms` adds `extraGuestPerNight` per night, spread over the rooms and rounded
 * to the minor unit so that the total is always rooms × Σ nightly.
 */
export function extraPerRoom(rt: RoomType, guests: number, rooms: number): number {
	const { base, extra } = occupancyOf(rt);
	const over = Math.max(0, guests - base * rooms);
	return over && extra ? roundMinor((over * extra) / rooms) : 0;
}

export interface StayPrice { nightly: { date: string; price: number }[]; totalPrice: number }

/** The nightly prices per room (extra guests included) and the total for `rooms` rooms. */
export function priceStay(nights: Pick<NightTerms, "date" | "price">[], extra: number, rooms: number): StayPrice {
	const nightly = nights.map(n => ({ date: n.date, price: n.price + extra }));
	return { nightly, totalPrice: rooms * nightly.reduce((s, n) => s + n.price, 0) };
}
