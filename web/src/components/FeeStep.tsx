/**
 * The confirmation step of a cancel or a no-show by staff (SPEC §10): the fee first, then
 * confirm, optionally waiving it with a required reason (staff with fees.waive only).
 */
import { money } from "../format";
import { t } from "../i18n";
import { canOnHotel } from "../session";
import { feeAt } from "../terms";
import type { Cancellation } from "../types";
import { Field } from "./ui";

export type FeeStepState = { code: string; waive: boolean; reason: string };
export type FeeAction = "cancel" | "no-show";

interface Props {
	action: FeeAction;
	r: { code: string; hotelId: string; currency: string; cancellation?: Cancellation };
	state: FeeStepState;
	onState: (s: FeeStepState | null) => void;
	onConfirm: () => void;
	busy: boolean;
}

/** The waiver the step asks for, as the API takes it, or undefined. */
export const waiverOf = (s: FeeStepState): { reason: string } | undefined => (s.waive ? { reason: s.reason.trim() } : undefined);

export function FeeStep({ action, r, state, onState, onConfirm, busy }: Props) {
	const cancel = action === "cancel";
	// A cancel's fee is today's step of the frozen schedule; a no-show's follows the booked policy, which is not public.
	const fee = cancel && r.cancellation ? feeAt(r.cancellation.schedule) : null;
	const waivable = (cancel ? fee !== null && fee > 0 : true) && canOnHotel("fees.waive", r.hotelId);
	const reasonMissing = state.waive && !state.reason.trim();
	const text = !cancel ? t("noShowStep.mayCost") : fee === null ? t("manage.cancelConfirm") : fee > 0 ? t("rates.cancelCosts", { fee: money(fee, r.currency) }) : t("rates.cancelFree");
	return (
		<div class="cancel-step" role="group" aria-label={t(cancel ? "rates.cancelStep" : "noShowStep.of", { code: r.code })} data-testid={cancel ? "cancel-step" : "no-show-step"}>
			<p class="small" data-testid={cancel ? "cancel-fee" : "no-show-fee"}>{text}</p>
			{waivable && (
				<>
					<label class="check">
						<input type="checkbox" checked={state.waive} onChange={e => onState({ ...state, waive: e.currentTarget.checked })} />
						{t("rates.waive")}
					</label>
					{state.waive && (
						<Field label={t("rates.waiveReason")} name="waiveReason" value={state.reason} onValue={v => onState({ ...state, reason: v })} input={{ required: true, maxLength: 500 }} />
					)}
				</>
			)}
			<div class="actions">
				<button type="button" class="btn btn--small btn--danger" disabled={busy || reasonMissing} onClick={onConfirm}>
					{t(cancel ? "rates.confirmCancel" : "noShowStep.confirm", { code: r.code })}
				</button>
				<button type="button" class="btn btn--small" disabled={busy} onClick={() => onState(null)}>
					{t(cancel ? "manage.cancelNo" : "common.back")}
				</button>
			</div>
		</div>
	);
}
