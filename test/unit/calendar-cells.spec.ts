import { putCells } from "../../services/reservations/calendar";
import type { RateIndex } from "../../services/reservations/pricing";

describe("calendar cells as one text per series (the read paths)", () => {
	it("decodes every field, an empty field being 'not set', booleans from either store", () => {
		const rates: RateIndex = new Map();
		putCells(rates, "double", "flex", "2027-03-01,14500,2,,1,0,;2027-03-02,,,7,,true,1");
		const s = rates.get("double\u0000flex");
		expect(s?.get("2027-03-01")).toEqual({ price: 14500, minStay: 2, maxStay: null, closed: true, closedToArrival: false, closedToDeparture: null });
		expect(s?.get("2027-03-02")).toEqual({ price: null, minStay: null, maxStay: 7, closed: null, closedToArrival: true, closedToDeparture: true });
	});
	it("a series without cells adds nothing", () => {
		const rates: RateIndex = new Map();
		putCells(rates, "double", "flex", null);
		putCells(rates, "double", "flex", "");
		expect(rates.size).toBe(0);
	});
});
