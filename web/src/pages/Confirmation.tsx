import { money } from "../format";
import { t } from "../i18n";
import { href } from "../router";
import { guestSession } from "../session";
import { PageTitle } from "../components/ui";
import { StayFacts } from "../components/StayFacts";
import { ReservationPlan, useHotel } from "../components/Terms";
import type { Reservation, ReservationRates } from "../types";

export function Confirmation({ code }: { code: string }) {
	const r = guestSession(code)?.reservation as (Reservation & ReservationRates) | undefined;
	const hotel = useHotel(r?.hotelId);
	return (
		<div class="confirmation card">
			<PageTitle>{t("conf.title")}</PageTitle>
			{r && <p class="lead">{t("conf.lead", { name: r.guest.name, email: r.guest.email })}</p>}
			<p>{t("conf.code")}</p>
			<p class="code" data-testid="booking-code">
				{code}
			</p>
			<p class="muted">{t("conf.keep")}</p>
			{r && (
				<dl class="facts">
					<dt>{t("res.hotel")}</dt>
					<dd>{r.hotelName}</dd>
					<StayFacts r={r} />
					<dt>{t("common.total")}</dt>
					<dd>
						<strong>{money(r.totalPrice, r.currency)}</strong>
					</dd>
					<ReservationPlan r={r} timeZone={hotel?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone} />
				</dl>
			)}
			<a class="btn btn--primary" href={href(`/manage/${code}`)}>
				{t("conf.manage")}
			</a>
		</div>
	);
}
