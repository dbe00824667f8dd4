/**
 * Cancellation and no-show policies (SPEC §10): schedules of instants and fees in the hotel's
 * clock, each fee kind, tier boundaries to the second, DST both ways in three zones, caps.
 */
import {
	arrivalInstant, cancellationTerms, DEFAULT_POLICY, feeAmount, feeAt, formatInstant, noShowFee, utcOffsetMinutes, zonedInstant,
	type CancellationPolicy, type PolicyStay,
} from "../../services/reservations/policy";

const paris = { timezone: "Europe/Paris" };
const stayOf = (checkIn: string, prices: number[], rooms = 1, extra = 0): PolicyStay => {
	const nightly = prices.map((price, i) => ({ date: new Date(Date.parse(`${checkIn}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10), price }));
	return { checkIn, rooms, nightly, totalPrice: prices.reduce((s, p) => s + p, 0) * rooms + extra };
};
const SPEC_POLICY: CancellationPolicy = {
	refundable: true,
	tiers: [
		{ hoursBeforeArrival: 72, fee: { percent: 0 } },
		{ hoursBeforeArrival: 24, fee: { nights: 1 } },
		{ hoursBeforeArrival: 0, fee: { percent: 100 } },
	],
	noShowFee: { percent: 100 },
};
const at = (iso: string) => new Date(iso);
const secondBefore = (iso: string) => new Date(Date.parse(iso) - 1000);

describe("the default policy", () => {
	it("is §9's: refundable, the first night from 24 h before arrival, a no-show pays the first night", () => {
		expect(DEFAULT_POLICY).toEqual({ refundable: true, tiers: [{ hoursBeforeArrival: 24, fee: { nights: 1 } }], noShowFee: { nights: 1 } });
	});

	it("applies when the plan sets no policy: free until 15:00 the day before arrival, in the hotel's offset", () => {
		const terms = cancellationTerms(undefined, stayOf("2027-03-01", [14500, 14500, 14500]), paris, at("2027-01-10T10:00:00Z"));
		expect(terms).toEqual({
			refundable: true,
			freeUntil: "2027-02-28T15:00:00+01:00",
			schedule: [
				{ from: "2027-01-10T11:00:00+01:00", to: "2027-02-28T15:00:00+01:00", fee: 0 },
				{ from: "2027-02-28T15:00:00+01:00", to: null, fee: 14500 },
			],
		});
	});
});

describe("cancellationTerms", () => {
	const booked = at("2027-01-10T10:00:00Z");

	it("builds SPEC §10's three tiers; a 0 % tier merges into the free window", () => {
		const terms = cancellationTerms(SPEC_POLICY, stayOf("2027-03-01", [14500, 16000, 16000], 2), paris, booked);
		expect(terms.freeUntil).toBe("2027-02-28T15:00:00+01:00");
		expect(terms.schedule).toEqual([
			{ from: "2027-01-10T11:00:00+01:00", to: "2027-02-28T15:00:00+01:00", fee: 0 },
			{ from: "2027-02-28T15:00:00+01:00", to: "2027-03-01T15:00:00+01:00", fee: 29000 },
			{ from: "2027-03-01T15:00:00+01:00", to: null, fee: 93000 },
		]);
	});

	it("keeps tiers of different fees apart and sorts them whatever their order in the policy", () => {
		const policy: CancellationPolicy = { refundable: true, tiers: [{ hoursBeforeArrival: 24, fee: { percent: 50 } }, { hoursBeforeArrival: 168, fee: { amount: 2000 } }] };
		const terms = cancellationTerms(policy, stayOf("2027-03-01", [10000, 10000]), paris, booked);
		expect(terms.schedule.map(s => [s.from, s.fee])).toEqual([
			["2027-01-10T11:00:00+01:00", 0],
			["2027-02-22T15:00:00+01:00", 2000],
			["2027-02-28T15:00:00+01:00", 10000],
		]);
	});

	it("changes fee exactly at each boundary, to the second", () => {
		const { schedule } = cancellationTerms(SPEC_POLICY, stayOf("2027-03-01", [14500, 16000, 16000]), paris, booked);
		expect(feeAt(schedule, booked)).toBe(0);
		expect(feeAt(schedule, secondBefore("2027-02-28T15:00:00+01:00"))).toBe(0);
		expect(feeAt(schedule, at("2027-02-28T15:00:00+01:00"))).toBe(14500);
		expect(feeAt(schedule, secondBefore("2027-03-01T15:00:00+01:00"))).toBe(14500);
		expect(feeAt(schedule, at("2027-03-01T15:00:00+01:00"))).toBe(46500);
		expect(feeAt(schedule, at("2027-03-09T00:00:00Z"))).toBe(46500);
	});

	it("starts at the booking instant and drops the tiers already past: booked inside a tier, nothing is free", () => {
		const terms = cancellationTerms(SPEC_POLICY, stayOf("2027-03-01", [14500, 14500]), paris, at("2027-03-01T02:30:00Z"));
		expect(terms.freeUntil).toBeNull();
		expect(terms.schedule).toEqual([
			{ from: "2027-03-01T03:30:00+01:00", to: "2027-03-01T15:00:00+01:00", fee: 14500 },
			{ from: "2027-03-01T15:00:00+01:00", to: null, fee: 29000 },
		]);
	});

	it("merges consecutive steps of the same fee", () => {
		const terms = cancellationTerms(SPEC_POLICY, stayOf("2027-03-01", [14500]), paris, booked);
		expect(terms.schedule).toEqual([
			{ from: "2027-01-10T11:00:00+01:00", to: "2027-02-28T15:00:00+01:00", fee: 0 },
			{ from: "2027-02-28T15:00:00+01:00", to: null, fee: 14500 },
		]);
	});

	it("booked exactly on a boundary starts in the tier of that boundary", () => {
		const terms = cancellationTerms(DEFAULT_POLICY, stayOf("2027-03-01", [14500]), paris, at("2027-02-28T15:00:00+01:00"));
		expect(terms.schedule).toEqual([{ from: "2027-02-28T15:00:00+01:00", to: null, fee: 14500 }]);
		expect(terms.freeUntil).toBeNull();
	});

	it("a refundable policy without tiers is free at any time", () => {
		const terms = cancellationTerms({ refundable: true }, stayOf("2027-03-01", [14500]), paris, booked);
		expect(terms).toEqual({ refundable: true, freeUntil: null, schedule: [{ from: "2027-01-10T11:00:00+01:00", to: null, fee: 0 }] });
	});

	it("non-refundable: the full total from booking, whatever tiers it lists", () => {
		const stay = stayOf("2027-03-01", [14500, 14500], 2, 3000);
		const terms = cancellationTerms({ refundable: false, tiers: [{ hoursBeforeArrival: 24, fee: { percent: 10 } }] }, stay, paris, booked);
		expect(terms).toEqual({ refundable: false, freeUntil: null, schedule: [{ from: "2027-01-10T11:00:00+01:00", to: null, fee: 61000 }] });
		expect(feeAt(terms.schedule, booked)).toBe(61000);
		expect(feeAt(terms.schedule, at("2026-12-31T00:00:00Z"))).toBe(61000);
	});

	it("uses the hotel's checkInTime for arrival", () => {
		const terms = cancellationTerms(DEFAULT_POLICY, stayOf("2027-03-01", [14500]), { timezone: "Europe/Paris", checkInTime: "12:30" }, booked);
		expect(terms.freeUntil).toBe("2027-02-28T12:30:00+01:00");
	});
});

describe("fees", () => {
	const stay = stayOf("2027-03-01", [10000, 12000, 9000], 2); // total 62000

	it("percent of the total, rounded to the minor unit", () => {
		expect(feeAmount({ percent: 15 }, { ...stay, totalPrice: 33333 })).toBe(5000);
		expect(feeAmount({ percent: 12.5 }, { ...stay, totalPrice: 101 })).toBe(13);
		expect(feeAmount({ percent: 100 }, stay)).toBe(62000);
		expect(feeAmount({ percent: 0 }, stay)).toBe(0);
	});

	it("nights: the first N nights' prices × rooms", () => {
		expect(feeAmount({ nights: 1 }, stay)).toBe(20000);
		expect(feeAmount({ nights: 2 }, stay)).toBe(44000);
	});

	it("amount in minor units", () => {
		expect(feeAmount({ amount: 2500 }, stay)).toBe(2500);
	});

	it("never above the total", () => {
		expect(feeAmount({ nights: 5 }, stay)).toBe(62000);
		expect(feeAmount({ amount: 99_000 }, stay)).toBe(62000);
		expect(feeAmount({ nights: 3 }, { ...stay, totalPrice: 50000 })).toBe(50000); // a discount below the nightly sum
	});

	it("caps every step of a schedule", () => {
		const terms = cancellationTerms({ refundable: true, tiers: [{ hoursBeforeArrival: 48, fee: { amount: 1_000_000 } }] }, stay, paris, at("2027-01-01T00:00:00Z"));
		expect(terms.schedule.map(s => s.fee)).toEqual([0, 62000]);
	});
});

describe("noShowFee", () => {
	const stay = stayOf("2027-03-01", [10000, 12000], 2); // total 44000

	it("the policy's noShowFee", () => {
		expect(noShowFee(SPEC_POLICY, stay)).toBe(44000);
		expect(noShowFee({ refundable: true, noShowFee: { nights: 1 } }, stay)).toBe(20000);
		expect(noShowFee({ refundable: true, noShowFee: { amount: 999_999 } }, stay)).toBe(44000);
	});

	it("the default policy: the first night × rooms", () => {
		expect(noShowFee(undefined, stay)).toBe(20000);
	});

	it("without noShowFee: the last tier's fee, the total when non-refundable, 0 when always free", () => {
		expect(noShowFee({ refundable: true, tiers: [{ hoursBeforeArrival: 72, fee: { amount: 500 } }, { hoursBeforeArrival: 24, fee: { percent: 50 } }] }, stay)).toBe(22000);
		expect(noShowFee({ refundable: false }, stay)).toBe(44000);
		expect(noShowFee({ refundable: true }, stay)).toBe(0);
	});
});

describe("the hotel's clock across DST", () => {
	const twoTiers: CancellationPolicy = { refundable: true, tiers: [{ hoursBeforeArrival: 48, fee: { percent: 50 } }, { hoursBeforeArrival: 24, fee: { percent: 100 } }] };
	const booked = at("2027-01-05T00:00:00Z");
	const boundaries = (checkIn: string, timezone: string) =>
		cancellationTerms(twoTiers, stayOf(checkIn, [10000]), { timezone }, booked).schedule.slice(1).map(s => s.from);

	it("Europe/Paris, spring forward (28 Mar 2027): 48 elapsed hours before 15:00 CEST is 14:00 CET", () => {
		expect(formatInstant(arrivalInstant("2027-03-29", paris), "Europe/Paris")).toBe("2027-03-29T15:00:00+02:00");
		expect(boundaries("2027-03-29", "Europe/Paris")).toEqual(["2027-03-27T14:00:00+01:00", "2027-03-28T15:00:00+02:00"]);
	});

	it("Europe/Paris, fall back (31 Oct 2027): 48 elapsed hours before 15:00 CET is 16:00 CEST", () => {
		expect(boundaries("2027-11-01", "Europe/Paris")).toEqual(["2027-10-30T16:00:00+02:00", "2027-10-31T15:00:00+01:00"]);
	});

	it("America/New_York, both changes (14 Mar and 7 Nov 2027)", () => {
		expect(boundaries("2027-03-15", "America/New_York")).toEqual(["2027-03-13T14:00:00-05:00", "2027-03-14T15:00:00-04:00"]);
		expect(boundaries("2027-11-08", "America/New_York")).toEqual(["2027-11-06T16:00:00-04:00", "2027-11-07T15:00:00-05:00"]);
	});

	it("Pacific/Auckland, far from UTC, both changes (4 Apr and 26 Sep 2027)", () => {
		expect(formatInstant(arrivalInstant("2027-04-05", { timezone: "Pacific/Auckland" }), "Pacific/Auckland")).toBe("2027-04-05T15:00:00+12:00");
		expect(boundaries("2027-04-05", "Pacific/Auckland")).toEqual(["2027-04-03T16:00:00+13:00", "2027-04-04T15:00:00+12:00"]);
		expect(boundaries("2027-09-27", "Pacific/Auckland")).toEqual(["2027-09-25T14:00:00+12:00", "2027-09-26T15:00:00+13:00"]);
	});

	it("boundaries are elapsed hours: exactly 24 h × 3,600 s apart across the change", () => {
		for (const [checkIn, tz] of [["2027-03-29", "Europe/Paris"], ["2027-11-01", "Europe/Paris"], ["2027-04-05", "Pacific/Auckland"]]) {
			const [a, b] = boundaries(checkIn, tz);
			expect(Date.parse(b) - Date.parse(a)).toBe(24 * 3_600_000);
		}
	});

	it("a wall time skipped by spring forward reads the later clock; one repeated by fall back, the first", () => {
		expect(zonedInstant("2027-03-28", "02:30", "Europe/Paris").toISOString()).toBe("2027-03-28T01:30:00.000Z");
		expect(zonedInstant("2027-10-31", "02:30", "Europe/Paris").toISOString()).toBe("2027-10-31T00:30:00.000Z");
		expect(zonedInstant("2027-10-31", "03:30", "Europe/Paris").toISOString()).toBe("2027-10-31T02:30:00.000Z");
	});

	it("the offset cache never answers across a transition, to the second (twice: cold and cached)", () => {
		const change = Date.parse("2027-03-28T01:00:00Z"); // Paris: 02:00 CET → 03:00 CEST
		for (let pass = 0; pass < 2; pass++) {
			for (let s = -1800; s <= 1800; s += 1) {
				const expected = s < 0 ? 60 : 120;
				if (utcOffsetMinutes("Europe/Paris", change + s * 1000) !== expected) throw new Error(`offset at ${s} s: ${utcOffsetMinutes("Europe/Paris", change + s * 1000)}`);
			}
		}
		expect(formatInstant(new Date(change - 1000), "Europe/Paris")).toBe("2027-03-28T01:59:59+01:00");
		expect(formatInstant(new Date(change), "Europe/Paris")).toBe("2027-03-28T03:00:00+02:00");
	});

	it("a UTC hotel writes +00:00", () => {
		expect(formatInstant(arrivalInstant("2027-03-01", { timezone: "UTC" }), "UTC")).toBe("2027-03-01T15:00:00+00:00");
	});
});
