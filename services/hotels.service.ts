/**
 * hotels: hotels and their room types (SPEC §3 Hotels). MongoDB or NeDB via DocumentDbMixin.
 * Publishes hotels.hotel.created|updated|deactivated durably: each change's message is pushed
 * onto the hotel document by the same write (lib/outbox.ts, document outbox) and relayed by
 * OutboxRelayMixin, in order per hotel.
 */
import type { Context, Service, ServiceSchema } from "moleculer";
import { DocumentDbMixin } from "../mixins/db.mixin";
import OutboxRelayMixin, { type RelayMethods } from "../mixins/outbox.mixin";
import ValidationMixin, { pageOf, type Page } from "../mixins/validation.mixin";
import { loadConfig } from "../lib/config";
import { notFound, validationError } from "../lib/errors";
import { Events, makeMessage, type EventName } from "../lib/events";
import { documentOutboxStore, newWithOutbox, withOutbox, type DocumentAdapter } from "../lib/outbox";
import type { AppMeta } from "../types/moleculer";
import { assertHotelAccess, assertPermission, hasPermission, hotelScope, inScope, isStaff } from "../lib/access";
import { auditMessage, changesOf } from "../lib/audit";
import type { DomainMessage } from "../lib/events";
import {
	assignRoomTypeIds, inventoryChanges, listQuery, newHotelId, sortFields, toPublic, withKeys,
	PUBLIC_FIELDS, type Hotel, type HotelDoc, type ListFilters, type NewHotel, type SortKey,
} from "./hotels/domain";
import { createParams, idParams, listParams, patchParams } from "./hotels/params";
import { ratePlanErrors } from "./hotels/rate-plans";
import { DEMO_HOTELS } from "./hotels/demo-data";

interface HotelsSettings {
	fields: string[];
	idField: string;
}

interface HotelsMethods {
	findHotel(id: string, includeInactive: boolean): Promise<HotelDoc | null>;
	saveNew(ctx: Context | null, input: NewHotel, id?: string): Promise<Hotel>;
	seedDemo(): Promise<number>;
	isAdmin(ctx: Context<unknown, AppMeta>): boolean;
	saveChange(id: string, next: Hotel, event: EventName, audit?: DomainMessage): Promise<Hotel>;
	auditOf(ctx: Context<unknown, AppMeta> | null, action: string, before: Hotel | null, after: Hotel): DomainMessage;
}

interface DocAdapter {
	find(opts: { query?: unknown; sort?: string[]; limit?: number; offset?: number }): Promise<HotelDoc[]>;
	findOne(query: unknown): Promise<HotelDoc | null>;
	count(opts?: { query?: unknown }): Promise<number>;
	insert(doc: unknown): Promise<HotelDoc>;
	updateById(id: string, update: unknown): Promise<HotelDoc | null>;
}

interface HotelsThis extends Service<HotelsSettings>, HotelsMethods, Pick<RelayMethods, "wakeOutboxRelay"> {
	adapter: DocAdapter;
}

type ListParams = ListFilters & { page: number; pageSize: number; sort?: SortKey };
type PatchParams = Partial<NewHotel> & { id: string; active?: boolean };

const HotelsService: ServiceSchema<HotelsSettings, HotelsMethods, Record<string, unknown>, HotelsThis> = {
	name: "hotels",
	mixins: [
		// Before DocumentDbMixin: the relay starts once the store is connected and stops before it closes.
		OutboxRelayMixin({ store: svc => ((svc.adapter as { db?: unknown } | undefined)?.db ? documentOutboxStore(svc.adapter as unknown as DocumentAdapter) : null) }),
		DocumentDbMixin("hotels", {
			indexes: [
				{ fields: { active: 1, cityKey: 1, nameKey: 1 } },
				{ fields: { active: 1, stars: -1, nameKey: 1 } },
				{ fields: { active: 1, createdAt: -1 } },
				{ fields: { active: 1, amenities: 1 } },
				// The relay finds the hotels with pending messages (the flag exists only on those).
				{ fields: { outboxPending: 1 }, options: { sparse: true } },
			],
		}),
		ValidationMixin,
	],

	settings: {
		idField: "id",
		fields: PUBLIC_FIELDS,
	},

	actions: {
		list: {
			rest: "GET /hotels",
			auth: "public",
			openapi: { summary: "List active hotels with filters, text query, sort and pages", tags: ["hotels"] },
			params: listParams,
			async handler(this: HotelsThis, ctx: Context<ListParams, AppMeta>): Promise<Page<Hotel>> {
				const p = ctx.params;
				// Public for everyone; a staff caller scoped to some hotels sees those only (SPEC §11:
				// lists show the caller's hotels), inactive ones too for staff who edit hotels.
				const scope = isStaff(ctx.meta.user) ? hotelScope(ctx.meta.user) : null;
				const withInactive = !!p.includeInactive && this.isAdmin(ctx);
				const query = scope !== null
					? { $and: [listQuery({ ...p, includeInactive: withInactive }), { _id: { $in: scope } }] }
					: listQuery({ ...p, includeInactive: withInactive });
				const [rows, total] = await Promise.all([
					this.adapter.find({ query, sort: sortFields(p.sort), limit: p.pageSize, offset: (p.page - 1) * p.pageSize }),
					this.adapter.count({ query }),
				]);
				return pageOf(rows.map(toPublic), total, p.page, p.pageSize);
			},
		},

		get: {
			rest: "GET /hotels/:id",
			auth: "public",
			openapi: { summary: "One hotel (inactive ones for admins only)", tags: ["hotels"] },
			params: idParams,
			async handler(this: HotelsThis, ctx: Context<{ id: string }, AppMeta>): Promise<Hotel> {
				const doc = await this.findHotel(ctx.params.id, isStaff(ctx.meta.user) && inScope(ctx.meta.user, ctx.params.id));
				if (!doc) throw notFound("Hotel", ctx.params.id);
				return toPublic(doc);
			},
		},

		/** Internal: a hotel whatever its state, for services that keep a copy (reservations). */
		resolve: {
			visibility: "public",
			params: idParams,
			async handler(this: HotelsThis, ctx: Context<{ id: string }>): Promise<Hotel | null> {
				const doc = await this.findHotel(ctx.params.id, true);
				return doc ? toPublic(doc) : null;
			},
		},

		create: {
			rest: "POST /hotels",
			auth: "admin",
			permission: "hotels.create",
			openapi: { summary: "Create a hotel", status: 201, tags: ["hotels"] },
			params: createParams,
			async handler(this: HotelsThis, ctx: Context<NewHotel, AppMeta>): Promise<Hotel> {
				assertPermission(ctx.meta.user, "hotels.create");
				const planErrors = ratePlanErrors({ ...ctx.params, roomTypes: assignRoomTypeIds(ctx.params.roomTypes) });
				if (planErrors.length) throw validationError(planErrors);
				const hotel = await this.saveNew(ctx, ctx.params);
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/hotels/${hotel.id}`;
				return hotel;
			},
		},

		update: {
			rest: "PATCH /hotels/:id",
			auth: "admin",
			permission: "hotels.edit",
			openapi: { summary: "Change a hotel; `roomTypes` replaces the list", tags: ["hotels"] },
			params: patchParams,
			async handler(this: HotelsThis, ctx: Context<PatchParams, AppMeta>): Promise<Hotel> {
				const { id, ...changes } = ctx.params;
				assertHotelAccess(ctx.meta.user, "hotels.edit", id);
				if (Object.keys(changes).length === 0)
					throw validationError([{ field: "body", message: "Nothing to change: send at least one field", type: "required" }]);
				const current = await this.findHotel(id, true);
				if (!current) throw notFound("Hotel", id);

				const next: Hotel = { ...toPublic(current), ...changes, roomTypes: changes.roomTypes ? assignRoomTypeIds(changes.roomTypes) : current.roomTypes, updatedAt: new Date().toISOString() } as Hotel;
				// Plans refer to room types: a PATCH of either is checked against the hotel it makes.
				const planErrors = ratePlanErrors(next);
				if (planErrors.length) throw validationError(planErrors);
				if (changes.roomTypes) {
					const cuts = inventoryChanges(current.roomTypes, next.roomTypes);
					if (cuts.length > 0) {
						// Reservations owns the inventory: it refuses (409 INVENTORY_CONFLICT) a cut below what is booked.
						await ctx.call("reservations.checkInventoryChange", {
							hotelId: id,
							roomTypes: next.roomTypes.map(r => ({ id: r.id, totalRooms: r.totalRooms })),
						});
					}
				}
				return this.saveChange(id, next, next.active ? Events.HOTEL_UPDATED : Events.HOTEL_DEACTIVATED, this.auditOf(ctx, "hotel.update", toPublic(current), next));
			},
		},

		deactivate: {
			rest: "DELETE /hotels/:id",
			auth: "admin",
			permission: "hotels.edit",
			openapi: { summary: "Deactivate a hotel: no longer listed or bookable; reservations stay valid", status: 204, tags: ["hotels"] },
			params: idParams,
			async handler(this: HotelsThis, ctx: Context<{ id: string }, AppMeta>): Promise<null> {
				assertHotelAccess(ctx.meta.user, "hotels.edit", ctx.params.id);
				const current = await this.findHotel(ctx.params.id, true);
				if (!current) throw notFound("Hotel", ctx.params.id);
				if (current.active) {
					const next = { ...toPublic(current), active: false, updatedAt: new Date().toISOString() };
					await this.saveChange(ctx.params.id, next, Events.HOTEL_DEACTIVATED, this.auditOf(ctx, "hotel.deactivate", toPublic(current), next));
				}
				ctx.meta.$statusCode = 204;
				return null;
			},
		},

		/** Internal: load the demo hotels (idempotent). Used by `npm run seed`. */
		seed: {
			visibility: "public",
			async handler(this: HotelsThis): Promise<{ created: number }> {
				return { created: await this.seedDemo() };
			},
		},
	},

	methods: {
		/** Staff who edit hotels see inactive ones (of their hotels: callers check the scope). */
		isAdmin(ctx: Context<unknown, AppMeta>): boolean {
			return hasPermission(ctx.meta.user, "hotels.edit");
		},

		/** The audit entry of a hotel write (SPEC §11), stored with the change. */
		auditOf(ctx: Context<unknown, AppMeta> | null, action: string, before: Hotel | null, after: Hotel): DomainMessage {
			return auditMessage("hotels", ctx, action, { type: "hotel", id: after.id, hotelId: after.id }, changesOf(before, after, { ignore: ["createdAt"] }));
		},

		/** The new version, its message and its audit entry in one document write (the document outbox). */
		async saveChange(this: HotelsThis, id: string, next: Hotel, event: EventName, audit?: DomainMessage): Promise<Hotel> {
			const { id: _id, ...doc } = withKeys(next);
			const change = makeMessage(event, toPublic({ ...next, id }));
			const saved = await this.adapter.updateById(id, withOutbox(doc, audit ? [change, audit] : change));
			if (!saved) throw notFound("Hotel", id);
			this.wakeOutboxRelay();
			return toPublic({ ...saved, id });
		},

		async findHotel(this: HotelsThis, id: string, includeInactive: boolean): Promise<HotelDoc | null> {
			const doc = await this.adapter.findOne({ _id: id });
			if (!doc || (!includeInactive && !doc.active)) return null;
			return { ...doc, id };
		},

		async saveNew(this: HotelsThis, ctx: Context | null, input: NewHotel, id = newHotelId()): Promise<Hotel> {
			const now = new Date().toISOString();
			const hotel: Hotel = {
				...input,
				id,
				amenities: input.amenities ?? [],
				photos: input.photos ?? [],
				roomTypes: assignRoomTypeIds(input.roomTypes),
				active: true,
				createdAt: now,
				updatedAt: now,
			};
			const { id: _id, ...doc } = withKeys(hotel);
			const saved = await this.adapter.insert(newWithOutbox({ _id: id, ...doc }, [makeMessage(Events.HOTEL_CREATED, toPublic(hotel)), this.auditOf(ctx as Context<unknown, AppMeta> | null, "hotel.create", null, toPublic(hotel))]));
			this.wakeOutboxRelay();
			return toPublic({ ...saved, id });
		},

		async seedDemo(this: HotelsThis): Promise<number> {
			let created = 0;
			for (const { id, ...demo } of DEMO_HOTELS) {
				if (await this.adapter.findOne({ _id: id })) continue;
				await this.saveNew(null, demo, id);
				created++;
			}
			this.logger.info(`Demo hotels: ${created} created, ${DEMO_HOTELS.length - created} already there.`);
			return created;
		},

		/**
		 * Called when the store is empty: demo hotels on the embedded shape's first start only
		 * (never into a production MongoDB unless SEED_DEMO=true; `npm run seed` works anywhere).
		 */
		async seedDB(this: HotelsThis & { storeKind: string }): Promise<void> {
			const flag = loadConfig().seedDemo;
			if (flag === "false" || (flag === "auto" && this.storeKind === "mongo")) return;
			await this.seedDemo();
		},
	},
};

export default HotelsService;
