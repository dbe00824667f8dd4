/**
 * The reservations service's internal actions (no route: other services, the gateway's streams,
 * scripts and tests call them over the broker), spread into its actions.
 */
import type { Context } from "moleculer";
import type { Hotel } from "../hotels/domain";
import type { AppConfig } from "../../lib/config";
import { currentCounts, type AvailabilityChanged } from "./availability-feed";
import type { SqlStore } from "./db";
import type { HotelCopies } from "./hotel-copies";
import { checkSizes } from "./inventory";
import { inventoryChangeParams, liveAvailabilityParams } from "./params";
import { addDays, localDate } from "./stay";

interface InternalThis {
	db: SqlStore;
	copies: HotelCopies;
	cfg: AppConfig;
}

export const internalActions = {
	/**
	 * Internal (hotels.update, before it saves): read-only. 409 INVENTORY_CONFLICT naming the
	 * room type and night when a future night has more booked than its new size (a removed
	 * type has size 0). The sizes themselves arrive with the hotel's message (applyHotelMessage).
	 */
	checkInventoryChange: {
		visibility: "public" as const,
		params: inventoryChangeParams,
		async handler(this: InternalThis, ctx: Context<{ hotelId: string; roomTypes: { id: string; totalRooms: number }[] }>): Promise<{ ok: true }> {
			const copy = await this.copies.get(ctx.params.hotelId, { pull: false });
			if (copy) await checkSizes(this.db, copy.id, new Map(ctx.params.roomTypes.map(r => [r.id, r.totalRooms])), localDate(copy.hotel.timezone));
			return { ok: true };
		},
	},

	/** Internal (gateway streams, a resume beyond their buffer): the current counts of the hotels' nights from yesterday (UTC) on. */
	liveAvailability: {
		visibility: "public" as const,
		params: liveAvailabilityParams,
		async handler(this: InternalThis, ctx: Context<{ hotelIds: string[]; days?: number }>): Promise<AvailabilityChanged[]> {
			return currentCounts(this.db, ctx.params.hotelIds, addDays(new Date().toISOString().slice(0, 10), -1), ctx.params.days ?? this.cfg.streams.snapshotDays);
		},
	},

	/** Internal: learn a hotel now (seed script, tests) instead of waiting for its message. */
	syncHotel: {
		visibility: "public" as const,
		params: { $$strict: true, id: { type: "string", min: 1, max: 64 } },
		async handler(this: InternalThis, ctx: Context<{ id: string }>): Promise<{ known: boolean }> {
			const hotel = await ctx.call<Hotel | null, { id: string }>("hotels.resolve", { id: ctx.params.id });
			if (hotel) await this.copies.apply(hotel);
			return { known: !!hotel };
		},
	},
};
