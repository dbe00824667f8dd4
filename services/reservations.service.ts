/**
 * reservations: per-night inventory, availability, search, bookings that never oversell,
 * idempotency keys and the outbox of reservation messages (SPEC §3, §4, §5).
 * PostgreSQL when RESERVATIONS_DB_URL is set, SQLite under DATA_DIR otherwise (SqlDbMixin).
 *
 * The handlers are thin: date rules live in reservations/stay.ts, the inventory SQL in
 * reservations/inventory.ts, the local copy of hotels in reservations/hotel-copy.ts.
 * docs/inventory.md explains the inventory model.
 */
import crypto from "crypto";
import type { Context, Service, ServiceSchema } from "moleculer";
import { DataTypes, type Sequelize } from "sequelize";
import { SqlDbMixin } from "../mixins/db.mixin";
import DurableConsumerMixin from "../mixins/consumer.mixin";
import OutboxRelayMixin, { type RelayMethods } from "../mixins/outbox.mixin";
import ValidationMixin, { pageOf, type Page } from "../mixins/validation.mixin";
import { loadConfig, type AppConfig } from "../lib/config";
import { signGuestToken } from "../lib/auth";
import { appError, ErrorType, notFound, toHttpError, validationError, type FieldError } from "../lib/errors";
import { Events, makeMessage, type DomainMessage } from "../lib/events";
import { appendOutbox } from "../lib/outbox";
import type { AppMeta } from "../types/moleculer";
import type { Hotel, RoomType } from "./hotels/domain";
import { SqlStore } from "./reservations/db";
import { bookStay } from "./reservations/booking";
import { migrations } from "./reservations/migrations";
import { newCode, normalizeCode } from "./reservations/code";
import {
	addDays, capacityErrors, daysBetween, earliestToday, fits, inventoryDelta, localDate, stayDateErrors, stayPrice, toRanges,
	INVENTORY_HORIZON_DAYS, MAX_DAYS_AHEAD, type Stay,
} from "./reservations/stay";
import { createNights, firstShortNight, freeRooms, freeRoomsByHotel, occupancyRows, resize, shiftNights, type FreeRooms } from "./reservations/inventory";
import { allCopies, copiesInCity, getCopy, isNewer, roomType, saveCopy, saveRoomTypeSizes, type HotelCopy } from "./reservations/hotel-copy";
import { claimKey, completeKey, purgeKeys, releaseKey, requestHash } from "./reservations/idempotency";
import {
	findByCode, listReservations, messageData, toPublic, updateReservation,
	type Guest, type ListFilters, type PublicReservation, type Reservation, type Status,
} from "./reservations/repository";
import {
	availabilityParams, codeParams, createParams, inventoryChangeParams, listParams, lookupParams, occupancyParams, searchParams, updateParams,
} from "./reservations/params";

// ---------------------------------------------------------------- shapes

export interface RoomAvailability {
	roomTypeId: string; name: string; capacity: number; available: number; pricePerNight: number; totalPrice: number; currency: string;
}
export interface Availability { hotelId: string; checkIn: string; checkOut: string; nights: number; roomTypes: RoomAvailability[] }
export interface SearchResult {
	hotelId: string; name: string; address: Hotel["address"]; stars: number; photos: string[]; amenities: string[];
	currency: string; fromPrice: number; roomTypes: RoomAvailability[];
}
export interface Booked extends PublicReservation { guestToken: string }
export interface Occupancy {
	hotelId: string; from: string; to: string;
	days: { date: string; occupancy: number; roomTypes: { roomTypeId: string; total: number; booked: number }[] }[];
}

type StayParams = Stay & { id: string };
type CreateParams = Omit<Stay, "rooms"> & { hotelId: string; roomTypeId: string; rooms: number; guest: Guest };
type UpdateParams = Partial<Stay> & { code: string; roomTypeId?: string };
type InventoryChange = { hotelId: string; roomTypes: { id: string; totalRooms: number }[] };

/** Thrown inside a transaction to roll it back when a night is full; turned into a 409 outside. */
class NightsTaken extends Error {
	constructor(readonly roomTypeId: string, readonly from: string, readonly to: string, readonly rooms: number) {
		super("no availability");
	}
}

const ADMIN_TASK_INTERVAL_MS = 10 * 60_000;
const MAX_OCCUPANCY_DAYS = 366;
const COPY_CACHE_MS = 1000;
const COPY_CACHE_SIZE = 10_000;

interface Methods {
	store(): SqlStore;
	hotelFor(ctx: Context | null, id: string, coverUntil?: string): Promise<HotelCopy | null>;
	bookableHotel(ctx: Context, id: string): Promise<HotelCopy>;
	cachedHotel(ctx: Context, id: string): Promise<HotelCopy>;
	bookingCopy(ctx: Context, id: string): Promise<HotelCopy>;
	covering(ctx: Context, copy: HotelCopy, until: string): Promise<HotelCopy>;
	applyHotelMessage(message: DomainMessage<Hotel>): Promise<boolean>;
	applyHotel(hotel: Hotel): Promise<boolean>;
	extendInventory(id: string): Promise<void>;
	availabilityOf(copy: HotelCopy, stay: Stay, free: Map<string, FreeRooms> | undefined): RoomAvailability[];
	authorizeCode(ctx: Context<unknown, AppMeta>, code: string): string;
	reservationFor(ctx: Context<unknown, AppMeta>, code: string): Promise<Reservation>;
	book(ctx: Context<CreateParams, AppMeta>, key: string | undefined): Promise<Booked>;
	noAvailability(e: NightsTaken, hotelId: string): Promise<Error>;
	transition(ctx: Context<{ code: string }, AppMeta>, from: Status, to: Status, rule: (r: Reservation, today: string) => string | null, releaseFrom?: (r: Reservation, today: string) => string): Promise<PublicReservation>;
	maintenance(): Promise<void>;
	syncFromHotels(): Promise<void>;
}
interface Vars {
	cfg: AppConfig;
	db: SqlStore;
	sequelize: Sequelize;
	timers: NodeJS.Timeout[];
	/** Availability reads: hotel copies for up to COPY_CACHE_MS (dropped at once on local changes). */
	copyCache: Map<string, { copy: HotelCopy; expires: number }>;
	/**
	 * Bookings: hotel copies kept until a local change drops them. Safe on every node: the booking
	 * statement refuses a copy that is no longer the current active version (reservations/booking.ts).
	 */
	bookingCopies: Map<string, HotelCopy>;
	stopping: boolean;
}
type This = Service & Methods & Vars & Pick<RelayMethods, "wakeOutboxRelay">;

const ReservationsService: ServiceSchema<Record<string, unknown>, Methods, Vars, This> = {
	name: "reservations",
	mixins: [
		// Before SqlDbMixin (docs/messaging.md): relay the outbox and consume hotels.hotel.* durably.
		OutboxRelayMixin(),
		// applyHotelMessage opens its own transaction and is idempotent (isNewer): not transactional.
		DurableConsumerMixin({ events: ["hotels.hotel.*"], handler: "applyHotelMessage", transactional: false }),
		SqlDbMixin({
			name: "reservations",
			url: cfg => cfg.reservationsDbUrl,
			// moleculer-db wants a model; the hot paths use raw SQL (reservations/*.ts).
			model: {
				name: "reservation",
				define: {
					id: { type: DataTypes.STRING(64), primaryKey: true },
					code: DataTypes.STRING(8),
					status: DataTypes.STRING(20),
					hotel_id: DataTypes.STRING(64),
					check_in: DataTypes.STRING(10),
					check_out: DataTypes.STRING(10),
				},
				options: { tableName: "reservations", timestamps: false },
			},
			migrations,
		}),
		ValidationMixin,
	],

	settings: {},

	actions: {
		availability: {
			rest: "GET /hotels/:id/availability",
			auth: "public",
			openapi: { summary: "Room types of a hotel that fit the guests, with the rooms free on every night and the price", tags: ["availability"] },
			params: availabilityParams,
			async handler(this: This, ctx: Context<StayParams, AppMeta>): Promise<Availability> {
				const p = ctx.params;
				const copy = await this.cachedHotel(ctx, p.id);
				const errors = stayDateErrors(p, localDate(copy.hotel.timezone));
				if (errors.length) throw validationError(errors);
				const current = await this.covering(ctx, copy, p.checkOut);
				const types = current.hotel.roomTypes.filter(rt => fits(rt.capacity, p.guests, p.rooms)).map(rt => rt.id);
				const free = await freeRooms(this.db, p.id, types, p.checkIn, p.checkOut);
				return { hotelId: p.id, checkIn: p.checkIn, checkOut: p.checkOut, nights: daysBetween(p.checkIn, p.checkOut), roomTypes: this.availabilityOf(current, p, free) };
			},
		},

		search: {
			rest: "GET /search",
			auth: "public",
			openapi: { summary: "Hotels of a city with a room type free for the whole stay, cheapest first", tags: ["availability"] },
			params: searchParams,
			async handler(this: This, ctx: Context<Stay & { city: string; page: number; pageSize: number }, AppMeta>): Promise<Page<SearchResult>> {
				const p = ctx.params;
				// "Today" differs by hotel: refuse what is in the past everywhere, then filter per hotel.
				const errors = stayDateErrors(p, earliestToday());
				if (errors.length) throw validationError(errors);
				const copies = (await copiesInCity(this.db, p.city)).filter(c => {
					const today = localDate(c.hotel.timezone);
					return p.checkIn >= today && daysBetween(today, p.checkIn) <= MAX_DAYS_AHEAD;
				});
				for (const c of copies) if (!c.inventoryUntil || c.inventoryUntil < p.checkOut) await this.extendInventory(c.id);
				const free = await freeRoomsByHotel(this.db, copies.map(c => c.id), p.checkIn, p.checkOut);
				const results: SearchResult[] = [];
				for (const c of copies) {
					const roomTypes = this.availabilityOf(c, p, free.get(c.id)).filter(r => r.available >= p.rooms).sort((a, b) => a.totalPrice - b.totalPrice);
					if (!roomTypes.length) continue;
					const h = c.hotel;
					results.push({ hotelId: h.id, name: h.name, address: h.address, stars: h.stars, photos: h.photos ?? [], amenities: h.amenities ?? [], currency: h.currency, fromPrice: roomTypes[0].totalPrice, roomTypes });
				}
				results.sort((a, b) => a.fromPrice - b.fromPrice || a.name.localeCompare(b.name) || a.hotelId.localeCompare(b.hotelId));
				const start = (p.page - 1) * p.pageSize;
				return pageOf(results.slice(start, start + p.pageSize), results.length, p.page, p.pageSize);
			},
		},

		create: {
			rest: "POST /reservations",
			auth: "public",
			openapi: { summary: "Book rooms for a stay (optional Idempotency-Key header); answers the reservation and a guest token", status: 201, tags: ["reservations"] },
			params: createParams,
			async handler(this: This, ctx: Context<CreateParams, AppMeta>): Promise<Booked> {
				const key = ctx.meta.idempotencyKey;
				if (key === undefined) return this.book(ctx, undefined);
				if (typeof key !== "string" || key.length < 1 || key.length > 255)
					throw validationError([{ field: "Idempotency-Key", message: "The 'Idempotency-Key' header must be 1 to 255 characters", type: "idempotencyKey" }]);

				const claim = await claimKey(this.db, key, requestHash(ctx.params));
				if (claim.kind === "in_use") throw appError(ErrorType.IDEMPOTENCY_KEY_IN_USE, "A request with this Idempotency-Key is still being processed; retry shortly");
				if (claim.kind === "reused") throw appError(ErrorType.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used with a different request body");
				if (claim.kind === "replay") {
					ctx.meta.$responseHeaders = { ...ctx.meta.$responseHeaders, "Idempotent-Replayed": "true" };
					if (claim.status === 201) {
						const body = claim.body as Booked;
						ctx.meta.$statusCode = 201;
						ctx.meta.$location = `/api/v1/reservations/${body.code}`;
						return body;
					}
					const err = claim.body as { type: typeof ErrorType.NO_AVAILABILITY; message: string; data?: unknown };
					throw appError(err.type, err.message, err.data);
				}

				try {
					return await this.book(ctx, key);
				} catch (err) {
					const body = toHttpError(err);
					if (body.type === ErrorType.NO_AVAILABILITY) await this.db.withTx(t => completeKey(this.db, t, key, body.code, body));
					else await releaseKey(this.db, key).catch(e => this.logger.warn("Could not release an idempotency key:", (e as Error).message));
					throw err;
				}
			},
		},

		lookup: {
			rest: "POST /reservations/lookup",
			auth: "public",
			openapi: { summary: "Find a reservation by code and email (rate limited); answers it with a guest token", tags: ["reservations"] },
			params: lookupParams,
			async handler(this: This, ctx: Context<{ code: string; email: string }>): Promise<{ reservation: PublicReservation; guestToken: string }> {
				const code = normalizeCode(ctx.params.code);
				const r = await findByCode(this.db, code);
				// One answer for an unknown code and a wrong email: codes cannot be enumerated.
				if (!r || r.guest.email.toLowerCase() !== ctx.params.email.toLowerCase()) throw appError(ErrorType.NOT_FOUND, "No reservation matches this code and email");
				return { reservation: toPublic(r), guestToken: signGuestToken(r.code, this.cfg.jwtSecret) };
			},
		},

		get: {
			rest: "GET /reservations/:code",
			auth: "guest",
			openapi: { summary: "One reservation (its guest token or an admin)", tags: ["reservations"] },
			params: codeParams,
			async handler(this: This, ctx: Context<{ code: string }, AppMeta>): Promise<PublicReservation> {
				return toPublic(await this.reservationFor(ctx, ctx.params.code));
			},
		},

		update: {
			rest: "PATCH /reservations/:code",
			auth: "guest",
			openapi: { summary: "Change dates, rooms, guests or room type; moves only the nights that change; a refused change leaves everything as it was", tags: ["reservations"] },
			params: updateParams,
			async handler(this: This, ctx: Context<UpdateParams, AppMeta>): Promise<PublicReservation> {
				const { code: rawCode, ...changes } = ctx.params;
				if (Object.keys(changes).length === 0)
					throw validationError([{ field: "body", message: "Nothing to change: send checkIn, checkOut, rooms, guests or roomTypeId", type: "required" }]);
				const r = await this.reservationFor(ctx, rawCode);
				if (r.status !== "confirmed") throw appError(ErrorType.INVALID_STATE, `A ${r.status} reservation cannot be changed`, { status: r.status });
				const copy = await this.hotelFor(ctx, r.hotelId);
				if (!copy) throw notFound("Hotel", r.hotelId);
				if (!copy.active) throw appError(ErrorType.INVALID_STATE, "This hotel no longer takes bookings: the reservation can only be cancelled");

				const next = { roomTypeId: changes.roomTypeId ?? r.roomTypeId, checkIn: changes.checkIn ?? r.checkIn, checkOut: changes.checkOut ?? r.checkOut, rooms: changes.rooms ?? r.rooms, guests: changes.guests ?? r.guests };
				const rt = roomType(copy, next.roomTypeId);
				if (!rt) throw notFound("Room type", next.roomTypeId);
				const errors: FieldError[] = [...stayDateErrors(next, localDate(copy.hotel.timezone)), ...capacityErrors(rt.capacity, next.guests, next.rooms)];
				if (errors.length) throw validationError(errors);
				const nights = daysBetween(next.checkIn, next.checkOut);
				const unchanged = next.roomTypeId === r.roomTypeId && next.checkIn === r.checkIn && next.checkOut === r.checkOut && next.rooms === r.rooms && next.guests === r.guests;
				if (unchanged) return toPublic(r);
				const current = await this.covering(ctx, copy, next.checkOut);

				try {
					const updated = await this.db.withTx(async t => {
						const cur = await findByCode(this.db, r.code, t, true);
						if (!cur || cur.status !== "confirmed") throw appError(ErrorType.INVALID_STATE, `A ${cur?.status ?? "missing"} reservation cannot be changed`);
						for (const range of toRanges(inventoryDelta(cur, next))) {
							const changed = await shiftNights(this.db, t, cur.hotelId, range.roomTypeId, range.from, range.to, range.delta);
							if (range.delta > 0 && changed !== daysBetween(range.from, range.to)) throw new NightsTaken(range.roomTypeId, range.from, range.to, range.delta);
						}
						const nr: Reservation = {
							...cur, ...next, roomTypeName: rt.name, nights, totalPrice: stayPrice(rt.pricePerNight, nights, next.rooms),
							currency: current.hotel.currency, sequence: cur.sequence + 1, updatedAt: new Date().toISOString(),
						};
						await updateReservation(this.db, t, nr);
						await appendOutbox(this.sequelize, t, makeMessage(Events.RESERVATION_MODIFIED, messageData(nr, current, cur)));
						return nr;
					});
					this.wakeOutboxRelay();
					return toPublic(updated);
				} catch (err) {
					if (err instanceof NightsTaken) throw await this.noAvailability(err, r.hotelId);
					throw err;
				}
			},
		},

		cancel: {
			rest: "POST /reservations/:code/cancel",
			auth: "guest",
			openapi: { summary: "Cancel: frees every night; cancelling again answers the same state", tags: ["reservations"] },
			params: codeParams,
			async handler(this: This, ctx: Context<{ code: string }, AppMeta>): Promise<PublicReservation> {
				const r = await this.reservationFor(ctx, ctx.params.code);
				if (r.status === "cancelled") return toPublic(r);
				if (r.status !== "confirmed") throw appError(ErrorType.INVALID_STATE, `A ${r.status} reservation cannot be cancelled`, { status: r.status });
				const copy = await this.hotelFor(ctx, r.hotelId);
				if (!copy) throw notFound("Hotel", r.hotelId);
				const done = await this.db.withTx(async t => {
					const cur = await findByCode(this.db, r.code, t, true);
					if (!cur || cur.status === "cancelled") return cur ?? r;
					if (cur.status !== "confirmed") throw appError(ErrorType.INVALID_STATE, `A ${cur.status} reservation cannot be cancelled`, { status: cur.status });
					await shiftNights(this.db, t, cur.hotelId, cur.roomTypeId, cur.checkIn, cur.checkOut, -cur.rooms);
					const nr: Reservation = { ...cur, status: "cancelled", sequence: cur.sequence + 1, updatedAt: new Date().toISOString() };
					await updateReservation(this.db, t, nr);
					await appendOutbox(this.sequelize, t, makeMessage(Events.RESERVATION_CANCELLED, messageData(nr, copy)));
					return nr;
				});
				this.wakeOutboxRelay();
				return toPublic(done);
			},
		},

		list: {
			rest: "GET /reservations",
			auth: "admin",
			openapi: { summary: "Reservations with filters; from/to select stays overlapping [from, to)", tags: ["reservations"] },
			params: listParams,
			async handler(this: This, ctx: Context<ListFilters>): Promise<Page<PublicReservation>> {
				const { rows, total } = await listReservations(this.db, ctx.params);
				return pageOf(rows.map(toPublic), total, ctx.params.page, ctx.params.pageSize);
			},
		},

		occupancy: {
			rest: "GET /hotels/:id/occupancy",
			auth: "admin",
			openapi: { summary: "Rooms booked per night and room type over [from, to) (at most 366 days)", tags: ["reservations"] },
			params: occupancyParams,
			async handler(this: This, ctx: Context<{ id: string; from: string; to: string }, AppMeta>): Promise<Occupancy> {
				const { id, from, to } = ctx.params;
				const days = daysBetween(from, to);
				if (days < 1) throw validationError([{ field: "to", message: `The 'to' field must be after 'from' (${from})`, type: "range" }]);
				if (days > MAX_OCCUPANCY_DAYS) throw validationError([{ field: "to", message: `At most ${MAX_OCCUPANCY_DAYS} days (asked ${days})`, type: "range" }]);
				const copy = await this.hotelFor(ctx, id);
				if (!copy) throw notFound("Hotel", id);
				const rows = new Map((await occupancyRows(this.db, id, from, to)).map(r => [`${r.roomTypeId}\u0000${r.night}`, r]));
				const out: Occupancy = { hotelId: id, from, to, days: [] };
				for (let i = 0; i < days; i++) {
					const date = addDays(from, i);
					const roomTypes = copy.hotel.roomTypes.map(rt => {
						const row = rows.get(`${rt.id}\u0000${date}`);
						return { roomTypeId: rt.id, total: row?.total ?? rt.totalRooms, booked: row?.booked ?? 0 };
					});
					const total = roomTypes.reduce((s, r) => s + r.total, 0);
					const booked = roomTypes.reduce((s, r) => s + r.booked, 0);
					out.days.push({ date, occupancy: total ? Math.round((booked / total) * 10_000) / 10_000 : 0, roomTypes });
				}
				return out;
			},
		},

		checkIn: {
			rest: "POST /reservations/:code/check-in",
			auth: "admin",
			openapi: { summary: "confirmed → checked_in, from the arrival date until the departure date (hotel's local date)", tags: ["reservations"] },
			params: codeParams,
			async handler(this: This, ctx: Context<{ code: string }, AppMeta>): Promise<PublicReservation> {
				return this.transition(ctx, "confirmed", "checked_in", (r, today) =>
					today < r.checkIn ? `Check-in opens on ${r.checkIn} (today is ${today} at the hotel)` : today >= r.checkOut ? `The stay ended on ${r.checkOut}` : null);
			},
		},

		checkOut: {
			rest: "POST /reservations/:code/check-out",
			auth: "admin",
			openapi: { summary: "checked_in → checked_out; an early departure frees the nights from today", tags: ["reservations"] },
			params: codeParams,
			async handler(this: This, ctx: Context<{ code: string }, AppMeta>): Promise<PublicReservation> {
				return this.transition(ctx, "checked_in", "checked_out", () => null, (r, today) => (today > r.checkIn ? today : addDays(r.checkIn, 1)));
			},
		},

		noShow: {
			rest: "POST /reservations/:code/no-show",
			auth: "admin",
			openapi: { summary: "confirmed → no_show, from the arrival date; frees the nights from today", tags: ["reservations"] },
			params: codeParams,
			async handler(this: This, ctx: Context<{ code: string }, AppMeta>): Promise<PublicReservation> {
				return this.transition(ctx, "confirmed", "no_show",
					(r, today) => (today < r.checkIn ? `A guest can be marked no-show from the arrival date ${r.checkIn} (today is ${today} at the hotel)` : null),
					(r, today) => (today > r.checkIn ? today : r.checkIn));
			},
		},

		/**
		 * Internal (hotels.update): apply new room-type sizes to future nights, or refuse with 409
		 * INVENTORY_CONFLICT naming the room type and night when booked > new size (a removed type
		 * has size 0). Atomic: all sizes change or none.
		 */
		checkInventoryChange: {
			visibility: "public",
			params: inventoryChangeParams,
			async handler(this: This, ctx: Context<InventoryChange>): Promise<{ ok: true }> {
				const { hotelId } = ctx.params;
				const copy = await this.hotelFor(ctx, hotelId);
				if (!copy) return { ok: true };
				const sizes = new Map(ctx.params.roomTypes.map(r => [r.id, r.totalRooms]));
				const today = localDate(copy.hotel.timezone);
				await this.db.withTx(async t => {
					const locked = (await getCopy(this.db, hotelId, t, true)) ?? copy;
					const present = await this.db.select<{ rt: string }>(`SELECT DISTINCT room_type_id AS rt FROM inventory WHERE hotel_id = :h AND night >= :today`, { h: hotelId, today }, t);
					const ids = [...new Set([...locked.hotel.roomTypes.map(r => r.id), ...present.map(r => r.rt)])].sort();
					for (const rtId of ids) {
						const total = sizes.get(rtId) ?? 0;
						const conflict = await resize(this.db, t, hotelId, rtId, total, today);
						if (conflict) {
							const what = sizes.has(rtId) ? `cannot go down to ${total} room(s)` : "cannot be removed";
							throw appError(ErrorType.INVENTORY_CONFLICT, `Room type '${rtId}' has ${conflict.booked} room(s) booked on ${conflict.night}: it ${what}`,
								{ roomTypeId: rtId, night: conflict.night, booked: conflict.booked, totalRooms: total });
						}
					}
					await saveRoomTypeSizes(this.db, t, locked, sizes);
				});
				this.copyCache.delete(hotelId);
				this.bookingCopies.delete(hotelId);
				return { ok: true };
			},
		},

		/** Internal: learn a hotel now (seed script, tests) instead of waiting for its message. */
		syncHotel: {
			visibility: "public",
			params: { $$strict: true, id: { type: "string", min: 1, max: 64 } },
			async handler(this: This, ctx: Context<{ id: string }>): Promise<{ known: boolean }> {
				const hotel = await ctx.call<Hotel | null, { id: string }>("hotels.resolve", { id: ctx.params.id });
				if (hotel) await this.applyHotel(hotel);
				return { known: !!hotel };
			},
		},
	},

	/** The local copy of hotels: hotels.hotel.* arrive through DurableConsumerMixin → applyHotelMessage. */
	events: {},

	methods: {
		store(this: This): SqlStore {
			return this.db;
		},

		/** The local copy of a hotel, fetched from the hotels service when unknown; inventory covering `coverUntil`. */
		async hotelFor(this: This, ctx: Context | null, id: string, coverUntil?: string): Promise<HotelCopy | null> {
			let copy = await getCopy(this.db, id);
			if (!copy) {
				const hotel = ctx
					? await ctx.call<Hotel | null, { id: string }>("hotels.resolve", { id })
					: await this.broker.call<Hotel | null, { id: string }>("hotels.resolve", { id });
				if (!hotel) return null;
				await this.applyHotel(hotel);
				copy = await getCopy(this.db, id);
			}
			if (copy && coverUntil && (!copy.inventoryUntil || copy.inventoryUntil < coverUntil)) {
				await this.extendInventory(id);
				copy = await getCopy(this.db, id);
			}
			return copy;
		},

		/** The copy again once its inventory reaches `until` (days pass between hourly top-ups). */
		async covering(this: This, ctx: Context, copy: HotelCopy, until: string): Promise<HotelCopy> {
			if (copy.inventoryUntil && copy.inventoryUntil >= until) return copy;
			return (await this.hotelFor(ctx, copy.id, until)) ?? copy;
		},

		async cachedHotel(this: This, ctx: Context, id: string): Promise<HotelCopy> {
			const hit = this.copyCache.get(id);
			if (hit && hit.expires > Date.now()) return hit.copy;
			const copy = await this.bookableHotel(ctx, id);
			if (this.copyCache.size >= COPY_CACHE_SIZE) this.copyCache.clear();
			this.copyCache.set(id, { copy, expires: Date.now() + COPY_CACHE_MS });
			return copy;
		},

		async bookableHotel(this: This, ctx: Context, id: string): Promise<HotelCopy> {
			const copy = await this.hotelFor(ctx, id);
			if (!copy || !copy.active) throw notFound("Hotel", id);
			return copy;
		},

		async applyHotelMessage(this: This, message: DomainMessage<Hotel>): Promise<boolean> {
			const h = message?.data;
			if (!h || typeof h.id !== "string" || typeof h.updatedAt !== "string" || !Array.isArray(h.roomTypes) || typeof h.timezone !== "string") {
				this.logger.warn(`Ignoring a malformed ${message?.event ?? "hotel"} message ${message?.id ?? ""}`);
				return false;
			}
			return this.applyHotel(h);
		},

		/** Apply a hotel version: copy, room-type sizes on future nights, inventory up to the horizon. Idempotent. */
		async applyHotel(this: This, hotel: Hotel): Promise<boolean> {
			const today = localDate(hotel.timezone);
			const until = addDays(today, INVENTORY_HORIZON_DAYS);
			const applied = await this.db.withTx(async t => {
				const cur = await getCopy(this.db, hotel.id, t, true);
				if (!isNewer(hotel, cur)) return false;
				const before = new Map<string, RoomType>((cur?.hotel.roomTypes ?? []).map(r => [r.id, r]));
				for (const rt of hotel.roomTypes) {
					const old = before.get(rt.id);
					if (!old || old.totalRooms !== rt.totalRooms) {
						const conflict = await resize(this.db, t, hotel.id, rt.id, rt.totalRooms, today);
						if (conflict) this.logger.warn(`Hotel ${hotel.id}: room type '${rt.id}' keeps ${conflict.booked} booked on ${conflict.night}, above its new size ${rt.totalRooms}.`);
					}
					const from = old && cur?.inventoryUntil && cur.inventoryUntil > today ? cur.inventoryUntil : today;
					if (from < until) await createNights(this.db, t, hotel.id, rt.id, rt.totalRooms, from, until);
				}
				await saveCopy(this.db, t, hotel, until);
				return true;
			});
			this.copyCache.delete(hotel.id);
			this.bookingCopies.delete(hotel.id);
			return applied;
		},

		/** Inventory rows up to the horizon for a known hotel (days pass; run hourly and on demand). */
		async extendInventory(this: This, id: string): Promise<void> {
			await this.db.withTx(async t => {
				const cur = await getCopy(this.db, id, t, true);
				if (!cur) return;
				const today = localDate(cur.hotel.timezone);
				const until = addDays(today, INVENTORY_HORIZON_DAYS);
				if (cur.inventoryUntil && cur.inventoryUntil >= until) return;
				const from = cur.inventoryUntil && cur.inventoryUntil > today ? cur.inventoryUntil : today;
				for (const rt of cur.hotel.roomTypes) await createNights(this.db, t, id, rt.id, rt.totalRooms, from, until);
				await this.db.exec(`UPDATE hotel_copies SET inventory_until = :until WHERE id = :id`, { id, until }, t);
			});
		},

		availabilityOf(copy: HotelCopy, stay: Stay, free: Map<string, FreeRooms> | undefined): RoomAvailability[] {
			const nights = daysBetween(stay.checkIn, stay.checkOut);
			return copy.hotel.roomTypes
				.filter(rt => fits(rt.capacity, stay.guests, stay.rooms))
				.map(rt => {
					const f = free?.get(rt.id);
					return {
						roomTypeId: rt.id, name: rt.name, capacity: rt.capacity,
						available: f && f.nights === nights ? Math.max(0, f.free) : 0,
						pricePerNight: rt.pricePerNight, totalPrice: stayPrice(rt.pricePerNight, nights, stay.rooms), currency: copy.hotel.currency,
					};
				});
		},

		/** A guest token opens its own reservation only; an admin opens any. Returns the normalised code. */
		authorizeCode(ctx: Context<unknown, AppMeta>, raw: string): string {
			const code = normalizeCode(raw);
			const user = ctx.meta.user;
			if (user?.role === "admin") return code;
			if (user?.role === "guest" && user.code === code) return code;
			throw appError(ErrorType.FORBIDDEN, "This token does not open this reservation");
		},

		async reservationFor(this: This, ctx: Context<unknown, AppMeta>, raw: string): Promise<Reservation> {
			const code = this.authorizeCode(ctx, raw);
			const r = await findByCode(this.db, code);
			if (!r) throw notFound("Reservation", code);
			return r;
		},

		async book(this: This, ctx: Context<CreateParams, AppMeta>, key: string | undefined): Promise<Booked> {
			const p = ctx.params;
			for (let attempt = 1; ; attempt++) {
				// The copy gives names, prices and the time zone (inventory is the truth). It comes from
				// memory; the booking statement itself checks that it is still the current, active version.
				const copy = await this.bookingCopy(ctx, p.hotelId);
				const rt = roomType(copy, p.roomTypeId);
				if (!rt) throw notFound("Room type", p.roomTypeId);
				const errors = [...stayDateErrors(p, localDate(copy.hotel.timezone)), ...capacityErrors(rt.capacity, p.guests, p.rooms)];
				if (errors.length) throw validationError(errors);
				const current = await this.covering(ctx, copy, p.checkOut);
				if (current !== copy) this.bookingCopies.set(current.id, current);
				const nights = daysBetween(p.checkIn, p.checkOut);
				const now = new Date().toISOString();
				const guest: Guest = { name: p.guest.name, email: p.guest.email.toLowerCase(), locale: p.guest.locale || "en" };
				if (p.guest.phone) guest.phone = p.guest.phone;
				const outcome = await bookStay(this.db, () => {
					const r: Reservation = {
						id: crypto.randomUUID(), code: newCode(), status: "confirmed", hotelId: p.hotelId, hotelName: current.hotel.name,
						roomTypeId: rt.id, roomTypeName: rt.name, checkIn: p.checkIn, checkOut: p.checkOut, nights, rooms: p.rooms, guests: p.guests,
						guest, totalPrice: stayPrice(rt.pricePerNight, nights, p.rooms), currency: current.hotel.currency, sequence: 0, createdAt: now, updatedAt: now,
					};
					const answer: Booked = { ...toPublic(r), guestToken: signGuestToken(r.code, this.cfg.jwtSecret) };
					return { reservation: r, message: makeMessage(Events.RESERVATION_CONFIRMED, messageData(r, current)), hotelVersion: current.updatedAt, key, answer };
				});
				if (outcome === "stale") {
					// Another version (or a deactivation) reached the store: read it again (404 when inactive).
					this.bookingCopies.delete(p.hotelId);
					this.copyCache.delete(p.hotelId);
					if (attempt < 3) continue;
					throw appError(ErrorType.INVALID_STATE, "The hotel changed while booking; retry");
				}
				if (outcome === "short") throw await this.noAvailability(new NightsTaken(rt.id, p.checkIn, p.checkOut, p.rooms), p.hotelId);
				this.wakeOutboxRelay(); // publish now rather than at the next poll
				const body = outcome.answer as Booked;
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/reservations/${body.code}`;
				return body;
			}
		},

		/** The hotel copy bookings price with, from memory (validated by the booking statement), else the store. */
		async bookingCopy(this: This, ctx: Context, id: string): Promise<HotelCopy> {
			const hit = this.bookingCopies.get(id);
			if (hit) return hit;
			const copy = await this.bookableHotel(ctx, id);
			if (this.bookingCopies.size >= COPY_CACHE_SIZE) this.bookingCopies.clear();
			this.bookingCopies.set(id, copy);
			return copy;
		},

		async noAvailability(this: This, e: NightsTaken, hotelId: string): Promise<Error> {
			const short = await firstShortNight(this.db, hotelId, e.roomTypeId, e.from, e.to, e.rooms).catch(() => null);
			const where = short ? ` on ${short.night} (${short.available} free)` : "";
			return appError(ErrorType.NO_AVAILABILITY, `Not enough '${e.roomTypeId}' rooms for every night of the stay${where}`,
				{ roomTypeId: e.roomTypeId, rooms: e.rooms, night: short?.night, available: short?.available });
		},

		/** Admin status change with a date rule; optionally gives back the nights from `releaseFrom` on. */
		async transition(this: This, ctx: Context<{ code: string }, AppMeta>, from: Status, to: Status, rule: (r: Reservation, today: string) => string | null, releaseFrom?: (r: Reservation, today: string) => string): Promise<PublicReservation> {
			const r = await this.reservationFor(ctx, ctx.params.code);
			const copy = await this.hotelFor(ctx, r.hotelId);
			const today = localDate(copy?.hotel.timezone ?? "UTC");
			const done = await this.db.withTx(async t => {
				const cur = (await findByCode(this.db, r.code, t, true)) ?? r;
				if (cur.status !== from) throw appError(ErrorType.INVALID_STATE, `Cannot go from ${cur.status} to ${to} (only from ${from})`, { status: cur.status });
				const broken = rule(cur, today);
				if (broken) throw appError(ErrorType.INVALID_STATE, broken, { status: cur.status, today });
				const release = releaseFrom?.(cur, today);
				if (release && release < cur.checkOut) await shiftNights(this.db, t, cur.hotelId, cur.roomTypeId, release, cur.checkOut, -cur.rooms);
				const nr: Reservation = { ...cur, status: to, updatedAt: new Date().toISOString() };
				await updateReservation(this.db, t, nr);
				return nr;
			});
			return toPublic(done);
		},

		/** Periodic: purge old idempotency keys, extend inventory as days pass. */
		async maintenance(this: This): Promise<void> {
			await purgeKeys(this.db);
			for (const c of await allCopies(this.db)) {
				if (this.stopping) return;
				const until = addDays(localDate(c.hotel.timezone), INVENTORY_HORIZON_DAYS);
				if (!c.inventoryUntil || c.inventoryUntil < until) await this.extendInventory(c.id);
			}
		},

		/** Start-up catch-up: hotels whose messages were missed (e.g. created before this node ran). */
		async syncFromHotels(this: This): Promise<void> {
			// Our own wait: it ends as soon as this service stops (tests, restarts).
			const up = () => !!this.broker.registry.getActionEndpoints("hotels.list")?.hasAvailable();
			for (let i = 0; i < 240 && !this.stopping && !up(); i++) await new Promise(resolve => setTimeout(resolve, 250).unref());
			if (this.stopping || !up()) return;
			for (let page = 1; !this.stopping; page++) {
				const res = await this.broker.call<Page<Hotel>, { page: number; pageSize: number }>("hotels.list", { page, pageSize: 100 });
				for (const h of res.rows) {
					if (this.stopping) return;
					const cur = await getCopy(this.db, h.id);
					if (!cur || cur.updatedAt < h.updatedAt) await this.applyHotel(h);
				}
				if (page >= res.totalPages) break;
			}
		},
	},

	created(this: This) {
		this.cfg = loadConfig();
		this.timers = [];
		this.stopping = false;
		this.copyCache = new Map();
		this.bookingCopies = new Map();
	},

	async started(this: This) {
		// moleculer-db has connected and SqlDbMixin has migrated by now.
		this.db = new SqlStore(this.sequelize);
		await this.db.tune();
		const quiet = (what: string) => (err: unknown) => { if (!this.stopping) this.logger.warn(`${what} failed:`, (err as Error).message); };
		this.timers.push(setInterval(() => { this.maintenance().catch(quiet("Maintenance")); }, ADMIN_TASK_INTERVAL_MS));
		for (const t of this.timers) t.unref();
		void this.syncFromHotels()
			.catch(quiet("Catching up with the hotels service"))
			.then(() => (this.stopping ? undefined : this.maintenance()))
			.catch(quiet("Maintenance"));
	},

	async stopped(this: This) {
		this.stopping = true;
		for (const t of this.timers) clearInterval(t);
	},
};

export default ReservationsService;
