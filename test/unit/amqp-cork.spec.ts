import { PassThrough, Writable } from "stream";
import { corkAmqpWrites } from "../../lib/amqp-cork";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Mux } = require("amqplib/lib/mux") as { Mux: new (out: Writable) => { pipeFrom(r: PassThrough): void } };

/**
 * A socket stand-in that records each write the kernel would see (write or writev). Like an idle
 * TCP socket, it writes at once: uncorked, every write() is its own syscall.
 */
function socket() {
	const syscalls: Buffer[][] = [];
	const out = new Writable({
		highWaterMark: 1024,
		write(chunk: Buffer, _enc, cb) { syscalls.push([chunk]); cb(); },
		writev(chunks, cb) { syscalls.push(chunks.map(c => c.chunk as Buffer)); cb(); },
	});
	return { out, syscalls };
}

const flush = () => new Promise(r => setTimeout(r, 20));

describe("corkAmqpWrites", () => {
	beforeAll(() => corkAmqpWrites());

	it("sends the frames one pass of the Mux finds in one writev, in order", async () => {
		const { out, syscalls } = socket();
		const mux = new Mux(out);
		const a = new PassThrough({ objectMode: true });
		const b = new PassThrough({ objectMode: true });
		mux.pipeFrom(a);
		mux.pipeFrom(b);
		for (let i = 0; i < 5; i++) {
			a.write(Buffer.from(`a${i}`));
			b.write(Buffer.from(`b${i}`));
		}
		await flush();
		const all = syscalls.flat().map(c => c.toString());
		expect(all.filter(s => s.startsWith("a"))).toEqual(["a0", "a1", "a2", "a3", "a4"]);
		expect(all.filter(s => s.startsWith("b"))).toEqual(["b0", "b1", "b2", "b3", "b4"]);
		expect(all).toHaveLength(10);
		expect(syscalls).toHaveLength(1);
	});

	it("keeps back-pressure: past the socket's high-water mark the rest waits for drain, nothing is lost", async () => {
		const { out, syscalls } = socket();
		const mux = new Mux(out);
		const a = new PassThrough({ objectMode: true, highWaterMark: 1000 });
		mux.pipeFrom(a);
		const frames = Array.from({ length: 200 }, (_, i) => Buffer.alloc(100, i % 256));
		for (const f of frames) a.write(f);
		for (let i = 0; i < 20; i++) await flush();
		expect(syscalls.flat().length).toBe(200);
		expect(Buffer.concat(syscalls.flat()).equals(Buffer.concat(frames))).toBe(true);
	});

	it("is applied once", () => {
		corkAmqpWrites();
		corkAmqpWrites();
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const proto = (require("amqplib/lib/mux") as { Mux: { prototype: { __corked?: boolean } } }).Mux.prototype;
		expect(proto.__corked).toBe(true);
	});
});
