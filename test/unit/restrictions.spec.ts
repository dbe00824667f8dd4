/**
 * Why a plan does not sell a stay (services/reservations/restrictions.ts): every reason with its
 * value, the order they are checked in, and the weekday masks of calendar updates (calendar.ts)
 * across DST changes and year ends.
 */
import type { RatePlan } from "../../services/hotels/domain";
import { datesOf, weekdayOf } from "../../services/reservations/calendar";
import type { NightTerms } from "../../services/reservations/pricing";
import { stayRestriction } from "../../services/reservations/restrictions";
import { nightsOf } from "../../services/reservations/stay";

const plan: RatePlan = { id: "flex", name: "Flexible" };
const open = (date: string, o: Partial<NightTerms> = {}): NightTerms => ({
	date, price: 100, minStay: null, maxStay: null, closed: false, closedToArrival: false, closedToDeparture: false, ...o,
});
const stay = { checkIn: "2027-03-05", checkOut: "2027-03-08" };
const nights = (o: Record<string, Partial<NightTerms>> = {}) => nightsOf(stay.checkIn, stay.checkOut).map(d => open(d, o[d]));
const today = "2027-03-01";

describe("stay restrictions", () => {
	it("an open calendar sells the stay", () => {
		expect(stayRestriction(plan, nights(), open(stay.checkOut), stay, today)).toBeNull();
	});
	it("MIN_ADVANCE and MAX_ADVANCE from the hotel's today", () => {
		expect(stayRestriction({ ...plan, minAdvanceDays: 14 }, nights(), undefined, stay, today)).toEqual({ reason: "MIN_ADVANCE", minAdvanceDays: 14 });
		expect(stayRestriction({ ...plan, minAdvanceDays: 4 }, nights(), undefined, stay, today)).toBeNull();
		expect(stayRestriction({ ...plan, maxAdvanceDays: 3 }, nights(), undefined, stay, today)).toEqual({ reason: "MAX_ADVANCE", maxAdvanceDays: 3 });
		expect(stayRestriction({ ...plan, maxAdvanceDays: 4 }, nights(), undefined, stay, today)).toBeNull();
	});
	it("CLOSED names the first closed night", () => {
		expect(stayRestriction(plan, nights({ "2027-03-06": { closed: true }, "2027-03-07": { closed: true } }), undefined, stay, today)).toEqual({ reason: "CLOSED", date: "2027-03-06" });
	});
	it("CLOSED_TO_ARRIVAL counts on the arrival night only", () => {
		expect(stayRestriction(plan, nights({ "2027-03-05": { closedToArrival: true } }), undefined, stay, today)).toEqual({ reason: "CLOSED_TO_ARRIVAL", date: "2027-03-05" });
		expect(stayRestriction(plan, nights({ "2027-03-06": { closedToArrival: true } }), undefined, stay, today)).toBeNull();
	});
	it("CLOSED_TO_DEPARTURE counts on the check-out date only", () => {
		expect(stayRestriction(plan, nights(), open(stay.checkOut, { closedToDeparture: true }), stay, today)).toEqual({ reason: "CLOSED_TO_DEPARTURE", date: "2027-03-08" });
		expect(stayRestriction(plan, nights({ "2027-03-06": { closedToDeparture: true } }), open(stay.checkOut), stay, today)).toBeNull();
	});
	it("MIN_STAY and MAX_STAY are read on the arrival night", () => {
		expect(stayRestriction(plan, nights({ "2027-03-05": { minStay: 4 } }), undefined, stay, today)).toEqual({ reason: "MIN_STAY", minStay: 4 });
		expect(stayRestriction(plan, nights({ "2027-03-05": { minStay: 3 } }), undefined, stay, today)).toBeNull();
		expect(stayRestriction(plan, nights({ "2027-03-06": { minStay: 5 } }), undefined, stay, today)).toBeNull();
		expect(stayRestriction(plan, nights({ "2027-03-05": { maxStay: 2 } }), undefined, stay, today)).toEqual({ reason: "MAX_STAY", maxStay: 2 });
		expect(stayRestriction(plan, nights({ "2027-03-05": { maxStay: 3 } }), undefined, stay, today)).toBeNull();
	});
	it("checks in a fixed order: advance, closed, arrival, departure, length", () => {
		const all = nights({ "2027-03-05": { closedToArrival: true, minStay: 9 }, "2027-03-06": { closed: true } });
		expect(stayRestriction({ ...plan, minAdvanceDays: 30 }, all, undefined, stay, today)?.reason).toBe("MIN_ADVANCE");
		expect(stayRestriction(plan, all, undefined, stay, today)?.reason).toBe("CLOSED");
		expect(stayRestriction(plan, nights({ "2027-03-05": { closedToArrival: true, minStay: 9 } }), undefined, stay, today)?.reason).toBe("CLOSED_TO_ARRIVAL");
		expect(stayRestriction(plan, nights({ "2027-03-05": { minStay: 9 } }), open(stay.checkOut, { closedToDeparture: true }), stay, today)?.reason).toBe("CLOSED_TO_DEPARTURE");
	});
});

describe("weekday masks are computed on calendar dates", () => {
	it("knows the weekday of any date", () => {
		expect(["2027-03-05", "2027-03-06", "2027-03-07", "2024-02-29", "2000-01-01"].map(weekdayOf)).toEqual(["fri", "sat", "sun", "thu", "sat"]);
	});
	it("across the spring and autumn DST changes: each Saturday once, no day lost or doubled", () => {
		const prevTz = process.env.TZ;
		// The server's own zone must not matter either.
		for (const tz of ["Europe/Paris", "America/New_York", "Pacific/Auckland", "UTC"]) {
			process.env.TZ = tz;
			expect(datesOf("2027-03-20", "2027-04-10", ["sat"])).toEqual(["2027-03-20", "2027-03-27", "2027-04-03"]);
			expect(datesOf("2027-10-23", "2027-11-07", ["sun"])).toEqual(["2027-10-24", "2027-10-31"]);
			expect(datesOf("2027-03-27", "2027-03-30")).toEqual(["2027-03-27", "2027-03-28", "2027-03-29"]);
		}
		process.env.TZ = prevTz;
	});
	it("a stay's nights are counted on the calendar: month ends, leap years, year ends", () => {
		expect(nightsOf("2027-12-30", "2028-01-02")).toEqual(["2027-12-30", "2027-12-31", "2028-01-01"]);
		expect(nightsOf("2028-02-28", "2028-03-01")).toEqual(["2028-02-28", "2028-02-29"]);
		expect(nightsOf("2027-02-28", "2027-03-01")).toEqual(["2027-02-28"]);
		expect(nightsOf("2100-02-28", "2100-03-02")).toEqual(["2100-02-28", "2100-03-01"]);
		expect(nightsOf("2000-02-28", "2000-03-01")).toEqual(["2000-02-28", "2000-02-29"]);
		expect(nightsOf("2027-04-30", "2027-05-02")).toEqual(["2027-04-30", "2027-05-01"]);
		// The same as counting through Date, on two years of nights.
		const slow: string[] = [];
		for (let t = Date.UTC(2027, 0, 1); t < Date.UTC(2029, 0, 1); t += 86_400_000) slow.push(new Date(t).toISOString().slice(0, 10));
		expect(nightsOf("2027-01-01", "2029-01-01")).toEqual(slow);
	});
	it("across a year end and a leap day", () => {
		expect(datesOf("2027-12-29", "2028-01-05", ["fri", "sat"])).toEqual(["2027-12-31", "2028-01-01"]);
		expect(datesOf("2028-02-27", "2028-03-02", ["tue"])).toEqual(["2028-02-29"]);
		expect(datesOf("2028-02-27", "2028-03-02")).toHaveLength(4);
	});
});
