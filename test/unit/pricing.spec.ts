/**
 * Night pricing (services/reservations/pricing.ts): own plans, derived plans rounded to the
 * minor unit in every currency, inheritance of restrictions night by night, extra guests.
 */
import type { RatePlan, RoomType } from "../../services/hotels/domain";
import { derivePrice, extraPerRoom, nightTerms, priceStay, putRate, roundMinor, termsOf, type RateIndex, type RateOverride } from "../../services/reservations/pricing";

const rt: RoomType = { id: "double", name: "Double", capacity: 3, totalRooms: 5, pricePerNight: 14500, amenities: [], baseOccupancy: 2, extraGuestPerNight: 2500 };
const flex: RatePlan = { id: "flex", name: "Flexible" };
const saver: RatePlan = { id: "saver", name: "Saver", derivedFrom: { ratePlanId: "flex", percent: -12 } };
const hotel = { roomTypes: [rt], ratePlans: [flex, saver] };
const none: RateOverride = { price: null, minStay: null, maxStay: null, closed: null, closedToArrival: null, closedToDeparture: null };
const rates = (cells: [string, string, Partial<RateOverride>][]): RateIndex => {
	const index: RateIndex = new Map();
	for (const [plan, night, o] of cells) putRate(index, "double", plan, night, { ...none, ...o });
	return index;
};

describe("own plans", () => {
	it("a night nobody set sells at the room type's pricePerNight, open, without stay limits", () => {
		expect(nightTerms(new Map(), rt, flex, flex, "2027-03-01")).toEqual({
			date: "2027-03-01", price: 14500, minStay: null, maxStay: null, closed: false, closedToArrival: false, closedToDeparture: false,
		});
	});
	it("an override sets that night only", () => {
		const r = rates([["flex", "2027-03-06", { price: 18000, minStay: 2 }]]);
		expect(termsOf(hotel, r, rt, flex, ["2027-03-05", "2027-03-06"]).map(n => [n.price, n.minStay])).toEqual([[14500, null], [18000, 2]]);
	});
});

describe("derived plans", () => {
	it("follow the base plan's price that night, adjusted by the percent", () => {
		const r = rates([["flex", "2027-03-06", { price: 18000 }]]);
		expect(termsOf(hotel, r, rt, saver, ["2027-03-05", "2027-03-06"]).map(n => n.price)).toEqual([12760, 15840]);
	});
	it("round to the minor unit, halves away from zero, whatever the currency's digits", () => {
		// EUR cents, JPY yen, KWD fils: the amount is always an integer of minor units.
		expect(derivePrice(14550, { ratePlanId: "b", percent: -15 })).toBe(12368); // 12367.5 → 12368
		expect(derivePrice(14500, { ratePlanId: "b", percent: -11.5 })).toBe(12833); // 12832.5 (binary 12832.4999…) → 12833
		expect(derivePrice(999, { ratePlanId: "b", percent: 33.3 })).toBe(1332); // JPY 1331.667 → 1332
		expect(derivePrice(14551, { ratePlanId: "b", percent: 10 })).toBe(16006); // KWD 16006.1 → 16006
		expect(roundMinor(-2.5)).toBe(-3);
		expect(roundMinor(2.5)).toBe(3);
	});
	it("an amount is added as is, and a price never goes below zero", () => {
		expect(derivePrice(14500, { ratePlanId: "b", amount: -1500 })).toBe(13000);
		expect(derivePrice(1000, { ratePlanId: "b", amount: -1500 })).toBe(0);
		expect(derivePrice(14500, { ratePlanId: "b", percent: -100 })).toBe(0);
		expect(derivePrice(14500, { ratePlanId: "b", percent: 500 })).toBe(87000);
	});
	it("inherit the base plan's restrictions night by night unless they set their own", () => {
		const r = rates([
			["flex", "2027-03-06", { minStay: 2, closedToArrival: true }],
			["saver", "2027-03-06", { minStay: 3 }],
			["flex", "2027-03-07", { closed: true }],
			["saver", "2027-03-07", { closed: false }],
		]);
		const [sat, sun] = termsOf(hotel, r, rt, saver, ["2027-03-06", "2027-03-07"]);
		expect([sat.minStay, sat.closedToArrival]).toEqual([3, true]);
		expect(sun.closed).toBe(false);
		expect(termsOf(hotel, r, rt, flex, ["2027-03-07"])[0].closed).toBe(true);
	});
	it("ignore a stray price stored on the derived plan itself", () => {
		const r = rates([["saver", "2027-03-05", { price: 1 }]]);
		expect(termsOf(hotel, r, rt, saver, ["2027-03-05"])[0].price).toBe(12760);
	});
});

describe("extra guests", () => {
	it("each guest above baseOccupancy × rooms adds extraGuestPerNight per night, spread over the rooms", () => {
		expect(extraPerRoom(rt, 2, 1)).toBe(0);
		expect(extraPerRoom(rt, 3, 1)).toBe(2500);
		expect(extraPerRoom(rt, 4, 2)).toBe(0);
		expect(extraPerRoom(rt, 5, 2)).toBe(1250);
		expect(extraPerRoom({ ...rt, extraGuestPerNight: 2501 }, 5, 2)).toBe(1251); // 1250.5 rounded
	});
	it("defaults: baseOccupancy = capacity, nothing extra", () => {
		const plain: RoomType = { id: "x", name: "X", capacity: 2, totalRooms: 1, pricePerNight: 100, amenities: [] };
		expect(extraPerRoom(plain, 2, 1)).toBe(0);
	});
	it("nightly is per room with the extra part; total = rooms × Σ nightly", () => {
		const stay = priceStay([{ date: "2027-03-05", price: 14500 }, { date: "2027-03-06", price: 18000 }], 1250, 2);
		expect(stay).toEqual({ nightly: [{ date: "2027-03-05", price: 15750 }, { date: "2027-03-06", price: 19250 }], totalPrice: 70000 });
	});
});
