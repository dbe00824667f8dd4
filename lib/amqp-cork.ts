/**
 * Batch amqplib's socket writes (SPEC §8: gateway → action over AMQP).
 *
 * amqplib's Mux moves frames from its channels to the socket one `write()` at a time: under load,
 * one syscall (and one TCP segment for RabbitMQ to read) per message and per ack. Corking the
 * socket for one pass of the Mux sends everything that pass found in a single `writev`. Order,
 * back-pressure (`write()` still answers false past the high-water mark) and the Mux's logic are
 * unchanged. One request at a time gains nothing (there is nothing to batch) and loses nothing;
 * the measurements are in docs/benchmarks.md (tuning table).
 *
 * Applied once per process, to every amqplib connection (Moleculer's transporter, the durable bus).
 */
interface MuxProto {
	_readIncoming(this: { out: { cork(): void; uncork(): void } }): void;
	__corked?: boolean;
}

export function corkAmqpWrites(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Mux } = require("amqplib/lib/mux") as { Mux: { prototype: MuxProto } };
	const proto = Mux.prototype;
	if (proto.__corked) return;
	const readIncoming = proto._readIncoming;
	proto._readIncoming = function (this: { out: { cork(): void; uncork(): void } }) {
		this.out.cork();
		try {
			readIncoming.call(this);
		} finally {
			this.out.uncork();
		}
	};
	proto.__corked = true;
}
