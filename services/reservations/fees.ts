/**
 * The fees a reservation owes (SPEC §10) as stored and shown: the cancellation fee read from the
 * schedule frozen at booking, the no-show fee from the policy as booked, and a waiver (staff with
 * `fees.waive`, a reason, recorded). Plain functions plus the row mapping repository.ts spreads
 * into its own; the transitions that set them are in lifecycle.ts.
 */
import type { AuthUser } from "../../lib/auth";
import { assertHotelAccess, hasPermission } from "../../lib/access";
import { appError, ErrorType, validationError } from "../../lib/errors";
import { feeAt, noShowFee, type CancellationPolicy, type CancellationTerms } from "./policy";

export interface Fees {
	/** Set when cancelled: what the cancellation cost at that instant (0 when waived). */
	cancellationFee: number | null;
	/** Set when marked no-show (0 when waived). */
	noShowFee: number | null;
	feeWaived: boolean;
	waiveReason: string | null;
	/** The staff user who waived. */
	waivedBy: string | null;
}

export const NO_FEES: Fees = Object.freeze({ cancellationFee: null, noShowFee: null, feeWaived: false, waiveReason: null, waivedBy: null });

export interface FeeRow {
	cancellation_fee: number | string | null;
	no_show_fee: number | string | null;
	fee_waived: boolean | number | null;
	waive_reason: string | null;
	waived_by: string | null;
}

export const FEE_COLUMNS = "cancellation_fee, no_show_fee, fee_waived, waive_reason, waived_by";

const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));

export function feesFromRow(r: FeeRow): Fees {
	return {
		cancellationFee: num(r.cancellation_fee), noShowFee: num(r.no_show_fee),
		feeWaived: r.fee_waived === true || r.fee_waived === 1, waiveReason: r.waive_reason ?? null, waivedBy: r.waived_by ?? null,
	};
}

export function feesToRow(f: Partial<Fees>): FeeRow {
	return {
		cancellation_fee: f.cancellationFee ?? null, no_show_fee: f.noShowFee ?? null,
		fee_waived: f.feeWaived ?? false, waive_reason: f.waiveReason ?? null, waived_by: f.waivedBy ?? null,
	};
}

/** What a fee is computed from: the frozen schedule and the policy as booked. */
export interface Billable {
	checkIn: string; rooms: number; totalPrice: number;
	nightly?: { date: string; price: number }[];
	cancellation?: CancellationTerms;
	policy?: CancellationPolicy;
}

/**
 * The cancellation fee at `at` from the schedule frozen at booking. A reservation made before
 * policies existed has no schedule: it was sold without terms, so it owes nothing.
 */
export function cancellationFeeAt(r: Billable, at: Date): number {
	return r.cancellation ? feeAt(r.cancellation.schedule, at) : 0;
}

/**
 * The no-show fee under the policy as booked: a plan without one was booked under §9's default
 * policy (its schedule is frozen, the policy itself not stored). None before policies existed.
 */
export function noShowFeeOf(r: Billable): number {
	if (!r.cancellation) return 0;
	return noShowFee(r.policy, { ...r, nightly: r.nightly ?? [] });
}

/** GET /reservations?fee=: reservations charged a fee (above 0), or whose fee was waived. */
export const FEE_FILTERS = ["charged", "waived"] as const;
export type FeeFilter = (typeof FEE_FILTERS)[number];

export function feeFilterSql(f: FeeFilter): { sql: string; params: Record<string, unknown> } {
	return f === "charged"
		? { sql: "(COALESCE(cancellation_fee, 0) > 0 OR COALESCE(no_show_fee, 0) > 0)", params: {} }
		: { sql: "fee_waived = :feeWaived", params: { feeWaived: true } };
}

/** A waiver the caller asks for. */
export interface Waiver { reason: string }

/** The body of cancel / no-show (and waive-fee): `{ waiveFee: true, reason }`. */
export const waiveProps = {
	waiveFee: { type: "boolean", convert: false, optional: true },
	reason: { type: "string", trim: true, min: 1, max: 500, optional: true },
};

/**
 * The waiver a request asks for, or null. A reason without waiveFee, or waiveFee without a
 * reason: 422. Anyone without `fees.waive` on the hotel: 403, never silently ignored.
 */
export function requestedWaiver(p: { waiveFee?: boolean; reason?: string }, user: AuthUser | null | undefined, hotelId: string): Waiver | null {
	if (!p.waiveFee) {
		if (p.reason !== undefined) throw validationError([{ field: "reason", message: "The 'reason' field goes with 'waiveFee: true'", type: "forbidden", actual: p.reason }]);
		return null;
	}
	if (!p.reason) throw validationError([{ field: "reason", message: "The 'reason' field is required to waive a fee", type: "required" }]);
	// A guest (or staff without the permission) opening its own reservation hears 403, not 404.
	if (!hasPermission(user, "fees.waive")) throw appError(ErrorType.FORBIDDEN, "Waiving a fee needs the fees.waive permission");
	assertHotelAccess(user, "fees.waive", hotelId, "Reservation");
	return { reason: p.reason };
}

/** The fees after a waiver by `by`: the fee set so far becomes 0, the reason kept. */
export function waived(f: Partial<Fees>, w: Waiver, by: string | null): Fees {
	return {
		cancellationFee: f.cancellationFee == null ? null : 0,
		noShowFee: f.noShowFee == null ? null : 0,
		feeWaived: true, waiveReason: w.reason, waivedBy: by,
	};
}
