/**
 * GET /search joined with the hotels' details (photos, stars, address) from GET /hotels; the
 * "n left" labels follow the live stream of the hotels shown (web/src/live.ts).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { day, money, nightsBetween } from "../format";
import { t } from "../i18n";
import { href, navigate, type Route } from "../router";
import { SearchForm, defaultStay, stayQuery, type StayQuery } from "../components/SearchForm";
import { ErrorAlert } from "../components/ErrorAlert";
import { Alert, Loading, PageTitle, Pager, Stars, photoUrl } from "../components/ui";
import { LiveStatus } from "../components/LiveStatus";
import { useLiveAvailability } from "../live";
import { termsLine } from "../components/Terms";
import type { Hotel, RoomAvailability, RoomOffers, SearchRow } from "../types";

export interface ResultCard {
	hotelId: string;
	name: string;
	hotel?: Partial<Hotel>;
	roomTypes: RoomAvailability[];
}

/** One search row, whatever its exact nesting (`{hotel, roomTypes}` or hotel fields at the top). */
export function normalizeRow(row: SearchRow, details: Map<string, Hotel>): ResultCard {
	const hotelId = String(row.hotelId ?? row.hotel?.id ?? row.id ?? "");
	const hotel: Partial<Hotel> | undefined = details.get(hotelId) ?? row.hotel ?? (row.name ? (row as unknown as Partial<Hotel>) : undefined);
	const currency = typeof row.currency === "string" ? row.currency : hotel?.currency;
	const roomTypes = (row.roomTypes ?? []).map(rt => ({ ...rt, currency: rt.currency ?? currency ?? "EUR" }));
	return { hotelId, name: String(row.hotelName ?? hotel?.name ?? row.name ?? hotelId), hotel, roomTypes };
}

export function Results({ route }: { route: Route }) {
	const stay = defaultStay(route.query);
	const page = Number(route.query.get("page")) || 1;
	const [cards, setCards] = useState<ResultCard[] | null>(null);
	const [paging, setPaging] = useState({ page: 1, totalPages: 1, total: 0 });
	const [error, setError] = useState<unknown>(null);
	const key = route.query.toString();
	// A re-read asked by the live stream keeps the list on screen while it runs.
	const [refresh, setRefresh] = useState(0);
	const shownKey = useRef("");

	useEffect(() => {
		let live = true;
		if (shownKey.current !== key) setCards(null);
		shownKey.current = key;
		setError(null);
		Promise.all([
			api.search({ ...stay, page, pageSize: 20 }),
			api.hotels({ city: stay.city, pageSize: 100 }).catch(() => ({ rows: [] as Hotel[] })),
		])
			.then(([res, hotels]) => {
				if (!live) return;
				const details = new Map(hotels.rows.map(h => [h.id, h]));
				setCards(res.rows.map(r => normalizeRow(r, details)).filter(c => c.roomTypes.length > 0));
				setPaging({ page: res.page, totalPages: res.totalPages, total: res.total });
			})
			.catch(err => live && setError(err));
		return () => {
			live = false;
		};
	}, [key, refresh]);

	const stream = useLiveAvailability((cards ?? []).map(c => c.hotelId), cards ? stay : null, () => setRefresh(x => x + 1));

	const nights = nightsBetween(stay.checkIn, stay.checkOut);
	const go = (q: StayQuery, p = 1) => navigate("/search", { ...stayQuery(q), page: p > 1 ? p : undefined });

	return (
		<div class="results">
			<PageTitle>{t("results.title", { city: stay.city })}</PageTitle>
			<p class="muted">
				{t("common.dates", { from: day(stay.checkIn), to: day(stay.checkOut) })} · {t("common.nights", { n: nights })} · {t("common.guests", { n: stay.guests })} ·{" "}
				{t("common.rooms", { n: stay.rooms })}
			</p>
			<LiveStatus state={stream.state} />
			<details class="card modify">
				<summary>{t("results.modify")}</summary>
				<SearchForm initial={stay} compact onSearch={q => go(q)} />
			</details>
			{error ? (
				<ErrorAlert error={error} />
			) : cards === null ? (
				<Loading />
			) : cards.length === 0 ? (
				<Alert kind="info">{t("results.none", { city: stay.city })}</Alert>
			) : (
				<>
					<p role="status">{t("results.count", { n: paging.total || cards.length })}</p>
					<ul class="result-list">
						{cards.map(c => (
							<ResultItem key={c.hotelId} card={c} stay={stay} available={rt => stream.available(c.hotelId, rt.roomTypeId, rt.available)} />
						))}
					</ul>
					<Pager page={paging.page} totalPages={paging.totalPages} onPage={p => go(stay, p)} />
				</>
			)}
		</div>
	);
}

function ResultItem({ card, stay, available }: { card: ResultCard; stay: StayQuery; available: (rt: RoomAvailability) => number }) {
	// A room type sold out since the page loaded keeps its line (with the label) but no longer sets the price.
	const cheapest = card.roomTypes.filter(rt => available(rt) >= stay.rooms).sort((a, b) => a.totalPrice - b.totalPrice)[0];
	const link = href(`/hotels/${card.hotelId}`, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: stay.guests, rooms: stay.rooms });
	return (
		<li class="result card" data-testid="result">
			<img class="result__photo" src={photoUrl(card.hotel?.photos?.[0])} alt="" loading="lazy" width={320} height={200} />
			<div class="result__body">
				<h2 class="result__name">
					<a href={link}>{card.name}</a>
				</h2>
				<p class="result__meta">
					{card.hotel?.stars !== undefined && <Stars n={card.hotel.stars} />} {card.hotel?.address && <span>{card.hotel.address.line1}, {card.hotel.address.city}</span>}
				</p>
				<ul class="room-chips">
					{card.roomTypes.map(rt => {
						const free = available(rt);
						return (
							<li key={rt.roomTypeId} data-room-type={rt.roomTypeId}>
								<span class="room-chips__name">{rt.name}</span> <span class="room-chips__price">{t("results.totalFor", { price: money(rt.totalPrice, rt.currency) })}</span>{" "}
								<CheapestOffer rt={rt} timeZone={card.hotel?.timezone} />{" "}
								{free < stay.rooms ? (
									<span class="badge badge--bad">{t("hotel.soldOut")}</span>
								) : (
									free <= 3 && <span class="badge badge--warn">{t("results.freeRooms", { n: free })}</span>
								)}
							</li>
						);
					})}
				</ul>
			</div>
			{cheapest && (
				<div class="result__price">
					<span class="muted">{t("results.fromLabel")}</span>
					<strong class="price" data-testid="result-price">
						{money(cheapest.totalPrice, cheapest.currency)}
					</strong>
					<span class="muted small">{t("common.nights", { n: nightsBetween(stay.checkIn, stay.checkOut) })}</span>
					<a class="btn btn--primary" href={link} aria-label={`${t("hotel.book")} – ${card.name}`}>
						{t("hotel.book")}
					</a>
				</div>
			)}
		</li>
	);
}

/** The plan that sets the room type's price, with its terms (SPEC §9 offers, cheapest first). */
function CheapestOffer({ rt, timeZone }: { rt: RoomOffers; timeZone?: string }) {
	const o = [...(rt.offers ?? [])].sort((a, b) => a.totalPrice - b.totalPrice)[0];
	if (!o) return null;
	const terms = timeZone ? termsLine(o.cancellation, timeZone, rt.currency) : "";
	return (
		<span class="small muted room-chips__plan" data-testid="result-plan">
			{o.name}
			{terms ? ` · ${terms}` : ""}
		</span>
	);
}
