/**
 * The document outbox (lib/outbox.ts) on moleculer-db's MemoryAdapter (NeDB in memory): the
 * message is pushed by the same update as the change, claimed once, pulled after delivery, and
 * a message pushed meanwhile keeps the document pending.
 */
import DbService from "moleculer-db";
import { documentOutboxStore, newWithOutbox, withOutbox, type DocumentAdapter } from "../../lib/outbox";
import { Events, makeMessage } from "../../lib/events";

interface Adapter extends DocumentAdapter {
	connect(): Promise<void>;
	findOne(q: unknown): Promise<Record<string, unknown> | null>;
	insert(doc: unknown): Promise<unknown>;
	updateById(id: string, update: unknown): Promise<Record<string, unknown> | null>;
}

async function memoryAdapter(): Promise<Adapter> {
	const a = new DbService.MemoryAdapter() as unknown as Adapter & { init(b: unknown, s: unknown): void };
	a.init({}, {});
	await a.connect();
	return a;
}

const msg = (n: number) => makeMessage(Events.HOTEL_UPDATED, { id: "h1", n });

describe("document outbox on the in-memory adapter (NeDB)", () => {
	it("writes the change and its message in one update, claims it once, and clears the document after delivery", async () => {
		const a = await memoryAdapter();
		const store = documentOutboxStore(a);
		await a.insert(newWithOutbox({ _id: "h1", name: "A" }, msg(0)));
		const saved = await a.updateById("h1", withOutbox({ name: "B" }, msg(1)));
		expect(saved).toMatchObject({ name: "B", outboxPending: true });
		expect((saved?.outbox as { data: { n: number } }[]).map(m => m.data.n)).toEqual([0, 1]);

		const claimed = await store.claim(10, 30_000, null);
		expect(claimed.map(c => (c.message.data as { n: number }).n)).toEqual([0, 1]);
		expect(claimed.every(c => c.key === "h1")).toBe(true);
		// Another relay (here: the same store again) finds the document claimed.
		expect(await documentOutboxStore(a).claim(10, 30_000, null)).toEqual([]);
		expect(await store.stats(10)).toMatchObject({ pending: 2, parked: 0 });

		await store.delivered(claimed.map(c => c.id));
		const doc = await a.findOne({ _id: "h1" });
		expect(doc).toMatchObject({ _id: "h1", name: "B" });
		for (const f of ["outbox", "outboxPending", "outboxClaimedUntil"]) expect(doc).not.toHaveProperty(f);
		expect(await store.claim(10, 30_000, null)).toEqual([]);
		expect(await store.stats(10)).toEqual({ pending: 0, parked: 0, oldest: null });
	});

	it("keeps a message pushed while the earlier ones were being delivered", async () => {
		const a = await memoryAdapter();
		const store = documentOutboxStore(a);
		await a.insert(newWithOutbox({ _id: "h1", name: "A" }, msg(0)));
		const claimed = await store.claim(10, 30_000, null);
		await a.updateById("h1", withOutbox({ name: "C" }, msg(2)));
		await store.delivered(claimed.map(c => c.id));
		const doc = await a.findOne({ _id: "h1" });
		expect(doc).toMatchObject({ outboxPending: true });
		expect((doc?.outbox as { data: { n: number } }[]).map(m => m.data.n)).toEqual([2]);
		const next = await store.claim(10, 30_000, null);
		expect(next.map(c => (c.message.data as { n: number }).n)).toEqual([2]);
	});

	it("holds a failed document until its retry time, counts attempts, parks and replays", async () => {
		const a = await memoryAdapter();
		const store = documentOutboxStore(a);
		await a.insert(newWithOutbox({ _id: "h1" }, msg(0)));
		const [m] = await store.claim(10, 30_000, 2);
		await store.failed([{ id: m.id, error: "consumer failed", counts: true, retryAt: new Date(Date.now() + 60_000) }]);
		expect(await store.claim(10, 30_000, 2)).toEqual([]); // not before its retry time
		const later = new Date(Date.now() + 61_000);
		const [again] = await store.claim(10, 30_000, 2, later);
		expect(again.attempts).toBe(1);
		await store.failed([{ id: again.id, error: "consumer failed", counts: true, retryAt: later }]);
		expect(await store.claim(10, 30_000, 2, new Date(later.getTime() + 1))).toEqual([]); // parked: 2 attempts
		expect(await store.stats(2)).toMatchObject({ pending: 1, parked: 1 });
		expect(await store.replay(2)).toBe(1);
		expect(await store.claim(10, 30_000, 2)).toHaveLength(1);
	});
});
