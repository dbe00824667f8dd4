/**
 * The broker's fastest-validator, with the project's named checks. Named checks are referenced
 * by string in action params (`custom: ["calendarDate"]`) so the schemas stay serialisable: they
 * travel to the gateway node, which turns them into the OpenAPI document.
 */
import { Validators } from "moleculer";

type Errors = { type: string; actual?: unknown; expected?: unknown }[];

const currencies = new Set(Intl.supportedValuesOf("currency"));
const timeZones = new Set(Intl.supportedValuesOf("timeZone"));
// Intl's list omits some canonical aliases that are valid IANA names.
for (const z of ["UTC", "Etc/UTC", "GMT"]) timeZones.add(z);

export function isCalendarDate(value: unknown): value is string {
	if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
	const d = new Date(`${value}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function isTimeZone(value: unknown): boolean {
	if (typeof value !== "string") return false;
	if (timeZones.has(value)) return true;
	try {
		new Intl.DateTimeFormat("en", { timeZone: value });
		return value.includes("/");
	} catch {
		return false;
	}
}

export const isCurrency = (value: unknown): boolean => typeof value === "string" && currencies.has(value);

export const customFunctions = {
	calendarDate(value: unknown, errors: Errors) {
		if (value == null) return value; // optional and absent: `optional` decides
		if (!isCalendarDate(value)) errors.push({ type: "calendarDate", actual: value });
		return value;
	},
	timeZone(value: unknown, errors: Errors) {
		if (value == null) return value;
		if (!isTimeZone(value)) errors.push({ type: "timeZone", actual: value });
		return value;
	},
	currency(value: unknown, errors: Errors) {
		if (value == null) return value;
		if (!isCurrency(value)) errors.push({ type: "currencyCode", actual: value });
		return value;
	},
	uniqueIds(value: unknown, errors: Errors) {
		if (Array.isArray(value)) {
			const ids = value.map(v => (v && typeof v === "object" ? (v as { id?: unknown }).id : undefined)).filter(id => id != null);
			const dup = ids.find((id, i) => ids.indexOf(id) !== i);
			if (dup !== undefined) errors.push({ type: "uniqueIds", actual: dup });
		}
		return value;
	},
	/** A cancellation fee (SPEC §10) is exactly one of percent, nights or amount. */
	oneFeeKind(value: unknown, errors: Errors) {
		if (value && typeof value === "object") {
			const kinds = ["percent", "nights", "amount"].filter(k => (value as Record<string, unknown>)[k] !== undefined);
			if (kinds.length !== 1) errors.push({ type: "oneFeeKind", actual: kinds.join(", ") || "none" });
		}
		return value;
	},
	/** Policy tiers from the farthest before arrival to the nearest: strictly decreasing hours. */
	tiersDescending(value: unknown, errors: Errors) {
		if (Array.isArray(value)) {
			const hours = value.map(t => (t && typeof t === "object" ? (t as { hoursBeforeArrival?: unknown }).hoursBeforeArrival : undefined));
			const bad = hours.findIndex((h, i) => i > 0 && typeof h === "number" && typeof hours[i - 1] === "number" && h >= (hours[i - 1] as number));
			if (bad > 0) errors.push({ type: "tiersDescending", actual: `${hours[bad - 1]} then ${hours[bad]}` });
		}
		return value;
	},
};

export const messages = {
	calendarDate: "The '{field}' field must be a calendar date YYYY-MM-DD. Actual: {actual}",
	timeZone: "The '{field}' field must be an IANA time zone such as Europe/Paris. Actual: {actual}",
	currencyCode: "The '{field}' field must be an ISO 4217 currency code such as EUR. Actual: {actual}",
	uniqueIds: "The '{field}' field has a duplicate id: {actual}",
	oneFeeKind: "The '{field}' field must set exactly one of percent, nights or amount. Actual: {actual}",
	tiersDescending: "The '{field}' field must list tiers by strictly decreasing hoursBeforeArrival. Actual: {actual}",
	objectStrict: "Unknown field(s) not allowed: {actual} (in '{field}')",
};

/** fastest-validator runs named checks only in array form: accept `custom: "name"` too. */
function arrayCustoms(schema: unknown): unknown {
	if (Array.isArray(schema)) return schema.map(arrayCustoms);
	if (!schema || typeof schema !== "object" || schema instanceof RegExp) return schema;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(schema)) out[k] = k === "custom" && typeof v === "string" ? [v] : arrayCustoms(v);
	return out;
}

/** Named checks on absent optional fields leave `key: undefined` behind: drop those keys. */
function dropUndefined(value: unknown): void {
	if (!value || typeof value !== "object") return;
	if (Array.isArray(value)) return value.forEach(dropUndefined);
	const obj = value as Record<string, unknown>;
	for (const k of Object.keys(obj)) {
		if (obj[k] === undefined) delete obj[k];
		else dropUndefined(obj[k]);
	}
}

class ProjectValidator extends Validators.Fastest {
	compile(schema: Record<string, unknown>) {
		const check = super.compile(arrayCustoms(schema) as Record<string, unknown>);
		return (params: unknown) => {
			const res = check(params as Record<string, unknown>);
			dropUndefined(params);
			return res;
		};
	}
}

export function createValidator(): Validators.Fastest {
	return new ProjectValidator({
		useNewCustomCheckerFunction: true,
		haltOnFirstError: false,
		customFunctions,
		messages,
	} as ConstructorParameters<typeof Validators.Fastest>[0]);
}
