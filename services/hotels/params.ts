/**
 * The hotels API contract: fastest-validator schemas of each action's params.
 */
import { rules, paginationParams } from "../../mixins/validation.mixin";
import { SORTS } from "./domain";
import { autoNoShowRule, cancellationPolicyRule } from "./policy-params";
import { MAX_ADVANCE_DAYS, PERCENT_MAX, PERCENT_MIN } from "./rate-plans";

const roomType = rules.object({
	id: rules.optionalId,
	name: rules.text(100),
	description: rules.optionalText(2000),
	capacity: { type: "number", integer: true, min: 1, max: 20, convert: false },
	totalRooms: { type: "number", integer: true, min: 0, max: 5000, convert: false },
	pricePerNight: { ...rules.money, min: 1 },
	amenities: { type: "array", items: rules.tag, max: 50, optional: true, unique: true },
	baseOccupancy: { type: "number", integer: true, min: 1, max: 20, convert: false, optional: true },
	extraGuestPerNight: { ...rules.money, optional: true },
});

const advanceDays = { type: "number", integer: true, min: 0, max: MAX_ADVANCE_DAYS, convert: false, optional: true };

/** A rate plan (SPEC §9); rules across plans and room types are in rate-plans.ts (ratePlanErrors). */
const ratePlan = rules.object({
	id: rules.id,
	name: rules.text(100),
	description: rules.optionalText(2000),
	roomTypeIds: { type: "array", items: rules.id, min: 1, max: 50, unique: true, optional: true },
	includes: { type: "array", items: rules.tag, max: 20, unique: true, optional: true },
	cancellationPolicy: { ...cancellationPolicyRule, optional: true },
	active: { type: "boolean", convert: false, optional: true },
	minAdvanceDays: advanceDays,
	maxAdvanceDays: advanceDays,
	derivedFrom: rules.object({
		ratePlanId: rules.id,
		percent: { type: "number", min: PERCENT_MIN, max: PERCENT_MAX, convert: false, optional: true },
		amount: { type: "number", integer: true, min: -100_000_000, max: 100_000_000, convert: false, optional: true },
	}, { optional: true }),
});

const timeOfDay = (field: string) => ({ type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$", optional: true, messages: { stringPattern: `The '${field}' field must be a time of day HH:MM such as 15:00` } });

const hotelProps = {
	name: rules.text(200),
	description: rules.optionalText(5000),
	address: rules.object({
		line1: rules.text(200),
		line2: rules.optionalText(200),
		city: rules.text(100),
		postalCode: rules.text(20),
		country: rules.countryCode,
	}),
	location: rules.object({ lat: rules.lat, lng: rules.lng }, { optional: true }),
	stars: { type: "number", integer: true, min: 0, max: 5, convert: false },
	amenities: { type: "array", items: rules.tag, max: 50, optional: true, unique: true },
	photos: { type: "array", items: rules.imageUrl, max: 20, optional: true },
	email: rules.email,
	timezone: rules.timeZone,
	currency: rules.currency,
	roomTypes: { type: "array", items: roomType, min: 1, max: 50, custom: ["uniqueIds"] },
	ratePlans: { type: "array", items: ratePlan, max: 20, custom: ["uniqueIds"], optional: true },
	checkInTime: timeOfDay("checkInTime"),
	checkOutTime: timeOfDay("checkOutTime"),
	autoNoShow: autoNoShowRule,
};

type Props = typeof hotelProps;
const optionalAll = (p: Props) =>
	Object.fromEntries(Object.entries(p).map(([k, v]) => [k, { ...v, optional: true }]));

export const createParams = { $$strict: true, ...hotelProps };
/** PATCH: any field of a hotel; `roomTypes` replaces the list; `active: true` reactivates. */
export const patchParams = { $$strict: true, id: rules.id, ...optionalAll(hotelProps), active: { type: "boolean", optional: true } };
export const idParams = { $$strict: true, id: rules.id };
export const listParams = {
	$$strict: true,
	city: rules.optionalText(100),
	country: { ...rules.countryCode, optional: true },
	q: rules.optionalText(100),
	minStars: { type: "number", integer: true, min: 0, max: 5, convert: true, optional: true },
	amenities: { type: "string", max: 500, optional: true, pattern: "^[a-z0-9,-]*$" },
	sort: { type: "enum", values: [...SORTS], optional: true },
	includeInactive: { type: "boolean", convert: true, optional: true },
	...paginationParams,
};
