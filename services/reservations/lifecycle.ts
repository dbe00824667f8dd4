/**
 * The status lifecycle of a reservation (SPEC §3, §10) as one transition table:
 *
 *   confirmed ──cancel──▶ cancelled      any time; frees every night; the fee from the frozen
 *                                        schedule at that instant; cancelling again answers the same
 *   confirmed ──checkIn──▶ checked_in    from the arrival date until the day before departure
 *   confirmed ──noShow──▶ no_show        from the arrival date; the no-show fee; frees the nights after the first
 *   checked_in ─checkOut─▶ checked_out   any time; an early departure frees the nights from today on
 *
 * Modification (modify.ts) is allowed only while confirmed. Dates are the hotel's local dates.
 * `decide` is the rule as a plain function; `changeStatus` applies it in one transaction with
 * its fee, its message (cancel, no-show) and its audit entry.
 */
import type { Transaction } from "sequelize";
import { auditMessage, changesOf, type AuditContext } from "../../lib/audit";
import { appError, ErrorType, notFound } from "../../lib/errors";
import { Events, makeMessage, type EventName } from "../../lib/events";
import { appendOutbox } from "../../lib/outbox";
import type { SqlStore } from "./db";
import { cancellationFeeAt, noShowFeeOf, waived, type Fees, type Waiver } from "./fees";
import type { HotelCopy } from "./hotel-copies";
import { shiftNights } from "./inventory";
import { findByCode, messageData, toPublic, updateReservation, type Reservation, type Status } from "./repository";
import { stampStatus } from "./reports";
import { addDays } from "./stay";

export type Action = "cancel" | "checkIn" | "checkOut" | "noShow";

interface Transition {
	from: Status;
	to: Status;
	/** The audit log's name of the action. */
	audit: string;
	/** Why it cannot happen today, or null. */
	rule(r: Reservation, today: string): string | null;
	/** The nights `[from, r.checkOut)` given back, if any. */
	frees(r: Reservation, today: string): string | null;
	/** The fees it sets, at the instant `now`. */
	fees?(r: Reservation, now: Date): Partial<Fees>;
	/** The message announcing it (SPEC §4; it raises the .ics sequence). */
	announce?: EventName;
	/** The refusal from another status, when it has its own wording. */
	refusal?: (status: Status) => string;
}

export const TRANSITIONS: Record<Action, Transition> = {
	cancel: {
		from: "confirmed", to: "cancelled", audit: "reservation.cancel",
		rule: () => null,
		frees: r => r.checkIn,
		fees: (r, now) => ({ cancellationFee: cancellationFeeAt(r, now) }),
		announce: Events.RESERVATION_CANCELLED,
		refusal: status => `A ${status} reservation cannot be cancelled`,
	},
	checkIn: {
		from: "confirmed", to: "checked_in", audit: "reservation.check_in",
		rule: (r, today) => (today < r.checkIn ? `Check-in opens on ${r.checkIn} (today is ${today} at the hotel)` : today >= r.checkOut ? `The stay ended on ${r.checkOut}` : null),
		frees: () => null,
	},
	checkOut: {
		from: "checked_in", to: "checked_out", audit: "reservation.check_out",
		rule: () => null,
		// Leaving on the arrival day still uses the first night.
		frees: (r, today) => (today > r.checkIn ? today : addDays(r.checkIn, 1)),
	},
	noShow: {
		from: "confirmed", to: "no_show", audit: "reservation.no_show",
		rule: (r, today) => (today < r.checkIn ? `A guest can be marked no-show from the arrival date ${r.checkIn} (today is ${today} at the hotel)` : null),
		// SPEC §10: the first night stays sold (it is what the no-show fee is charged for).
		frees: r => addDays(r.checkIn, 1),
		fees: r => ({ noShowFee: noShowFeeOf(r) }),
		announce: Events.RESERVATION_NO_SHOW,
	},
};

export type Decision =
	| { kind: "same" }
	| { kind: "refused"; message: string; data: Record<string, unknown> }
	| { kind: "move"; to: Status; frees: { from: string; to: string } | null };

/** What `action` does to `r` today. */
export function decide(action: Action, r: Reservation, today: string): Decision {
	const tr = TRANSITIONS[action];
	if (r.status === tr.to && action === "cancel") return { kind: "same" };
	if (r.status !== tr.from) {
		const message = tr.refusal?.(r.status) ?? `Cannot go from ${r.status} to ${tr.to} (only from ${tr.from})`;
		return { kind: "refused", message, data: { status: r.status } };
	}
	const broken = tr.rule(r, today);
	if (broken) return { kind: "refused", message: broken, data: { status: r.status, today } };
	const from = tr.frees(r, today);
	return { kind: "move", to: tr.to, frees: from && from < r.checkOut ? { from, to: r.checkOut } : null };
}

/** Only a confirmed reservation can change its stay. */
export function canModify(status: Status): boolean {
	return status === "confirmed";
}

export function modifyRefusal(status: Status | "missing"): Error {
	return appError(ErrorType.INVALID_STATE, `A ${status} reservation cannot be changed`, { status });
}

function refuse(d: Decision): void {
	if (d.kind === "refused") throw appError(ErrorType.INVALID_STATE, d.message, d.data);
}

/** The fields of an audit entry for a status change or a waiver. */
const AUDITED = ["status", "cancellationFee", "noShowFee", "feeWaived", "waiveReason"];

export interface ChangeOptions {
	/** The instant of the change (the fee is read from the schedule at it). */
	now?: Date;
	/** Who asks (the audit actor; null: the system, e.g. the no-show job). */
	ctx?: AuditContext | null;
	/** A waiver already allowed by the caller (fees.ts requestedWaiver). */
	waive?: Waiver | null;
}

/** The staff id of a waiver's author, from the request. */
const actorId = (ctx: AuditContext | null | undefined) => ctx?.meta?.user?.sub ?? null;

/** A fee to waive: set, above 0 and not waived yet. */
const owes = (r: Reservation) => !r.feeWaived && ((r.cancellationFee ?? 0) > 0 || (r.noShowFee ?? 0) > 0);

/**
 * Apply `action` to the reservation `r` (read before): checked again on the locked row, the
 * freed nights given back, the fee set (or waived), the row updated, its message and audit entry
 * appended — in one transaction. Returns the reservation and whether a message was appended.
 * Cancelling a cancelled reservation answers it as it is, or waives its fee when asked to.
 */
export async function changeStatus(db: SqlStore, r: Reservation, action: Action, copy: HotelCopy | null, today: string, opts: ChangeOptions = {}): Promise<{ reservation: Reservation; announced: boolean }> {
	const now = opts.now ?? new Date();
	const first = decide(action, r, today);
	refuse(first);
	if (first.kind === "same") return opts.waive && owes(r) ? { reservation: await waiveFee(db, r, opts.waive, { ...opts, now }), announced: false } : { reservation: r, announced: false };
	const tr = TRANSITIONS[action];
	if (tr.announce && !copy) throw notFound("Hotel", r.hotelId);
	return db.withTx(async (t: Transaction) => {
		const cur = await findByCode(db, r.code, t, true);
		if (!cur) return { reservation: r, announced: false };
		const d = decide(action, cur, today);
		refuse(d);
		if (d.kind !== "move") return { reservation: cur, announced: false };
		if (d.frees) await shiftNights(db, t, cur.hotelId, cur.roomTypeId, d.frees.from, d.frees.to, -cur.rooms);
		let next: Reservation = { ...cur, ...tr.fees?.(cur, now), status: d.to, sequence: cur.sequence + (tr.announce ? 1 : 0), updatedAt: now.toISOString() };
		if (opts.waive && tr.fees) next = { ...next, ...waived(next, opts.waive, actorId(opts.ctx)) };
		await updateReservation(db, t, next);
		await stampStatus(db, t, next.id, now, today);
		if (tr.announce && copy) await appendOutbox(db.sequelize, t, makeMessage(tr.announce, messageData(next, copy), now));
		await appendOutbox(db.sequelize, t, auditMessage("reservations", opts.ctx, tr.audit, { type: "reservation", id: cur.code, hotelId: cur.hotelId }, changesOf(toPublic(cur), toPublic(next), { only: AUDITED }), now));
		return { reservation: next, announced: !!tr.announce };
	});
}

/**
 * Waive the fee of a cancelled or no-show reservation (staff with `fees.waive`, checked by the
 * caller): the fee becomes 0, the reason and author kept, the audit entry written with it. A fee
 * already waived or nothing owed answers the reservation as it is.
 */
export async function waiveFee(db: SqlStore, r: Reservation, w: Waiver, opts: ChangeOptions = {}): Promise<Reservation> {
	const now = opts.now ?? new Date();
	const check = (x: Reservation) => {
		if (x.status !== "cancelled" && x.status !== "no_show") throw appError(ErrorType.INVALID_STATE, `A ${x.status} reservation has no fee to waive (only a cancelled or no-show one)`, { status: x.status });
	};
	check(r);
	if (!owes(r)) return r;
	return db.withTx(async t => {
		const cur = await findByCode(db, r.code, t, true);
		if (!cur) throw notFound("Reservation", r.code);
		check(cur);
		if (!owes(cur)) return cur;
		const next: Reservation = { ...cur, ...waived(cur, w, actorId(opts.ctx)), updatedAt: now.toISOString() };
		await updateReservation(db, t, next);
		await appendOutbox(db.sequelize, t, auditMessage("reservations", opts.ctx, "reservation.waive_fee", { type: "reservation", id: cur.code, hotelId: cur.hotelId }, changesOf(toPublic(cur), toPublic(next), { only: AUDITED }), now));
		return next;
	});
}
