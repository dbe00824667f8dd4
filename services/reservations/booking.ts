/**
 * A new booking, all or nothing (SPEC §5): every night of the stay taken, the reservation
 * inserted, its `reservations.reservation.confirmed` message appended to the outbox and, with an
 * Idempotency-Key, the answer stored — or nothing written at all.
 *
 * PostgreSQL: ONE statement in autocommit (one round trip), parameters bound by the driver,
 * prepared once per pooled connection. Data-modifying CTEs (docs/inventory.md):
 *   locked   the stay's nights, locked in date order (FOR UPDATE). Under READ COMMITTED a night
 *            another transaction holds is waited for, then returned in its latest committed
 *            version — so `total` and `booked` below are the current ones, and stay so until
 *            commit because we hold the locks.
 *   hotel    the hotel copy the caller priced the booking with is still the current one
 *            (same updatedAt) and active: the caller may keep copies in memory, a deactivation
 *            or a new version still refuses (then it reloads the copy and tries again).
 *   fit      true iff the hotel is current, every night of the stay exists and has room
 *            (booked + rooms <= total + overbook_limit, count = nights) and the locked nights'
 *            rate_version sum is the one the caller priced with. A calendar write raises the
 *            version of every night it touches, under the same row locks, in the transaction
 *            that changes the prices: a price read before a change that committed first is
 *            refused here (outcome "repriced": read the rates again and retry). The statement's
 *            own snapshot could not see that change (READ COMMITTED fixes it at the start;
 *            only the locked rows are re-read), which is why the price is checked through them.
 *   taken    the UPDATE of those nights, only when fit (it sees the same locked latest versions;
 *            the CHECK 0 ≤ booked ≤ total would fail the whole statement otherwise).
 *   reservation, priced, message, answer   the INSERTs (the reservation, its nightly prices in
 *            reservation_nights, the outbox message) and the idempotency UPDATE, only when
 *            `taken` changed every night of the stay.
 * One statement is one transaction: it commits or fails as a whole (a code clash fails it with a
 * unique violation; it is run again with a new code).
 *
 * SQLite: one writer at a time (SqlStore.withTx): the same check of the hotel copy and of the
 * nights' rate_version, the conditional UPDATE of the nights, then the INSERTs, in one
 * transaction rolled back when the copy is stale, the price changed or a night is short.
 */
import crypto from "crypto";
import type { Context } from "moleculer";
import type { AuthUser } from "../../lib/auth";
import { isStaff } from "../../lib/access";
import { appError, ErrorType, notFound, type FieldError } from "../../lib/errors";
import { Events, makeMessage, type DomainMessage } from "../../lib/events";
import { appendOutbox, OUTBOX_TABLE } from "../../lib/outbox";
import { auditMessage, changesOf } from "../../lib/audit";
import type { RatePlan, RoomType } from "../hotels/domain";
import { basePlan, defaultPlan, findPlan, isActive, sells } from "../hotels/rate-plans";
import { bookingRates } from "./calendar";
import { newCode } from "./code";
import { isRetryable, isUniqueViolation, type SqlStore } from "./db";
import { activeCopy, roomType, type HotelCopies, type HotelCopy } from "./hotel-copies";
import { completeKey } from "./idempotency";
import { shiftNights } from "./inventory";
import { quote, termsFor } from "./offers";
import type { RateIndex, StayPrice } from "./pricing";
import { COLUMNS, insertReservation, messageData, toPublic, toRow, writeNights, type Guest, type PublicReservation, type Reservation } from "./repository";
import type { Restriction } from "./restrictions";
import { capacityErrors, daysBetween, localDate, refuseInvalid, stayDateErrors } from "./stay";

export interface NewBooking<A = unknown> {
	reservation: Reservation;
	message: DomainMessage;
	/** Its audit entry (SPEC §11), written by the same INSERT as the message. */
	audit: DomainMessage;
	/** `updatedAt` of the hotel copy the booking was priced with. */
	hotelVersion: string;
	/** Sum of the stay's nights' rate_version when the rates were read. */
	rateVersion: number;
	/** Idempotency-Key of the request, if any, and the 201 body to store under it. */
	key?: string;
	answer: A;
}

const ATTEMPTS = 5;

const RESERVATION_COLUMNS = COLUMNS.split(", ") as (keyof ReturnType<typeof toRow>)[];

/**
 * The statement, with or without the idempotency CTE, and the name of each parameter in order
 * ($1 = params[0]…): the stay, the reservation's columns, the message, the key. The S4 benchmark
 * (scripts/bench/booking-sql.ts) runs this same text with literals.
 */
export function bookingStatement(withKey: boolean): { sql: string; params: string[] } {
	const params = ["hotel_id", "room_type_id", "check_in", "check_out", "rooms", "nights", "hotel_updated_at", "rate_version"];
	const next = (name: string) => `$${params.push(name)}`;
	const reservation = RESERVATION_COLUMNS.map(c => next(`reservation.${c}`)).join(", ");
	// The message and its audit entry (SPEC §11): two rows of one outbox INSERT, typed (rows of VALUES are not inferred from the table).
	const outboxRow = (name: string) => [`${next(`${name}.id`)}::varchar`, `${next(`${name}.event`)}::varchar`, `${next(`${name}.payload`)}::text`, `${next(`${name}.created_at`)}::timestamptz`].join(", ");
	const message = outboxRow("message");
	const audit = outboxRow("audit");
	const nightDates = next("nightly.dates");
	const nightPrices = next("nightly.prices");
	const answer = withKey ? `, answer AS (
		UPDATE idempotency_keys SET status = 'done', response_status = 201, response_body = ${next("answer")}
		WHERE "key" = ${next("key")} AND (SELECT count(*) FROM taken) = $6
	)` : "";
	const sql = `WITH hotel AS (
		SELECT count(*) = 1 AS current FROM hotel_copies WHERE id = $1 AND active AND updated_at = $7
	), locked AS (
		SELECT night, total, booked, overbook_limit, rate_version FROM inventory
		WHERE hotel_id = $1 AND room_type_id = $2 AND night >= $3 AND night < $4
		ORDER BY night FOR UPDATE
	), priced AS (
		SELECT coalesce(sum(rate_version), 0) = $8 AS same FROM locked
	), fit AS (
		SELECT count(*) FILTER (WHERE booked + $5 <= total + overbook_limit) = $6 AND (SELECT current FROM hotel) AND (SELECT same FROM priced) AS ok FROM locked
	), taken AS (
		UPDATE inventory i SET booked = i.booked + $5
		FROM locked, fit
		WHERE fit.ok AND i.hotel_id = $1 AND i.room_type_id = $2 AND i.night = locked.night
		RETURNING i.night
	), reservation AS (
		INSERT INTO reservations (${RESERVATION_COLUMNS.join(", ")}) SELECT ${reservation} WHERE (SELECT count(*) FROM taken) = $6
	), nights AS (
		INSERT INTO reservation_nights (reservation_id, night, hotel_id, room_type_id, rooms, price)
		SELECT $${params.indexOf("reservation.id") + 1}, n.night, $1, $2, $5, n.price FROM unnest(${nightDates}::varchar[], ${nightPrices}::bigint[]) AS n(night, price)
		WHERE (SELECT count(*) FROM taken) = $6
	), message AS (
		INSERT INTO ${OUTBOX_TABLE} (id, event, payload, created_at, attempts)
		SELECT m.* FROM (VALUES (${message}, 0), (${audit}, 0)) AS m(id, event, payload, created_at, attempts) WHERE (SELECT count(*) FROM taken) = $6
	)${answer}
	SELECT fit.ok, (SELECT count(*) FROM taken) AS taken, (SELECT current FROM hotel) AS current, (SELECT same FROM priced) AS same FROM fit`;
	return { sql, params };
}

const PG_SQL = { plain: bookingStatement(false).sql, keyed: bookingStatement(true).sql };

type Outcome = "booked" | "short" | "stale" | "repriced";

async function bookPg(db: SqlStore, b: NewBooking): Promise<Outcome> {
	const r = b.reservation;
	const m = b.message;
	const a = b.audit;
	const row = toRow(r);
	const params: unknown[] = [r.hotelId, r.roomTypeId, r.checkIn, r.checkOut, r.rooms, r.nights, b.hotelVersion, b.rateVersion,
		...RESERVATION_COLUMNS.map(c => row[c]), m.id, m.event, JSON.stringify(m), m.occurredAt, a.id, a.event, JSON.stringify(a), a.occurredAt,
		r.nightly.map(n => n.date), r.nightly.map(n => n.price)];
	if (b.key !== undefined) params.push(JSON.stringify(b.answer), b.key);
	const [res] = await db.pgQuery<{ ok: boolean; taken: string | number; current: boolean; same: boolean }>(b.key !== undefined ? PG_SQL.keyed : PG_SQL.plain, params,
		b.key !== undefined ? "reservations-book-keyed" : "reservations-book");
	const taken = Number(res.taken);
	// Cannot happen (the nights are locked): a partial update wrote no reservation; say so loudly.
	if (taken !== (res.ok ? r.nights : 0)) throw new Error(`Booking ${r.code}: ${taken} of ${r.nights} nights changed under lock (fit: ${res.ok})`);
	return res.ok ? "booked" : !res.current ? "stale" : !res.same ? "repriced" : "short";
}

/** Thrown inside the SQLite transaction to roll it back. */
class Refused extends Error {
	constructor(readonly outcome: Outcome) { super(outcome); }
}

async function bookSqlite(db: SqlStore, b: NewBooking): Promise<Outcome> {
	const r = b.reservation;
	try {
		return await db.withTx(async t => {
			const [hotel] = await db.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM hotel_copies WHERE id = :id AND active = :active AND updated_at = :v`,
				{ id: r.hotelId, active: true, v: b.hotelVersion }, t);
			if (Number(hotel.n) !== 1) throw new Refused("stale");
			const [v] = await db.select<{ v: number | string | null }>(`SELECT SUM(rate_version) AS v FROM inventory WHERE hotel_id = :h AND room_type_id = :rt AND night >= :from AND night < :to`,
				{ h: r.hotelId, rt: r.roomTypeId, from: r.checkIn, to: r.checkOut }, t);
			if (Number(v?.v ?? 0) !== b.rateVersion) throw new Refused("repriced");
			const taken = await shiftNights(db, t, r.hotelId, r.roomTypeId, r.checkIn, r.checkOut, r.rooms);
			if (taken !== r.nights) throw new Refused("short");
			await insertReservation(db, t, r);
			await writeNights(db, t, r, false);
			await appendOutbox(db.sequelize, t, b.message);
			await appendOutbox(db.sequelize, t, b.audit);
			if (b.key !== undefined) await completeKey(db, t, b.key, 201, b.answer);
			return "booked" as const;
		});
	} catch (err) {
		if (err instanceof Refused) return err.outcome;
		throw err;
	}
}

export interface BookingRequest {
	hotelId: string; roomTypeId: string; checkIn: string; checkOut: string; rooms: number; guests: number;
	/** Absent: the hotel's first active plan. */
	ratePlanId?: string;
	/** Staff may book without one (a guest at the desk or on the phone who has none): no email is sent then. */
	guest: { name: string; email?: string; phone?: string; locale?: string };
}

/** The 201 answer: the reservation and its guest token. */
export interface Booked extends PublicReservation { guestToken: string }

/** 409 STAY_RESTRICTED: the plan's restriction, nothing written. */
export function stayRestricted(plan: RatePlan, restriction: Restriction) {
	const { reason, ...value } = restriction;
	const what = Object.entries(value).map(([k, v]) => `${k} ${v}`).join(", ");
	return appError(ErrorType.STAY_RESTRICTED, `Rate plan '${plan.id}' does not sell this stay: ${reason}${what ? ` (${what})` : ""}`, { ...restriction, ratePlanId: plan.id });
}

/** The plan a request books: the one it names (404 unknown or inactive, 422 when it does not sell the room type) or the first active one. */
export function planOf(copy: HotelCopy, ratePlanId: string | undefined, roomTypeId: string): RatePlan {
	const plan = ratePlanId ? findPlan(copy.hotel, ratePlanId) : defaultPlan(copy.hotel);
	if (!plan || !isActive(plan)) throw notFound("Rate plan", ratePlanId);
	if (!sells(copy.hotel, plan, roomTypeId))
		refuseInvalid([{ field: "ratePlanId", message: `Rate plan '${plan.id}' does not sell room type '${roomTypeId}'`, type: "reference", actual: plan.id }]);
	return plan;
}

/** The room type and plan `req` asks for, if `copy` can take them: 404/422 otherwise. */
function checkRequest(req: BookingRequest, copy: HotelCopy): { rt: RoomType; plan: RatePlan } {
	const rt = roomType(copy, req.roomTypeId);
	if (!rt) throw notFound("Room type", req.roomTypeId);
	const errors = [...stayDateErrors(req, localDate(copy.hotel.timezone)), ...capacityErrors(rt.capacity, req.guests, req.rooms)];
	refuseInvalid(errors);
	return { rt, plan: planOf(copy, req.ratePlanId, rt.id) };
}

/** What the plan charges for the stay with these rates: 409 STAY_RESTRICTED when a restriction refuses it. */
export function priceOrRefuse(copy: HotelCopy, rates: RateIndex, rt: RoomType, plan: RatePlan, stay: { checkIn: string; checkOut: string; rooms: number; guests: number }): StayPrice {
	const q = quote(copy.hotel, rates, rt, plan, stay, localDate(copy.hotel.timezone));
	if ("restriction" in q) throw stayRestricted(plan, q.restriction);
	return q.price;
}

/** The booking `req` describes, priced with `copy` and `price`; new ids and code on every call. */
function newBooking(req: BookingRequest, copy: HotelCopy, rt: RoomType, plan: RatePlan, price: StayPrice, rateVersion: number, key: string | undefined, sign: (code: string) => string): Omit<NewBooking<Booked>, "audit"> {
	const nights = daysBetween(req.checkIn, req.checkOut);
	const at = new Date();
	const now = at.toISOString();
	const guest: Guest = { name: req.guest.name, email: (req.guest.email ?? "").toLowerCase(), locale: req.guest.locale || "en" };
	if (req.guest.phone) guest.phone = req.guest.phone;
	const r: Reservation = {
		id: crypto.randomUUID(), code: newCode(), status: "confirmed", hotelId: req.hotelId, hotelName: copy.hotel.name,
		roomTypeId: rt.id, roomTypeName: rt.name, checkIn: req.checkIn, checkOut: req.checkOut, nights, rooms: req.rooms, guests: req.guests,
		guest, totalPrice: price.totalPrice, currency: copy.hotel.currency,
		ratePlanId: plan.id, ratePlanName: plan.name, nightly: price.nightly, cancellation: termsFor(copy.hotel, plan, req, price, at),
		sequence: 0, createdAt: now, updatedAt: now,
	};
	if (plan.cancellationPolicy) r.policy = plan.cancellationPolicy;
	const answer: Booked = { ...toPublic(r), guestToken: sign(r.code) };
	return { reservation: r, message: makeMessage(Events.RESERVATION_CONFIRMED, messageData(r, copy)), hotelVersion: copy.updatedAt, rateVersion, key, answer };
}

/** A guest books with an email (the confirmation and the manage link go there); staff may leave it out. */
export function guestEmailErrors(req: Pick<BookingRequest, "guest">, user: AuthUser | null | undefined): FieldError[] {
	if (req.guest.email || isStaff(user)) return [];
	return [{ field: "guest.email", message: "The 'guest.email' field is required", type: "required" }];
}

/**
 * Book `req`: the booking written (with its answer stored under `key`, if any), or "short" when
 * a night has no room (nothing written). One loop, one attempt budget: a code clash (unique
 * violation) or a deadlock/serialisation failure runs again with a new code; a stale hotel
 * copy (another version or a deactivation is in the store) is reloaded from the store first.
 * The copy comes from memory otherwise: the statement checks it.
 */
/**
 * The booking's audit entry: staff when a staff token booked, else the guest (the reservation's
 * code and email: anonymous until the booking exists).
 */
function withAudit<A>(b: Omit<NewBooking<A>, "audit">, ctx: Context | undefined): NewBooking<A> {
	const r = b.reservation;
	const audit = auditMessage("reservations", ctx as never, "reservation.create", { type: "reservation", id: r.code, hotelId: r.hotelId },
		changesOf(null, toPublic(r), { only: ["status", "roomTypeId", "ratePlanId", "checkIn", "checkOut", "rooms", "guests", "totalPrice", "currency"] }));
	if (audit.data.actor.type === "system" && (ctx?.meta as { user?: unknown } | undefined)?.user !== undefined)
		audit.data.actor = { type: "guest", id: r.code, email: r.guest.email || null, role: "guest" };
	return { ...b, audit };
}

export async function bookStay(
	db: SqlStore, copies: HotelCopies, ctx: Context | undefined, req: BookingRequest, key: string | undefined, sign: (code: string) => string,
): Promise<NewBooking<Booked> | "short"> {
	refuseInvalid(guestEmailErrors(req, (ctx?.meta as { user?: AuthUser | null } | undefined)?.user));
	let reload = false;
	for (let attempt = 1; ; attempt++) {
		let copy = activeCopy(req.hotelId, await copies.get(req.hotelId, { maxAgeMs: reload ? 0 : Infinity, ctx }));
		let { rt, plan } = checkRequest(req, copy);
		if (!copy.inventoryUntil || copy.inventoryUntil < req.checkOut) {
			copy = activeCopy(req.hotelId, await copies.cover(copy, req.checkOut));
			({ rt, plan } = checkRequest(req, copy));
		}
		// The rates and their version in one read; the statement refuses them if a calendar write committed since.
		const { rates, version } = await bookingRates(db, req.hotelId, rt.id, [...new Set([plan.id, basePlan(copy.hotel, plan).id])], req.checkIn, req.checkOut);
		const b = withAudit(newBooking(req, copy, rt, plan, priceOrRefuse(copy, rates, rt, plan, req), version, key, sign), ctx);
		let outcome: Outcome;
		try {
			outcome = db.pg ? await bookPg(db, b) : await bookSqlite(db, b);
		} catch (err) {
			if (attempt < ATTEMPTS && (isUniqueViolation(err) || (db.pg && isRetryable(err)))) continue;
			throw err;
		}
		if (outcome === "booked") return b;
		if (outcome === "short") return "short";
		if (outcome === "repriced") {
			if (attempt >= ATTEMPTS) throw appError(ErrorType.INVALID_STATE, "The prices changed while booking; retry");
			continue;
		}
		if (attempt >= ATTEMPTS) throw appError(ErrorType.INVALID_STATE, "The hotel changed while booking; retry");
		reload = true;
	}
}
