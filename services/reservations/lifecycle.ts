/**
 * The status lifecycle of a reservation (SPEC §3) as one transition table:
 *
 *   confirmed ──cancel──▶ cancelled      any time; frees every night; cancelling again answers the same state
 *   confirmed ──checkIn──▶ checked_in    from the arrival date until the day before departure
 *   confirmed ──noShow──▶ no_show        from the arrival date; frees the nights from today on
 *   checked_in ─checkOut─▶ checked_out   any time; an early departure frees the nights from today on
 *
 * Modification (modify.ts) is allowed only while confirmed. Dates are the hotel's local dates.
 * `decide` is the rule as a plain function; `changeStatus` applies it in one transaction.
 */
import type { Transaction } from "sequelize";
import { appError, ErrorType, notFound } from "../../lib/errors";
import { Events, makeMessage, type EventName } from "../../lib/events";
import { appendOutbox } from "../../lib/outbox";
import type { SqlStore } from "./db";
import type { HotelCopy } from "./hotel-copies";
import { shiftNights } from "./inventory";
import { findByCode, messageData, updateReservation, type Reservation, type Status } from "./repository";
import { addDays } from "./stay";

export type Action = "cancel" | "checkIn" | "checkOut" | "noShow";

interface Transition {
	from: Status;
	to: Status;
	/** Why it cannot happen today, or null. */
	rule(r: Reservation, today: string): string | null;
	/** The nights `[from, r.checkOut)` given back, if any. */
	frees(r: Reservation, today: string): string | null;
	/** SPEC §4: only a cancellation is announced (and raises the .ics sequence). */
	announce?: EventName;
	/** The refusal from another status, when it has its own wording. */
	refusal?: (status: Status) => string;
}

export const TRANSITIONS: Record<Action, Transition> = {
	cancel: {
		from: "confirmed", to: "cancelled",
		rule: () => null,
		frees: r => r.checkIn,
		announce: Events.RESERVATION_CANCELLED,
		refusal: status => `A ${status} reservation cannot be cancelled`,
	},
	checkIn: {
		from: "confirmed", to: "checked_in",
		rule: (r, today) => (today < r.checkIn ? `Check-in opens on ${r.checkIn} (today is ${today} at the hotel)` : today >= r.checkOut ? `The stay ended on ${r.checkOut}` : null),
		frees: () => null,
	},
	checkOut: {
		from: "checked_in", to: "checked_out",
		rule: () => null,
		// Leaving on the arrival day still uses the first night.
		frees: (r, today) => (today > r.checkIn ? today : addDays(r.checkIn, 1)),
	},
	noShow: {
		from: "confirmed", to: "no_show",
		rule: (r, today) => (today < r.checkIn ? `A guest can be marked no-show from the arrival date ${r.checkIn} (today is ${today} at the hotel)` : null),
		frees: (r, today) => (today > r.checkIn ? today : r.checkIn),
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

/**
 * Apply `action` to the reservation `r` (read before): checked again on the locked row, the
 * freed nights given back, the row updated and, for a cancellation, its message appended —
 * in one transaction. Returns the reservation and whether a message was appended.
 */
export async function changeStatus(db: SqlStore, r: Reservation, action: Action, copy: HotelCopy | null, today: string): Promise<{ reservation: Reservation; announced: boolean }> {
	const first = decide(action, r, today);
	refuse(first);
	if (first.kind === "same") return { reservation: r, announced: false };
	const tr = TRANSITIONS[action];
	if (tr.announce && !copy) throw notFound("Hotel", r.hotelId);
	return db.withTx(async (t: Transaction) => {
		const cur = await findByCode(db, r.code, t, true);
		if (!cur) return { reservation: r, announced: false };
		const d = decide(action, cur, today);
		refuse(d);
		if (d.kind !== "move") return { reservation: cur, announced: false };
		if (d.frees) await shiftNights(db, t, cur.hotelId, cur.roomTypeId, d.frees.from, d.frees.to, -cur.rooms);
		const next: Reservation = { ...cur, status: d.to, sequence: cur.sequence + (tr.announce ? 1 : 0), updatedAt: new Date().toISOString() };
		await updateReservation(db, t, next);
		if (tr.announce && copy) await appendOutbox(db.sequelize, t, makeMessage(tr.announce, messageData(next, copy)));
		return { reservation: next, announced: !!tr.announce };
	});
}
