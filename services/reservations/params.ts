/**
 * The reservations API contract: fastest-validator schemas of each action's params.
 * Query strings need `convert: true` for numbers; bodies stay strict (`convert: false`).
 */
import { rules, paginationParams } from "../../mixins/validation.mixin";
import { STATUSES } from "./repository";

const bodyCount = (min: number, max: number) => ({ type: "number", integer: true, min, max, convert: false });
const code = { type: "string", trim: true, min: 1, max: 20, pattern: "^[A-Za-z0-9]+$", messages: { stringPattern: "The '{field}' field must be a reservation code such as K7Q2M9XD" } };

const stayQuery = {
	checkIn: rules.date,
	checkOut: rules.date,
	guests: { ...rules.count(1, 2000), optional: true, default: 1 },
	rooms: { ...rules.count(1, 100), optional: true, default: 1 },
};

export const availabilityParams = { $$strict: true, id: rules.id, ...stayQuery };

export const searchParams = { $$strict: true, city: rules.text(100), ...stayQuery, ...paginationParams };

export const createParams = {
	$$strict: true,
	hotelId: rules.id,
	roomTypeId: rules.id,
	checkIn: rules.date,
	checkOut: rules.date,
	rooms: { ...bodyCount(1, 100), optional: true, default: 1 },
	guests: bodyCount(1, 2000),
	guest: rules.object({
		name: rules.text(200),
		email: rules.email,
		phone: { type: "string", trim: true, min: 3, max: 40, pattern: "^[+0-9 ().-]+$", optional: true, messages: { stringPattern: "The '{field}' field must be a phone number of digits, spaces and + ( ) . -" } },
		locale: rules.locale,
	}),
};

export const lookupParams = { $$strict: true, code, email: rules.email };

export const codeParams = { $$strict: true, code };

export const updateParams = {
	$$strict: true,
	code,
	checkIn: rules.optionalDate,
	checkOut: rules.optionalDate,
	rooms: { ...bodyCount(1, 100), optional: true },
	guests: { ...bodyCount(1, 2000), optional: true },
	roomTypeId: rules.optionalId,
};

export const listParams = {
	$$strict: true,
	hotelId: rules.optionalId,
	status: { type: "enum", values: [...STATUSES], optional: true },
	from: rules.optionalDate,
	to: rules.optionalDate,
	email: { ...rules.email, optional: true },
	...paginationParams,
};

export const occupancyParams = { $$strict: true, id: rules.id, from: rules.date, to: rules.date };

export const inventoryChangeParams = {
	$$strict: true,
	hotelId: rules.id,
	roomTypes: { type: "array", items: rules.object({ id: rules.id, totalRooms: { type: "number", integer: true, min: 0, max: 100_000 } }), max: 200 },
};

/** reservations.liveAvailability (the gateways' streams, a resume beyond their buffer). */
export const liveAvailabilityParams = {
	$$strict: true,
	hotelIds: { type: "array", items: rules.id, max: 100 },
	days: { type: "number", integer: true, min: 1, max: 800, optional: true },
};
