/**
 * The live availability feed's coalescing at the source (services/reservations/availability-feed.ts):
 * marks merged per room type, one flush per interval, a failed flush kept for the next, one
 * bus message per flush (split beyond MAX_CHANGES_PER_MESSAGE changes).
 */
import {
	AVAILABILITY_CHANGED, AvailabilityFeed, DirtyNights, MAX_CHANGES_PER_MESSAGE, appendChanges, mergeRanges, toBatches, toChanges,
	type AvailabilityChanged, type NightsRange,
} from "../../services/reservations/availability-feed";
import type { SqlStore } from "../../services/reservations/db";
import { waitFor } from "../helpers/wait";

describe("availability feed", () => {
	it("merges overlapping and touching ranges, drops empty ones", () => {
		expect(mergeRanges([["2030-01-05", "2030-01-07"], ["2030-01-01", "2030-01-03"], ["2030-01-03", "2030-01-04"], ["2030-01-06", "2030-01-09"], ["2030-01-10", "2030-01-10"]]))
			.toEqual([["2030-01-01", "2030-01-04"], ["2030-01-05", "2030-01-09"]]);
	});

	it("keeps marks per (hotel, room type) and forgets them once taken", () => {
		const d = new DirtyNights();
		for (let i = 0; i < 100; i++) d.mark("h1", "double", "2030-01-01", "2030-01-03");
		d.mark("h1", "single", "2030-01-02", "2030-01-03");
		d.mark("h2", "double", "2030-01-02", "2030-01-04");
		d.mark("h2", "double", "2030-01-04", "2030-01-05");
		expect(d.take()).toEqual([
			{ hotelId: "h1", roomTypeId: "double", from: "2030-01-01", to: "2030-01-03" },
			{ hotelId: "h1", roomTypeId: "single", from: "2030-01-02", to: "2030-01-03" },
			{ hotelId: "h2", roomTypeId: "double", from: "2030-01-02", to: "2030-01-05" },
		]);
		expect(d.size).toBe(0);
		expect(d.take()).toEqual([]);
	});

	it("groups counts into one change per room type, nights in date order, never below 0", () => {
		expect(toChanges([
			{ hotelId: "h", roomTypeId: "d", night: "2030-01-02", available: 1 },
			{ hotelId: "h", roomTypeId: "s", night: "2030-01-01", available: -1 },
			{ hotelId: "h", roomTypeId: "d", night: "2030-01-01", available: 2 },
		])).toEqual([
			{ hotelId: "h", roomTypeId: "d", nights: [{ date: "2030-01-01", available: 2 }, { date: "2030-01-02", available: 1 }] },
			{ hotelId: "h", roomTypeId: "s", nights: [{ date: "2030-01-01", available: 0 }] },
		]);
	});

	it("batches a flush's changes into messages of at most MAX_CHANGES_PER_MESSAGE changes", () => {
		const changes: AvailabilityChanged[] = Array.from({ length: 2 * MAX_CHANGES_PER_MESSAGE + 1 }, (_, i) => ({ hotelId: `h${i % 7}`, roomTypeId: `rt${i}`, nights: [{ date: "2030-01-01", available: i }] }));
		const batches = toBatches(changes);
		expect(batches.map(b => b.changes.length)).toEqual([MAX_CHANGES_PER_MESSAGE, MAX_CHANGES_PER_MESSAGE, 1]);
		expect(batches.flatMap(b => b.changes)).toEqual(changes);
		expect(toBatches([])).toEqual([]);
		expect(toBatches(changes.slice(0, 3))).toEqual([{ changes: changes.slice(0, 3) }]);
	});

	it("appends one message per flush (not per room type) with one INSERT", async () => {
		const execs: { sql: string; r: Record<string, unknown> }[] = [];
		const db = { exec: async (sql: string, r: Record<string, unknown>) => { execs.push({ sql, r }); } } as unknown as SqlStore;
		const changes: AvailabilityChanged[] = [
			{ hotelId: "h1", roomTypeId: "double", nights: [{ date: "2030-01-01", available: 2 }] },
			{ hotelId: "h1", roomTypeId: "single", nights: [{ date: "2030-01-01", available: 0 }] },
			{ hotelId: "h2", roomTypeId: "double", nights: [{ date: "2030-01-02", available: 5 }] },
		];
		const messages = await appendChanges(db, changes);
		expect(messages).toHaveLength(1);
		expect(messages[0]).toMatchObject({ event: AVAILABILITY_CHANGED, data: { changes } });
		expect(execs).toHaveLength(1);
		expect(JSON.parse(execs[0].r.p0 as string)).toMatchObject({ id: messages[0].id, data: { changes } });
		expect(execs[0].r.p1).toBeUndefined();
		expect(await appendChanges(db, [])).toEqual([]);
		expect(execs).toHaveLength(1);
	});

	it("a burst of marks makes one flush per interval with the merged ranges; nothing marked, nothing flushed", async () => {
		const flushes: NightsRange[][] = [];
		const appended: number[] = [];
		const feed = new AvailabilityFeed({ intervalMs: 30, flush: async r => { flushes.push(r); return r.length; }, appended: n => appended.push(n) });
		for (let i = 0; i < 500; i++) feed.mark("h", "double", `2030-01-0${1 + (i % 3)}`, `2030-01-0${2 + (i % 3)}`);
		expect(flushes).toHaveLength(0); // nothing on the commit path
		await waitFor("a flush", () => flushes.length === 1, 2_000, 5);
		expect(flushes[0]).toEqual([{ hotelId: "h", roomTypeId: "double", from: "2030-01-01", to: "2030-01-04" }]);
		expect(appended).toEqual([1]);
		feed.mark("h", "double", "2030-02-01", "2030-02-02");
		await waitFor("a second flush", () => flushes.length === 2, 2_000, 5);
		await feed.stop();
		expect(flushes).toHaveLength(2);
	});

	it("a failed flush keeps its ranges for the next one; stop() flushes what is left", async () => {
		let fail = true;
		const flushes: NightsRange[][] = [];
		const errors: string[] = [];
		const feed = new AvailabilityFeed({ intervalMs: 10_000, flush: async r => { if (fail) throw new Error("db down"); flushes.push(r); return r.length; }, onError: e => errors.push(e.message) });
		feed.mark("h", "double", "2030-01-01", "2030-01-02");
		await feed.flush();
		expect(errors).toEqual(["db down"]);
		fail = false;
		feed.mark("h", "double", "2030-01-02", "2030-01-03");
		await feed.stop();
		expect(flushes).toEqual([[{ hotelId: "h", roomTypeId: "double", from: "2030-01-01", to: "2030-01-03" }]]);
		feed.mark("h", "double", "2030-01-05", "2030-01-06");
		await feed.flush();
		expect(flushes).toHaveLength(1);
	});
});
