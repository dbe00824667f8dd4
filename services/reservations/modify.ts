/**
 * Modification of a confirmed reservation (PATCH /reservations/:code): new dates, rooms, guests
 * or room type. Only the nights that change move (`inventoryDelta`), in (room type, night)
 * order, inside one transaction with the reservation row locked; a night that cannot take the
 * extra rooms rolls everything back (409 NO_AVAILABILITY, the reservation exactly as it was).
 * The price is recomputed with the current price per night, `sequence` goes up and
 * `reservations.reservation.modified` (with the previous stay) goes to the outbox.
 */
import { appError, ErrorType, notFound, validationError, type FieldError } from "../../lib/errors";
import { Events, makeMessage } from "../../lib/events";
import { appendOutbox } from "../../lib/outbox";
import type { SqlStore } from "./db";
import { roomType, type HotelCopy } from "./hotel-copies";
import { noAvailability, shiftNights } from "./inventory";
import { canModify, modifyRefusal } from "./lifecycle";
import { findByCode, messageData, updateReservation, type Reservation } from "./repository";
import { capacityErrors, daysBetween, inventoryDelta, localDate, refuseInvalid, stayDateErrors, stayPrice, toRanges, type Stay } from "./stay";

export type Changes = Partial<Stay> & { roomTypeId?: string };

/** Thrown inside the transaction to roll it back when a night is full. */
class NightsTaken extends Error {
	constructor(readonly roomTypeId: string, readonly from: string, readonly to: string, readonly rooms: number) {
		super("no availability");
	}
}

export interface ModifyLoaders {
	/** The reservation as the caller may see it (403/404 otherwise). */
	reservation(): Promise<Reservation>;
	/** Its hotel's copy, with inventory up to `until` when given. */
	copy(hotelId: string, until?: string): Promise<HotelCopy | null>;
}

/**
 * The reservation after `changes` (changed: false when they change nothing). Throws 404/409/422
 * as SPEC §3 says.
 */
export async function modifyReservation(db: SqlStore, changes: Changes, load: ModifyLoaders): Promise<{ reservation: Reservation; changed: boolean }> {
	if (Object.keys(changes).length === 0)
		throw validationError([{ field: "body", message: "Nothing to change: send checkIn, checkOut, rooms, guests or roomTypeId", type: "required" }]);
	const r = await load.reservation();
	if (!canModify(r.status)) throw modifyRefusal(r.status);
	const copy = await load.copy(r.hotelId);
	if (!copy) throw notFound("Hotel", r.hotelId);
	if (!copy.active) throw appError(ErrorType.INVALID_STATE, "This hotel no longer takes bookings: the reservation can only be cancelled");

	const next = { roomTypeId: changes.roomTypeId ?? r.roomTypeId, checkIn: changes.checkIn ?? r.checkIn, checkOut: changes.checkOut ?? r.checkOut, rooms: changes.rooms ?? r.rooms, guests: changes.guests ?? r.guests };
	const rt = roomType(copy, next.roomTypeId);
	if (!rt) throw notFound("Room type", next.roomTypeId);
	const errors: FieldError[] = [...stayDateErrors(next, localDate(copy.hotel.timezone)), ...capacityErrors(rt.capacity, next.guests, next.rooms)];
	refuseInvalid(errors);
	const unchanged = next.roomTypeId === r.roomTypeId && next.checkIn === r.checkIn && next.checkOut === r.checkOut && next.rooms === r.rooms && next.guests === r.guests;
	if (unchanged) return { reservation: r, changed: false };
	const current = (await load.copy(r.hotelId, next.checkOut)) ?? copy;
	const nights = daysBetween(next.checkIn, next.checkOut);

	try {
		const reservation = await db.withTx(async t => {
			const cur = await findByCode(db, r.code, t, true);
			if (!cur || !canModify(cur.status)) throw modifyRefusal(cur?.status ?? "missing");
			for (const range of toRanges(inventoryDelta(cur, next))) {
				const changed = await shiftNights(db, t, cur.hotelId, range.roomTypeId, range.from, range.to, range.delta);
				if (range.delta > 0 && changed !== daysBetween(range.from, range.to)) throw new NightsTaken(range.roomTypeId, range.from, range.to, range.delta);
			}
			const nr: Reservation = {
				...cur, ...next, roomTypeName: rt.name, nights, totalPrice: stayPrice(rt.pricePerNight, nights, next.rooms),
				currency: current.hotel.currency, sequence: cur.sequence + 1, updatedAt: new Date().toISOString(),
			};
			await updateReservation(db, t, nr);
			await appendOutbox(db.sequelize, t, makeMessage(Events.RESERVATION_MODIFIED, messageData(nr, current, cur)));
			return nr;
		});
		return { reservation, changed: true };
	} catch (err) {
		if (err instanceof NightsTaken) throw await noAvailability(db, r.hotelId, err.roomTypeId, err.from, err.to, err.rooms);
		throw err;
	}
}
