/**
 * The status lifecycle of reservations/lifecycle.ts as plain functions: which transitions
 * exist, each one's date rule (the hotel's local today) and the nights it frees.
 */
import { canModify, decide, TRANSITIONS, type Action } from "../../services/reservations/lifecycle";
import { STATUSES, type Reservation, type Status } from "../../services/reservations/repository";

const stay = (status: Status, checkIn = "2027-05-10", checkOut = "2027-05-13"): Reservation => ({
	id: "r1", code: "K7Q2M9XD", status, hotelId: "h1", hotelName: "H", roomTypeId: "double", roomTypeName: "Double",
	checkIn, checkOut, nights: 3, rooms: 2, guests: 2, guest: { name: "G", email: "g@example.com", locale: "en" },
	totalPrice: 60000, currency: "EUR", ratePlanId: "standard", ratePlanName: "Standard", nightly: [], sequence: 0, createdAt: "2027-01-01T00:00:00.000Z", updatedAt: "2027-01-01T00:00:00.000Z",
});

describe("the transition table", () => {
	it("has exactly the lifecycle of SPEC §3", () => {
		const edges = Object.values(TRANSITIONS).map(t => `${t.from} → ${t.to}`).sort();
		expect(edges).toEqual(["checked_in → checked_out", "confirmed → cancelled", "confirmed → checked_in", "confirmed → no_show"]);
		expect(Object.entries(TRANSITIONS).filter(([, t]) => t.announce).map(([a]) => a)).toEqual(["cancel", "noShow"]);
	});

	it("refuses every other move with the current status in the data", () => {
		const actions = Object.keys(TRANSITIONS) as Action[];
		for (const action of actions) {
			for (const status of STATUSES) {
				const d = decide(action, stay(status), "2027-05-11");
				const allowed = status === TRANSITIONS[action].from || (action === "cancel" && status === "cancelled");
				expect([action, status, d.kind !== "refused"]).toEqual([action, status, allowed]);
				if (d.kind === "refused") expect(d.data).toEqual({ status });
			}
		}
	});

	it("only a confirmed reservation can be modified", () => {
		expect(STATUSES.filter(canModify)).toEqual(["confirmed"]);
	});
});

describe("cancel", () => {
	it("frees every night, whatever the date", () => {
		expect(decide("cancel", stay("confirmed"), "2027-01-01")).toEqual({ kind: "move", to: "cancelled", frees: { from: "2027-05-10", to: "2027-05-13" } });
		expect(decide("cancel", stay("confirmed"), "2027-05-12")).toMatchObject({ frees: { from: "2027-05-10", to: "2027-05-13" } });
	});
	it("answers the same state when already cancelled, and refuses a stay that began", () => {
		expect(decide("cancel", stay("cancelled"), "2027-05-11")).toEqual({ kind: "same" });
		expect(decide("cancel", stay("checked_in"), "2027-05-11")).toEqual({ kind: "refused", message: "A checked_in reservation cannot be cancelled", data: { status: "checked_in" } });
	});
});

describe("check-in", () => {
	it("opens on the arrival date and closes the day before departure", () => {
		expect(decide("checkIn", stay("confirmed"), "2027-05-09")).toMatchObject({ kind: "refused", data: { status: "confirmed", today: "2027-05-09" } });
		expect(decide("checkIn", stay("confirmed"), "2027-05-10")).toEqual({ kind: "move", to: "checked_in", frees: null });
		expect(decide("checkIn", stay("confirmed"), "2027-05-12")).toEqual({ kind: "move", to: "checked_in", frees: null });
		expect(decide("checkIn", stay("confirmed"), "2027-05-13")).toMatchObject({ kind: "refused", message: "The stay ended on 2027-05-13" });
	});
});

describe("check-out", () => {
	it("an early departure frees the nights from today; leaving on the arrival day keeps the first night", () => {
		expect(decide("checkOut", stay("checked_in"), "2027-05-10")).toEqual({ kind: "move", to: "checked_out", frees: { from: "2027-05-11", to: "2027-05-13" } });
		expect(decide("checkOut", stay("checked_in"), "2027-05-11")).toMatchObject({ frees: { from: "2027-05-11", to: "2027-05-13" } });
		expect(decide("checkOut", stay("checked_in"), "2027-05-13")).toMatchObject({ kind: "move", frees: null });
		expect(decide("checkOut", stay("confirmed"), "2027-05-11")).toMatchObject({ kind: "refused", message: "Cannot go from confirmed to checked_out (only from checked_in)" });
	});
});

describe("no-show", () => {
	it("from the arrival date; frees the nights after the first, whenever it is marked (SPEC §10)", () => {
		expect(decide("noShow", stay("confirmed"), "2027-05-09")).toMatchObject({ kind: "refused" });
		expect(decide("noShow", stay("confirmed"), "2027-05-10")).toEqual({ kind: "move", to: "no_show", frees: { from: "2027-05-11", to: "2027-05-13" } });
		expect(decide("noShow", stay("confirmed"), "2027-05-12")).toMatchObject({ frees: { from: "2027-05-11", to: "2027-05-13" } });
		expect(decide("noShow", stay("confirmed", "2027-05-10", "2027-05-11"), "2027-05-10")).toMatchObject({ kind: "move", frees: null });
	});
});
