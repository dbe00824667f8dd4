/**
 * The contract of a cancellation policy (SPEC §10) as fastest-validator rules, used by the rate
 * plan schema. A fee is exactly one of percent / nights / amount; tiers are listed from the
 * farthest before arrival to the nearest (strictly decreasing hours, so no two share a boundary).
 * The named checks `oneFeeKind` and `tiersDescending` live in lib/validator.ts.
 */
import { rules } from "../../mixins/validation.mixin";

/** Hours before arrival a tier may start: up to the farthest check-in the stay rules allow. */
export const MAX_HOURS_BEFORE_ARRIVAL = 730 * 24;
export const MAX_TIERS = 10;

export const feeRule = rules.object(
	{
		percent: { type: "number", min: 0, max: 100, convert: false, optional: true },
		nights: { type: "number", integer: true, min: 0, max: 30, convert: false, optional: true },
		amount: { ...rules.money, optional: true },
	},
	{ custom: ["oneFeeKind"] },
);

export const tierRule = rules.object({
	hoursBeforeArrival: { type: "number", integer: true, min: 0, max: MAX_HOURS_BEFORE_ARRIVAL, convert: false },
	fee: feeRule,
});

/** A rate plan's `cancellationPolicy`: optional (absent = §9's default policy). */
export const cancellationPolicyRule = rules.object(
	{
		refundable: { type: "boolean", convert: false },
		tiers: { type: "array", items: tierRule, max: MAX_TIERS, optional: true, custom: ["tiersDescending"] },
		noShowFee: { ...feeRule, optional: true },
	},
	{ optional: true },
);

/** The hotel's `autoNoShow` (SPEC §10): confirmed arrivals become no-shows by themselves. */
export const autoNoShowRule = { type: "boolean", convert: false, optional: true };
