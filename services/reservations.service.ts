/**
 * reservations: per-night inventory, availability, search, bookings that never oversell,
 * idempotency keys and the outbox of reservation messages (SPEC §3, §4, §5).
 * PostgreSQL when RESERVATIONS_DB_URL is set, SQLite under DATA_DIR otherwise (SqlDbMixin).
 *
 * Handlers only wire requests to the modules in reservations/: booking.ts (the booking and its
 * retry loop), modify.ts, lifecycle.ts + fees.ts (status transitions and their fees),
 * idempotency.ts, hotel-copies.ts (the local copy of hotels), inventory.ts, calendar.ts +
 * offers.ts + pricing.ts + restrictions.ts (rates), views.ts, reports.ts, no-show-job.ts,
 * availability-feed.ts (the live feed). Route groups live beside them and are spread in:
 * status-actions.ts, calendar-actions.ts, report-actions.ts, internal-actions.ts.
 * docs/inventory.md, docs/rates.md and docs/policies.md explain the model.
 */
import type { Context, Service, ServiceSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import { SqlDbMixin } from "../mixins/db.mixin";
import OutboxRelayMixin, { type RelayMethods } from "../mixins/outbox.mixin";
import ValidationMixin, { pageOf, type Page } from "../mixins/validation.mixin";
import { loadConfig, type AppConfig } from "../lib/config";
import { signGuestToken } from "../lib/auth";
import { assertHotelAccess, listScope } from "../lib/access";
import { ErrorType, notFound } from "../lib/errors";
import type { DomainMessage } from "../lib/events";
import { AppMetric, countMetric, registerAppMetrics } from "../lib/metrics";
import type { AppMeta } from "../types/moleculer";
import type { Hotel } from "./hotels/domain";
import { SqlStore } from "./reservations/db";
import { bookStay, type Booked, type BookingRequest } from "./reservations/booking";
import { migrations } from "./reservations/migrations";
import { jsonAnswer } from "../lib/raw-json";
import { storeFeed, type AvailabilityFeed } from "./reservations/availability-feed";
import { activeCopy, HotelCopies, isHotelDocument } from "./reservations/hotel-copies";
import { purgeKeys, withIdempotencyKey } from "./reservations/idempotency";
import { freeRoomsByHotel, noAvailability, occupancyRows } from "./reservations/inventory";
import { ratesByHotel, stayFigures } from "./reservations/calendar";
import { calendarActions } from "./reservations/calendar-actions";
import { internalActions } from "./reservations/internal-actions";
import { statusActions, type CodeCtx } from "./reservations/status-actions";
import { reportActions } from "./reservations/report-actions";
import { changeStatus, type Action } from "./reservations/lifecycle";
import { requestedWaiver } from "./reservations/fees";
import { NoShowJob } from "./reservations/no-show-job";
import { modifyReservation, type Changes } from "./reservations/modify";
import { findForGuest, listReservations, reservationFor, toPublic, RESERVATION_MODEL, type ListFilters, type PublicReservation } from "./reservations/repository";
import { earliestToday, fits, localDate, refuseInvalid, stayDateErrors, type Stay } from "./reservations/stay";
import { availability, occupancy, occupancyRangeErrors, searchPage, takesCheckIn, type Availability, type Occupancy, type SearchResult } from "./reservations/views";
import { availabilityParams, codeParams, createParams, listParams, lookupParams, occupancyParams, searchParams, updateParams } from "./reservations/params";

/** Purge old idempotency keys and extend inventory as days pass. */
const MAINTENANCE_INTERVAL_MS = 10 * 60_000;

interface Methods {
	applyHotelMessage(message: DomainMessage<Hotel>): Promise<boolean>;
	book(ctx: Context<BookingRequest, AppMeta>, key: string | undefined): Promise<Booked>;
	changeStatus(ctx: CodeCtx, action: Action): Promise<PublicReservation>;
	maintenance(): Promise<void>;
	syncFromHotels(): Promise<void>;
}
interface Vars {
	cfg: AppConfig;
	db: SqlStore;
	copies: HotelCopies;
	sequelize: Sequelize;
	timer: NodeJS.Timeout | null;
	stopping: boolean;
	feed: AvailabilityFeed;
	noShowJob: NoShowJob;
	/** The instant of status changes and the no-show job's deadlines (tests move it). */
	clock: () => Date;
}
type This = Service & Methods & Vars & Pick<RelayMethods, "wakeOutboxRelay">;

const ReservationsService: ServiceSchema<Record<string, unknown>, Methods, Vars, This> = {
	name: "reservations",
	mixins: [
		// Before SqlDbMixin (docs/messaging.md): the relay starts once the store is connected.
		OutboxRelayMixin(),
		SqlDbMixin({ name: "reservations", url: cfg => cfg.reservationsDbUrl, model: RESERVATION_MODEL, migrations }),
		ValidationMixin,
	],

	settings: {},

	actions: {
		availability: {
			rest: "GET /hotels/:id/availability",
			auth: "public",
			openapi: { summary: "Room types of a hotel that fit the guests, with the rooms free on every night and the price", tags: ["availability"] },
			params: availabilityParams,
			async handler(this: This, ctx: Context<Stay & { id: string }, AppMeta>): Promise<Availability> {
				const p = ctx.params;
				// The copy in memory, checked by the figures' own statement (its stamp): re-read only when another version is stored.
				let copy = activeCopy(p.id, await this.copies.get(p.id, { maxAgeMs: Infinity, ctx }));
				refuseInvalid(stayDateErrors(p, localDate(copy.hotel.timezone)));
				for (let attempt = 1; ; attempt++) {
					copy = await this.copies.cover(copy, p.checkOut);
					const types = copy.hotel.roomTypes.filter(rt => fits(rt.capacity, p.guests, p.rooms)).map(rt => rt.id);
					const { free, rates, stamp } = await stayFigures(this.db, p.id, types, p.checkIn, p.checkOut);
					const current = activeCopy(p.id, await this.copies.current(copy, stamp, ctx));
					if (current === copy || attempt === 2) return jsonAnswer(ctx, availability(copy, p, free, rates));
					copy = current;
				}
			},
		},

		search: {
			rest: "GET /search",
			auth: "public",
			openapi: { summary: "Hotels of a city with a room type free for the whole stay, cheapest first", tags: ["availability"] },
			params: searchParams,
			async handler(this: This, ctx: Context<Stay & { city: string; page: number; pageSize: number }, AppMeta>): Promise<Page<SearchResult>> {
				const p = ctx.params;
				// Refuse what is in the past everywhere, then keep the hotels whose own today allows it.
				refuseInvalid(stayDateErrors(p, earliestToday()));
				const copies = [];
				for (const c of await this.copies.inCity(p.city)) if (takesCheckIn(c, p.checkIn)) copies.push(await this.copies.cover(c, p.checkOut));
				const ids = copies.map(c => c.id);
				const [free, rates] = await Promise.all([freeRoomsByHotel(this.db, ids, p.checkIn, p.checkOut), ratesByHotel(this.db, ids, p.checkIn, p.checkOut)]);
				return jsonAnswer(ctx, searchPage(copies, p, free, p.page, p.pageSize, rates));
			},
		},

		create: {
			rest: "POST /reservations",
			auth: "public",
			openapi: { summary: "Book rooms for a stay (optional Idempotency-Key header); answers the reservation and a guest token", status: 201, tags: ["reservations"] },
			params: createParams,
			async handler(this: This, ctx: Context<BookingRequest, AppMeta>): Promise<Booked> {
				const booked = await withIdempotencyKey(this.db, ctx, key => this.book(ctx, key),
					err => this.logger.warn("Could not release an idempotency key:", err.message));
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/reservations/${booked.code}`;
				return booked;
			},
		},

		lookup: {
			rest: "POST /reservations/lookup",
			auth: "public",
			rateLimit: "auth",
			openapi: { summary: "Find a reservation by code and email (rate limited); answers it with a guest token", tags: ["reservations"] },
			params: lookupParams,
			async handler(this: This, ctx: Context<{ code: string; email: string }>): Promise<{ reservation: PublicReservation; guestToken: string }> {
				const r = await findForGuest(this.db, ctx.params.code, ctx.params.email);
				return { reservation: toPublic(r), guestToken: signGuestToken(r.code, this.cfg.jwtSecret) };
			},
		},

		get: {
			rest: "GET /reservations/:code",
			auth: "guest",
			permission: "reservations.view",
			openapi: { summary: "One reservation (its guest token, or staff of its hotel)", tags: ["reservations"] },
			params: codeParams,
			async handler(this: This, ctx: CodeCtx): Promise<PublicReservation> {
				return toPublic(await reservationFor(this.db, ctx.meta.user, ctx.params.code));
			},
		},

		update: {
			rest: "PATCH /reservations/:code",
			auth: "guest",
			permission: "reservations.manage",
			openapi: { summary: "Change dates, rooms, guests or room type; moves only the nights that change; a refused change leaves everything as it was", tags: ["reservations"] },
			params: updateParams,
			async handler(this: This, ctx: Context<Changes & { code: string }, AppMeta>): Promise<PublicReservation> {
				const { code, ...changes } = ctx.params;
				let before: PublicReservation | null = null;
				const done = await modifyReservation(this.db, changes, {
					reservation: async () => (before = await reservationFor(this.db, ctx.meta.user, code, "reservations.manage")),
					copy: (hotelId, until) => this.copies.get(hotelId, { ctx, coverUntil: until }),
				}, ctx).catch(err => {
					if ((err as { type?: string }).type === ErrorType.NO_AVAILABILITY) countMetric(this.broker, AppMetric.SOLD_OUTS);
					throw err;
				});
				if (done.changed) {
					this.wakeOutboxRelay();
					for (const r of [before as PublicReservation | null, done.reservation]) if (r) this.feed.mark(r.hotelId, r.roomTypeId, r.checkIn, r.checkOut);
				}
				return toPublic(done.reservation);
			},
		},

		list: {
			rest: "GET /reservations",
			auth: "admin",
			permission: "reservations.view",
			openapi: { summary: "Reservations of the caller's hotels with filters; from/to select stays overlapping [from, to)", tags: ["reservations"] },
			params: listParams,
			async handler(this: This, ctx: Context<ListFilters, AppMeta>): Promise<Page<PublicReservation>> {
				const { rows, total } = await listReservations(this.db, { ...ctx.params, hotelIds: listScope(ctx.meta.user, "reservations.view", ctx.params.hotelId) });
				return pageOf(rows.map(toPublic), total, ctx.params.page, ctx.params.pageSize);
			},
		},

		occupancy: {
			rest: "GET /hotels/:id/occupancy",
			auth: "admin",
			permission: "reports.view",
			openapi: { summary: "Rooms booked per night and room type over [from, to) (at most 366 days)", tags: ["reservations"] },
			params: occupancyParams,
			async handler(this: This, ctx: Context<{ id: string; from: string; to: string }, AppMeta>): Promise<Occupancy> {
				const { id, from, to } = ctx.params;
				assertHotelAccess(ctx.meta.user, "reports.view", id);
				refuseInvalid(occupancyRangeErrors(from, to));
				const copy = await this.copies.get(id, { ctx });
				if (!copy) throw notFound("Hotel", id);
				return occupancy(copy, from, to, await occupancyRows(this.db, id, from, to));
			},
		},

		...calendarActions,
		...reportActions,

		...statusActions,
		...internalActions,
	},

	/** The local copy of hotels: every hotels.hotel.* message, at most once per message id. */
	consumers: { hotels: { events: ["hotels.hotel.*"], group: "reservations", dedupe: "record", async handler(message) { await this.applyHotelMessage(message); } } },

	methods: {
		/** Idempotent: a version older than the one held is ignored (false), as is a malformed message. */
		async applyHotelMessage(this: This, message: DomainMessage<Hotel>): Promise<boolean> {
			if (!isHotelDocument(message?.data)) {
				this.logger.warn(`Ignoring a malformed ${message?.event ?? "hotel"} message ${message?.id ?? ""}`);
				return false;
			}
			return this.copies.apply(message.data);
		},

		async book(this: This, ctx: Context<BookingRequest, AppMeta>, key: string | undefined): Promise<Booked> {
			const p = ctx.params;
			const booked = await bookStay(this.db, this.copies, ctx, p, key, code => signGuestToken(code, this.cfg.jwtSecret));
			if (booked === "short") {
				countMetric(this.broker, AppMetric.SOLD_OUTS);
				throw await noAvailability(this.db, p.hotelId, p.roomTypeId, p.checkIn, p.checkOut, p.rooms);
			}
			countMetric(this.broker, AppMetric.BOOKINGS);
			this.wakeOutboxRelay(); // publish now rather than at the next poll
			this.feed.mark(p.hotelId, p.roomTypeId, p.checkIn, p.checkOut);
			return booked.answer;
		},

		/** A status change of the lifecycle table (cancel, check-in, check-out, no-show). */
		async changeStatus(this: This, ctx: CodeCtx, action: Action): Promise<PublicReservation> {
			const r = await reservationFor(this.db, ctx.meta.user, ctx.params.code, "reservations.manage");
			const waive = requestedWaiver(ctx.params, ctx.meta.user, r.hotelId);
			const copy = await this.copies.get(r.hotelId, { ctx });
			const now = this.clock();
			const done = await changeStatus(this.db, r, action, copy, localDate(copy?.hotel.timezone ?? "UTC", now), { now, ctx, waive });
			if (done.announced) this.wakeOutboxRelay();
			if (done.reservation.status !== r.status) this.feed.mark(r.hotelId, r.roomTypeId, r.checkIn, r.checkOut);
			return toPublic(done.reservation);
		},

		async maintenance(this: This): Promise<void> {
			await purgeKeys(this.db);
			await this.copies.extendAll(() => this.stopping);
		},

		/** Start-up catch-up (repair path): hotels whose messages this store missed. */
		async syncFromHotels(this: This): Promise<void> {
			// Our own wait: it ends as soon as this service stops (tests, restarts).
			const up = () => !!this.broker.registry.getActionEndpoints("hotels.list")?.hasAvailable();
			for (let i = 0; i < 240 && !this.stopping && !up(); i++) await new Promise(resolve => setTimeout(resolve, 250).unref());
			if (this.stopping || !up()) return;
			await this.copies.catchUp(page => this.broker.call<Page<Hotel>, { page: number; pageSize: number }>("hotels.list", { page, pageSize: 100 }), () => this.stopping);
		},
	},

	created(this: This) {
		this.cfg = loadConfig();
		this.clock = () => new Date();
		this.timer = null;
		this.stopping = false;
		this.feed = storeFeed(() => this.db, {
			intervalMs: this.cfg.streams.flushMs,
			appended: () => this.wakeOutboxRelay(),
			onError: err => { if (!this.stopping) this.logger.warn("Availability feed:", err.message); },
		});
	},

	async started(this: This) {
		// moleculer-db has connected and SqlDbMixin has migrated by now.
		this.db = new SqlStore(this.sequelize);
		await this.db.tune();
		this.copies = new HotelCopies(this.db, (id, ctx) => (ctx ?? this.broker).call<Hotel | null, { id: string }>("hotels.resolve", { id }), this.logger,
			(hotelId, roomTypeId, from, to) => this.feed.mark(hotelId, roomTypeId, from, to));
		registerAppMetrics(this.broker, [AppMetric.BOOKINGS, AppMetric.SOLD_OUTS]);
		// autoNoShow (reservations/no-show-job.ts): one node at a time through a lease in this store.
		this.noShowJob = new NoShowJob({
			db: this.db, node: this.broker.nodeID, logger: this.logger,
			marked: r => { this.wakeOutboxRelay(); this.feed.mark(r.hotelId, r.roomTypeId, r.checkIn, r.checkOut); },
		});
		this.noShowJob.clock = () => this.clock();
		this.noShowJob.start();
		const quiet = (what: string) => (err: unknown) => { if (!this.stopping) this.logger.warn(`${what} failed:`, (err as Error).message); };
		this.timer = setInterval(() => { this.maintenance().catch(quiet("Maintenance")); }, MAINTENANCE_INTERVAL_MS).unref();
		void this.syncFromHotels()
			.catch(quiet("Catching up with the hotels service"))
			.then(() => (this.stopping ? undefined : this.maintenance()))
			.catch(quiet("Maintenance"));
	},

	async stopped(this: This) {
		await this.noShowJob?.stop();
		await this.feed.stop(); // the relay (a mixin) stops after this
		this.stopping = true;
		if (this.timer) clearInterval(this.timer);
	},
};

export default ReservationsService;
