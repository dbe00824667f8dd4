/**
 * The hotels API contract: fastest-validator schemas of each action's params.
 */
import { rules, paginationParams } from "../../mixins/validation.mixin";
import { SORTS } from "./domain";
import { autoNoShowRule } from "./policy-params";

const roomType = rules.object({
	id: rules.optionalId,
	name: rules.text(100),
	description: rules.optionalText(2000),
	capacity: { type: "number", integer: true, min: 1, max: 20, convert: false },
	totalRooms: { type: "number", integer: true, min: 0, max: 5000, convert: false },
	pricePerNight: { ...rules.money, min: 1 },
	amenities: { type: "array", items: rules.tag, max: 50, optional: true, unique: true },
});

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
