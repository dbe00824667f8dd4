/**
 * Renders a guest email from a reservations message: subject, HTML, text and the .ics,
 * in the guest's language (a pure function; the service only sends what it returns).
 */
import Handlebars from "handlebars";
import { buildIcs } from "./ics";
import { LOCALES, pickLocale, type MailStrings } from "./i18n";
import { addressLines, formatDate, formatMoney } from "./format";
import { HTML_TEMPLATE, TEXT_TEMPLATE } from "./templates";
import { phrase, rateFacts } from "./terms";
import type { ReservationMailType, ReservationData } from "./types";

export interface RenderOptions {
	publicUrl: string;
	mailFrom: string;
}

export interface RenderedMail {
	to: string;
	subject: string;
	html: string;
	text: string;
	locale: string;
	ics: { filename: string; content: string; method: "PUBLISH" | "CANCEL" };
}

const html = Handlebars.compile(HTML_TEMPLATE, { strict: false });
const text = Handlebars.compile(TEXT_TEMPLATE, { noEscape: true });

export function manageUrl(publicUrl: string, code: string): string {
	return `${publicUrl.replace(/\/+$/, "")}/#/manage?code=${encodeURIComponent(code)}`;
}

export function subjectOf(data: ReservationData, type: ReservationMailType): string {
	const s = LOCALES[pickLocale(data.reservation.guest?.locale)];
	return phrase(s.subject[type], { hotel: data.hotel.name, code: data.reservation.code });
}

function nightsText(s: MailStrings, n: number): string {
	return phrase(n === 1 ? s.nights.one : s.nights.other, { count: n });
}

export function renderMail(data: ReservationData, type: ReservationMailType, opts: RenderOptions): RenderedMail {
	const locale = pickLocale(data.reservation.guest?.locale);
	const s = LOCALES[locale];
	const r = data.reservation;
	const vars = { hotel: data.hotel.name, code: r.code, name: r.guest.name || r.guest.email };
	const subject = subjectOf(data, type);
	const checkIn = formatDate(r.checkIn, s.intl);
	const checkOut = formatDate(r.checkOut, s.intl);
	const total = formatMoney(r.totalPrice, r.currency, s.intl);
	const previous = type === "modification" && data.previous
		? `${formatDate(data.previous.checkIn, s.intl)} → ${formatDate(data.previous.checkOut, s.intl)}, ${nightsText(s, data.previous.nights)}, ${formatMoney(data.previous.totalPrice, r.currency, s.intl)}`
		: null;
	const rates = rateFacts(data, type, s);
	const model = {
		lang: locale,
		subject,
		heading: s.heading[type],
		greeting: phrase(s.greeting, vars),
		intro: rates.intro ?? phrase(s.intro[type], vars),
		labels: s.labels,
		code: r.code,
		hotelName: data.hotel.name,
		hotelEmail: data.hotel.email || null,
		addressLines: addressLines(data.hotel.address, s.intl),
		checkIn,
		checkOut,
		nights: nightsText(s, r.nights),
		roomType: r.roomTypeName,
		rooms: r.rooms,
		guests: r.guests,
		total,
		previous,
		rates: s.rates,
		ratePlan: rates.ratePlan,
		nightlyLabel: rates.nightlyLabel,
		nightly: rates.nightly,
		terms: rates.terms,
		fee: rates.fee,
		cancelled: type === "cancellation" || type === "no_show",
		manage: s.manage,
		manageHint: s.manageHint,
		manageUrl: manageUrl(opts.publicUrl, r.code),
		closing: s.closing,
		calendar: s.calendar,
	};
	let domain = "localhost";
	try { domain = new URL(opts.publicUrl).hostname || domain; } catch { /* keep localhost */ }
	const ics = buildIcs({
		data,
		type,
		domain,
		organizer: { name: data.hotel.name, email: data.hotel.email || opts.mailFrom },
		summary: `${data.hotel.name} — ${r.code}`,
		description: `${s.labels.code}: ${r.code}\n${s.labels.roomType}: ${r.roomTypeName}\n${s.labels.guests}: ${r.guests}\n${s.labels.total}: ${total}\n${model.manageUrl}`,
	});
	return {
		to: r.guest.email,
		subject,
		html: html(model),
		text: text(model).replace(/\n{3,}/g, "\n\n"),
		locale,
		ics: { filename: `reservation-${r.code}.ics`, content: ics.content, method: ics.method },
	};
}
