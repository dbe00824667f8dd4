import { renderMail, subjectOf, manageUrl } from "../../services/mail/render";
import { reservationUid } from "../../services/mail/ics";
import { formatMoney, formatDate } from "../../services/mail/format";
import { pickLocale } from "../../services/mail/i18n";
import { mailTypeOf, missingFields, type ReservationData } from "../../services/mail/types";
import { retryDelayMs } from "../../lib/retry";

const opts = { publicUrl: "https://booking.example.com", mailFrom: "reservations@example.com" };

function data(locale: string, over: Partial<ReservationData["reservation"]> = {}, sequence = 0): ReservationData {
	return {
		reservation: {
			code: "K7Q2M9XD", status: "confirmed", checkIn: "2027-03-01", checkOut: "2027-03-04", nights: 3, rooms: 1, guests: 2,
			guest: { name: "Ada Lovelace", email: "ada@example.com", locale }, totalPrice: 43500, currency: "EUR", roomTypeName: "Standard double", ...over,
		},
		hotel: { name: "Hôtel du Lac", address: { line1: "1 quai Napoléon III", city: "Annecy", postalCode: "74000", country: "FR" }, timezone: "Europe/Paris", email: "contact@hoteldulac.example" },
		sequence,
	};
}

/** Unfolds an iCalendar text (RFC 5545 §3.1) into its logical lines. */
const icsLines = (ics: string) => ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/).filter(Boolean);

describe("renderMail", () => {
	it("writes an English confirmation with every fact of the stay", () => {
		const m = renderMail(data("en"), "confirmation", opts);
		expect(m.locale).toBe("en");
		expect(m.to).toBe("ada@example.com");
		expect(m.subject).toBe("Your booking at Hôtel du Lac is confirmed — K7Q2M9XD");
		for (const body of [m.text, m.html]) {
			expect(body).toContain("K7Q2M9XD");
			expect(body).toContain("1 quai Napoléon III");
			expect(body).toContain("74000 Annecy");
			expect(body).toContain("France");
			expect(body).toMatch(/Monday,? 1 March 2027/);
			expect(body).toMatch(/Thursday,? 4 March 2027/);
			expect(body).toContain("3 nights");
			expect(body).toContain("Standard double");
			expect(body).toContain("€435.00");
			expect(body).toContain("Manage my booking");
		}
		expect(m.text).toContain("https://booking.example.com/#/manage?code=K7Q2M9XD");
		// Handlebars escapes "=" in attributes; a browser reads it back as the same link.
		expect(m.html).toContain('href="https://booking.example.com/#/manage?code&#x3D;K7Q2M9XD"');
		expect(m.text).toContain("Guests: 2");
		expect(m.html).toContain("<!doctype html>");
	});

	it("writes a French email for a French guest, dates and money the French way", () => {
		const m = renderMail(data("fr"), "confirmation", opts);
		expect(m.locale).toBe("fr");
		expect(m.subject).toBe("Votre réservation à Hôtel du Lac est confirmée — K7Q2M9XD");
		expect(m.text).toContain("Bonjour Ada Lovelace,");
		expect(m.text).toContain("lundi 1 mars 2027");
		expect(m.text).toContain("jeudi 4 mars 2027");
		expect(m.text).toContain("3 nuits");
		expect(m.text).toMatch(/435,00\s€/);
		expect(m.html).toContain("Gérer ma réservation");
		expect(m.html).toContain('lang="fr"');
	});

	it("falls back to English for a language it does not speak", () => {
		expect(renderMail(data("de"), "confirmation", opts).locale).toBe("en");
		expect(pickLocale("fr-CA")).toBe("fr");
		expect(pickLocale(undefined)).toBe("en");
	});

	it("names the change and the cancellation in the subject", () => {
		expect(subjectOf(data("en"), "modification")).toBe("Your booking at Hôtel du Lac has changed — K7Q2M9XD");
		expect(subjectOf(data("fr"), "cancellation")).toBe("Votre réservation à Hôtel du Lac est annulée — K7Q2M9XD");
	});

	it("escapes guest-supplied text in the HTML body", () => {
		const m = renderMail(data("en", { guest: { name: "<script>x</script>", email: "a@b.co", locale: "en" } }), "confirmation", opts);
		expect(m.html).not.toContain("<script>x</script>");
		expect(m.html).toContain("&lt;script&gt;");
	});

	it("shows a single night in the singular", () => {
		expect(renderMail(data("en", { checkOut: "2027-03-02", nights: 1 }), "confirmation", opts).text).toContain("1 night\n");
	});
});

describe(".ics attachment", () => {
	it("is an all-day event from check-in to check-out with a stable UID and the message's SEQUENCE", () => {
		const m = renderMail(data("en", {}, 3), "modification", opts);
		const lines = icsLines(m.ics.content);
		expect(lines[0]).toBe("BEGIN:VCALENDAR");
		expect(lines).toContain("METHOD:PUBLISH");
		expect(lines).toContain("DTSTART;VALUE=DATE:20270301");
		expect(lines).toContain("DTEND;VALUE=DATE:20270304");
		expect(lines).toContain("SEQUENCE:3");
		expect(lines).toContain(`UID:${reservationUid("K7Q2M9XD", "booking.example.com")}`);
		expect(lines).toContain("STATUS:CONFIRMED");
		expect(lines.some(l => l.startsWith("LOCATION:Hôtel du Lac\\, 1 quai Napoléon III"))).toBe(true);
		expect(m.ics.filename).toBe("reservation-K7Q2M9XD.ics");
		// Same reservation, another message: same UID.
		const again = icsLines(renderMail(data("fr", {}, 4), "confirmation", opts).ics.content);
		expect(again.find(l => l.startsWith("UID:"))).toBe(lines.find(l => l.startsWith("UID:")));
	});

	it("cancels with METHOD:CANCEL and a cancelled event", () => {
		const m = renderMail(data("en", { status: "cancelled" }, 5), "cancellation", opts);
		const lines = icsLines(m.ics.content);
		expect(m.ics.method).toBe("CANCEL");
		expect(lines).toContain("METHOD:CANCEL");
		expect(lines).toContain("STATUS:CANCELLED");
		expect(lines).toContain("SEQUENCE:5");
		expect(lines.some(l => l.startsWith("ORGANIZER") && l.includes("mailto:contact@hoteldulac.example"))).toBe(true);
	});

	it("keeps calendar dates whatever the process time zone", () => {
		const lines = icsLines(renderMail(data("en", { checkIn: "2027-12-31", checkOut: "2028-01-01", nights: 1 }), "confirmation", opts).ics.content);
		expect(lines).toContain("DTSTART;VALUE=DATE:20271231");
		expect(lines).toContain("DTEND;VALUE=DATE:20280101");
	});
});

describe("formatting", () => {
	it("formats minor units with the currency's own decimals", () => {
		expect(formatMoney(43500, "EUR", "en-GB")).toBe("€435.00");
		expect(formatMoney(43500, "JPY", "en-GB")).toBe("JP¥43,500");
		expect(formatMoney(1999, "USD", "fr-FR")).toMatch(/^19,99\s\$US$/);
	});
	it("formats a calendar date without shifting it", () => {
		expect(formatDate("2027-03-01", "en-GB")).toMatch(/^Monday,? 1 March 2027$/);
	});
	it("builds the manage link from PUBLIC_URL", () => {
		expect(manageUrl("http://localhost:3000/", "ABC")).toBe("http://localhost:3000/#/manage?code=ABC");
	});
});

describe("messages and retries", () => {
	it("maps each reservations event to its email type", () => {
		expect(mailTypeOf("reservations.reservation.confirmed")).toBe("confirmation");
		expect(mailTypeOf("reservations.reservation.modified")).toBe("modification");
		expect(mailTypeOf("reservations.reservation.cancelled")).toBe("cancellation");
		expect(mailTypeOf("reservations.reservation.checked_in")).toBeNull();
	});
	it("lists what a message lacks to make an email", () => {
		expect(missingFields(data("en"))).toEqual([]);
		expect(missingFields({ hotel: { name: "x" } })).toEqual(["reservation"]);
		const bad = data("en");
		(bad.reservation.guest as { email: string }).email = "nope";
		expect(missingFields(bad)).toEqual(["reservation.guest.email"]);
	});
	it("backs off exponentially and caps the wait", () => {
		expect([1, 2, 3, 4].map(a => retryDelayMs({ baseMs: 1000, maxMs: 600_000 }, a))).toEqual([1000, 2000, 4000, 8000]);
		expect(retryDelayMs({ baseMs: 1000, maxMs: 600_000 }, 30)).toBe(600_000);
	});
});
