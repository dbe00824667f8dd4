/**
 * The rate and fee facts of the guest emails (SPEC §9, §10): plan name, nightly prices, the
 * cancellation terms in words with every instant in the hotel's clock, the fee of a
 * cancellation or no-show, in English and French.
 */
import { renderMail } from "../../services/mail/render";
import { mailTypeOf, type ReservationData } from "../../services/mail/types";

const opts = { publicUrl: "https://booking.example.com", mailFrom: "reservations@example.com" };
const schedule = [
	{ from: "2027-01-10T11:00:00+01:00", to: "2027-02-28T15:00:00+01:00", fee: 0 },
	{ from: "2027-02-28T15:00:00+01:00", to: "2027-03-01T15:00:00+01:00", fee: 14500 },
	{ from: "2027-03-01T15:00:00+01:00", to: null, fee: 43500 },
];

function data(locale: string, over: Partial<ReservationData["reservation"]> = {}, timezone = "Europe/Paris"): ReservationData {
	return {
		reservation: {
			code: "K7Q2M9XD", status: "confirmed", checkIn: "2027-03-01", checkOut: "2027-03-04", nights: 3, rooms: 1, guests: 2,
			guest: { name: "Ada Lovelace", email: "ada@example.com", locale }, totalPrice: 43500, currency: "EUR", roomTypeName: "Standard double",
			ratePlanName: "Flexible",
			nightly: [{ date: "2027-03-01", price: 14500 }, { date: "2027-03-02", price: 14500 }, { date: "2027-03-03", price: 14500 }],
			cancellation: { refundable: true, freeUntil: "2027-02-28T15:00:00+01:00", schedule },
			...over,
		},
		hotel: { name: "Hôtel du Lac", address: { line1: "1 quai Napoléon III", city: "Annecy", postalCode: "74000", country: "FR" }, timezone, email: "contact@hoteldulac.example" },
		sequence: 0,
	};
}

describe("the confirmation's rate and terms", () => {
	it("states the plan, the nightly prices and the terms in words, instants in the hotel's clock (en)", () => {
		const m = renderMail(data("en"), "confirmation", opts);
		for (const body of [m.text, m.html]) {
			expect(body).toContain("Flexible");
			expect(body).toContain("Mon 1 Mar: €145.00");
			expect(body).toContain("Cancellation terms");
			expect(body).toMatch(/Free cancellation until Sunday,? 28 February 2027 at 15:00 \(hotel time\)\./);
			expect(body).toMatch(/From Sunday,? 28 February 2027 at 15:00 \(hotel time\): €145\.00\./);
			expect(body).toMatch(/From Monday,? 1 March 2027 at 15:00 \(hotel time\): €435\.00\./);
		}
	});

	it("in French", () => {
		const m = renderMail(data("fr"), "confirmation", opts);
		expect(m.text).toContain("Tarif: Flexible");
		expect(m.text).toContain("Conditions d'annulation");
		expect(m.text).toContain("Annulation gratuite jusqu'au dimanche 28 février 2027 à 15:00 (heure de l'hôtel).");
		expect(m.text).toMatch(/À partir du lundi 1 mars 2027 à 15:00 \(heure de l'hôtel\) : 435,00\s€\./);
		expect(m.text).toMatch(/lun\. 1 mars: 145,00\s€/);
	});

	it("reads the instant in the hotel's zone, not the server's nor UTC", () => {
		const auckland = data("en", { cancellation: { refundable: true, freeUntil: "2027-04-04T15:00:00+12:00", schedule: [{ from: "2027-01-10T11:00:00+13:00", to: "2027-04-04T15:00:00+12:00", fee: 0 }, { from: "2027-04-04T15:00:00+12:00", to: null, fee: 14500 }] } }, "Pacific/Auckland");
		expect(renderMail(auckland, "confirmation", opts).text).toMatch(/Free cancellation until Sunday,? 4 April 2027 at 15:00/);
	});

	it("says non-refundable with the full price, and 'at any time' for a policy that never charges", () => {
		const nr = renderMail(data("en", { cancellation: { refundable: false, freeUntil: null, schedule: [{ from: "2027-01-10T11:00:00+01:00", to: null, fee: 43500 }] } }), "confirmation", opts);
		expect(nr.text).toContain("Non-refundable: cancelling costs the full price, €435.00.");
		expect(nr.text).not.toContain("Free cancellation");
		const free = renderMail(data("en", { cancellation: { refundable: true, freeUntil: null, schedule: [{ from: "2027-01-10T11:00:00+01:00", to: null, fee: 0 }] } }), "confirmation", opts);
		expect(free.text).toContain("Free cancellation at any time.");
	});

	it("booked inside a tier: what cancelling costs now", () => {
		const m = renderMail(data("en", { cancellation: { refundable: true, freeUntil: null, schedule: [{ from: "2027-03-01T03:30:00+01:00", to: "2027-03-01T15:00:00+01:00", fee: 14500 }, { from: "2027-03-01T15:00:00+01:00", to: null, fee: 43500 }] } }), "confirmation", opts);
		expect(m.text).toContain("Cancelling now costs €145.00.");
		expect(m.text).toMatch(/From Monday,? 1 March 2027 at 15:00 \(hotel time\): €435\.00\./);
	});

	it("says the nightly price is per room when there are several rooms", () => {
		expect(renderMail(data("en", { rooms: 2, totalPrice: 87000 }), "confirmation", opts).text).toContain("Price per night (per room):");
	});

	it("a message without plan or terms (written before them) renders as before", () => {
		const m = renderMail(data("en", { ratePlanName: undefined, nightly: undefined, cancellation: undefined }), "confirmation", opts);
		expect(m.text).not.toContain("Cancellation terms");
		expect(m.text).not.toContain("Rate:");
		expect(m.text).not.toContain("Price per night");
	});
});

describe("the fee of a cancellation or a no-show", () => {
	it("a late cancellation states its fee, and not that nothing is owed", () => {
		for (const [locale, label, intro] of [["en", "Cancellation fee: €145.00", "A cancellation fee of €145.00 applies"], ["fr", "Frais d'annulation: 145,00", "Des frais d'annulation de 145,00"]]) {
			const m = renderMail(data(locale, { status: "cancelled", cancellationFee: 14500 }), "cancellation", opts);
			expect(m.text).toContain(label);
			expect(m.text).toContain(intro);
			expect(m.html).toContain(intro.replace("'", "&#x27;"));
			expect(m.text).not.toMatch(/Nothing more is owed|Plus rien n'est dû/);
			expect(m.text).not.toContain("Cancellation terms");
		}
	});

	it("a free cancellation says the fee is nothing and nothing more is owed", () => {
		const m = renderMail(data("en", { status: "cancelled", cancellationFee: 0 }), "cancellation", opts);
		expect(m.text).toContain("Cancellation fee: €0.00");
		expect(m.text).toContain("Nothing more is owed");
	});

	it("a waived fee says so", () => {
		const m = renderMail(data("en", { status: "cancelled", cancellationFee: 0, feeWaived: true }), "cancellation", opts);
		expect(m.text).toContain("Cancellation fee: none (waived by the hotel)");
	});

	it("a no-show email states the no-show fee and removes the event from the calendar", () => {
		expect(mailTypeOf("reservations.reservation.no_show")).toBe("no_show");
		const m = renderMail(data("en", { status: "no_show", noShowFee: 14500 }), "no_show", opts);
		expect(m.subject).toBe("Your booking at Hôtel du Lac is marked as a no-show — K7Q2M9XD");
		expect(m.text).toContain("No-show fee: €145.00");
		expect(m.text).toContain("marked as a no-show");
		expect(m.ics.method).toBe("CANCEL");
		const fr = renderMail(data("fr", { status: "no_show", noShowFee: 14500 }), "no_show", opts);
		expect(fr.subject).toBe("Votre réservation à Hôtel du Lac est marquée comme non présentée — K7Q2M9XD");
		expect(fr.text).toMatch(/Frais de non-présentation: 145,00\s€/);
	});
});
