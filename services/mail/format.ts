/**
 * Dates, money and addresses as a guest reads them, in their language (Intl, no guessing).
 */
import type { MailAddress } from "./types";

/** Intl formatters are costly to build: one per locale (and currency), kept. */
const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat | Intl.DisplayNames>();
function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat | Intl.DisplayNames>(key: string, make: () => T): T {
	let f = cache.get(key) as T | undefined;
	if (!f) {
		f = make();
		cache.set(key, f);
	}
	return f;
}

/**
 * The strings those formatters produce, per key: an email repeats the same dates, country and
 * currency as the emails before it, and Intl's format() costs more than a Map lookup. Bounded:
 * emptied when it holds MEMO_MAX strings.
 */
const MEMO_MAX = 20_000;
const memo = new Map<string, string>();
function remembered(key: string, make: () => string): string {
	let v = memo.get(key);
	if (v === undefined) {
		if (memo.size >= MEMO_MAX) memo.clear();
		v = make();
		memo.set(key, v);
	}
	return v;
}

/** "2027-03-01" → "Monday 1 March 2027" / "lundi 1 mars 2027" (a calendar date: no time zone shift). */
export function formatDate(date: string, intl: string): string {
	return remembered(`date:${intl}:${date}`, () => cached(`date:${intl}`, () => new Intl.DateTimeFormat(intl, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }))
		.format(new Date(`${date}T00:00:00Z`)));
}

/**
 * An ISO-8601 instant in the hotel's clock: "2027-02-27T15:00:00+01:00", Europe/Paris →
 * "Saturday 27 February 2027 at 15:00" / "samedi 27 février 2027 à 15:00".
 */
export function formatInstant(iso: string, timeZone: string | undefined, intl: string): string {
	const tz = timeZone || "UTC";
	return remembered(`instant:${intl}:${tz}:${iso}`, () => cached(`instant:${intl}:${tz}`, () => new Intl.DateTimeFormat(intl, { weekday: "long", day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: tz }))
		.format(new Date(iso)));
}

/** "2027-03-01" → "Mon 1 Mar" / "lun. 1 mars": a night in a list of nightly prices. */
export function formatShortDate(date: string, intl: string): string {
	return remembered(`short:${intl}:${date}`, () => cached(`short:${intl}`, () => new Intl.DateTimeFormat(intl, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }))
		.format(new Date(`${date}T00:00:00Z`)));
}

/**
 * Fraction digits of `currency`'s minor unit, from Intl (JPY 0, EUR 2, KWD 3); 2 for a code Intl
 * does not know. The web's twin is web/src/money.ts.
 */
const digits = new Map<string, number>();
export function minorDigits(currency: string): number {
	let d = digits.get(currency);
	if (d === undefined) {
		try {
			d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
		} catch {
			d = 2;
		}
		// Only well-formed codes are kept (a message could carry anything).
		if (/^[A-Z]{3}$/.test(currency) && digits.size < 1000) digits.set(currency, d);
	}
	return d;
}

/** Minor units → amount: 43500 EUR → 435, 43500 JPY → 43500, 43500 KWD → 43.5. */
export const fromMinor = (minor: number, currency: string): number => minor / 10 ** minorDigits(currency);

/** Minor units of `currency` (cents) → "€435.00" / "435,00 €"; JPY has no minor unit. */
export function formatMoney(minor: number, currency: string, intl: string): string {
	return remembered(`money:${intl}:${currency}:${minor}`, () => cached(`money:${intl}:${currency}`, () => new Intl.NumberFormat(intl, { style: "currency", currency }))
		.format(fromMinor(minor, currency)));
}

/** Country code → its name in the guest's language ("FR" → "France"). */
export function countryName(code: string | undefined, intl: string): string | undefined {
	if (!code || !/^[A-Z]{2}$/.test(code)) return code;
	try {
		return remembered(`region:${intl}:${code}`, () => cached(`region:${intl}`, () => new Intl.DisplayNames([intl], { type: "region" })).of(code) ?? code);
	} catch {
		return code;
	}
}

export function addressLines(a: MailAddress | undefined, intl = "en-GB"): string[] {
	if (!a) return [];
	const city = [a.postalCode, a.city].filter(Boolean).join(" ");
	return [a.line1, a.line2, city, countryName(a.country, intl)].filter((s): s is string => !!s && s.trim() !== "");
}
