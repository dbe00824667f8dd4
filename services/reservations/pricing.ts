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

/** Overrides of one hotel: per (room type, plan), the nights that have one. */
export type RateIndex = Map<string, Map<string, RateOverride>>;
const seriesKey = (roomTypeId: string, ratePlanId: string) => `${roomTypeId}\u0000${ratePlanId}`;

export function putRate(rates: RateIndex, roomTypeId: string, ratePlanId: string, night: string, o: RateOverride): void {
	const k = seriesKey(roomTypeId, ratePlanId);
	let series = rates.get(k);
	if (!series) rates.set(k, (series = new Map()));
	series.set(night, o);
}

const seriesOf = (rates: RateIndex, roomTypeId: string, ratePlanId: string) => rates.get(seriesKey(roomTypeId, ratePlanId));

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
	const b = seriesOf(rates, rt.id, base.id)?.get(date);
	return termsFrom(b, base === plan ? b : seriesOf(rates, rt.id, plan.id)?.get(date), rt, plan, date);
}

function termsFrom(b: RateOverride | undefined, own: RateOverride | undefined, rt: RoomType, plan: RatePlan, date: string): NightTerms {
	const basePrice = b?.price ?? rt.pricePerNight;
	const price = plan.derivedFrom ? derivePrice(basePrice, plan.derivedFrom) : basePrice;
	// Most nights have no override at all: no field-by-field merge (availability prices every plan of every room type).
	if (!b && !own) return { date, price, minStay: null, maxStay: null, closed: false, closedToArrival: false, closedToDeparture: false };
	return {
		date, price,
		minStay: own?.minStay ?? b?.minStay ?? null, maxStay: own?.maxStay ?? b?.maxStay ?? null,
		closed: !!(own?.closed ?? b?.closed), closedToArrival: !!(own?.closedToArrival ?? b?.closedToArrival), closedToDeparture: !!(own?.closedToDeparture ?? b?.closedToDeparture),
	};
}

/** Terms of every date in `dates` (the stay's nights, and the departure date for its restriction). */
export function termsOf(hotel: { roomTypes: RoomType[]; ratePlans?: RatePlan[] }, rates: RateIndex, rt: RoomType, plan: RatePlan, dates: string[]): NightTerms[] {
	const base = basePlan(hotel, plan);
	const bs = seriesOf(rates, rt.id, base.id);
	const os = base === plan ? bs : seriesOf(rates, rt.id, plan.id);
	return dates.map(d => {
		const b = bs?.get(d);
		return termsFrom(b, base === plan ? b : os?.get(d), rt, plan, d);
	});
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
