/** Rate plan offers' pieces shared by the guest pages: cancellation terms, nightly prices, restriction hints (SPEC §9, §10). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { day, money } from "../format";
import { intlLocale, t } from "../i18n";
import { feeAt, zonedInstant } from "../terms";
import type { Cancellation, Hotel, HotelRates, NightPrice, Reservation, ReservationRates, Restricted } from "../types";

export const instant = (iso: string, timeZone: string): string => zonedInstant(iso, timeZone, intlLocale());

/** "Free cancellation until Fri 27 Feb, 15:00" / "Non-refundable" / the fee due now, one line. */
export function termsLine(c: Cancellation | undefined, timeZone: string, currency: string, now = new Date()): string {
	if (!c) return "";
	if (!c.refundable) return t("rates.nonRefundable");
	if (c.freeUntil && Date.parse(c.freeUntil) > now.getTime()) return t("rates.freeUntil", { when: instant(c.freeUntil, timeZone) });
	const fee = feeAt(c.schedule, now);
	return fee > 0 ? t("rates.feeNow", { fee: money(fee, currency) }) : t("rates.freeNow");
}

/** The terms line and, on demand, every step of the schedule with its fee. */
export function CancellationTerms({ c, timeZone, currency, testId = "terms" }: { c?: Cancellation; timeZone: string; currency: string; testId?: string }) {
	if (!c) return null;
	const steps = c.schedule ?? [];
	return (
		<div class="terms">
			<p class={`terms__line ${c.refundable && feeAt(c.schedule) === 0 ? "terms--free" : "terms--strict"}`} data-testid={testId}>
				{termsLine(c, timeZone, currency)}
			</p>
			{steps.length > 1 && (
				<details class="terms__more">
					<summary>{t("rates.schedule")}</summary>
					<ul class="small">
						{steps.map((s, i) => (
							<li key={s.from}>
								{i === 0 && s.to ? t("rates.stepUntil", { when: instant(s.to, timeZone) }) : t("rates.stepFrom", { when: instant(s.from, timeZone) })}{t("rates.colon")}
								<strong>{s.fee === 0 ? t("rates.noFee") : money(s.fee, currency)}</strong>
							</li>
						))}
					</ul>
				</details>
			)}
		</div>
	);
}

/** The price of each night, behind a disclosure (prices are per room, the extra-guest part included). */
export function NightlyPrices({ nightly, currency, rooms = 1 }: { nightly?: NightPrice[]; currency: string; rooms?: number }) {
	if (!nightly?.length) return null;
	return (
		<details class="nightly">
			<summary>{t("rates.nightly")}</summary>
			<table class="table table--compact nightly__table">
				<caption class="sr-only">{t("rates.nightlyCaption", { n: rooms })}</caption>
				<thead>
					<tr>
						<th scope="col">{t("rates.night")}</th>
						<th scope="col">{t("rates.price")}</th>
					</tr>
				</thead>
				<tbody>
					{nightly.map(n => (
						<tr key={n.date}>
							<th scope="row">{day(n.date)}</th>
							<td>{money(n.price, currency)}</td>
						</tr>
					))}
				</tbody>
			</table>
		</details>
	);
}

/** Why a plan is not offered for this stay, with the value that refused it. */
export function restrictionText(r: Restricted): string {
	switch (r.reason) {
		case "MIN_STAY":
			return t("rates.r.minStay", { n: r.minStay ?? 0 });
		case "MAX_STAY":
			return t("rates.r.maxStay", { n: r.maxStay ?? 0 });
		case "MIN_ADVANCE":
			return t("rates.r.minAdvance", { n: r.minAdvanceDays ?? 0 });
		case "MAX_ADVANCE":
			return t("rates.r.maxAdvance", { n: r.maxAdvanceDays ?? 0 });
		case "CLOSED":
			return t("rates.r.closed", { date: r.date ? day(r.date) : "" });
		case "CLOSED_TO_ARRIVAL":
			return t("rates.r.cta", { date: r.date ? day(r.date) : "" });
		case "CLOSED_TO_DEPARTURE":
			return t("rates.r.ctd", { date: r.date ? day(r.date) : "" });
		default:
			return t("rates.r.other");
	}
}

export function RestrictedHints({ restricted, planName }: { restricted?: Restricted[]; planName: (id: string) => string }) {
	if (!restricted?.length) return null;
	return (
		<ul class="restricted small" data-testid="restricted">
			{restricted.map(r => (
				<li key={r.ratePlanId + r.reason}>
					<strong>{r.name ?? planName(r.ratePlanId)}</strong>{t("rates.colon")}{t("rates.notOffered", { why: restrictionText(r) })}
				</li>
			))}
		</ul>
	);
}

/** The hotel of a reservation (its time zone shows the terms in the hotel's clock); null until read or when unreadable. */
export function useHotel(hotelId: string | undefined): (Hotel & HotelRates) | null {
	const [hotel, setHotel] = useState<(Hotel & HotelRates) | null>(null);
	useEffect(() => {
		if (!hotelId) return;
		let live = true;
		api.hotel(hotelId).then(h => live && setHotel(h)).catch(() => undefined); // the terms fall back to the browser's zone
		return () => {
			live = false;
		};
	}, [hotelId]);
	return hotel;
}

/** The plan, nightly prices and frozen terms of a reservation, as rows of its fact list and below it. */
export function ReservationPlan({ r, timeZone }: { r: Reservation & ReservationRates; timeZone: string }) {
	return (
		<>
			{r.ratePlanName && (
				<>
					<dt>{t("rates.plan")}</dt>
					<dd data-testid="res-plan">{r.ratePlanName}</dd>
				</>
			)}
			{r.cancellation && (
				<>
					<dt>{t("rates.cancellation")}</dt>
					<dd>
						<CancellationTerms c={r.cancellation} timeZone={timeZone} currency={r.currency} testId="res-terms" />
					</dd>
				</>
			)}
			{r.nightly?.length ? (
				<>
					<dt>{t("rates.nightlyShort")}</dt>
					<dd>
						<NightlyPrices nightly={r.nightly} currency={r.currency} rooms={r.rooms} />
					</dd>
				</>
			) : null}
			{typeof r.cancellationFee === "number" && r.status === "cancelled" && (
				<>
					<dt>{t("rates.cancellationFee")}</dt>
					<dd data-testid="res-fee">{r.cancellationFee === 0 ? t("rates.noFee") : money(r.cancellationFee, r.currency)}</dd>
				</>
			)}
			{typeof r.noShowFee === "number" && r.status === "no_show" && (
				<>
					<dt>{t("rates.noShowFee")}</dt>
					<dd data-testid="res-fee">{money(r.noShowFee, r.currency)}</dd>
				</>
			)}
		</>
	);
}
