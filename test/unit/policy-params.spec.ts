/**
 * The contract of a cancellation policy (services/hotels/policy-params.ts): what a rate plan's
 * `cancellationPolicy` accepts, and the field each refusal names.
 */
import { createValidator } from "../../lib/validator";
import { autoNoShowRule, cancellationPolicyRule } from "../../services/hotels/policy-params";

const v = createValidator();
const fn = v.compile({ $$strict: true, cancellationPolicy: cancellationPolicyRule, autoNoShow: autoNoShowRule });
const errors = (value: Record<string, unknown>) => {
	const r = fn(value);
	return r === true ? [] : (r as unknown as { field: string; type: string; message: string }[]);
};
const fields = (value: Record<string, unknown>) => errors(value).map(e => `${e.field}:${e.type}`);

describe("cancellationPolicyRule", () => {
	it("accepts SPEC §10's example, a non-refundable policy and no policy at all", () => {
		expect(errors({ cancellationPolicy: { refundable: true,
			tiers: [{ hoursBeforeArrival: 72, fee: { percent: 0 } }, { hoursBeforeArrival: 24, fee: { nights: 1 } }, { hoursBeforeArrival: 0, fee: { percent: 100 } }],
			noShowFee: { percent: 100 } } })).toEqual([]);
		expect(errors({ cancellationPolicy: { refundable: false } })).toEqual([]);
		expect(errors({ cancellationPolicy: { refundable: true, tiers: [{ hoursBeforeArrival: 48, fee: { amount: 2500 } }] } })).toEqual([]);
		expect(errors({})).toEqual([]);
	});

	it("refuses a fee with two kinds or none", () => {
		expect(fields({ cancellationPolicy: { refundable: true, tiers: [{ hoursBeforeArrival: 24, fee: { percent: 10, nights: 1 } }] } }))
			.toEqual(["cancellationPolicy.tiers[0].fee:oneFeeKind"]);
		expect(fields({ cancellationPolicy: { refundable: true, noShowFee: {} } })).toEqual(["cancellationPolicy.noShowFee:oneFeeKind"]);
	});

	it("refuses tiers out of order or sharing a boundary", () => {
		const tiers = (...h: number[]) => h.map(hoursBeforeArrival => ({ hoursBeforeArrival, fee: { percent: 50 } }));
		expect(fields({ cancellationPolicy: { refundable: true, tiers: tiers(24, 72) } })).toEqual(["cancellationPolicy.tiers:tiersDescending"]);
		expect(fields({ cancellationPolicy: { refundable: true, tiers: tiers(48, 48) } })).toEqual(["cancellationPolicy.tiers:tiersDescending"]);
	});

	it("refuses values out of range, naming the field", () => {
		expect(fields({ cancellationPolicy: { refundable: true, tiers: [{ hoursBeforeArrival: -1, fee: { percent: 10 } }] } }))
			.toEqual(["cancellationPolicy.tiers[0].hoursBeforeArrival:numberMin"]);
		expect(fields({ cancellationPolicy: { refundable: true, tiers: [{ hoursBeforeArrival: 1.5, fee: { percent: 10 } }] } }))
			.toEqual(["cancellationPolicy.tiers[0].hoursBeforeArrival:numberInteger"]);
		expect(fields({ cancellationPolicy: { refundable: true, noShowFee: { percent: 101 } } })).toEqual(["cancellationPolicy.noShowFee.percent:numberMax"]);
		expect(fields({ cancellationPolicy: { refundable: true, noShowFee: { nights: -1 } } })).toEqual(["cancellationPolicy.noShowFee.nights:numberMin"]);
		expect(fields({ cancellationPolicy: { refundable: true, noShowFee: { amount: -5 } } })).toEqual(["cancellationPolicy.noShowFee.amount:numberMin"]);
	});

	it("refuses unknown fields, a missing refundable and strings for numbers", () => {
		expect(fields({ cancellationPolicy: { refundable: true, free: true } })).toEqual(["cancellationPolicy:objectStrict"]);
		expect(fields({ cancellationPolicy: { tiers: [] } })).toEqual(["cancellationPolicy.refundable:required"]);
		expect(fields({ cancellationPolicy: { refundable: true, noShowFee: { percent: "10" } } })).toContain("cancellationPolicy.noShowFee.percent:number");
		expect(fields({ cancellationPolicy: { refundable: true, tiers: [{ hoursBeforeArrival: 24, fee: { nights: 1 }, extra: 1 }] } }))
			.toEqual(["cancellationPolicy.tiers[0]:objectStrict"]);
	});

	it("autoNoShow is a boolean", () => {
		expect(errors({ autoNoShow: true })).toEqual([]);
		expect(fields({ autoNoShow: "yes" })).toEqual(["autoNoShow:boolean"]);
	});
});
