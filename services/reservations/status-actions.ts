/**
 * The status routes of a reservation (cancel, check-in, check-out, no-show, fee waiver), spread
 * into the reservations service's actions: each goes through the service's changeStatus method
 * (reservations/lifecycle.ts holds the transition table and the fees).
 */
import type { ActionSchema, Context } from "moleculer";
import type { AccessLevel } from "../../lib/auth";
import type { AppMeta } from "../../types/moleculer";
import type { SqlStore } from "./db";
import { requestedWaiver, waiveProps } from "./fees";
import { waiveFee, type Action } from "./lifecycle";
import { codeParams } from "./params";
import { reservationFor, toPublic, type PublicReservation } from "./repository";

export type CodeCtx = Context<{ code: string; waiveFee?: boolean; reason?: string }, AppMeta>;

interface StatusThis {
	db: SqlStore;
	changeStatus(ctx: CodeCtx, action: Action): Promise<PublicReservation>;
}

/** The route of one lifecycle transition. */
function transition(action: Action, rest: string, auth: AccessLevel, summary: string, params: ActionSchema["params"] = codeParams): ActionSchema<StatusThis> {
	return {
		rest, auth, params, permission: "reservations.manage", openapi: { summary, tags: ["reservations"] },
		handler(this: StatusThis, ctx: CodeCtx): Promise<PublicReservation> {
			return this.changeStatus(ctx, action);
		},
	};
}

export const statusActions = {
	cancel: transition("cancel", "POST /reservations/:code/cancel", "guest",
		"Cancel: frees every night; answers cancellationFee from the schedule frozen at booking; cancelling again answers the same state. Staff with fees.waive may send { waiveFee: true, reason } (403 for anyone else)",
		{ ...codeParams, ...waiveProps }),

	checkIn: transition("checkIn", "POST /reservations/:code/check-in", "admin", "confirmed → checked_in, from the arrival date until the departure date (hotel's local date)"),
	checkOut: transition("checkOut", "POST /reservations/:code/check-out", "admin", "checked_in → checked_out; an early departure frees the nights from today"),
	noShow: transition("noShow", "POST /reservations/:code/no-show", "admin",
		"confirmed → no_show, from the arrival date: sets noShowFee from the policy as booked and frees the nights after the first; staff with fees.waive may send { waiveFee: true, reason }",
		{ ...codeParams, ...waiveProps }),

	waiveFee: {
		rest: "POST /reservations/:code/waive-fee",
		auth: "admin" as const,
		permission: "fees.waive" as const,
		openapi: { summary: "Waive the fee of a cancelled or no-show reservation (fee 0, the reason recorded in the reservation and the audit log)", tags: ["reservations"] },
		params: { ...codeParams, reason: { ...waiveProps.reason, optional: false } },
		async handler(this: StatusThis, ctx: CodeCtx): Promise<PublicReservation> {
			const r = await reservationFor(this.db, ctx.meta.user, ctx.params.code);
			const w = requestedWaiver({ waiveFee: true, reason: ctx.params.reason }, ctx.meta.user, r.hotelId);
			return toPublic(await waiveFee(this.db, r, w as { reason: string }, { ctx }));
		},
	},

};
