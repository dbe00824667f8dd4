/**
 * Hotel domain rules as plain functions: keys for search, room-type ids, list queries.
 * Adapter-agnostic: the queries use operators both NeDB and MongoDB understand.
 */
import crypto from "crypto";

export interface Address { line1: string; line2?: string; city: string; postalCode: string; country: string }
export interface RoomType {
	id: string; name: string; description?: string; capacity: number; totalRooms: number;
	pricePerNight: number; amenities: string[];
	/** Guests included in the price per room (default: capacity). */
	baseOccupancy?: number;
	/** Added per night for each guest above baseOccupancy × rooms (default 0). */
	extraGuestPerNight?: number;
}

/** A derived plan's price: its base plan's price adjusted by exactly one of percent or amount. */
export interface DerivedFrom { ratePlanId: string; percent?: number; amount?: number }

/** A rate plan (SPEC §9); `cancellationPolicy` is §10's shape (services/reservations/policy.ts). */
export interface RatePlan {
	id: string; name: string; description?: string;
	/** Absent: every room type. */
	roomTypeIds?: string[];
	includes?: string[];
	cancellationPolicy?: import("../reservations/policy").CancellationPolicy;
	/** Absent: true. */
	active?: boolean;
	minAdvanceDays?: number;
	maxAdvanceDays?: number;
	derivedFrom?: DerivedFrom;
}
export interface Hotel {
	id: string; name: string; description?: string; address: Address; location?: { lat: number; lng: number };
	stars: number; amenities: string[]; photos: string[]; email: string; timezone: string; currency: string;
	roomTypes: RoomType[]; active: boolean; createdAt: string; updatedAt: string;
	/** Absent or empty: the one default plan (rate-plans.ts). */
	ratePlans?: RatePlan[];
	/** "HH:MM" in the hotel's zone; absent: 15:00 and 11:00. */
	checkInTime?: string;
	checkOutTime?: string;
	/** SPEC §10: confirmed arrivals still there after checkOutTime the next day become no-shows by themselves. */
	autoNoShow?: boolean;
}
/** What the store keeps: the hotel plus keys for case- and accent-insensitive search. */
export interface HotelDoc extends Hotel {
	cityKey: string;
	nameKey: string;
	searchText: string;
}

export type NewRoomType = Omit<RoomType, "id" | "amenities"> & { id?: string; amenities?: string[] };
export type NewHotel = Omit<Hotel, "id" | "roomTypes" | "active" | "createdAt" | "updatedAt" | "amenities" | "photos"> & {
	roomTypes: NewRoomType[]; amenities?: string[]; photos?: string[];
};

export const PUBLIC_FIELDS = ["id", "name", "description", "address", "location", "stars", "amenities", "photos", "email", "timezone", "currency", "roomTypes", "ratePlans", "checkInTime", "checkOutTime", "autoNoShow", "active", "createdAt", "updatedAt"];

/** Lower case, accents removed, spaces collapsed: "Hôtel  du Lac" → "hotel du lac". */
export function searchKey(s: string): string {
	return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
}

export function slugify(s: string): string {
	return searchKey(s).replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48) || "room";
}

/** Hotel ids are never valid Mongo ObjectIds, so both adapters store them as plain strings. */
export function newHotelId(): string {
	return `htl_${crypto.randomBytes(8).toString("hex")}`;
}

/** Give every room type an id: keep the ones given, derive the others from the name, never clash. */
export function assignRoomTypeIds(roomTypes: NewRoomType[]): RoomType[] {
	const taken = new Set(roomTypes.map(r => r.id).filter((id): id is string => !!id));
	return roomTypes.map(rt => {
		let id = rt.id;
		if (!id) {
			const base = slugify(rt.name);
			id = base;
			for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
			taken.add(id);
		}
		return { ...rt, id, amenities: rt.amenities ?? [] };
	});
}

export function withKeys(h: Hotel): HotelDoc {
	return {
		...h,
		cityKey: searchKey(h.address.city),
		nameKey: searchKey(h.name),
		searchText: `${searchKey(h.name)} ${searchKey(h.address.city)}`,
	};
}

export function toPublic(raw: Partial<HotelDoc> & { _id?: string }): Hotel {
	const doc: Partial<HotelDoc> = raw._id !== undefined ? { ...raw, id: raw._id } : raw;
	const out: Record<string, unknown> = {};
	for (const f of PUBLIC_FIELDS) if (doc[f as keyof HotelDoc] !== undefined) out[f] = doc[f as keyof HotelDoc];
	return out as unknown as Hotel;
}

export interface ListFilters {
	city?: string; country?: string; q?: string; minStars?: number; amenities?: string; sort?: string;
	includeInactive?: boolean;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The store query for a list (NeDB and MongoDB both accept it). */
export function listQuery(f: ListFilters): Record<string, unknown> {
	const and: Record<string, unknown>[] = [];
	if (!f.includeInactive) and.push({ active: true });
	if (f.city) and.push({ cityKey: searchKey(f.city) });
	if (f.country) and.push({ "address.country": f.country.toUpperCase() });
	if (f.minStars != null) and.push({ stars: { $gte: f.minStars } });
	for (const a of (f.amenities ?? "").split(",").map(s => s.trim().toLowerCase()).filter(Boolean)) and.push({ amenities: a });
	if (f.q) and.push({ searchText: { $regex: new RegExp(escapeRegex(searchKey(f.q))) } });
	if (and.length === 0) return {};
	return and.length === 1 ? and[0] : { $and: and };
}

export const SORTS = ["name", "-stars", "stars", "-createdAt"] as const;
export type SortKey = (typeof SORTS)[number];

/** Sort fields with a tie-breaker on id so pages never overlap. */
export function sortFields(sort: SortKey | undefined): string[] {
	switch (sort) {
		case "-stars": return ["-stars", "nameKey", "_id"];
		case "stars": return ["stars", "nameKey", "_id"];
		case "-createdAt": return ["-createdAt", "_id"];
		default: return ["nameKey", "_id"];
	}
}

/** Room types whose size shrinks or that disappear: what reservations must approve. */
export function inventoryChanges(before: RoomType[], after: RoomType[]): { id: string; totalRooms: number }[] {
	const next = new Map(after.map(r => [r.id, r.totalRooms]));
	return before.map(r => ({ id: r.id, totalRooms: next.get(r.id) ?? 0 })).filter((c, i) => c.totalRooms < before[i].totalRooms || !next.has(c.id));
}
