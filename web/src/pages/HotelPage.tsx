/**
 * One hotel: photos, amenities, address and map link, room types with availability for the stay;
 * the counts follow the hotel's live stream (web/src/live.ts).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { errorMessage } from "../errors";
import { day, money, nightsBetween } from "../format";
import { t } from "../i18n";
import { href, navigate, type Route } from "../router";
import { SearchForm, defaultStay, stayErrors, stayQuery } from "../components/SearchForm";
import { ErrorAlert } from "../components/ErrorAlert";
import { Alert, Loading, PageTitle, Stars, photoUrl } from "../components/ui";
import { LiveStatus } from "../components/LiveStatus";
import { useLiveAvailability } from "../live";
import { OfferList } from "../components/Offers";
import type { Availability, Hotel, RoomOffers } from "../types";

export function HotelPage({ id, route }: { id: string; route: Route }) {
	const stay = defaultStay(route.query);
	const [hotel, setHotel] = useState<Hotel | null>(null);
	const [avail, setAvail] = useState<Availability | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [availError, setAvailError] = useState<unknown>(null);
	const key = route.query.toString();
	const datesOk = Object.keys(stayErrors(stay, false)).length === 0;

	useEffect(() => {
		let live = true;
		setError(null);
		api.hotel(id).then(h => live && setHotel(h)).catch(e => live && setError(e));
		return () => {
			live = false;
		};
	}, [id]);

	// A re-read asked by the live stream keeps the counts on screen while it runs.
	const [refresh, setRefresh] = useState(0);
	const shownKey = useRef("");
	useEffect(() => {
		let live = true;
		if (shownKey.current !== id + key) setAvail(null);
		shownKey.current = id + key;
		setAvailError(null);
		if (datesOk)
			api.availability(id, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: stay.guests, rooms: stay.rooms })
				.then(a => live && setAvail(a))
				.catch(e => live && setAvailError(e));
		return () => {
			live = false;
		};
	}, [id, key, refresh]);

	// Opened with the page, not after the counts: a change between their read and the stream's start is not lost.
	const stream = useLiveAvailability([id], datesOk ? stay : null, () => setRefresh(x => x + 1));

	if (error) return <Alert kind="error" focus>{errorMessage(error)}</Alert>;
	if (!hotel) return <Loading />;

	const byId = new Map((avail?.roomTypes ?? []).map(r => [r.roomTypeId, r as RoomOffers]));
	const nights = nightsBetween(stay.checkIn, stay.checkOut);
	const { lat, lng } = hotel.location ?? {};

	return (
		<article class="hotel">
			<header class="hotel__head">
				<PageTitle>{hotel.name}</PageTitle>
				<p>
					<Stars n={hotel.stars} /> <span class="muted">{hotel.address.city}</span>
				</p>
			</header>
			<section aria-label={t("hotel.photos")} class="gallery" tabIndex={0}>
				{(hotel.photos.length ? hotel.photos : [""]).map((p, i) => (
					<img key={p || i} src={photoUrl(p)} alt={t("hotel.photo", { n: i + 1, name: hotel.name })} width={640} height={400} loading={i ? "lazy" : "eager"} />
				))}
			</section>
			<div class="hotel__grid">
				<div>
					{hotel.description && <p class="lead">{hotel.description}</p>}
					<section class="card" aria-labelledby="rooms-h">
						<h2 id="rooms-h">{t("hotel.rooms")}</h2>
						<details class="modify" open={!datesOk}>
							<summary>
								{t("hotel.checkDates")}: {datesOk ? `${day(stay.checkIn, false)} → ${day(stay.checkOut, false)}` : `${stay.checkIn} → ${stay.checkOut}`} · {t("common.guests", { n: stay.guests })} · {t("common.rooms", { n: stay.rooms })}
							</summary>
							<SearchForm initial={stay} withCity={false} compact submitLabel={t("hotel.update")} onSearch={q => navigate(`/hotels/${id}`, { ...stayQuery(q), city: undefined }, true)} />
						</details>
						<LiveStatus state={stream.state} />
						{availError ? <ErrorAlert error={availError} focus={false} /> : null}
						{datesOk && !avail && !availError && <Loading />}
						<ul class="room-list">
							{hotel.roomTypes.map(rt => {
								const a = byId.get(rt.id);
								const free = a ? stream.available(id, rt.id, a.available) : 0;
								const bookable = !!a && free >= stay.rooms;
								const offers = a?.offers;
								return (
									<li key={rt.id} class="room card" data-testid="room" data-room-type={rt.id}>
										<div>
											<h3>{rt.name}</h3>
											{rt.description && <p class="muted">{rt.description}</p>}
											<p class="small">
												{t("hotel.capacity", { n: rt.capacity })}
												{rt.amenities?.length ? ` · ${rt.amenities.join(", ")}` : ""}
											</p>
										</div>
										<div class="room__book">
											<span>{t("common.perNight", { price: money(a?.pricePerNight ?? rt.pricePerNight, hotel.currency) })}</span>
											{avail && !a && <span class="badge">{t("hotel.tooSmall", { n: stay.guests })}</span>}
											{a && free === 0 && <span class="badge badge--bad">{t("hotel.soldOut")}</span>}
											{a && free > 0 && (
												<span class={`badge ${free <= 3 ? "badge--warn" : "badge--ok"}`}>{t("hotel.available", { n: free })}</span>
											)}
											{a && bookable && !offers?.length && (
												<>
													<strong class="price">
														{money(a.totalPrice, a.currency)} <span class="small muted">/ {t("common.nights", { n: nights })}</span>
													</strong>
													<a class="btn btn--primary" aria-label={t("hotel.bookRoom", { name: rt.name })}
														href={href(`/book/${hotel.id}/${rt.id}`, { checkIn: stay.checkIn, checkOut: stay.checkOut, guests: stay.guests, rooms: stay.rooms })}>
														{t("hotel.book")}
													</a>
												</>
											)}
										</div>
										{a && (offers?.length || a.restricted?.length) ? (
											<OfferList hotel={hotel} roomType={rt} offers={offers ?? []} restricted={a.restricted} stay={stay} bookable={bookable} currency={a.currency} />
										) : null}
									</li>
								);
							})}
						</ul>
						{!datesOk && <p class="muted">{t("hotel.pickDates")}</p>}
					</section>
				</div>
				<aside class="card hotel__aside">
					<h2>{t("hotel.amenities")}</h2>
					<ul class="tags">
						{hotel.amenities.map(a => (
							<li key={a}>{a}</li>
						))}
					</ul>
					<h2>{t("hotel.address")}</h2>
					<address>
						{hotel.address.line1}
						<br />
						{hotel.address.line2 && (
							<>
								{hotel.address.line2}
								<br />
							</>
						)}
						{hotel.address.postalCode} {hotel.address.city}, {hotel.address.country}
					</address>
					{lat !== undefined && lng !== undefined && (
						<>
							<MiniMap lat={lat} lng={lng} label={hotel.name} />
							<p>
								<a href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`} target="_blank" rel="noopener noreferrer">
									{t("hotel.map")}
								</a>
							</p>
						</>
					)}
					<h2>{t("hotel.contact")}</h2>
					<p>
						<a href={`mailto:${hotel.email}`}>{hotel.email}</a>
					</p>
				</aside>
			</div>
		</article>
	);
}

/** A schematic locator (no tiles, no network): the hotel's position as a pin on a lat/lng grid. */
function MiniMap({ lat, lng, label }: { lat: number; lng: number; label: string }) {
	return (
		<svg class="minimap" viewBox="0 0 200 120" role="img" aria-label={`${label}: ${lat.toFixed(4)}, ${lng.toFixed(4)}`}>
			<rect width="200" height="120" fill="#e8f0e4" />
			{[20, 50, 80, 110].map(y => (
				<path key={`h${y}`} d={`M0 ${y} H200`} stroke="#fff" stroke-width={y === 50 ? 6 : 3} />
			))}
			{[30, 80, 140, 180].map(x => (
				<path key={`v${x}`} d={`M${x} 0 V120`} stroke="#fff" stroke-width={x === 80 ? 6 : 3} />
			))}
			<path d="M0 95 Q60 80 110 100 T200 90 V120 H0Z" fill="#b9dcf0" />
			<path d="M100 30 c-9 0 -15 7 -15 15 c0 11 15 27 15 27 s15 -16 15 -27 c0 -8 -6 -15 -15 -15z" fill="#b3261e" />
			<circle cx="100" cy="45" r="5" fill="#fff" />
			<text x="196" y="12" text-anchor="end" font-size="9" fill="#333">
				{lat.toFixed(3)}, {lng.toFixed(3)}
			</text>
		</svg>
	);
}
