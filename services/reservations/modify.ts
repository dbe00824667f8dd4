/**
 * Modification of a confirmed reservation (PATCH /reservations/:code): new dates, rooms, guests
 * or room type. Only the nights that change move (`inventoryDelta`), in (room type, night)
 * order, inside one transaction with the reservation row locked; a night that cannot take the
 * extra rooms rolls everything back (409 NO_AVAILABILITY, the reservation exactly as it was).
 * Prices (SPEC §9): a night the stay keeps keeps the price it was booked at; a new night is
 * priced at the plan's current rate, read inside the transaction after its inventory row is
 * locked (a calendar write locks the same rows before it changes prices, so the rate read is
 * the committed one). A change of room type, rooms or guests prices every night anew. The
 * plan's restrictions are checked against the new stay (409 STAY_RESTRICTED, nothing written).
 * `sequence` goes up and `reservations.reservation.modified` (with the previous stay) goes to the outbox.
 */
import { appError, ErrorType, notFound, validationError, type FieldError } from "../../lib/errors";
import { Events, makeMessage } from "../../lib/events";
import { appendOutbox } from "../../lib/outbox";
import { auditMessage, changesOf, type AuditContext } from "../../lib/audit";
import type { RatePlan } from "../hotels/domain";
import { basePlan, defaultPlan, DEFAULT_PLAN, findPlan, sells } from "../hotels/rate-plans";
import { priceOrRefuse } from "./booking";
import { bookingRates } from "./calendar";
import type { SqlStore } from "./db";
import { roomType, type HotelCopy } from "./hotel-copies";
import { termsFor } from "./offers";
import { noAvailability, shiftNights } from "./inventory";
import { canModify, modifyRefusal } from "./lifecycle";
import { findByCode, messageData, updateReservation, writeNights, type NightPrice, type Reservation } from "./repository";
import { capacityErrors, daysBetween, inventoryDelta, localDate, refuseInvalid, stayDateErrors, toRanges, type Stay } from "./stay";

export type Changes = Partial<Stay> & { roomTypeId?: string };

/** The plan a reservation was booked under, as the hotel has it now (a reservation made before plans: the default one). */
function bookedPlan(copy: HotelCopy, r: Reservation): RatePlan | undefined {
	return findPlan(copy.hotel, r.ratePlanId) ?? (r.ratePlanId === DEFAULT_PLAN.id ? defaultPlan(copy.hotel) : undefined);
}

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
export async function modifyReservation(db: SqlStore, changes: Changes, load: ModifyLoaders, ctx?: AuditContext): Promise<{ reservation: Reservation; changed: boolean }> {
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
	const plan = bookedPlan(copy, r);
	if (!plan || !sells(copy.hotel, plan, rt.id))
		throw appError(ErrorType.INVALID_STATE, `The rate plan '${r.ratePlanId}' no longer sells room type '${rt.id}' at this hotel: the reservation can only be cancelled`);
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
			// The new stay's nights locked (PostgreSQL), then its rates read: see the module comment.
			if (db.pg) await db.exec(`SELECT night FROM inventory WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to ORDER BY night FOR UPDATE`,
				{ h: cur.hotelId, rt: next.roomTypeId, from: next.checkIn, to: next.checkOut }, t);
			const { rates } = await bookingRates(db, cur.hotelId, rt.id, [...new Set([plan.id, basePlan(current.hotel, plan).id])], next.checkIn, next.checkOut, t);
			const fresh = priceOrRefuse(current, rates, rt, plan, next);
			const keep = next.roomTypeId === cur.roomTypeId && next.rooms === cur.rooms && next.guests === cur.guests;
			const kept = new Map<string, number>(keep ? cur.nightly.map(n => [n.date, n.price]) : []);
			const nightly: NightPrice[] = fresh.nightly.map(n => ({ date: n.date, price: kept.get(n.date) ?? n.price }));
			const price = { nightly, totalPrice: next.rooms * nightly.reduce((sum, n) => sum + n.price, 0) };
			const at = new Date();
			const nr: Reservation = {
				...cur, ...next, roomTypeName: rt.name, nights, totalPrice: price.totalPrice, nightly,
				cancellation: termsFor(current.hotel, { ...plan, cancellationPolicy: cur.policy }, next, price, at),
				currency: current.hotel.currency, sequence: cur.sequence + 1, updatedAt: at.toISOString(),
			};
			await updateReservation(db, t, nr);
			await writeNights(db, t, nr, true);
			await appendOutbox(db.sequelize, t, makeMessage(Events.RESERVATION_MODIFIED, messageData(nr, current, cur)));
			// Its audit entry (SPEC §11), in the same transaction.
			await appendOutbox(db.sequelize, t, auditMessage("reservations", ctx, "reservation.modify", { type: "reservation", id: nr.code, hotelId: nr.hotelId },
				changesOf(cur, nr, { only: ["roomTypeId", "checkIn", "checkOut", "rooms", "guests", "nights", "totalPrice"] }), at));
			return nr;
		});
		return { reservation, changed: true };
	} catch (err) {
		if (err instanceof NightsTaken) throw await noAvailability(db, r.hotelId, err.roomTypeId, err.from, err.to, err.rooms);
		throw err;
	}
}
