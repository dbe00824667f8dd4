/**
 * Minor units → amounts with the currency's own fraction digits, from Intl: the web's
 * web/src/money.ts (the path of every price the site shows and of the staff's price fields) and
 * the mail's services/mail/format.ts must agree.
 */
import * as web from "../../web/src/money";
import * as mail from "../../services/mail/format";

const CASES: [currency: string, digits: number, minor: number, amount: number][] = [
	["JPY", 0, 14550, 14550],
	["EUR", 2, 14550, 145.5],
	["USD", 2, 1999, 19.99],
	["KWD", 3, 14550, 14.55],
	["BHD", 3, 1, 0.001],
	["CLF", 4, 12345, 1.2345],
];

describe.each([["web", web], ["mail", mail]] as const)("%s minor units", (_side, m) => {
	it.each(CASES)("%s has %i fraction digits", (currency, digits, minor, amount) => {
		expect(m.minorDigits(currency)).toBe(digits);
		expect(m.fromMinor(minor, currency)).toBeCloseTo(amount, 10);
	});
	it("falls back to 2 digits for a code Intl cannot format", () => {
		expect(m.minorDigits("EU")).toBe(2);
	});
});

describe("web and mail agree", () => {
	it("on every currency Intl knows", () => {
		const codes = Intl.supportedValuesOf("currency");
		expect(codes.length).toBeGreaterThan(100);
		for (const c of codes) expect([c, web.minorDigits(c)]).toEqual([c, mail.minorDigits(c)]);
	});
});

describe("web: amounts typed by staff", () => {
	it.each([["EUR", 145.5, 14550], ["EUR", 0.1 + 0.2, 30], ["JPY", 14550, 14550], ["KWD", 14.555, 14555]] as const)("%s %d → %i minor units", (currency, amount, minor) => {
		expect(web.toMinorUnits(amount, currency)).toBe(minor);
		expect(web.fromMinor(minor, currency)).toBeCloseTo(amount, 10);
	});
});

describe("mail: formatted", () => {
	it("shows the currency's own decimals", () => {
		expect(mail.formatMoney(43500, "KWD", "en-GB")).toMatch(/^KWD\s43\.500$/);
		expect(mail.formatMoney(43500, "JPY", "fr-FR")).toMatch(/^43\s500\sJPY$/);
	});
});
