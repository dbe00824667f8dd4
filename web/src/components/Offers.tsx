/**
 * A room type's offers on the hotel page (SPEC §9): each sellable rate plan with what it
 * includes, its total, the nightly prices on demand, its cancellation terms and a Book link for
 * that plan; then the plans not offered for these dates and why.
 */
import { money } from "../format";
import { t } from "../i18n";
import { href } from "../router";
import type { Hotel, Offer, RatePlan, Restricted, RoomType } from "../types";
import type { HotelRates } from "../types";
import type { StayQuery } from "./SearchForm";
import { CancellationTerms, NightlyPrices, RestrictedHints } from "./Terms";

export const planNamer = (hotel: Hotel & HotelRates) => (id: string): string => hotel.ratePlans?.find((p: RatePlan) => p.id === id)?.name ?? id;

export function OfferList({ hotel, roomType, offers, restricted, stay, bookable, currency }: {
	hotel: Hotel & HotelRates;
	roomType: RoomType;
	offers: Offer[];
	restricted?: Restricted[];
	stay: StayQuery;
	bookable: boolean;
	currency: string;
}) {
	const single = offers.length === 1;
	return (
		<div class="offers">
			{offers.length > 0 && (
				<ul class="offer-list" aria-label={t("rates.offersFor", { name: roomType.name })}>
					{offers.map(o => (
						<li key={o.ratePlanId} class="offer" data-testid="offer" data-rate-plan={o.ratePlanId}>
							<div class="offer__info">
								<h4 class="offer__name">{o.name}</h4>
								{o.description && <p class="small muted">{o.description}</p>}
								{o.includes?.length ? (
									<p class="small">
										{t("rates.includes")}{t("rates.colon")}{o.includes.map(i => includeLabel(i)).join(", ")}
									</p>
								) : null}
								<CancellationTerms c={o.cancellation} timeZone={hotel.timezone} currency={currency} />
								<NightlyPrices nightly={o.nightly} currency={currency} />
							</div>
							<div class="offer__book">
								<strong class="price" data-testid="offer-total">
									{money(o.totalPrice, currency)}
								</strong>
								{bookable && (
									<a class="btn btn--primary" aria-label={single ? t("hotel.bookRoom", { name: roomType.name }) : t("rates.bookPlan", { name: roomType.name, plan: o.name })}
										href={href(`/book/${hotel.id}/${roomType.id}`, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: stay.guests, rooms: stay.rooms, ratePlanId: o.ratePlanId })}>
										{t("hotel.book")}
									</a>
								)}
							</div>
						</li>
					))}
				</ul>
			)}
			<RestrictedHints restricted={restricted} planName={planNamer(hotel)} />
		</div>
	);
}

/** Known inclusions get a translated name; others are shown as the hotel typed them. */
export function includeLabel(tag: string): string {
	const key = `rates.inc.${tag}` as const;
	const known = ["breakfast", "halfBoard", "fullBoard", "parking", "spa", "lateCheckout", "wifi"];
	return known.includes(tag) ? t(key as "rates.inc.breakfast") : tag;
}
