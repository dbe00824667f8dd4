/**
 * web/src/terms.ts: the fee the manage page and the staff list show before a cancel (the step of
 * the frozen schedule holding "now"), instants in the hotel's zone, dates and weekday masks of the
 * calendar page.
 */
import { datesBetween, feeAt, isClockTime, weekdayOf, zonedInstant } from "../../web/src/terms";

const schedule = [
	{ from: "2027-02-20T10:00:00Z", to: "2027-02-27T14:00:00Z", fee: 0 },
	{ from: "2027-02-27T14:00:00Z", to: "2027-02-28T14:00:00Z", fee: 14500 },
	{ from: "2027-02-28T14:00:00Z", to: null, fee: 43500 },
];

describe("feeAt", () => {
	it("is free before the first paid step, the step's fee inside it, the last fee after", () => {
		expect(feeAt(schedule, new Date("2027-02-19T00:00:00Z"))).toBe(0);
		expect(feeAt(schedule, new Date("2027-02-27T13:59:59Z"))).toBe(0);
		expect(feeAt(schedule, new Date("2027-02-27T14:00:00Z"))).toBe(14500);
		expect(feeAt(schedule, new Date("2027-02-28T13:59:59.999Z"))).toBe(14500);
		expect(feeAt(schedule, new Date("2027-02-28T14:00:00Z"))).toBe(43500);
		expect(feeAt(schedule, new Date("2030-01-01T00:00:00Z"))).toBe(43500);
	});
	it("reads instants with offsets and an empty schedule as free", () => {
		expect(feeAt([{ from: "2027-02-27T15:00:00+01:00", to: null, fee: 5 }], new Date("2027-02-27T14:00:00Z"))).toBe(5);
		expect(feeAt([], new Date())).toBe(0);
		expect(feeAt(undefined, new Date())).toBe(0);
	});
});

describe("zonedInstant", () => {
	it("shows the hotel's clock, not the browser's", () => {
		expect(zonedInstant("2027-02-27T14:00:00Z", "Europe/Paris", "en-GB")).toBe("Sat 27 Feb, 15:00");
		expect(zonedInstant("2027-02-27T14:00:00Z", "America/New_York", "en-GB")).toBe("Sat 27 Feb, 09:00");
		expect(zonedInstant("2027-02-27T14:00:00Z", "Pacific/Auckland", "en-GB")).toBe("Sun 28 Feb, 03:00");
		expect(zonedInstant("2027-02-27T14:00:00Z", "Europe/Paris", "fr-FR")).toMatch(/^sam\. 27 févr\.,? 15:00$/);
	});
	it("follows summer time in the zone", () => {
		expect(zonedInstant("2027-07-01T13:00:00Z", "Europe/Paris", "en-GB")).toBe("Thu 1 Jul, 15:00");
	});
});

describe("calendar dates", () => {
	it("lists the nights of [from, to) across a year end and a DST change", () => {
		expect(datesBetween("2026-12-30", "2027-01-02")).toEqual(["2026-12-30", "2026-12-31", "2027-01-01"]);
		expect(datesBetween("2027-03-27", "2027-03-30")).toEqual(["2027-03-27", "2027-03-28", "2027-03-29"]);
		expect(datesBetween("2027-03-01", "2027-03-01")).toEqual([]);
	});
	it("names weekdays of calendar dates", () => {
		expect(weekdayOf("2027-02-27")).toBe("sat");
		expect(weekdayOf("2027-03-28")).toBe("sun");
		expect(weekdayOf("2027-03-29")).toBe("mon");
	});
	it("accepts check-in times HH:MM only", () => {
		expect(isClockTime("15:00")).toBe(true);
		expect(isClockTime("24:00")).toBe(false);
		expect(isClockTime("9:00")).toBe(false);
	});
});
