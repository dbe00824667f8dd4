/**
 * The emails' words in each language (SPEC §6: en and fr, en as fallback). Strings are
 * Handlebars templates themselves: {{hotel}}, {{code}}, {{name}} are filled in by render.ts.
 */
import type { MailType } from "./types";

export interface MailStrings {
	/** BCP 47 tag for dates and money. */
	intl: string;
	subject: Record<MailType, string>;
	heading: Record<MailType, string>;
	intro: Record<MailType, string>;
	greeting: string;
	labels: { code: string; hotel: string; checkIn: string; checkOut: string; nights: string; roomType: string; rooms: string; guests: string; total: string; previously: string };
	nights: { one: string; other: string };
	manage: string;
	manageHint: string;
	closing: string;
	calendar: string;
}

const en: MailStrings = {
	intl: "en-GB",
	subject: {
		confirmation: "Your booking at {{hotel}} is confirmed — {{code}}",
		modification: "Your booking at {{hotel}} has changed — {{code}}",
		cancellation: "Your booking at {{hotel}} is cancelled — {{code}}",
	},
	heading: { confirmation: "Booking confirmed", modification: "Booking changed", cancellation: "Booking cancelled" },
	intro: {
		confirmation: "Thank you for booking with {{hotel}}. Here are the details of your stay.",
		modification: "Your booking with {{hotel}} has been changed. Here are the new details of your stay.",
		cancellation: "Your booking with {{hotel}} has been cancelled. Nothing more is owed for this stay.",
	},
	greeting: "Dear {{name}},",
	labels: { code: "Booking code", hotel: "Hotel", checkIn: "Check-in", checkOut: "Check-out", nights: "Nights", roomType: "Room type", rooms: "Rooms", guests: "Guests", total: "Total price", previously: "Previously" },
	nights: { one: "{{count}} night", other: "{{count}} nights" },
	manage: "Manage my booking",
	manageHint: "Use your booking code and this email address to view, change or cancel your booking.",
	closing: "We look forward to welcoming you.",
	calendar: "The attached calendar file adds the stay to your calendar.",
};

const fr: MailStrings = {
	intl: "fr-FR",
	subject: {
		confirmation: "Votre réservation à {{hotel}} est confirmée — {{code}}",
		modification: "Votre réservation à {{hotel}} a été modifiée — {{code}}",
		cancellation: "Votre réservation à {{hotel}} est annulée — {{code}}",
	},
	heading: { confirmation: "Réservation confirmée", modification: "Réservation modifiée", cancellation: "Réservation annulée" },
	intro: {
		confirmation: "Merci d'avoir réservé à {{hotel}}. Voici le détail de votre séjour.",
		modification: "Votre réservation à {{hotel}} a été modifiée. Voici le nouveau détail de votre séjour.",
		cancellation: "Votre réservation à {{hotel}} a été annulée. Plus rien n'est dû pour ce séjour.",
	},
	greeting: "Bonjour {{name}},",
	labels: { code: "Code de réservation", hotel: "Hôtel", checkIn: "Arrivée", checkOut: "Départ", nights: "Nuits", roomType: "Type de chambre", rooms: "Chambres", guests: "Personnes", total: "Prix total", previously: "Auparavant" },
	nights: { one: "{{count}} nuit", other: "{{count}} nuits" },
	manage: "Gérer ma réservation",
	manageHint: "Votre code de réservation et cette adresse e-mail permettent de consulter, modifier ou annuler votre réservation.",
	closing: "Au plaisir de vous accueillir.",
	calendar: "Le fichier de calendrier joint ajoute le séjour à votre agenda.",
};

export const LOCALES: Record<string, MailStrings> = { en, fr };
export const DEFAULT_LOCALE = "en";

/** "fr", "fr-CA", "FR" → fr; anything unknown → en. */
export function pickLocale(locale: string | undefined | null): string {
	const lang = (locale ?? "").trim().toLowerCase().split(/[-_]/)[0];
	return lang in LOCALES ? lang : DEFAULT_LOCALE;
}
