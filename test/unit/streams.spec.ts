/**
 * The gateway's stream hub (services/api/streams.ts) with fake sinks: coalescing per hotel,
 * event ids and Last-Event-ID resume, hotel isolation, staff events, limits, heartbeats, close;
 * availability messages as batches `{ changes }` and in the former single-change shape.
 */
import { availabilityChanges, parseEventId, parseHotelIds, StreamHub, type AvailabilityChange, type HubOptions } from "../../services/api/streams";
import { makeMessage, type EventName } from "../../lib/events";
import { waitFor } from "../helpers/wait";

class Sink {
	chunks: string[] = [];
	ended = false;
	writableLength = 0;
	write(c: string) { this.chunks.push(c); return true; }
	end() { this.ended = true; }
	get text() { return this.chunks.join(""); }
	events(kind = "availability") {
		return this.text.split("\n\n").filter(b => b.includes(`event: ${kind}`)).map(b => ({
			id: /^id: (.*)$/m.exec(b)?.[1], data: JSON.parse(/^data: (.*)$/m.exec(b)![1]) as AvailabilityChange,
		}));
	}
}

const OPTS: HubOptions = { coalesceMs: 40, heartbeatMs: 60_000, maxPerClient: 2, maxHotels: 3, bufferPerHotel: 3 };
const change = (hotelId: string, roomTypeId: string, date: string, available: number) =>
	makeMessage("reservations.availability.changed" as EventName, { hotelId, roomTypeId, nights: [{ date, available }] });
/** The batched message of one source flush. */
const batch = (...changes: [string, string, string, number][]) =>
	makeMessage("reservations.availability.changed" as EventName, { changes: changes.map(([hotelId, roomTypeId, date, available]) => ({ hotelId, roomTypeId, nights: [{ date, available }] })) });

describe("stream hub", () => {
	let hub: StreamHub;
	let snapshots: string[][];
	beforeEach(() => {
		snapshots = [];
		hub = new StreamHub(OPTS, async ids => { snapshots.push(ids); return ids.map(hotelId => ({ hotelId, roomTypeId: "double", nights: [{ date: "2030-01-01", available: 9 }] })); });
	});
	afterEach(() => hub.closeAll());

	it("parses hotelIds (422 when missing, too many or malformed) and event ids", () => {
		expect(parseHotelIds("a, b,a", 3)).toEqual(["a", "b"]);
		expect(() => parseHotelIds("", 3)).toThrow(/required/);
		expect(() => parseHotelIds("a,b,c,d", 3)).toThrow(/At most 3/);
		expect(() => parseHotelIds("a,b c", 3)).toThrow(/not a hotel id/);
		expect(parseEventId("ab12-42")).toEqual({ epoch: "ab12", seq: 42 });
		expect(parseEventId("nonsense")).toBeNull();
	});

	it("sends the first change of a quiet hotel at once, coalesces the rest into one batch per interval, latest count wins", async () => {
		const s = new Sink();
		await hub.open(s, { ip: "1", hotelIds: ["h1"] });
		hub.onMessage(change("h1", "double", "2030-01-01", 5));
		expect(s.events()).toHaveLength(1);
		for (let i = 4; i >= 1; i--) hub.onMessage(change("h1", "double", "2030-01-01", i));
		hub.onMessage(change("h1", "single", "2030-01-02", 7));
		expect(s.events()).toHaveLength(1);
		await waitFor("the coalesced batch", () => s.events().length === 3, 1_000, 5);
		const [, d, single] = s.events();
		expect(d.data).toEqual({ hotelId: "h1", roomTypeId: "double", nights: [{ date: "2030-01-01", available: 1 }] });
		expect(single.data.roomTypeId).toBe("single");
		expect(parseEventId(single.id)!.seq).toBeGreaterThan(parseEventId(d.id)!.seq);
	});

	it("reads the batch shape and the former single-change shape; ignores anything else", () => {
		const c = { hotelId: "h", roomTypeId: "d", nights: [{ date: "2030-01-01", available: 1 }] };
		expect(availabilityChanges({ changes: [c, c] })).toEqual([c, c]);
		expect(availabilityChanges(c)).toEqual([c]);
		expect(availabilityChanges(null)).toEqual([]);
		expect(availabilityChanges("x")).toEqual([]);
		expect(availabilityChanges({ other: 1 })).toEqual([]);
	});

	it("splits a batch into §13 events per room type, per hotel, coalesced as single changes are", async () => {
		const a = new Sink();
		const b = new Sink();
		await hub.open(a, { ip: "1", hotelIds: ["h1"] });
		await hub.open(b, { ip: "2", hotelIds: ["h2"] });
		hub.onMessage(batch(["h1", "double", "2030-01-01", 5], ["h2", "double", "2030-01-01", 3], ["h1", "single", "2030-01-02", 2], ["h1", "double", "2030-01-02", 4]));
		// A quiet hotel's whole batch goes out at once: one event per room type, §13's shape.
		expect(a.events().map(e => e.data)).toEqual([
			{ hotelId: "h1", roomTypeId: "double", nights: [{ date: "2030-01-01", available: 5 }, { date: "2030-01-02", available: 4 }] },
			{ hotelId: "h1", roomTypeId: "single", nights: [{ date: "2030-01-02", available: 2 }] },
		]);
		expect(b.events().map(e => e.data)).toEqual([{ hotelId: "h2", roomTypeId: "double", nights: [{ date: "2030-01-01", available: 3 }] }]);
		// Within the interval: the next batches (and an old-shape message) coalesce, latest count wins.
		hub.onMessage(batch(["h1", "double", "2030-01-01", 4]));
		hub.onMessage(change("h1", "double", "2030-01-01", 3));
		hub.onMessage(batch(["h1", "double", "2030-01-01", 2], ["h9", "double", "2030-01-01", 1]));
		expect(a.events()).toHaveLength(2);
		await waitFor("the coalesced batch", () => a.events().length === 3, 1_000, 5);
		expect(a.events()[2].data).toEqual({ hotelId: "h1", roomTypeId: "double", nights: [{ date: "2030-01-01", available: 2 }] });
		expect(b.events()).toHaveLength(1);
		expect(Object.keys(a.events()[0].data).sort()).toEqual(["hotelId", "nights", "roomTypeId"]);
	});

	it("a stream of one hotel gets nothing of another; staff streams get reservation messages", async () => {
		const a = new Sink();
		const b = new Sink();
		const staff = new Sink();
		const staffOfH2 = new Sink();
		await hub.open(a, { ip: "1", hotelIds: ["h1"] });
		await hub.open(b, { ip: "2", hotelIds: ["h2"] });
		await hub.open(staff, { ip: "3", hotelIds: [], staff: true });
		await hub.open(staffOfH2, { ip: "3", hotelIds: ["h2"], staff: true });
		hub.onMessage(change("h1", "double", "2030-01-01", 5));
		hub.onMessage(makeMessage("reservations.reservation.confirmed", { reservation: { code: "X", hotelId: "h1" }, hotel: { id: "h1" } }));
		expect(staffOfH2.events("reservation")).toHaveLength(0);
		expect(a.events()).toHaveLength(1);
		expect(b.events()).toHaveLength(0);
		expect(staff.events()).toHaveLength(0);
		expect(staff.events("reservation")[0].data).toMatchObject({ event: "reservations.reservation.confirmed" });
		expect(a.events("reservation")).toHaveLength(0);
	});

	it("Last-Event-ID of this hub replays what followed; older than the buffer or foreign → current counts", async () => {
		const first = new Sink();
		await hub.open(first, { ip: "1", hotelIds: ["h1"] });
		hub.onMessage(change("h1", "double", "2030-01-01", 5));
		const lastId = first.events()[0].id!;
		hub.onMessage(change("h1", "double", "2030-01-02", 4));
		await waitFor("second batch", () => first.events().length === 2, 1_000, 5);

		const resumed = new Sink();
		await hub.open(resumed, { ip: "2", hotelIds: ["h1"], lastEventId: lastId });
		expect(resumed.events().map(e => e.data.nights[0])).toEqual([{ date: "2030-01-02", available: 4 }]);
		expect(snapshots).toEqual([]);

		const foreign = new Sink();
		await hub.open(foreign, { ip: "3", hotelIds: ["h1", "h9"], lastEventId: "zzz-1" });
		expect(snapshots).toEqual([["h1", "h9"]]);
		expect(foreign.events()).toHaveLength(2);

		// Four more batches: the buffer (3) no longer holds what followed lastId.
		for (let i = 0; i < 4; i++) {
			hub.onMessage(change("h1", "double", `2030-02-0${i + 1}`, i));
			await waitFor("batch", () => first.events().length === 3 + i, 1_000, 5);
		}
		const late = new Sink();
		await hub.open(late, { ip: "4", hotelIds: ["h1"], lastEventId: lastId });
		expect(snapshots).toHaveLength(2);
		expect(late.events()[0].data.nights).toEqual([{ date: "2030-01-01", available: 9 }]);
	});

	it("a hotel followed by nobody builds no events; a later resume for it gets the current counts", async () => {
		let clock = 1_000;
		const timed = new StreamHub(OPTS, async ids => { snapshots.push(ids); return []; }, () => clock);
		const s = new Sink();
		const st = await timed.open(s, { ip: "1", hotelIds: ["h1"] });
		timed.onMessage(change("h1", "double", "2030-01-01", 5));
		const lastId = s.events()[0].id!;
		timed.close(st);
		clock += OPTS.coalesceMs; // the next change is past the coalescing window: flushed at once
		timed.onMessage(change("h1", "double", "2030-01-01", 4));
		const again = new Sink();
		await timed.open(again, { ip: "2", hotelIds: ["h1"], lastEventId: lastId });
		expect(snapshots).toEqual([["h1"]]);
		timed.closeAll();
	});

	it("limits streams per client (429), writes heartbeats, closes every stream on stop", async () => {
		const quick = new StreamHub({ ...OPTS, heartbeatMs: 20 }, async () => []);
		const s1 = new Sink();
		const s2 = new Sink();
		const st1 = await quick.open(s1, { ip: "9", hotelIds: ["h"] });
		await quick.open(s2, { ip: "9", hotelIds: ["h"] });
		expect(() => quick.admit("9")).toThrow(/At most 2/);
		quick.admit("10");
		quick.close(st1);
		quick.admit("9");
		await waitFor("a heartbeat", () => s2.text.includes(": heartbeat"), 1_000, 5);
		quick.closeAll();
		expect(s1.ended && s2.ended).toBe(true);
		expect(quick.size).toBe(0);
		expect(() => quick.admit("11")).toThrow(/stopping/);
	});

	it("drops a stream whose client stopped reading", async () => {
		const slow = new Sink();
		await hub.open(slow, { ip: "1", hotelIds: ["h1"] });
		slow.writableLength = 2 << 20;
		hub.onMessage(change("h1", "double", "2030-01-01", 5));
		expect(slow.ended).toBe(true);
		expect(hub.size).toBe(0);
	});
});
