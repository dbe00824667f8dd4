import { createValidator, isCalendarDate, isCurrency, isTimeZone } from "../../lib/validator";
import { rules } from "../../mixins/validation.mixin";

const v = createValidator();
const check = (schema: Record<string, unknown>, value: Record<string, unknown>) => {
	const fn = v.compile({ $$strict: true, ...schema });
	const r = fn(value);
	return r === true ? [] : (r as unknown as { field: string; type: string; message: string }[]);
};

describe("named checks", () => {
	it("accepts real calendar dates and refuses impossible ones", () => {
		expect(isCalendarDate("2028-02-29")).toBe(true);
		expect(isCalendarDate("2027-02-29")).toBe(false);
		expect(isCalendarDate("2027-13-01")).toBe(false);
		expect(isCalendarDate("2027-1-01")).toBe(false);
		expect(isCalendarDate("2027-01-01T00:00:00Z")).toBe(false);
	});
	it("knows IANA time zones", () => {
		expect(isTimeZone("Europe/Paris")).toBe(true);
		expect(isTimeZone("Pacific/Auckland")).toBe(true);
		expect(isTimeZone("UTC")).toBe(true);
		expect(isTimeZone("Mars/Olympus")).toBe(false);
		expect(isTimeZone("")).toBe(false);
	});
	it("knows ISO 4217 currencies", () => {
		expect(isCurrency("EUR")).toBe(true);
		expect(isCurrency("eur")).toBe(false);
		expect(isCurrency("EURO")).toBe(false);
		expect(isCurrency("XYZ")).toBe(false);
	});
});

describe("shared rules", () => {
	const cases: [string, unknown, unknown][] = [
		["id", "abc-123_X", "bad id!"],
		["date", "2027-03-01", "2027-02-30"],
		["email", "ada@example.com", "not-an-email"],
		["money", 14500, 145.5],
		["currency", "EUR", "EURO"],
		["timeZone", "Europe/Paris", "Europe/Atlantis"],
		["countryCode", "FR", "fr"],
		["tag", "wifi", "Wi Fi"],
		["lat", 45.9, 91],
		["lng", 6.1, -181],
		["url", "https://example.com/a.jpg", "javascript:alert(1)"],
		["imageUrl", "/img/hotels/a.svg", "//evil.example/a.jpg"],
		["imageUrl", "https://cdn.example/a.jpg", "javascript:alert(1)"],
	];
	it.each(cases)("rule %s accepts a good value and refuses a bad one naming the field", (name, good, bad) => {
		const rule = (rules as Record<string, unknown>)[name];
		expect(check({ f: rule }, { f: good })).toEqual([]);
		const errs = check({ f: rule }, { f: bad });
		expect(errs.length).toBeGreaterThan(0);
		expect(errs[0].field).toBe("f");
		expect(errs[0].message).toContain("f");
	});
	it("money refuses negative amounts", () => {
		expect(check({ f: rules.money }, { f: -1 }).length).toBe(1);
	});
	it("pageSize is at most 100 and converts query strings", () => {
		expect(check({ pageSize: rules.pageSize }, { pageSize: "100" })).toEqual([]);
		expect(check({ pageSize: rules.pageSize }, { pageSize: "101" })[0].field).toBe("pageSize");
		expect(check({ page: rules.page }, { page: "0" })[0].field).toBe("page");
	});
	it("strict objects refuse unknown fields and name them", () => {
		const errs = check({ o: rules.object({ a: "string" }) }, { o: { a: "x", evil: 1 } });
		expect(errs[0].type).toBe("objectStrict");
		expect(errs[0].message).toContain("evil");
		expect(check({}, { extra: 1 })[0].message).toContain("extra");
	});
	it("query-string operators are refused where a string is expected", () => {
		expect(check({ city: rules.optionalText(100) }, { city: { $ne: "x" } })[0].field).toBe("city");
	});
	it("uniqueIds refuses duplicate ids in a list", () => {
		const errs = check({ list: { type: "array", custom: ["uniqueIds"], items: "object" } }, { list: [{ id: "a" }, { id: "a" }] });
		expect(errs[0].type).toBe("uniqueIds");
	});
});
