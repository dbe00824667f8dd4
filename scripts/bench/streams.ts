/**
 * S8's clients: many open Server-Sent Events streams on a gateway (`GET /api/v1/stream`), each
 * recording when its `availability` events arrived, and the latency from each booking's 201 to
 * the first event that carries its night at every stream subscribed to its hotel.
 */
import http from "http";

export interface ArrivedEvent { at: number; roomTypeId: string; dates: Set<string> }
export interface OpenStream { hotelId: string; events: ArrivedEvent[] }
export interface Booked { hotelId: string; roomTypeId: string; checkIn: string; at: number }

/** `n` streams on `baseUrl`, stream i following hotelIds[i % length]; resolves once all answered 200. */
export async function openStreams(baseUrl: string, hotelIds: string[], n: number): Promise<{ streams: OpenStream[]; close(): void }> {
	const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
	const reqs: http.ClientRequest[] = [];
	const streams: OpenStream[] = [];
	const one = (hotelId: string) => new Promise<void>((resolve, reject) => {
		const s: OpenStream = { hotelId, events: [] };
		const req = http.get(`${baseUrl}/api/v1/stream?hotelIds=${encodeURIComponent(hotelId)}`, { agent, headers: { Accept: "text/event-stream" } }, res => {
			if (res.statusCode !== 200) { res.resume(); reject(new Error(`stream: HTTP ${res.statusCode}`)); return; }
			streams.push(s);
			let buf = "";
			res.setEncoding("utf8");
			res.on("data", (chunk: string) => {
				const at = Date.now();
				buf += chunk;
				let i: number;
				while ((i = buf.indexOf("\n\n")) >= 0) {
					const block = buf.slice(0, i);
					buf = buf.slice(i + 2);
					if (!block.includes("event: availability")) continue;
					const line = block.split("\n").find(l => l.startsWith("data: "));
					if (!line) continue;
					const d = JSON.parse(line.slice(6)) as { roomTypeId: string; nights: { date: string }[] };
					s.events.push({ at, roomTypeId: d.roomTypeId, dates: new Set(d.nights.map(x => x.date)) });
				}
			});
			res.on("error", () => undefined);
			resolve();
		});
		req.on("error", err => { if (!/hang up|aborted/.test(err.message)) reject(err); });
		reqs.push(req);
	});
	// In batches: a thousand connects at once would only measure the accept queue.
	for (let i = 0; i < n; i += 100) await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => one(hotelIds[(i + k) % hotelIds.length])));
	return { streams, close: () => { for (const r of reqs) r.destroy(); agent.destroy(); } };
}

/** Latencies (ms) from each booking's 201 to the first event with its first night, at every stream of its hotel; `missing` = (booking, stream) pairs that never got one. */
export function streamLatencies(bookings: Booked[], streams: OpenStream[]): { latencies: number[]; missing: number; events: number } {
	const byHotel = new Map<string, OpenStream[]>();
	for (const s of streams) {
		let l = byHotel.get(s.hotelId);
		if (!l) byHotel.set(s.hotelId, (l = []));
		l.push(s);
	}
	const latencies: number[] = [];
	let missing = 0;
	for (const b of bookings) {
		for (const s of byHotel.get(b.hotelId) ?? []) {
			// The event may beat the 201 to the harness by a hair: such an event counts as 0 ms.
			const e = s.events.find(x => x.at >= b.at - 50 && x.roomTypeId === b.roomTypeId && x.dates.has(b.checkIn));
			if (e) latencies.push(Math.max(0, e.at - b.at));
			else missing++;
		}
	}
	latencies.sort((a, b) => a - b);
	return { latencies, missing, events: streams.reduce((n, s) => n + s.events.length, 0) };
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
