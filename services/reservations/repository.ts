/**
 * Reservation rows: the SQL and the mapping to the public shape of SPEC §3, plus the message
 * data of SPEC §4 (everything the mail service needs to write the email and its .ics).
 */
import { DataTypes, type Transaction } from "sequelize";
import type { AuthUser } from "../../lib/auth";
import { assertHotelAccess, isInternalCall, isStaff, type Permission } from "../../lib/access";
import { appError, ErrorType, notFound } from "../../lib/errors";
import { DEFAULT_PLAN } from "../hotels/rate-plans";
import { normalizeCode } from "./code";
import { addDays, nightsOf } from "./stay";
import type { SqlStore } from "./db";
import type { HotelCopy } from "./hotel-copies";
import type { CancellationPolicy, CancellationTerms } from "./policy";
import { FEE_COLUMNS, feeFilterSql, feesFromRow, feesToRow, NO_FEES, type FeeFilter, type FeeRow, type Fees } from "./fees";

/** moleculer-db wants a model for SqlDbMixin; every query here is raw SQL. */
export const RESERVATION_MODEL = {
	name: "reservation",
	define: {
		id: { type: DataTypes.STRING(64), primaryKey: true },
		code: DataTypes.STRING(8),
		status: DataTypes.STRING(20),
		hotel_id: DataTypes.STRING(64),
		check_in: DataTypes.STRING(10),
		check_out: DataTypes.STRING(10),
	},
	options: { tableName: "reservations", timestamps: false },
};

export const STATUSES = ["confirmed", "cancelled", "checked_in", "checked_out", "no_show"] as const;
export type Status = (typeof STATUSES)[number];

export interface Guest { name: string; email: string; phone?: string; locale: string }

/** Fees (SPEC §10, fees.ts): always present when read from the store. */
export interface Reservation extends Partial<Fees> {
	id: string; code: string; status: Status; hotelId: string; hotelName: string;
	roomTypeId: string; roomTypeName: string; checkIn: string; checkOut: string;
	nights: number; rooms: number; guests: number; guest: Guest; totalPrice: number; currency: string;
	/** The rate plan booked (SPEC §9); reservations made before plans: the default plan. */
	ratePlanId: string; ratePlanName: string;
	/** Price per room per night, the extra-guest part included; totalPrice = rooms × Σ price. */
	nightly: NightPrice[];
	/** The cancellation schedule frozen at booking (SPEC §10); absent on reservations made before it. */
	cancellation?: CancellationTerms;
	/** The plan's policy as booked (internal: what fees are computed from). */
	policy?: CancellationPolicy;
	sequence: number; createdAt: string; updatedAt: string;
}

export interface NightPrice { date: string; price: number }

/** What travels over HTTP: the reservation without internal bookkeeping. */
export type PublicReservation = Omit<Reservation, "sequence" | "policy">;

interface Row extends FeeRow {
	id: string; code: string; status: Status; hotel_id: string; hotel_name: string; room_type_id: string; room_type_name: string;
	check_in: string; check_out: string; nights: number | string; rooms: number | string; guests: number | string;
	guest_name: string; guest_email: string; guest_phone: string | null; guest_locale: string;
	total_price: number | string; currency: string; sequence: number | string; created_at: string; updated_at: string;
	rate_plan_id: string | null; rate_plan_name: string | null; nightly: string | null; cancellation: string | null; policy: string | null;
}

/** The columns of `reservations`, in the order of toRow(). */
export const COLUMNS = "id, code, status, hotel_id, hotel_name, room_type_id, room_type_name, check_in, check_out, nights, rooms, guests, guest_name, guest_email, guest_phone, guest_locale, total_price, currency, sequence, created_at, updated_at, rate_plan_id, rate_plan_name, nightly, cancellation, policy" + `, ${FEE_COLUMNS}`;

/** A reservation made before nightly prices were stored: its total spread evenly (the flat price it was). */
function flatNightly(checkIn: string, nights: number, rooms: number, total: number): NightPrice[] {
	const per = nights && rooms ? Math.round(total / (nights * rooms)) : 0;
	return nightsOf(checkIn, addDays(checkIn, nights)).map(date => ({ date, price: per }));
}

function fromRow(r: Row): Reservation {
	const guest: Guest = { name: r.guest_name, email: r.guest_email, locale: r.guest_locale };
	if (r.guest_phone) guest.phone = r.guest_phone;
	const out: Reservation = {
		id: r.id, code: r.code, status: r.status, hotelId: r.hotel_id, hotelName: r.hotel_name,
		roomTypeId: r.room_type_id, roomTypeName: r.room_type_name, checkIn: r.check_in, checkOut: r.check_out,
		nights: Number(r.nights), rooms: Number(r.rooms), guests: Number(r.guests), guest,
		totalPrice: Number(r.total_price), currency: r.currency,
		ratePlanId: r.rate_plan_id ?? DEFAULT_PLAN.id, ratePlanName: r.rate_plan_name ?? DEFAULT_PLAN.name,
		nightly: r.nightly ? JSON.parse(r.nightly) as NightPrice[] : flatNightly(r.check_in, Number(r.nights), Number(r.rooms), Number(r.total_price)),
		sequence: Number(r.sequence), createdAt: r.created_at, updatedAt: r.updated_at,
		...feesFromRow(r),
	};
	if (r.cancellation) out.cancellation = JSON.parse(r.cancellation) as CancellationTerms;
	if (r.policy) out.policy = JSON.parse(r.policy) as CancellationPolicy;
	return out;
}

/** The reservation as its table's columns (snake_case), in table order. */
export function toRow(r: Reservation): Row {
	return {
		id: r.id, code: r.code, status: r.status, hotel_id: r.hotelId, hotel_name: r.hotelName, room_type_id: r.roomTypeId,
		room_type_name: r.roomTypeName, check_in: r.checkIn, check_out: r.checkOut, nights: r.nights, rooms: r.rooms, guests: r.guests,
		guest_name: r.guest.name, guest_email: r.guest.email, guest_phone: r.guest.phone ?? null, guest_locale: r.guest.locale,
		total_price: r.totalPrice, currency: r.currency, sequence: r.sequence, created_at: r.createdAt, updated_at: r.updatedAt,
		rate_plan_id: r.ratePlanId, rate_plan_name: r.ratePlanName, nightly: JSON.stringify(r.nightly),
		cancellation: r.cancellation ? JSON.stringify(r.cancellation) : null, policy: r.policy ? JSON.stringify(r.policy) : null,
		...feesToRow(r),
	};
}

export function toPublic(r: Reservation): PublicReservation {
	const { sequence: _sequence, policy: _policy, ...rest } = r;
	return { ...NO_FEES, ...rest };
}

/**
 * The reservation's nights with their price per room (reservation_nights: revenue per night in
 * SQL), replacing what it had. The booking statement on PostgreSQL writes them itself.
 */
export async function writeNights(db: SqlStore, t: Transaction, r: Reservation, replace: boolean): Promise<void> {
	if (replace) await db.exec(`DELETE FROM reservation_nights WHERE reservation_id = :id`, { id: r.id }, t);
	if (!r.nightly.length) return;
	const values: string[] = [];
	const rep: Record<string, unknown> = { id: r.id, h: r.hotelId, rt: r.roomTypeId, rooms: r.rooms };
	r.nightly.forEach((n, i) => {
		values.push(`(:id, :n${i}, :h, :rt, :rooms, :p${i})`);
		rep[`n${i}`] = n.date;
		rep[`p${i}`] = n.price;
	});
	await db.exec(`INSERT INTO reservation_nights (reservation_id, night, hotel_id, room_type_id, rooms, price) VALUES ${values.join(", ")}`, rep, t);
}

export async function insertReservation(db: SqlStore, t: Transaction, r: Reservation): Promise<void> {
	const row = toRow(r);
	const cols = Object.keys(row);
	await db.exec(`INSERT INTO reservations (${cols.join(", ")}) VALUES (${cols.map(c => `:${c}`).join(", ")})`, row as unknown as Record<string, unknown>, t);
}

export async function updateReservation(db: SqlStore, t: Transaction, r: Reservation): Promise<void> {
	const row = toRow(r);
	const cols = Object.keys(row).filter(c => c !== "id" && c !== "code" && c !== "created_at");
	await db.exec(`UPDATE reservations SET ${cols.map(c => `${c} = :${c}`).join(", ")} WHERE id = :id`, row as unknown as Record<string, unknown>, t);
}

export async function findByCode(db: SqlStore, code: string, t?: Transaction, lock = false): Promise<Reservation | null> {
	const row = await db.one<Row>(`SELECT ${COLUMNS} FROM reservations WHERE code = :code${lock ? db.forUpdate : ""}`, { code }, t);
	return row ? fromRow(row) : null;
}

/**
 * The reservation a request may open: a guest token opens its own reservation only; staff the
 * reservations of their hotels (another hotel's answers 404, like an unknown code) with
 * `permission` (403 without); anyone else 403. An internal call (no user) any. `raw` is the code as typed.
 */
export async function reservationFor(db: SqlStore, user: AuthUser | null | undefined, raw: string, permission: Permission = "reservations.view"): Promise<Reservation> {
	const code = normalizeCode(raw);
	const guest = user?.role === "guest" && user.code === code;
	if (!guest && !isStaff(user) && !isInternalCall(user)) throw appError(ErrorType.FORBIDDEN, "This token does not open this reservation");
	const r = await findByCode(db, code);
	if (!r) throw notFound("Reservation", code);
	if (!guest) assertHotelAccess(user, permission, r.hotelId, "Reservation");
	return r;
}

/** The guest lookup: one answer for an unknown code and a wrong email, so codes cannot be enumerated. */
export async function findForGuest(db: SqlStore, raw: string, email: string): Promise<Reservation> {
	const r = await findByCode(db, normalizeCode(raw));
	if (!r || r.guest.email.toLowerCase() !== email.toLowerCase()) throw appError(ErrorType.NOT_FOUND, "No reservation matches this code and email");
	return r;
}

export interface ListFilters {
	/** The caller's hotels (lib/access.ts listScope): null or absent for all. */
	hotelIds?: string[] | null;
	hotelId?: string; status?: Status; from?: string; to?: string; email?: string; page: number; pageSize: number;
	/** SPEC §10: only reservations charged a fee, or whose fee was waived. */
	fee?: FeeFilter;
}

/** Admin list: stays overlapping [from, to), newest check-in first. */
export async function listReservations(db: SqlStore, f: ListFilters): Promise<{ rows: Reservation[]; total: number }> {
	const where: string[] = [];
	const r: Record<string, unknown> = {};
	if (f.hotelIds) {
		if (f.hotelIds.length === 0) return { rows: [], total: 0 };
		where.push("hotel_id IN (:hotelIds)");
		r.hotelIds = f.hotelIds;
	}
	if (f.hotelId) { where.push("hotel_id = :hotelId"); r.hotelId = f.hotelId; }
	if (f.status) { where.push("status = :status"); r.status = f.status; }
	if (f.fee) { const fee = feeFilterSql(f.fee); where.push(fee.sql); Object.assign(r, fee.params); }
	if (f.from) { where.push("check_out > :from"); r.from = f.from; }
	if (f.to) { where.push("check_in < :to"); r.to = f.to; }
	if (f.email) { where.push("guest_email = :email"); r.email = f.email.toLowerCase(); }
	const clause = where.length ? ` WHERE ${where.join(" AND ")}` : "";
	const [count] = await db.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM reservations${clause}`, r);
	const rows = await db.select<Row>(`SELECT ${COLUMNS} FROM reservations${clause} ORDER BY check_in DESC, created_at DESC, id LIMIT :limit OFFSET :offset`,
		{ ...r, limit: f.pageSize, offset: (f.page - 1) * f.pageSize });
	return { rows: rows.map(fromRow), total: Number(count?.n ?? 0) };
}

export interface ReservationMessage {
	reservation: PublicReservation;
	hotel: { id: string; name: string; address: HotelCopy["hotel"]["address"]; timezone: string; email: string; currency: string };
	/** Raised on each change: the .ics SEQUENCE. */
	sequence: number;
	/** The stay before a modification. */
	previous?: Pick<Reservation, "roomTypeId" | "roomTypeName" | "checkIn" | "checkOut" | "nights" | "rooms" | "guests" | "totalPrice" | "nightly">;
}

export function messageData(r: Reservation, copy: HotelCopy, previous?: Reservation): ReservationMessage {
	const h = copy.hotel;
	const data: ReservationMessage = {
		reservation: toPublic(r),
		hotel: { id: h.id, name: h.name, address: h.address, timezone: h.timezone, email: h.email, currency: h.currency },
		sequence: r.sequence,
	};
	if (previous) {
		const { roomTypeId, roomTypeName, checkIn, checkOut, nights, rooms, guests, totalPrice, nightly } = previous;
		data.previous = { roomTypeId, roomTypeName, checkIn, checkOut, nights, rooms, guests, totalPrice, nightly };
	}
	return data;
}
