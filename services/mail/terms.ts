/**
 * The rate and fee facts of an email (SPEC §9, §10) in the guest's words: the plan, the nightly
 * prices, the cancellation terms (each instant in the hotel's clock, read from the schedule
 * frozen on the reservation) and the fee a cancellation or no-show cost.
 */
import Handlebars from "handlebars";
import { formatInstant, formatMoney, formatShortDate } from "./format";
import type { MailStrings } from "./i18n";
import type { CancellationTerms, ReservationMailType, ReservationData } from "./types";

/** The i18n strings are small templates too ({{hotel}}, {{fee}}, {{when}}…); compiled once each. */
const compiled = new Map<string, HandlebarsTemplateDelegate>();
export function phrase(template: string, vars: Record<string, unknown>): string {
	let t = compiled.get(template);
	if (!t) {
		t = Handlebars.compile(template, { noEscape: true });
		compiled.set(template, t);
	}
	return t(vars);
}

/** The terms as sentences: the free window, then each later step's fee from its instant. */
export function termsLines(terms: CancellationTerms, totalPrice: number, currency: string, timeZone: string | undefined, s: MailStrings): string[] {
	const money = (n: number) => formatMoney(n, currency, s.intl);
	const when = (iso: string) => formatInstant(iso, timeZone, s.intl);
	const steps = terms.schedule ?? [];
	if (!terms.refundable) return [phrase(s.terms.nonRefundable, { fee: money(steps[0]?.fee ?? totalPrice) })];
	if (steps.every(st => st.fee === 0)) return [phrase(s.terms.alwaysFree, {})];
	const lines: string[] = [];
	steps.forEach((st, i) => {
		if (i === 0) lines.push(st.fee === 0 ? phrase(s.terms.freeUntil, { when: when(terms.freeUntil ?? st.to ?? st.from) }) : phrase(s.terms.now, { fee: money(st.fee) }));
		else lines.push(phrase(s.terms.step, { when: when(st.from), fee: money(st.fee) }));
	});
	return lines;
}

export interface RateFacts {
	ratePlan: string | null;
	nightlyLabel: string;
	nightly: { date: string; price: string }[] | null;
	terms: { heading: string; lines: string[] } | null;
	fee: { label: string; amount: string } | null;
	/** The intro to use instead of the type's own, when a fee changes what it says. */
	intro: string | null;
}

export function rateFacts(data: ReservationData, type: ReservationMailType, s: MailStrings): RateFacts {
	const r = data.reservation;
	const money = (n: number) => formatMoney(n, r.currency, s.intl);
	const nightly = Array.isArray(r.nightly) && r.nightly.length ? r.nightly.map(n => ({ date: formatShortDate(n.date, s.intl), price: money(n.price) })) : null;
	const showTerms = (type === "confirmation" || type === "modification") && r.cancellation && Array.isArray(r.cancellation.schedule);
	const feeOf = type === "cancellation" ? r.cancellationFee : type === "no_show" ? r.noShowFee : undefined;
	let fee: RateFacts["fee"] = null;
	if (typeof feeOf === "number") {
		const label = type === "cancellation" ? s.fees.cancellation : s.fees.noShow;
		fee = { label, amount: r.feeWaived ? s.fees.waived : money(feeOf) };
	}
	return {
		ratePlan: r.ratePlanName || null,
		nightlyLabel: r.rooms > 1 ? `${s.rates.nightly} (${s.rates.perRoom})` : s.rates.nightly,
		nightly,
		terms: showTerms ? { heading: s.terms.heading, lines: termsLines(r.cancellation as CancellationTerms, r.totalPrice, r.currency, data.hotel.timezone, s) } : null,
		fee,
		intro: type === "cancellation" && typeof feeOf === "number" && feeOf > 0 ? phrase(s.cancelledWithFee, { hotel: data.hotel.name, fee: money(feeOf) }) : null,
	};
}
