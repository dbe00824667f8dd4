/**
 * The emails' words in each language (SPEC §6: en and fr, en as fallback). Strings are
 * Handlebars templates themselves: {{hotel}}, {{code}}, {{name}} are filled in by render.ts.
 */
import type { ReservationMailType } from "./types";

export interface MailStrings {
	/** BCP 47 tag for dates and money. */
	intl: string;
	subject: Record<ReservationMailType, string>;
	heading: Record<ReservationMailType, string>;
	intro: Record<ReservationMailType, string>;
	greeting: string;
	labels: { code: string; hotel: string; checkIn: string; checkOut: string; nights: string; roomType: string; rooms: string; guests: string; total: string; previously: string };
	nights: { one: string; other: string };
	manage: string;
	manageHint: string;
	closing: string;
	calendar: string;
	/** SPEC §9/§10: the plan, its nightly prices, the terms in words and the fees. {{when}} is an instant in the hotel's clock. */
	rates: { ratePlan: string; nightly: string; perRoom: string };
	terms: { heading: string; freeUntil: string; now: string; step: string; nonRefundable: string; alwaysFree: string };
	fees: { cancellation: string; noShow: string; waived: string };
	/** The cancellation intro when a fee applies (intro.cancellation says nothing is owed). */
	cancelledWithFee: string;
}

const en: MailStrings = {
	intl: "en-GB",
	subject: {
		confirmation: "Your booking at {{hotel}} is confirmed — {{code}}",
		modification: "Your booking at {{hotel}} has changed — {{code}}",
		cancellation: "Your booking at {{hotel}} is cancelled — {{code}}",
		no_show: "Your booking at {{hotel}} is marked as a no-show — {{code}}",
	},
	heading: { confirmation: "Booking confirmed", modification: "Booking changed", cancellation: "Booking cancelled", no_show: "Marked as a no-show" },
	intro: {
		confirmation: "Thank you for booking with {{hotel}}. Here are the details of your stay.",
		modification: "Your booking with {{hotel}} has been changed. Here are the new details of your stay.",
		cancellation: "Your booking with {{hotel}} has been cancelled. Nothing more is owed for this stay.",
		no_show: "We did not see you at {{hotel}} on your arrival day: your booking is marked as a no-show and the nights after the first are released.",
	},
	greeting: "Dear {{name}},",
	labels: { code: "Booking code", hotel: "Hotel", checkIn: "Check-in", checkOut: "Check-out", nights: "Nights", roomType: "Room type", rooms: "Rooms", guests: "Guests", total: "Total price", previously: "Previously" },
	nights: { one: "{{count}} night", other: "{{count}} nights" },
	manage: "Manage my booking",
	manageHint: "Use your booking code and this email address to view, change or cancel your booking.",
	closing: "We look forward to welcoming you.",
	calendar: "The attached calendar file adds the stay to your calendar.",
	rates: { ratePlan: "Rate", nightly: "Price per night", perRoom: "per room" },
	terms: {
		heading: "Cancellation terms",
		freeUntil: "Free cancellation until {{when}} (hotel time).",
		now: "Cancelling now costs {{fee}}.",
		step: "From {{when}} (hotel time): {{fee}}.",
		nonRefundable: "Non-refundable: cancelling costs the full price, {{fee}}.",
		alwaysFree: "Free cancellation at any time.",
	},
	fees: { cancellation: "Cancellation fee", noShow: "No-show fee", waived: "none (waived by the hotel)" },
	cancelledWithFee: "Your booking with {{hotel}} has been cancelled. A cancellation fee of {{fee}} applies, as the terms of your booking provide.",
};

const fr: MailStrings = {
	intl: "fr-FR",
	subject: {
		confirmation: "Votre réservation à {{hotel}} est confirmée — {{code}}",
		modification: "Votre réservation à {{hotel}} a été modifiée — {{code}}",
		cancellation: "Votre réservation à {{hotel}} est annulée — {{code}}",
		no_show: "Votre réservation à {{hotel}} est marquée comme non présentée — {{code}}",
	},
	heading: { confirmation: "Réservation confirmée", modification: "Réservation modifiée", cancellation: "Réservation annulée", no_show: "Non-présentation" },
	intro: {
		confirmation: "Merci d'avoir réservé à {{hotel}}. Voici le détail de votre séjour.",
		modification: "Votre réservation à {{hotel}} a été modifiée. Voici le nouveau détail de votre séjour.",
		cancellation: "Votre réservation à {{hotel}} a été annulée. Plus rien n'est dû pour ce séjour.",
		no_show: "Nous ne vous avons pas vu à {{hotel}} le jour de votre arrivée : votre réservation est marquée comme non présentée et les nuits après la première sont libérées.",
	},
	greeting: "Bonjour {{name}},",
	labels: { code: "Code de réservation", hotel: "Hôtel", checkIn: "Arrivée", checkOut: "Départ", nights: "Nuits", roomType: "Type de chambre", rooms: "Chambres", guests: "Personnes", total: "Prix total", previously: "Auparavant" },
	nights: { one: "{{count}} nuit", other: "{{count}} nuits" },
	manage: "Gérer ma réservation",
	manageHint: "Votre code de réservation et cette adresse e-mail permettent de consulter, modifier ou annuler votre réservation.",
	closing: "Au plaisir de vous accueillir.",
	calendar: "Le fichier de calendrier joint ajoute le séjour à votre agenda.",
	rates: { ratePlan: "Tarif", nightly: "Prix par nuit", perRoom: "par chambre" },
	terms: {
		heading: "Conditions d'annulation",
		freeUntil: "Annulation gratuite jusqu'au {{when}} (heure de l'hôtel).",
		now: "Une annulation coûte dès maintenant {{fee}}.",
		step: "À partir du {{when}} (heure de l'hôtel) : {{fee}}.",
		nonRefundable: "Non remboursable : une annulation coûte le prix total, {{fee}}.",
		alwaysFree: "Annulation gratuite à tout moment.",
	},
	fees: { cancellation: "Frais d'annulation", noShow: "Frais de non-présentation", waived: "aucun (frais annulés par l'hôtel)" },
	cancelledWithFee: "Votre réservation à {{hotel}} a été annulée. Des frais d'annulation de {{fee}} s'appliquent, selon les conditions de votre réservation.",
};

export const LOCALES: Record<string, MailStrings> = { en, fr };
export const DEFAULT_LOCALE = "en";

/** "fr", "fr-CA", "FR" → fr; anything unknown → en. */
export function pickLocale(locale: string | undefined | null): string {
	const lang = (locale ?? "").trim().toLowerCase().split(/[-_]/)[0];
	return lang in LOCALES ? lang : DEFAULT_LOCALE;
}
