/**
 * The rules a hotel's rate plans follow (services/hotels/rate-plans.ts): default plan, which
 * plan a request books, what a plan sells, and every cross-field validation rule.
 */
import type { RatePlan, RoomType } from "../../services/hotels/domain";
import { defaultPlan, plansOf, ratePlanErrors, sells, DEFAULT_PLAN } from "../../services/hotels/rate-plans";

const rt = (id: string, o: Partial<RoomType> = {}): RoomType => ({ id, name: id, capacity: 2, totalRooms: 3, pricePerNight: 10000, amenities: [], ...o });
const roomTypes = [rt("double"), rt("suite", { capacity: 4 })];
const flex: RatePlan = { id: "flex", name: "Flexible", roomTypeIds: ["double"] };
const fields = (plans: RatePlan[], extra: Record<string, unknown> = {}) => ratePlanErrors({ roomTypes, ratePlans: plans, ...extra }).map(e => e.field);

describe("plans a hotel sells under", () => {
	it("a hotel without plans has the one default plan", () => {
		expect(plansOf({ roomTypes })).toEqual([DEFAULT_PLAN]);
		expect(plansOf({ roomTypes, ratePlans: [] })).toEqual([DEFAULT_PLAN]);
		expect(defaultPlan({ roomTypes })).toEqual({ id: "standard", name: "Standard" });
		expect(sells({ roomTypes }, DEFAULT_PLAN, "suite")).toBe(true);
	});
	it("a request without a plan books the first active one", () => {
		const hotel = { roomTypes, ratePlans: [{ ...flex, active: false }, { id: "b", name: "B" }] };
		expect(defaultPlan(hotel)?.id).toBe("b");
	});
	it("roomTypeIds absent = every room type; a derived plan sells no more than its base", () => {
		const hotel = { roomTypes, ratePlans: [flex, { id: "saver", name: "S", derivedFrom: { ratePlanId: "flex", percent: -10 } }] };
		expect(sells(hotel, flex, "suite")).toBe(false);
		expect(sells(hotel, hotel.ratePlans[1], "double")).toBe(true);
		expect(sells(hotel, hotel.ratePlans[1], "suite")).toBe(false);
	});
});

describe("validation across plans and room types", () => {
	it("accepts a sound set of plans", () => {
		expect(fields([flex, { id: "saver", name: "S", derivedFrom: { ratePlanId: "flex", percent: -12 }, minAdvanceDays: 14 }], { checkInTime: "15:00", checkOutTime: "11:00" })).toEqual([]);
	});
	it("ids unique per hotel", () => {
		expect(fields([flex, { ...flex }])).toEqual(["ratePlans[1].id"]);
	});
	it("roomTypeIds must exist", () => {
		expect(fields([{ ...flex, roomTypeIds: ["double", "attic"] }])).toEqual(["ratePlans[0].roomTypeIds[1]"]);
	});
	it("no derivation from a derived plan, from itself, or from an unknown plan (so no chains or cycles)", () => {
		const a: RatePlan = { id: "a", name: "A", derivedFrom: { ratePlanId: "b", percent: 5 } };
		const b: RatePlan = { id: "b", name: "B", derivedFrom: { ratePlanId: "a", percent: 5 } };
		expect(fields([flex, a, b])).toEqual(["ratePlans[1].derivedFrom.ratePlanId", "ratePlans[2].derivedFrom.ratePlanId"]);
		expect(fields([flex, { id: "s", name: "S", derivedFrom: { ratePlanId: "s", percent: 1 } }])).toEqual(["ratePlans[1].derivedFrom.ratePlanId"]);
		expect(fields([flex, { id: "s", name: "S", derivedFrom: { ratePlanId: "nope", percent: 1 } }])).toEqual(["ratePlans[1].derivedFrom.ratePlanId"]);
	});
	it("a derived plan sets exactly one of percent and amount, and sells only what its base sells", () => {
		expect(fields([flex, { id: "s", name: "S", derivedFrom: { ratePlanId: "flex" } }])).toEqual(["ratePlans[1].derivedFrom"]);
		expect(fields([flex, { id: "s", name: "S", derivedFrom: { ratePlanId: "flex", percent: 1, amount: 100 } }])).toEqual(["ratePlans[1].derivedFrom"]);
		expect(fields([flex, { id: "s", name: "S", roomTypeIds: ["suite"], derivedFrom: { ratePlanId: "flex", amount: -500 } }])).toEqual(["ratePlans[1].roomTypeIds[0]"]);
	});
	it("minAdvanceDays ≤ maxAdvanceDays; at least one active plan; times of day HH:MM; baseOccupancy ≤ capacity", () => {
		expect(fields([{ ...flex, minAdvanceDays: 10, maxAdvanceDays: 5 }])).toEqual(["ratePlans[0].maxAdvanceDays"]);
		expect(fields([{ ...flex, active: false }])).toEqual(["ratePlans"]);
		expect(fields([flex], { checkInTime: "25:00", checkOutTime: "11h" })).toEqual(["checkInTime", "checkOutTime"]);
		expect(ratePlanErrors({ roomTypes: [rt("double", { baseOccupancy: 3 })] }).map(e => e.field)).toEqual(["roomTypes[0].baseOccupancy"]);
	});
});
