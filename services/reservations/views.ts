/**
 * The answers of the read routes (SPEC §3) built from a hotel copy and inventory figures, as
 * plain functions: availability of a hotel, search results, the occupancy report.
 */
import type { FieldError } from "../../lib/errors";
import { pageOf, type Page } from "../../mixins/validation.mixin";
import type { Hotel } from "../hotels/domain";
import type { HotelCopy } from "./hotel-copies";
import type { FreeRooms, OccupancyRow } from "./inventory";
import { quoteDates, roomOffers, type Offer, type RestrictedPlan } from "./offers";
import type { RateIndex } from "./pricing";
import { addDays, daysBetween, fits, localDate, stayPrice, MAX_DAYS_AHEAD, type Stay } from "./stay";

/**
 * A room type for a stay. `pricePerNight` / `totalPrice` are the cheapest sellable offer's
 * average per room per night and total (the room type's flat price when no plan sells the stay).
 */
export interface RoomAvailability {
	roomTypeId: string; name: string; capacity: number; available: number; pricePerNight: number; totalPrice: number; currency: string;
	offers: Offer[]; restricted: RestrictedPlan[];
}
export interface Availability { hotelId: string; checkIn: string; checkOut: string; nights: number; roomTypes: RoomAvailability[] }
export interface SearchResult {
	hotelId: string; name: string; address: Hotel["address"]; stars: number; photos: string[]; amenities: string[];
	currency: string; fromPrice: number; roomTypes: RoomAvailability[];
}
export interface Occupancy {
	hotelId: string; from: string; to: string;
	days: { date: string; occupancy: number; roomTypes: { roomTypeId: string; total: number; booked: number }[] }[];
}

/** The room types of `copy` that fit the stay's guests, with rooms free on every night, the offers and the plans refused. */
export function roomAvailability(copy: HotelCopy, stay: Stay, free: Map<string, FreeRooms> | undefined, rates: RateIndex | undefined, now: Date = new Date(), withTerms = true): RoomAvailability[] {
	const nights = daysBetween(stay.checkIn, stay.checkOut);
	const today = localDate(copy.hotel.timezone, now);
	const none: RateIndex = new Map();
	const dates = quoteDates(stay);
	return copy.hotel.roomTypes
		.filter(rt => fits(rt.capacity, stay.guests, stay.rooms))
		.map(rt => {
			const f = free?.get(rt.id);
			const { offers, restricted } = roomOffers(copy.hotel, rates ?? none, rt, stay, today, now, dates, withTerms);
			const best = offers[0];
			return {
				roomTypeId: rt.id, name: rt.name, capacity: rt.capacity,
				available: f && f.nights === nights ? Math.max(0, f.free) : 0,
				pricePerNight: best ? Math.round(best.totalPrice / (nights * stay.rooms)) : rt.pricePerNight,
				totalPrice: best ? best.totalPrice : stayPrice(rt.pricePerNight, nights, stay.rooms),
				currency: copy.hotel.currency, offers, restricted,
			};
		});
}

export function availability(copy: HotelCopy, stay: Stay, free: Map<string, FreeRooms>, rates: RateIndex): Availability {
	return { hotelId: copy.id, checkIn: stay.checkIn, checkOut: stay.checkOut, nights: daysBetween(stay.checkIn, stay.checkOut), roomTypes: roomAvailability(copy, stay, free, rates) };
}

/** "Today" differs by hotel: a check-in the hotel can take (not in its past, at most 730 days ahead). */
export function takesCheckIn(copy: HotelCopy, checkIn: string): boolean {
	const today = localDate(copy.hotel.timezone);
	return checkIn >= today && daysBetween(today, checkIn) <= MAX_DAYS_AHEAD;
}

/** Hotels with a room type free for the whole stay under a sellable offer, cheapest offer first, one page. */
export function searchPage(copies: HotelCopy[], stay: Stay, free: Map<string, Map<string, FreeRooms>>, page: number, pageSize: number, rates: Map<string, RateIndex> = new Map()): Page<SearchResult> {
	const now = new Date();
	const sellable = (c: HotelCopy, withTerms: boolean) => roomAvailability(c, stay, free.get(c.id), rates.get(c.id), now, withTerms)
		.filter(r => r.available >= stay.rooms && r.offers.length > 0).sort((a, b) => a.totalPrice - b.totalPrice);
	// Rank every hotel by its cheapest offer without the cancellation schedules (the time-zone
	// work of every offer of every hotel), then build only the page's hotels in full.
	const ranked: { c: HotelCopy; fromPrice: number }[] = [];
	for (const c of copies) {
		const roomTypes = sellable(c, false);
		if (roomTypes.length) ranked.push({ c, fromPrice: roomTypes[0].totalPrice });
	}
	ranked.sort((a, b) => a.fromPrice - b.fromPrice || a.c.hotel.name.localeCompare(b.c.hotel.name) || a.c.id.localeCompare(b.c.id));
	const start = (page - 1) * pageSize;
	const results: SearchResult[] = ranked.slice(start, start + pageSize).map(({ c, fromPrice }) => {
		const h = c.hotel;
		return { hotelId: h.id, name: h.name, address: h.address, stars: h.stars, photos: h.photos ?? [], amenities: h.amenities ?? [], currency: h.currency, fromPrice, roomTypes: sellable(c, true) };
	});
	return pageOf(results, ranked.length, page, pageSize);
}

export const MAX_OCCUPANCY_DAYS = 366;

/** The occupancy report covers 1 to 366 days. */
export function occupancyRangeErrors(from: string, to: string): FieldError[] {
	const days = daysBetween(from, to);
	if (days < 1) return [{ field: "to", message: `The 'to' field must be after 'from' (${from})`, type: "range" }];
	if (days > MAX_OCCUPANCY_DAYS) return [{ field: "to", message: `At most ${MAX_OCCUPANCY_DAYS} days (asked ${days})`, type: "range" }];
	return [];
}

/** Rooms booked per night and room type over `[from, to)`; a night without a row counts the room type's size, none booked. */
export function occupancy(copy: HotelCopy, from: string, to: string, rows: OccupancyRow[]): Occupancy {
	const byNight = new Map(rows.map(r => [`${r.roomTypeId}\u0000${r.night}`, r]));
	const out: Occupancy = { hotelId: copy.id, from, to, days: [] };
	for (let i = 0, days = daysBetween(from, to); i < days; i++) {
		const date = addDays(from, i);
		const roomTypes = copy.hotel.roomTypes.map(rt => {
			const row = byNight.get(`${rt.id}\u0000${date}`);
			return { roomTypeId: rt.id, total: row?.total ?? rt.totalRooms, booked: row?.booked ?? 0 };
		});
		const total = roomTypes.reduce((s, r) => s + r.total, 0);
		const booked = roomTypes.reduce((s, r) => s + r.booked, 0);
		out.days.push({ date, occupancy: total ? Math.round((booked / total) * 10_000) / 10_000 : 0, roomTypes });
	}
	return out;
}
