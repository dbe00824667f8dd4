/**
 * Shared fastest-validator rules: one definition per kind of value, used by every service's
 * action params. Rules are plain objects (no functions, no RegExp) so they survive the trip
 * to the gateway node and become the OpenAPI document.
 */
import type { ServiceSchema } from "moleculer";

export const ID_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$";

export const rules = {
	id: { type: "string", trim: true, min: 1, max: 64, pattern: ID_PATTERN, messages: { stringPattern: "The '{field}' field must be an id of letters, digits, '-' or '_'" } },
	optionalId: { type: "string", trim: true, min: 1, max: 64, pattern: ID_PATTERN, optional: true },
	date: { type: "string", custom: ["calendarDate"] },
	optionalDate: { type: "string", custom: ["calendarDate"], optional: true },
	email: { type: "email", normalize: true, max: 254 },
	money: { type: "number", integer: true, min: 0, max: 100_000_000, convert: false },
	currency: { type: "string", length: 3, custom: ["currency"] },
	timeZone: { type: "string", max: 64, custom: ["timeZone"] },
	page: { type: "number", integer: true, min: 1, max: 100_000, convert: true, optional: true, default: 1 },
	pageSize: { type: "number", integer: true, min: 1, max: 100, convert: true, optional: true, default: 20 },
	count: (min: number, max: number) => ({ type: "number", integer: true, min, max, convert: true }),
	text: (max: number, min = 1) => ({ type: "string", trim: true, min, max }),
	optionalText: (max: number) => ({ type: "string", trim: true, max, optional: true }),
	/** A strict object: unknown fields are refused, never stored. */
	object: (props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "object", strict: true, props, ...extra }),
	url: { type: "url", max: 2000 },
	/** An image: an absolute http(s) URL or a path on this site ("/img/…"). */
	imageUrl: { type: "string", max: 2000, pattern: "^(https?://[^\\s/]+|/(?!/))[^\\s]*$", messages: { stringPattern: "The '{field}' field must be an http(s) URL or a path starting with '/'" } },
	lat: { type: "number", min: -90, max: 90, convert: false },
	lng: { type: "number", min: -180, max: 180, convert: false },
	countryCode: { type: "string", pattern: "^[A-Z]{2}$", messages: { stringPattern: "The '{field}' field must be an ISO 3166-1 alpha-2 country code such as FR" } },
	tag: { type: "string", trim: true, min: 1, max: 40, pattern: "^[a-z0-9][a-z0-9-]*$", messages: { stringPattern: "The '{field}' field must be a lower-case tag such as 'wifi'" } },
	locale: { type: "string", pattern: "^[a-z]{2}(-[A-Z]{2})?$", optional: true, default: "en" },
} as const;

/** Params of a list action: pagination shared by every list. */
export const paginationParams = { page: rules.page, pageSize: rules.pageSize };

export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

export function pageOf<T>(rows: T[], total: number, page: number, pageSize: number): Page<T> {
	return { rows, total, page, pageSize, totalPages: Math.ceil(total / pageSize) };
}

/** The mixin: services that validate share the helpers above through `this`. */
const ValidationMixin: Partial<ServiceSchema> = {
	methods: {
		pageOf,
	},
};
export default ValidationMixin;
