/**
 * Domain rules of reservations as plain functions: dates in the hotel's time zone, nights,
 * prices, stay limits, inventory deltas of a modification, booking codes, request hashes.
 */
import {
	addDays, capacityErrors, daysBetween, earliestToday, fits, inventoryDelta, localDate, nightsOf, stayDateErrors, stayPrice, toRanges,
	MAX_NIGHTS,
} from "../../services/reservations/stay";
import { CODE_ALPHABET, CODE_LENGTH, isCode, newCode, normalizeCode } from "../../services/reservations/code";
import { requestHash } from "../../services/reservations/idempotency";

describe("localDate: today is the hotel's local date", () => {
	// 2027-03-01 11:30 UTC: already the 2nd in Auckland (UTC+13 in March), still the 1st in Los Angeles.
	const lateMorningUtc = new Date("2027-03-01T11:30:00Z");
	// 2027-03-01 00:30 UTC: the 1st in Auckland, still 28 February in Los Angeles (UTC−8).
	const justAfterMidnightUtc = new Date("2027-03-01T00:30:00Z");

	it("is a day ahead in Pacific/Auckland when it is still morning in UTC", () => {
		expect(localDate("Pacific/Auckland", lateMorningUtc)).toBe("2027-03-02");
		expect(localDate("UTC", lateMorningUtc)).toBe("2027-03-01");
	});
	it("is still the previous day in America/Los_Angeles just after midnight UTC", () => {
		expect(localDate("America/Los_Angeles", justAfterMidnightUtc)).toBe("2027-02-28");
		expect(localDate("Pacific/Auckland", justAfterMidnightUtc)).toBe("2027-03-01");
	});
	it("changes on the exact second of local midnight, also when the last read was a moment before (the per-minute memo)", () => {
		// Europe/Paris midnight of 2027-03-28 (the spring-forward day) is 2027-03-27T23:00:00Z.
		expect(localDate("Europe/Paris", new Date("2027-03-27T22:59:59.999Z"))).toBe("2027-03-27");
		expect(localDate("Europe/Paris", new Date("2027-03-27T23:00:00.000Z"))).toBe("2027-03-28");
		// Asia/Kolkata is UTC+05:30: its midnight falls on a half hour of UTC.
		expect(localDate("Asia/Kolkata", new Date("2027-03-01T18:29:59Z"))).toBe("2027-03-01");
		expect(localDate("Asia/Kolkata", new Date("2027-03-01T18:30:00Z"))).toBe("2027-03-02");
		// Going back in time within the memo's minute and outside it.
		expect(localDate("Asia/Kolkata", new Date("2027-03-01T18:29:00Z"))).toBe("2027-03-01");
	});
	it("decides whether a check-in is in the past, per hotel", () => {
		const stay = { checkIn: "2027-03-01", checkOut: "2027-03-02" };
		expect(stayDateErrors(stay, localDate("America/Los_Angeles", lateMorningUtc))).toEqual([]);
		expect(stayDateErrors(stay, localDate("Pacific/Auckland", lateMorningUtc)).map(e => e.field)).toEqual(["checkIn"]);
	});
	it("follows daylight saving time (Auckland leaves DST on 2027-04-04)", () => {
		expect(localDate("Pacific/Auckland", new Date("2027-04-04T11:30:00Z"))).toBe("2027-04-04");
		expect(localDate("Pacific/Auckland", new Date("2027-04-04T12:30:00Z"))).toBe("2027-04-05");
	});
	it("earliestToday is never after any hotel's today", () => {
		const now = new Date("2027-03-01T11:30:00Z");
		for (const tz of ["Pacific/Auckland", "America/Los_Angeles", "Pacific/Pago_Pago", "Pacific/Kiritimati", "UTC"]) expect(earliestToday(now) <= localDate(tz, now)).toBe(true);
	});
});

describe("nights", () => {
	it("counts the nights of [checkIn, checkOut)", () => {
		expect(nightsOf("2027-03-01", "2027-03-04")).toEqual(["2027-03-01", "2027-03-02", "2027-03-03"]);
		expect(daysBetween("2027-03-01", "2027-03-04")).toBe(3);
	});
	it("crosses month ends, leap days and DST changes without losing a night", () => {
		expect(nightsOf("2028-02-28", "2028-03-01")).toEqual(["2028-02-28", "2028-02-29"]);
		expect(daysBetween("2027-03-27", "2027-03-30")).toBe(3); // Europe's DST change on the 28th
		expect(addDays("2027-12-31", 1)).toBe("2028-01-01");
	});
	it("is empty when checkOut is not after checkIn", () => {
		expect(nightsOf("2027-03-04", "2027-03-01")).toEqual([]);
		expect(nightsOf("2027-03-04", "2027-03-04")).toEqual([]);
	});
});

describe("price", () => {
	it("is pricePerNight × nights × rooms in minor units", () => {
		expect(stayPrice(14500, 3, 1)).toBe(43500);
		expect(stayPrice(14500, 3, 2)).toBe(87000);
	});
});

describe("stay rules", () => {
	const today = "2027-03-01";
	const fields = (checkIn: string, checkOut: string) => stayDateErrors({ checkIn, checkOut }, today).map(e => e.field);

	it("accepts a stay starting today", () => expect(fields("2027-03-01", "2027-03-02")).toEqual([]));
	it("refuses checkOut on or before checkIn", () => {
		expect(fields("2027-03-05", "2027-03-05")).toEqual(["checkOut"]);
		expect(fields("2027-03-05", "2027-03-04")).toEqual(["checkOut"]);
	});
	it(`accepts ${MAX_NIGHTS} nights and refuses a stay of 31 nights`, () => {
		expect(fields("2027-03-01", addDays("2027-03-01", 30))).toEqual([]);
		expect(fields("2027-03-01", addDays("2027-03-01", 31))).toEqual(["checkOut"]);
	});
	it("refuses a check-in before today", () => expect(fields("2027-02-28", "2027-03-02")).toEqual(["checkIn"]));
	it("accepts a check-in 730 days ahead and refuses 731", () => {
		expect(fields(addDays(today, 730), addDays(today, 731))).toEqual([]);
		expect(fields(addDays(today, 731), addDays(today, 732))).toEqual(["checkIn"]);
	});
	it("names the field and says what is wrong", () => {
		const [e] = stayDateErrors({ checkIn: "2027-02-01", checkOut: "2027-02-02" }, today);
		expect(e).toMatchObject({ field: "checkIn" });
		expect(e.message).toContain(today);
	});
	it("guests must fit capacity × rooms", () => {
		expect(fits(2, 2, 1)).toBe(true);
		expect(fits(2, 3, 1)).toBe(false);
		expect(fits(2, 3, 2)).toBe(true);
		expect(fits(2, 0, 1)).toBe(false);
		expect(capacityErrors(2, 5, 2).map(e => e.field)).toEqual(["guests"]);
	});
});

describe("inventoryDelta: a modification moves only the nights that change", () => {
	const stay = (roomTypeId: string, checkIn: string, checkOut: string, rooms = 1) => ({ roomTypeId, checkIn, checkOut, rooms });

	it("shifting a 3-night stay by one night gives back the first night and takes one new night", () => {
		expect(inventoryDelta(stay("d", "2027-03-01", "2027-03-04"), stay("d", "2027-03-02", "2027-03-05"))).toEqual([
			{ roomTypeId: "d", night: "2027-03-01", delta: -1 },
			{ roomTypeId: "d", night: "2027-03-04", delta: 1 },
		]);
	});
	it("adding a room takes one more on every night", () => {
		expect(inventoryDelta(stay("d", "2027-03-01", "2027-03-03"), stay("d", "2027-03-01", "2027-03-03", 2)).map(d => d.delta)).toEqual([1, 1]);
	});
	it("changing room type gives back every night of the old type and takes every night of the new one, sorted", () => {
		const deltas = inventoryDelta(stay("z", "2027-03-01", "2027-03-03"), stay("a", "2027-03-01", "2027-03-03"));
		expect(deltas.map(d => `${d.roomTypeId}:${d.night}:${d.delta}`)).toEqual(["a:2027-03-01:1", "a:2027-03-02:1", "z:2027-03-01:-1", "z:2027-03-02:-1"]);
	});
	it("no change, no delta", () => {
		expect(inventoryDelta(stay("d", "2027-03-01", "2027-03-03"), stay("d", "2027-03-01", "2027-03-03"))).toEqual([]);
	});
	it("toRanges groups consecutive nights with the same delta", () => {
		const deltas = inventoryDelta(stay("d", "2027-03-01", "2027-03-03"), stay("d", "2027-03-05", "2027-03-08"));
		expect(toRanges(deltas)).toEqual([
			{ roomTypeId: "d", from: "2027-03-01", to: "2027-03-03", delta: -1 },
			{ roomTypeId: "d", from: "2027-03-05", to: "2027-03-08", delta: 1 },
		]);
	});
});

describe("booking codes", () => {
	it("are 8 characters from an alphabet without look-alikes", () => {
		expect(CODE_ALPHABET).not.toMatch(/[01OIL]/);
		for (let i = 0; i < 1000; i++) {
			const code = newCode();
			expect(code).toHaveLength(CODE_LENGTH);
			expect(isCode(code)).toBe(true);
		}
	});
	it("use the whole alphabet and rarely repeat", () => {
		const codes = Array.from({ length: 5000 }, newCode);
		expect(new Set(codes).size).toBe(codes.length);
		expect(new Set(codes.join("")).size).toBe(CODE_ALPHABET.length);
	});
	it("are read case-insensitively", () => {
		expect(normalizeCode(" k7q2m9xd ")).toBe("K7Q2M9XD");
		expect(isCode("K7Q2M9X0")).toBe(false);
	});
});

describe("requestHash", () => {
	it("ignores key order and sees any change of value", () => {
		expect(requestHash({ a: 1, b: { c: 2, d: 3 } })).toBe(requestHash({ b: { d: 3, c: 2 }, a: 1 }));
		expect(requestHash({ a: 1, b: { c: 2, d: 3 } })).not.toBe(requestHash({ a: 1, b: { c: 2, d: 4 } }));
	});
});
