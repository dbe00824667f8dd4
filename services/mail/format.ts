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

/** "2027-03-01" → "Monday 1 March 2027" / "lundi 1 mars 2027" (a calendar date: no time zone shift). */
export function formatDate(date: string, intl: string): string {
	const fmt = cached(`date:${intl}`, () => new Intl.DateTimeFormat(intl, { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }));
	return fmt.format(new Date(`${date}T00:00:00Z`));
}

/** Minor units of `currency` (cents) → "€435.00" / "435,00 €"; JPY has no minor unit. */
export function formatMoney(minor: number, currency: string, intl: string): string {
	const fmt = cached(`money:${intl}:${currency}`, () => new Intl.NumberFormat(intl, { style: "currency", currency }));
	const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
	return fmt.format(minor / 10 ** digits);
}

/** Country code → its name in the guest's language ("FR" → "France"). */
export function countryName(code: string | undefined, intl: string): string | undefined {
	if (!code || !/^[A-Z]{2}$/.test(code)) return code;
	try {
		return cached(`region:${intl}`, () => new Intl.DisplayNames([intl], { type: "region" })).of(code) ?? code;
	} catch {
		return code;
	}
}

export function addressLines(a: MailAddress | undefined, intl = "en-GB"): string[] {
	if (!a) return [];
	const city = [a.postalCode, a.city].filter(Boolean).join(" ");
	return [a.line1, a.line2, city, countryName(a.country, intl)].filter((s): s is string => !!s && s.trim() !== "");
}
