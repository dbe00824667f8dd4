import { Batcher } from "../../lib/batcher";

describe("Batcher (group commit)", () => {
	it("writes the items added in the same turn with one flush, in order", async () => {
		const flushes: number[][] = [];
		const b = new Batcher<number>(async items => { flushes.push(items); }, { max: 100 });
		await Promise.all([1, 2, 3].map(n => b.add(n)));
		expect(flushes).toEqual([[1, 2, 3]]);
	});

	it("collects what arrives during a flush into the next one, never more than max at once", async () => {
		const flushes: number[][] = [];
		let release!: () => void;
		const gate = new Promise<void>(r => { release = r; });
		const b = new Batcher<number>(async items => {
			flushes.push(items);
			if (flushes.length === 1) await gate;
		}, { max: 2 });
		const first = b.add(0);
		await new Promise(r => setImmediate(r)); // the first flush is running
		const rest = [1, 2, 3, 4, 5].map(n => b.add(n));
		expect(b.waiting).toBe(5);
		release();
		await Promise.all([first, ...rest]);
		expect(flushes).toEqual([[0], [1, 2], [3, 4], [5]]);
		expect(b.waiting).toBe(0);
	});

	it("rejects only the callers of a batch whose flush failed, and goes on", async () => {
		let calls = 0;
		const b = new Batcher<string>(async () => {
			if (++calls === 1) throw new Error("database away");
		});
		const failed = Promise.all([b.add("a"), b.add("b")]);
		await expect(failed).rejects.toThrow("database away");
		await expect(b.add("c")).resolves.toBeUndefined();
		expect(calls).toBe(2);
	});
});
