/**
 * Experiment (bench nodes only, BENCH_AMQP_CORK=1): amqplib's Mux writes every queued frame
 * to the socket with its own write() — one syscall per AMQP message (and per ack). Corking the
 * socket for one pass of the Mux sends all frames queued in that pass in one writev.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Mux } = require("amqplib/lib/mux") as { Mux: { prototype: { _readIncoming(): void; out: NodeJS.WritableStream & { cork(): void; uncork(): void } } } };

export function corkAmqpWrites(): void {
	const proto = Mux.prototype as { _readIncoming(): void; __corked?: boolean };
	if (proto.__corked) return;
	const original = proto._readIncoming;
	proto._readIncoming = function (this: { out: { cork(): void; uncork(): void } }) {
		this.out.cork();
		try {
			original.call(this);
		} finally {
			this.out.uncork();
		}
	};
	proto.__corked = true;
}
