/**
 * Group commit: callers add one item each and wait; the items that arrive while the previous
 * flush runs (or within the same turn of the event loop) are written together by one flush —
 * one SQL statement for many messages instead of one round trip each. Under light load a
 * batch holds one item and waits for nothing; under heavy load batches grow by themselves.
 *
 *   const inserts = new Batcher<Row>(rows => insertMany(db, rows), { max: 200 });
 *   await inserts.add(row); // resolves once the statement holding this row has committed
 *
 * One flush runs at a time, in arrival order. A flush that throws rejects every caller of that
 * batch (each decides what to do: a consumer's message is then retried by the bus).
 */
interface Pending<T> { item: T; resolve: () => void; reject: (err: unknown) => void }

export class Batcher<T> {
	private queue: Pending<T>[] = [];
	private running = false;

	constructor(private readonly flush: (items: T[]) => Promise<void>, private readonly opts: { max: number } = { max: 200 }) {}

	add(item: T): Promise<void> {
		return new Promise<void>((resolve, reject) => {
			this.queue.push({ item, resolve, reject });
			if (!this.running) {
				this.running = true;
				setImmediate(() => void this.drain());
			}
		});
	}

	/** Items waiting for a flush (metrics, tests). */
	get waiting(): number {
		return this.queue.length;
	}

	private async drain(): Promise<void> {
		while (this.queue.length) {
			const batch = this.queue.splice(0, this.opts.max);
			try {
				await this.flush(batch.map(p => p.item));
				for (const p of batch) p.resolve();
			} catch (err) {
				for (const p of batch) p.reject(err);
			}
		}
		this.running = false;
	}
}
