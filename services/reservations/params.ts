/**
 * The reservations API contract: fastest-validator schemas of each action's params.
 * Query strings need `convert: true` for numbers; bodies stay strict (`convert: false`).
 */
import { rules, paginationParams } from "../../mixins/validation.mixin";
import { STATUSES } from "./repository";
import { FEE_FILTERS } from "./fees";

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
	ratePlanId: rules.optionalId,
	guest: rules.object({
		name: rules.text(200),
		// Optional for staff only (booking.ts guestEmailErrors): a guest always gives one.
		email: { ...rules.email, optional: true },
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
	fee: { type: "enum", values: [...FEE_FILTERS], optional: true },
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

/** GET /hotels/:id/calendar (to exclusive, at most 366 days: calendar.ts). */
export const calendarParams = {
	$$strict: true,
	id: rules.id,
	from: rules.date,
	to: rules.date,
	roomTypeId: rules.optionalId,
	ratePlanId: rules.optionalId,
};

const nullable = (rule: Record<string, unknown>) => ({ ...rule, optional: true, nullable: true });
const stayNights = { type: "number", integer: true, min: 1, max: 365, convert: false };
const flag = { type: "boolean", convert: false };

/** PUT /hotels/:id/calendar: up to 100 updates, each all-or-nothing with the others; `null` goes back to the default. */
export const calendarUpdateParams = {
	$$strict: true,
	id: rules.id,
	updates: {
		type: "array", min: 1, max: 100,
		items: rules.object({
			roomTypeIds: { type: "array", items: rules.id, min: 1, max: 50, unique: true, optional: true },
			ratePlanIds: { type: "array", items: rules.id, min: 1, max: 20, unique: true, optional: true },
			from: rules.date,
			to: rules.date,
			weekdays: { type: "array", items: { type: "enum", values: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] }, min: 1, max: 7, unique: true, optional: true },
			set: rules.object({
				price: nullable({ ...rules.money, min: 1 }),
				minStay: nullable(stayNights),
				maxStay: nullable(stayNights),
				closed: nullable(flag),
				closedToArrival: nullable(flag),
				closedToDeparture: nullable(flag),
				overbookLimit: nullable({ type: "number", integer: true, min: 0, max: 1000, convert: false }),
			}),
		}),
	},
};
