/**
 * The report routes (SPEC §12), spread into the reservations service's actions: thin handlers
 * over reports.ts (the manager's daily figures, JSON or CSV) and desk.ts (the front desk's day).
 * The gateway checks the permission metadata; the handler checks it again on the hotel
 * concerned (another hotel answers 404).
 */
import { jsonAnswer } from "../../lib/raw-json";
import type { Context } from "moleculer";
import { assertHotelAccess } from "../../lib/access";
import { notFound } from "../../lib/errors";
import { rules } from "../../mixins/validation.mixin";
import type { AppMeta } from "../../types/moleculer";
import type { SqlStore } from "./db";
import { deskDay, type Today } from "./desk";
import type { HotelCopies } from "./hotel-copies";
import { buildReport, reportCsv, reportRangeErrors, reportSums, wantsCsv, type DailyReport } from "./reports";
import { localDate, refuseInvalid } from "./stay";

interface ReportThis {
	db: SqlStore;
	copies: HotelCopies;
	clock: () => Date;
}

export const reportParams = { $$strict: true, id: rules.id, from: rules.date, to: rules.date, format: { type: "enum", values: ["json", "csv"], optional: true } };
export const todayParams = { $$strict: true, id: rules.id };

type ReportQuery = { id: string; from: string; to: string; format?: "json" | "csv" };

async function hotelCopy(self: ReportThis, id: string, ctx: Context<unknown, AppMeta>) {
	const copy = await self.copies.get(id, { ctx });
	if (!copy) throw notFound("Hotel", id);
	return copy;
}

export const reportActions = {
	dailyReport: {
		rest: "GET /hotels/:id/reports/daily",
		auth: "admin" as const,
		permission: "reports.view" as const,
		openapi: {
			summary: "Per-day figures over [from, to) (at most 366 days): rooms available and sold, occupancy, room revenue, ADR, RevPAR, arrivals, departures, cancellations, no-shows and their fees, bookings made; weighted totals. CSV with `Accept: text/csv` or `format=csv`",
			tags: ["reports"],
		},
		params: reportParams,
		async handler(this: ReportThis, ctx: Context<ReportQuery, AppMeta>): Promise<DailyReport | string> {
			const { id, from, to, format } = ctx.params;
			assertHotelAccess(ctx.meta.user, "reports.view", id);
			refuseInvalid(reportRangeErrors(from, to));
			const copy = await hotelCopy(this, id, ctx);
			const report = buildReport(copy, from, to, await reportSums(this.db, id, from, to, copy.hotel.timezone));
			if (!wantsCsv(format, ctx.meta.accept)) return jsonAnswer(ctx, report);
			ctx.meta.$responseType = "text/csv; charset=utf-8";
			ctx.meta.$responseHeaders = { "Content-Disposition": `attachment; filename="report-${id}-${from}-${to}.csv"` };
			return reportCsv(report);
		},
	},

	today: {
		rest: "GET /hotels/:id/today",
		auth: "admin" as const,
		permission: "reservations.view" as const,
		openapi: { summary: "The front desk's day: arrivals, in-house and departures of the hotel's local today, with guest names, codes and the actions each allows", tags: ["reports"] },
		params: todayParams,
		async handler(this: ReportThis, ctx: Context<{ id: string }, AppMeta>): Promise<Today> {
			assertHotelAccess(ctx.meta.user, "reservations.view", ctx.params.id);
			const copy = await hotelCopy(this, ctx.params.id, ctx);
			return deskDay(this.db, copy, localDate(copy.hotel.timezone, this.clock()));
		},
	},
};
