/**
 * Money is integer minor units (SPEC §3); how many digits a currency's minor unit has comes from
 * Intl (JPY 0, EUR 2, KWD 3), never from a table of our own. No imports: the unit tests load it
 * in Node (test/unit/money.spec.ts). The mail's twin is services/mail/format.ts.
 */
const digitsByCurrency = new Map<string, number>();

/** Fraction digits of `currency`'s minor unit; 2 for a code Intl does not know. */
export function minorDigits(currency: string): number {
	const code = currency.toUpperCase();
	let digits = digitsByCurrency.get(code);
	if (digits === undefined) {
		try {
			digits = new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
		} catch {
			digits = 2;
		}
		digitsByCurrency.set(code, digits);
	}
	return digits;
}

/** Minor units → amount: 14550 EUR → 145.5, 14550 JPY → 14550, 14550 KWD → 14.55. */
export const fromMinor = (minor: number, currency: string): number => minor / 10 ** minorDigits(currency);

/** Amount → minor units, rounded to the currency's smallest unit: 145.5 EUR → 14550. */
export const toMinorUnits = (amount: number, currency: string): number => Math.round(amount * 10 ** minorDigits(currency));
