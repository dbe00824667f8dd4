/**
 * The report's plain functions: local days as UTC instants across DST, the zone's offset
 * segments an instant's local day is computed from, ranges, ratios, weighted totals, CSV
 * negotiation, the desk's actions.
 */
import { parse } from "csv-parse/sync";
import { buildReport, localDays, occupancyOf, offsetSegments, perRoom, reportCsv, reportRangeErrors, wantsCsv } from "../../services/reservations/reports";
import { localDate } from "../../services/reservations/stay";
import { deskActions } from "../../services/reservations/desk";
import type { HotelCopy } from "../../services/reservations/hotel-copies";

const copy = (rooms: number[]) => ({ id: "h", hotel: { id: "h", currency: "EUR", timezone: "Europe/Paris", roomTypes: rooms.map((totalRooms, i) => ({ id: `t${i}`, totalRooms })) } }) as unknown as HotelCopy;

describe("localDays", () => {
	it("gives each local day its midnights in UTC: 23 hours in spring, 25 in autumn (Paris)", () => {
		const spring = localDays("2027-03-27", "2027-03-30", "Europe/Paris");
		expect(spring).toEqual([
			{ day: "2027-03-27", start: "2027-03-26T23:00:00.000Z", end: "2027-03-27T23:00:00.000Z" },
			{ day: "2027-03-28", start: "2027-03-27T23:00:00.000Z", end: "2027-03-28T22:00:00.000Z" },
			{ day: "2027-03-29", start: "2027-03-28T22:00:00.000Z", end: "2027-03-29T22:00:00.000Z" },
		]);
		const autumn = localDays("2027-10-31", "2027-11-01", "Europe/Paris")[0];
		expect((Date.parse(autumn.end) - Date.parse(autumn.start)) / 3_600_000).toBe(25);
	});

	it("a zone ahead of UTC starts its day on the UTC day before (Auckland)", () => {
		expect(localDays("2027-01-10", "2027-01-11", "Pacific/Auckland")).toEqual([{ day: "2027-01-10", start: "2027-01-09T11:00:00.000Z", end: "2027-01-10T11:00:00.000Z" }]);
	});
});

describe("offsetSegments", () => {
	it("one segment per UTC offset, each from the DST change to the second (Paris, spring and autumn)", () => {
		expect(offsetSegments("2027-03-26T23:00:00.000Z", "2027-11-01T23:00:00.000Z", "Europe/Paris")).toEqual([
			{ from: "2027-03-26T23:00:00.000Z", offsetMinutes: 60 },
			{ from: "2027-03-28T01:00:00.000Z", offsetMinutes: 120 },
			{ from: "2027-10-31T01:00:00.000Z", offsetMinutes: 60 },
		]);
		expect(offsetSegments("2027-01-01T00:00:00.000Z", "2027-02-01T00:00:00.000Z", "UTC")).toEqual([{ from: "2027-01-01T00:00:00.000Z", offsetMinutes: 0 }]);
	});

	it("an instant shifted by its segment's offset has the zone's local date (the SQL's CASE, here in JS)", () => {
		for (const tz of ["Europe/Paris", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"]) {
			const segs = offsetSegments("2027-03-01T00:00:00.000Z", "2027-11-30T00:00:00.000Z", tz);
			const wrong: string[] = [];
			for (let t = Date.parse("2027-03-01T00:00:00Z"); t < Date.parse("2027-11-30T00:00:00Z"); t += 97 * 60_000 + 13_000) {
				const at = new Date(t).toISOString();
				const seg = [...segs].reverse().find(s => s.from <= at)!;
				if (new Date(t + seg.offsetMinutes * 60_000).toISOString().slice(0, 10) !== localDate(tz, new Date(t))) wrong.push(`${tz} ${at}`);
			}
			expect(wrong).toEqual([]);
		}
	});
});

describe("ranges and ratios", () => {
	it("1 to 366 days, to exclusive", () => {
		expect(reportRangeErrors("2027-01-01", "2027-01-02")).toEqual([]);
		expect(reportRangeErrors("2027-01-01", "2028-01-02")).toEqual([]); // 366 days
		expect(reportRangeErrors("2027-01-01", "2028-01-03").map(e => e.field)).toEqual(["to"]);
		expect(reportRangeErrors("2027-01-02", "2027-01-02").map(e => e.field)).toEqual(["to"]);
	});

	it("ADR and RevPAR round half up to the minor unit; nothing to divide by gives 0", () => {
		expect([perRoom(55000, 3), perRoom(50000, 3), perRoom(5, 2), perRoom(100, 0)]).toEqual([18333, 16667, 3, 0]);
		expect([occupancyOf(1, 3), occupancyOf(0, 0)]).toEqual([0.3333, 0]);
	});
});

describe("buildReport", () => {
	const sums = new Map<string, Record<string, number>>([
		["2027-05-01", { available: 10, sold: 1, revenue: 30000 }],
		["2027-05-02", { available: 10, sold: 9, revenue: 90000, arrivals: 2, cancellations: 1, cancellation_fees: 5000, bookings: 4 }],
	]);

	it("totals are sums, ADR and RevPAR of the sums (weighted), not means of the days", () => {
		const r = buildReport(copy([6, 4]), "2027-05-01", "2027-05-04", sums);
		expect(r.days.map(d => [d.date, d.roomsAvailable, d.roomsSold, d.adr, d.revpar])).toEqual([
			["2027-05-01", 10, 1, 30000, 3000], ["2027-05-02", 10, 9, 10000, 9000], ["2027-05-03", 10, 0, 0, 0],
		]);
		expect(r.totals).toEqual({
			roomsAvailable: 30, roomsSold: 10, occupancy: 0.3333, roomRevenue: 120000, adr: 12000, revpar: 4000, // the mean of the daily ADRs would be 20000
			arrivals: 2, departures: 0, cancellations: 1, noShows: 0, cancellationFees: 5000, noShowFees: 0, bookingsMade: 4,
		});
	});

	it("a night without inventory counts the hotel's current sizes", () => {
		expect(buildReport(copy([6, 4]), "2027-06-01", "2027-06-02", new Map()).days[0].roomsAvailable).toBe(10);
	});

	it("the CSV has a header row, one row per day and the totals row, read back as the same numbers", () => {
		const r = buildReport(copy([10]), "2027-05-01", "2027-05-03", sums);
		const rows = parse(reportCsv(r), { columns: true, cast: (v, ctx) => (ctx.header || ctx.column === "date" ? v : Number(v)) });
		expect(rows).toEqual([...r.days, { date: "total", ...r.totals }]);
	});
});

describe("wantsCsv", () => {
	it("format wins; otherwise an Accept that asks for text/csv before JSON", () => {
		expect(wantsCsv("csv", undefined)).toBe(true);
		expect(wantsCsv("json", "text/csv")).toBe(false);
		expect(wantsCsv(undefined, "text/csv")).toBe(true);
		expect(wantsCsv(undefined, "text/csv, application/json;q=0.5")).toBe(true);
		expect(wantsCsv(undefined, "application/json, text/csv")).toBe(false);
		expect(wantsCsv(undefined, "application/json")).toBe(false);
		expect(wantsCsv(undefined, undefined)).toBe(false);
	});
});

describe("deskActions", () => {
	const stay = { checkIn: "2027-05-02", checkOut: "2027-05-04" };
	it("what the lifecycle allows on the day: check-in and no-show from arrival, check-out once in", () => {
		expect(deskActions({ ...stay, status: "confirmed" }, "2027-05-01")).toEqual([]);
		expect(deskActions({ ...stay, status: "confirmed" }, "2027-05-02")).toEqual(["checkIn", "noShow"]);
		expect(deskActions({ ...stay, status: "confirmed" }, "2027-05-04")).toEqual(["noShow"]);
		expect(deskActions({ ...stay, status: "checked_in" }, "2027-05-03")).toEqual(["checkOut"]);
		expect(deskActions({ ...stay, status: "checked_out" }, "2027-05-04")).toEqual([]);
		expect(deskActions({ ...stay, status: "cancelled" }, "2027-05-02")).toEqual([]);
	});
});
