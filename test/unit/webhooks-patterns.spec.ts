/** Event patterns and hotel scoping of webhooks (services/webhooks/patterns.ts) and the retry schedule (schedule.ts). */
import { makeMessage, Events } from "../../lib/events";
import { coversHotel, hotelOf, matchesAny, patternProblem } from "../../services/webhooks/patterns";
import { nextAttemptAt, retryPlan, shouldDisable, type Schedule } from "../../services/webhooks/schedule";

describe("webhook event patterns", () => {
	it.each(["reservations.reservation.*", "reservations.reservation.confirmed", "hotels.hotel.*", "mail.message.failed", "reservations.#", "#", "*.*.cancelled"])("accepts %s", p => {
		expect(patternProblem(p)).toBeNull();
	});

	it.each([
		["", /1 to 100/], ["reservations.reservation.", /pattern such as/], ["Reservations.Reservation.*", /pattern such as/], ["reservations..confirmed", /pattern such as/],
		["a.b.c.d", /pattern such as/], ["reservations.reservation.deleted", /matches no event/], ["payments.*.*", /matches no event/],
		["reservations.availability.changed", /matches no event/], ["reservations.reservation.conf*", /pattern such as/],
	])("refuses %p", (p, why) => {
		expect(patternProblem(p)).toMatch(why);
	});

	it("matches like the bus's topics: * one word, # any", () => {
		expect(matchesAny(["reservations.reservation.*"], "reservations.reservation.cancelled")).toBe(true);
		expect(matchesAny(["reservations.reservation.*"], "hotels.hotel.updated")).toBe(false);
		expect(matchesAny(["hotels.#", "mail.message.sent"], "hotels.hotel.created")).toBe(true);
	});
});

describe("the hotel of a message", () => {
	it("reads reservations' and hotels' messages, and points mail messages at the message they answer", () => {
		expect(hotelOf(makeMessage(Events.RESERVATION_CONFIRMED, { reservation: { hotelId: "h1", code: "X" } }))).toEqual({ hotelId: "h1" });
		expect(hotelOf(makeMessage(Events.HOTEL_UPDATED, { id: "h2", name: "H" }))).toEqual({ hotelId: "h2" });
		expect(hotelOf(makeMessage(Events.MAIL_SENT, { messageId: "m-1", mailId: "x" }))).toEqual({ hotelId: null, viaMessageId: "m-1" });
	});

	it("gives a webhook its hotels' messages; '*' gets every message, those without a hotel too", () => {
		expect(coversHotel(["h1", "h2"], "h2")).toBe(true);
		expect(coversHotel(["h1"], "h3")).toBe(false);
		expect(coversHotel(["h1"], null)).toBe(false);
		expect(coversHotel(["*"], null)).toBe(true);
	});
});

describe("retry schedule", () => {
	const s: Schedule = { retry: { baseMs: 10_000, maxMs: 3_600_000 }, retryForMs: 24 * 3_600_000, disableAfterMs: 3 * 24 * 3_600_000 };
	const t0 = new Date("2027-01-01T00:00:00Z");

	it("retries first within 30 s, then doubles up to an hour, for 24 h", () => {
		const plan = retryPlan(s);
		expect(plan[0]).toBeLessThanOrEqual(30_000);
		expect(plan.slice(0, 4)).toEqual([10_000, 20_000, 40_000, 80_000]);
		expect(Math.max(...plan)).toBe(3_600_000);
		const total = plan.reduce((a, b) => a + b, 0);
		expect(total).toBeLessThanOrEqual(24 * 3_600_000);
		expect(total).toBeGreaterThan(23 * 3_600_000);
	});

	it("gives a delivery up once the next attempt would fall after 24 h", () => {
		expect(nextAttemptAt(s, 1, t0, t0)).toEqual(new Date(t0.getTime() + 10_000));
		const late = new Date(t0.getTime() + 23.9 * 3_600_000);
		expect(nextAttemptAt(s, 30, t0, late)).toBeNull();
	});

	it("disables after 3 days of continuous failure, not before", () => {
		expect(shouldDisable(s, null, t0)).toBe(false);
		expect(shouldDisable(s, t0, new Date(t0.getTime() + 3 * 24 * 3_600_000 - 1))).toBe(false);
		expect(shouldDisable(s, t0, new Date(t0.getTime() + 3 * 24 * 3_600_000))).toBe(true);
	});
});
