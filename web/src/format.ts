/** Money in minor units, calendar dates and percentages for the current locale. */
import { intlLocale } from "./i18n";
import { fromMinor, minorDigits, toMinorUnits } from "./money";

/** Minor units → "€145" / "€145.50" / "145,50 €" (whole amounts without decimals). */
export function money(minor: number, currency: string): string {
	const digits = minorDigits(currency);
	const amount = fromMinor(minor, currency);
	try {
		return new Intl.NumberFormat(intlLocale(), { style: "currency", currency, minimumFractionDigits: Number.isInteger(amount) ? 0 : digits, maximumFractionDigits: digits }).format(amount);
	} catch {
		return `${amount.toFixed(digits)} ${currency}`;
	}
}

/** Major units typed by staff ("145.50") → minor units (14550). */
export const toMinor = (major: string, currency: string): number => toMinorUnits(Number(major.replace(",", ".")), currency);
export const toMajor = (minor: number, currency: string): string => String(fromMinor(minor, currency));

/** A calendar date YYYY-MM-DD, shown as e.g. "Mon 1 Mar 2027". */
export function day(iso: string, withWeekday = true): string {
	const [y, m, d] = iso.split("-").map(Number);
	if (!y || !m || !d) return iso;
	return new Intl.DateTimeFormat(intlLocale(), { weekday: withWeekday ? "short" : undefined, day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(Date.UTC(y, m - 1, d));
}

export function shortDay(iso: string): string {
	const [y, m, d] = iso.split("-").map(Number);
	return new Intl.DateTimeFormat(intlLocale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(Date.UTC(y, m - 1, d));
}

export function dateTime(iso: string | null | undefined): string {
	if (!iso) return "—";
	const d = new Date(iso);
	return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(intlLocale(), { dateStyle: "short", timeStyle: "short" }).format(d);
}

export const percent = (x: number): string => new Intl.NumberFormat(intlLocale(), { style: "percent", maximumFractionDigits: 0 }).format(x);

/** Today's calendar date in the browser's zone, plus `days`. */
export function isoDay(days = 0, from?: string): string {
	const base = from ? new Date(`${from}T00:00:00Z`) : new Date(Date.UTC(new Date().getFullYear(), new Date().getMonth(), new Date().getDate()));
	base.setUTCDate(base.getUTCDate() + days);
	return base.toISOString().slice(0, 10);
}

export function nightsBetween(checkIn: string, checkOut: string): number {
	return Math.round((Date.parse(`${checkOut}T00:00:00Z`) - Date.parse(`${checkIn}T00:00:00Z`)) / 86_400_000);
}
