/**
 * Rate plans of a hotel (SPEC §9) as plain functions: the rules a hotel's plans must follow
 * (checked by hotels before it saves) and the plans as reservations sells them.
 *
 * A hotel without plans sells every room type under one plan, `standard`, at `pricePerNight`
 * with the default cancellation policy: every client and reservation made before plans existed
 * keeps working. A request that names no plan takes the first active one.
 */
import type { FieldError } from "../../lib/errors";
import type { Hotel, RatePlan, RoomType } from "./domain";

export const DEFAULT_PLAN: RatePlan = Object.freeze({ id: "standard", name: "Standard" }) as RatePlan;
export const DEFAULT_CHECK_IN = "15:00";
export const DEFAULT_CHECK_OUT = "11:00";
export const MAX_ADVANCE_DAYS = 730;

export const PERCENT_MIN = -100;
export const PERCENT_MAX = 500;

type PlanHotel = Pick<Hotel, "roomTypes"> & { ratePlans?: RatePlan[] };

/** The plans a hotel sells under: its own, or the default one. */
export function plansOf(hotel: PlanHotel): RatePlan[] {
	return hotel.ratePlans && hotel.ratePlans.length ? hotel.ratePlans : [DEFAULT_PLAN];
}

export const isActive = (p: RatePlan): boolean => p.active !== false;

export function findPlan(hotel: PlanHotel, id: string): RatePlan | undefined {
	return plansOf(hotel).find(p => p.id === id);
}

/** The plan a request without `ratePlanId` books: the first active one. */
export function defaultPlan(hotel: PlanHotel): RatePlan | undefined {
	return plansOf(hotel).find(isActive);
}

/** The plan whose calendar prices a derived plan (itself when it is not derived). */
export function basePlan(hotel: PlanHotel, plan: RatePlan): RatePlan {
	return plan.derivedFrom ? findPlan(hotel, plan.derivedFrom.ratePlanId) ?? plan : plan;
}

/** Does `plan` sell room type `roomTypeId`? A derived plan sells what its base sells, at most. */
export function sells(hotel: PlanHotel, plan: RatePlan, roomTypeId: string): boolean {
	const own = !plan.roomTypeIds || plan.roomTypeIds.includes(roomTypeId);
	if (!own) return false;
	const base = basePlan(hotel, plan);
	return base === plan || !base.roomTypeIds || base.roomTypeIds.includes(roomTypeId);
}

export const advanceLimits = (p: RatePlan) => ({ min: p.minAdvanceDays ?? 0, max: p.maxAdvanceDays ?? MAX_ADVANCE_DAYS });

/** Guests included in a room's price, and what each further guest adds per night. */
export function occupancyOf(rt: RoomType): { base: number; extra: number } {
	return { base: rt.baseOccupancy ?? rt.capacity, extra: rt.extraGuestPerNight ?? 0 };
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const isTimeOfDay = (s: string) => HHMM.test(s);

/**
 * What the validator's per-field rules cannot say: rules across plans and room types. Field
 * names follow the body (`ratePlans[1].derivedFrom.ratePlanId`).
 */
export function ratePlanErrors(hotel: PlanHotel & { checkInTime?: string; checkOutTime?: string }): FieldError[] {
	const errors: FieldError[] = [];
	const roomTypes = new Map(hotel.roomTypes.map(r => [r.id, r]));
	hotel.roomTypes.forEach((rt, i) => {
		if (rt.baseOccupancy !== undefined && rt.baseOccupancy > rt.capacity)
			errors.push({ field: `roomTypes[${i}].baseOccupancy`, message: `baseOccupancy (${rt.baseOccupancy}) cannot exceed capacity (${rt.capacity})`, type: "range", actual: rt.baseOccupancy });
	});
	const plans = hotel.ratePlans ?? [];
	const byId = new Map<string, RatePlan>();
	plans.forEach((p, i) => {
		const f = `ratePlans[${i}]`;
		if (byId.has(p.id)) errors.push({ field: `${f}.id`, message: `Rate plan id '${p.id}' is used twice`, type: "unique", actual: p.id });
		else byId.set(p.id, p);
		(p.roomTypeIds ?? []).forEach((id, j) => {
			if (!roomTypes.has(id)) errors.push({ field: `${f}.roomTypeIds[${j}]`, message: `Unknown room type '${id}'`, type: "reference", actual: id });
		});
		const { min, max } = advanceLimits(p);
		if (min > max) errors.push({ field: `${f}.maxAdvanceDays`, message: `maxAdvanceDays (${max}) must not be below minAdvanceDays (${min})`, type: "range", actual: max });
	});
	plans.forEach((p, i) => {
		const d = p.derivedFrom;
		if (!d) return;
		const f = `ratePlans[${i}].derivedFrom`;
		const base = byId.get(d.ratePlanId);
		if ((d.percent === undefined) === (d.amount === undefined))
			errors.push({ field: f, message: "A derived plan sets exactly one of 'percent' or 'amount'", type: "derivation" });
		if (d.ratePlanId === p.id) errors.push({ field: `${f}.ratePlanId`, message: `Rate plan '${p.id}' cannot derive from itself`, type: "derivation", actual: d.ratePlanId });
		else if (!base) errors.push({ field: `${f}.ratePlanId`, message: `Unknown rate plan '${d.ratePlanId}'`, type: "reference", actual: d.ratePlanId });
		else if (base.derivedFrom) errors.push({ field: `${f}.ratePlanId`, message: `Rate plan '${d.ratePlanId}' is itself derived: derive from a plan with its own prices`, type: "derivation", actual: d.ratePlanId });
		else if (base.roomTypeIds && p.roomTypeIds) {
			p.roomTypeIds.forEach((id, j) => {
				if (!base.roomTypeIds?.includes(id)) errors.push({ field: `ratePlans[${i}].roomTypeIds[${j}]`, message: `Room type '${id}' is not sold by the base plan '${base.id}'`, type: "reference", actual: id });
			});
		}
	});
	if (plans.length && !plans.some(isActive)) errors.push({ field: "ratePlans", message: "At least one rate plan must be active", type: "required" });
	for (const k of ["checkInTime", "checkOutTime"] as const) {
		const v = hotel[k];
		if (v !== undefined && !isTimeOfDay(v)) errors.push({ field: k, message: `The '${k}' field must be a time of day HH:MM`, type: "timeOfDay", actual: v });
	}
	return errors;
}
