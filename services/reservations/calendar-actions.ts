/**
 * The calendar routes (SPEC §9), spread into the reservations service's actions: thin
 * handlers over calendar.ts. Both need the `rates.edit` permission (the gateway checks the
 * metadata; the handler checks it again on the hotel concerned): the calendar is the rates
 * tool, front-desk staff read availability through occupancy and reservations instead.
 */
import { jsonAnswer } from "../../lib/raw-json";
import type { Context } from "moleculer";
import { assertHotelAccess } from "../../lib/access";
import { auditMessage } from "../../lib/audit";
import { notFound } from "../../lib/errors";
import type { AppMeta } from "../../types/moleculer";
import { applyUpdates, planUpdates, readCalendar, MAX_CALENDAR_DAYS, type Calendar, type CalendarUpdate } from "./calendar";
import type { SqlStore } from "./db";
import type { HotelCopies } from "./hotel-copies";
import { calendarParams, calendarUpdateParams } from "./params";
import { daysBetween, refuseInvalid } from "./stay";

interface CalendarThis {
	db: SqlStore;
	copies: HotelCopies;
	feed: { mark(hotelId: string, roomTypeId: string, from: string, to: string): void };
	wakeOutboxRelay?(): void;
}

type CalendarQuery = { id: string; from: string; to: string; roomTypeId?: string; ratePlanId?: string };

export const calendarActions = {
	calendar: {
		rest: "GET /hotels/:id/calendar",
		auth: "admin" as const,
		permission: "rates.edit" as const,
		openapi: { summary: "Prices, restrictions and inventory per room type × rate plan × night over [from, to) (at most 366 days)", tags: ["rates"] },
		params: calendarParams,
		async handler(this: CalendarThis, ctx: Context<CalendarQuery, AppMeta>): Promise<Calendar> {
			const p = ctx.params;
			assertHotelAccess(ctx.meta.user, "rates.edit", p.id);
			const days = daysBetween(p.from, p.to);
			refuseInvalid(days < 1 ? [{ field: "to", message: `The 'to' field must be after 'from' (${p.from})`, type: "range", actual: p.to }]
				: days > MAX_CALENDAR_DAYS ? [{ field: "to", message: `At most ${MAX_CALENDAR_DAYS} days (asked ${days})`, type: "range", actual: p.to }] : []);
			const copy = await this.copies.get(p.id, { ctx });
			if (!copy) throw notFound("Hotel", p.id);
			return jsonAnswer(ctx, await readCalendar(this.db, copy.hotel, p.from, p.to, p));
		},
	},

	updateCalendar: {
		rest: "PUT /hotels/:id/calendar",
		auth: "admin" as const,
		permission: "rates.edit" as const,
		openapi: { summary: "Bulk calendar update (ranges, weekday masks; all updates or none); answers the cells matched", tags: ["rates"] },
		params: calendarUpdateParams,
		async handler(this: CalendarThis, ctx: Context<{ id: string; updates: CalendarUpdate[] }, AppMeta>): Promise<{ changedNights: number }> {
			const { id, updates } = ctx.params;
			assertHotelAccess(ctx.meta.user, "rates.edit", id);
			const copy = await this.copies.get(id, { ctx });
			if (!copy) throw notFound("Hotel", id);
			const { planned, errors, cells } = planUpdates(copy.hotel, updates);
			refuseInvalid(errors);
			// The audit entry records the bulk update as asked (a range, not every cell's old value).
			const audit = auditMessage("reservations", ctx, "calendar.update", { type: "calendar", id, hotelId: id }, { updates: [null, updates], changedNights: [null, cells] });
			const overbooked = await applyUpdates(this.db, copy.hotel, planned, audit);
			this.wakeOutboxRelay?.();
			// Availability moved only where overbookLimit changed: the live feed announces those nights.
			for (const o of overbooked) this.feed.mark(id, o.roomTypeId, o.from, o.to);
			return { changedNights: cells };
		},
	},
};
