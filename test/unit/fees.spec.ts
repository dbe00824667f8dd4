/**
 * Fees of a reservation (services/reservations/fees.ts): who may waive (SPEC §10, §11: fees.waive,
 * a guest or front desk refused with 403, not ignored), the fee read from the frozen schedule,
 * the no-show fee from the policy as booked, a reservation made before policies owing nothing.
 */
import type { AuthUser } from "../../lib/auth";
import { cancellationFeeAt, noShowFeeOf, requestedWaiver, waived, NO_FEES } from "../../services/reservations/fees";
import { cancellationTerms } from "../../services/reservations/policy";

const staff = (role: AuthUser["role"], hotelIds = ["*"]): AuthUser => ({ role, sub: `u-${role}`, email: `${role}@example.com`, hotelIds, ver: 1 });
const guest: AuthUser = { role: "guest", sub: "guest:K7Q2M9XD", code: "K7Q2M9XD" };
const typeOf = (fn: () => unknown) => { try { fn(); return "ok"; } catch (err) { return (err as { type?: string }).type; } };

describe("requestedWaiver", () => {
	it("none asked: none, whoever asks", () => {
		expect(requestedWaiver({}, guest, "h1")).toBeNull();
		expect(requestedWaiver({ waiveFee: false }, guest, "h1")).toBeNull();
	});

	it("owners and managers of the hotel may waive with a reason", () => {
		expect(requestedWaiver({ waiveFee: true, reason: "Storm" }, staff("owner"), "h1")).toEqual({ reason: "Storm" });
		expect(requestedWaiver({ waiveFee: true, reason: "Storm" }, staff("manager", ["h1"]), "h1")).toEqual({ reason: "Storm" });
	});

	it("a guest, front desk or revenue: 403; a manager of another hotel: 404 (no way to learn it exists)", () => {
		for (const u of [guest, staff("front_desk"), staff("revenue"), null]) expect(typeOf(() => requestedWaiver({ waiveFee: true, reason: "x" }, u, "h1"))).toBe("FORBIDDEN");
		expect(typeOf(() => requestedWaiver({ waiveFee: true, reason: "x" }, staff("manager", ["h2"]), "h1"))).toBe("NOT_FOUND");
	});

	it("waiveFee without a reason, or a reason alone: 422", () => {
		expect(typeOf(() => requestedWaiver({ waiveFee: true }, staff("owner"), "h1"))).toBe("VALIDATION_ERROR");
		expect(typeOf(() => requestedWaiver({ reason: "x" }, staff("owner"), "h1"))).toBe("VALIDATION_ERROR");
	});
});

describe("fees", () => {
	const stay = { checkIn: "2027-03-01", rooms: 2, totalPrice: 60000, nightly: [{ date: "2027-03-01", price: 10000 }, { date: "2027-03-02", price: 10000 }, { date: "2027-03-03", price: 10000 }] };
	const terms = cancellationTerms(undefined, stay, { timezone: "Europe/Paris" }, new Date("2027-01-01T00:00:00Z"));

	it("cancellation: the frozen schedule at that instant; none before policies existed", () => {
		expect(cancellationFeeAt({ ...stay, cancellation: terms }, new Date("2027-02-28T13:59:59Z"))).toBe(0);
		expect(cancellationFeeAt({ ...stay, cancellation: terms }, new Date("2027-02-28T14:00:00Z"))).toBe(20000);
		expect(cancellationFeeAt(stay, new Date("2027-03-05T00:00:00Z"))).toBe(0);
	});

	it("no-show: the policy as booked, the default one when the plan set none; none before policies", () => {
		expect(noShowFeeOf({ ...stay, cancellation: terms })).toBe(20000);
		expect(noShowFeeOf({ ...stay, cancellation: terms, policy: { refundable: true, noShowFee: { percent: 50 } } })).toBe(30000);
		expect(noShowFeeOf(stay)).toBe(0);
	});

	it("a waiver zeroes the fee set so far and keeps who and why", () => {
		expect(waived({ ...NO_FEES, cancellationFee: 20000 }, { reason: "Storm" }, "u1")).toEqual({ cancellationFee: 0, noShowFee: null, feeWaived: true, waiveReason: "Storm", waivedBy: "u1" });
	});
});
