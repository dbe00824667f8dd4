/**
 * Live streams of a gateway node (SPEC §13), Server-Sent Events:
 *   GET /api/v1/stream?hotelIds=a,b   public: `availability` events { hotelId, roomTypeId, nights }
 *   GET /api/v1/stream/staff          staff token (reservations.view): `reservation` events (the §4 messages) of the user's hotels only
 *
 * Every api node receives every `reservations.availability.changed` and `reservations.reservation.*`
 * message (a broadcast consumer, api.service.ts) and hands it to its hub, which:
 *  - splits an availability message into its changes: `{ changes: [...] }` (one per source flush,
 *    so the bus carries one message per flush, not per room type) or one bare change (the
 *    former shape, still in a queue during an upgrade);
 *  - coalesces per hotel: at most one batch of events per hotel per STREAM_COALESCE_MS (the
 *    first after a quiet period goes at once), one `availability` event per room type changed,
 *    the latest count of each night winning;
 *  - numbers events `<epoch>-<seq>` (epoch: this hub's run) and keeps the last
 *    STREAM_BUFFER_PER_HOTEL per hotel: `Last-Event-ID` of this run replays what followed it;
 *    an id of another run or node, or older than the buffer, gets the current counts instead;
 *  - writes a comment heartbeat every STREAM_HEARTBEAT_MS, caps streams per client IP (429) and
 *    hotelIds per stream (422), drops a stream whose client does not read, and closes every
 *    stream when the node stops (clients reconnect to another node).
 */
import type { IncomingMessage, ServerResponse } from "http";
import crypto from "crypto";
import { LRUCache } from "lru-cache";
import type { StreamsConfig } from "../../lib/config";
import { appError, ErrorType, validationError } from "../../lib/errors";
import type { DomainMessage } from "../../lib/events";

export const AVAILABILITY_EVENT = "reservations.availability.changed";
export interface AvailabilityChange { hotelId: string; roomTypeId: string; nights: { date: string; available: number }[] }

/** The changes of an availability message: the batch `{ changes }`, or the former single change. */
export function availabilityChanges(data: unknown): AvailabilityChange[] {
	if (!data || typeof data !== "object") return [];
	const changes = (data as { changes?: unknown }).changes;
	if (Array.isArray(changes)) return changes as AvailabilityChange[];
	return "hotelId" in data ? [data as AvailabilityChange] : [];
}

/** What a stream writes to (a ServerResponse in the gateway; a fake in unit tests). */
export interface SseSink {
	write(chunk: string): unknown;
	end(): unknown;
	writableLength?: number;
}

export type HubOptions = Pick<StreamsConfig, "coalesceMs" | "heartbeatMs" | "maxPerClient" | "maxHotels" | "bufferPerHotel">;

/** A client not reading: past this many unsent bytes its stream is closed. */
const MAX_BACKLOG_BYTES = 1 << 20;
/** Hotels whose recent events are kept for resume (least recently changed forgotten first). */
const BUFFERED_HOTELS = 2_000;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

interface Stream {
	sink: SseSink;
	ip: string;
	hotelIds: string[];
	staff: boolean;
	/** Staff streams: whose (closed when the user changes: its token no longer holds). */
	userId?: string;
	/** While the current counts are read for a resume, live events wait here. */
	held: string[] | null;
	closed: boolean;
	onClose?: () => void;
}

interface Buffer { events: { seq: number; text: string }[]; evictedUpTo: number }

/** `hotelIds=a,b` → the ids, or the 422 field errors. */
export function parseHotelIds(raw: unknown, max: number): string[] {
	const value = Array.isArray(raw) ? raw.join(",") : typeof raw === "string" ? raw : "";
	const ids = [...new Set(value.split(",").map(s => s.trim()).filter(Boolean))];
	if (ids.length === 0) throw validationError([{ field: "hotelIds", message: "hotelIds is required: one or more hotel ids, comma-separated", type: "required" }]);
	if (ids.length > max) throw validationError([{ field: "hotelIds", message: `At most ${max} hotel ids per stream`, type: "arrayMax" }]);
	const bad = ids.find(id => !ID_PATTERN.test(id));
	if (bad !== undefined) throw validationError([{ field: "hotelIds", message: `'${bad.slice(0, 80)}' is not a hotel id (letters, digits, '-' and '_', at most 64)`, type: "stringPattern" }]);
	return ids;
}

/** `<epoch>-<seq>` → its parts, or null. */
export function parseEventId(raw: unknown): { epoch: string; seq: number } | null {
	if (typeof raw !== "string") return null;
	const m = /^([a-z0-9]{1,16})-(\d{1,15})$/.exec(raw.trim());
	return m ? { epoch: m[1], seq: Number(m[2]) } : null;
}

function frame(id: string, event: string, data: unknown): string {
	return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class StreamHub {
	readonly epoch = crypto.randomBytes(5).toString("hex");
	private seq = 0;
	private readonly streams = new Set<Stream>();
	private readonly byHotel = new Map<string, Set<Stream>>();
	private readonly perClient = new Map<string, number>();
	private readonly pending = new Map<string, Map<string, Map<string, number>>>();
	private readonly lastFlush = new Map<string, number>();
	private readonly timers = new Map<string, NodeJS.Timeout>();
	private readonly buffers = new LRUCache<string, Buffer>({ max: BUFFERED_HOTELS });
	private readonly heartbeat: NodeJS.Timeout;
	private closing = false;
	/** Events written to streams (one per stream and event): the bench's denominator. */
	delivered = 0;

	constructor(
		readonly opts: HubOptions,
		/** The current counts of hotels (reservations.liveAvailability). */
		private readonly snapshot: (hotelIds: string[]) => Promise<AvailabilityChange[]>,
		private readonly now: () => number = Date.now,
	) {
		this.heartbeat = setInterval(() => this.beat(), opts.heartbeatMs);
		this.heartbeat.unref();
	}

	get size(): number {
		return this.streams.size;
	}

	/** 429 when the client has its quota of streams open here; 503 while the node stops. */
	admit(ip: string): void {
		if (this.closing) throw appError(ErrorType.SERVICE_UNAVAILABLE, "This node is stopping; reconnect");
		if ((this.perClient.get(ip) ?? 0) >= this.opts.maxPerClient)
			throw appError(ErrorType.RATE_LIMITED, `At most ${this.opts.maxPerClient} open streams per client`);
	}

	/** A new stream (after admit()); `lastEventId` resumes. Resolves once the resume is written. */
	async open(sink: SseSink, o: { ip: string; hotelIds: string[]; staff?: boolean; userId?: string; lastEventId?: unknown; onClose?: () => void }): Promise<Stream> {
		this.admit(o.ip);
		const s: Stream = { sink, ip: o.ip, hotelIds: o.hotelIds, staff: !!o.staff, userId: o.userId, held: null, closed: false, onClose: o.onClose };
		this.streams.add(s);
		this.perClient.set(o.ip, (this.perClient.get(o.ip) ?? 0) + 1);
		for (const h of s.hotelIds) {
			let set = this.byHotel.get(h);
			if (!set) this.byHotel.set(h, (set = new Set()));
			set.add(s);
		}
		sink.write(`retry: 2000\n: ${this.epoch}\n\n`);
		if (!s.staff && o.lastEventId !== undefined && o.lastEventId !== "") await this.resume(s, parseEventId(o.lastEventId));
		return s;
	}

	close(s: Stream): void {
		if (s.closed) return;
		s.closed = true;
		this.streams.delete(s);
		const n = (this.perClient.get(s.ip) ?? 1) - 1;
		if (n > 0) this.perClient.set(s.ip, n);
		else this.perClient.delete(s.ip);
		for (const h of s.hotelIds) {
			const set = this.byHotel.get(h);
			set?.delete(s);
			if (set && set.size === 0) this.byHotel.delete(h);
		}
		try { s.sink.end(); } catch { /* already gone */ }
		s.onClose?.();
	}

	/** A staff user changed (accounts.user.changed): its streams end; the client reconnects with a token that still holds, or cannot. */
	closeUser(userId: string): void {
		for (const s of [...this.streams]) if (s.staff && s.userId === userId) this.close(s);
	}

	/** One message of the broadcast consumer. */
	onMessage(message: DomainMessage): void {
		if (this.closing || !message || typeof message.event !== "string") return;
		if ((message.event as string) === AVAILABILITY_EVENT) this.addChanges(availabilityChanges(message.data));
		else if (message.event.startsWith("reservations.reservation.")) this.toStaff(message);
	}

	/** Every stream ended, timers stopped (node stop). */
	closeAll(): void {
		this.closing = true;
		clearInterval(this.heartbeat);
		for (const t of this.timers.values()) clearTimeout(t);
		this.timers.clear();
		for (const s of [...this.streams]) this.close(s);
	}

	// ---------------------------------------------------------------- internals

	/** All changes of one message pending first, then each hotel scheduled once (a batch's room types of a hotel go out together). */
	private addChanges(changes: AvailabilityChange[]): void {
		const hotels = new Set<string>();
		for (const c of changes) {
			if (!c || typeof c.hotelId !== "string" || typeof c.roomTypeId !== "string" || !Array.isArray(c.nights)) continue;
			let byType = this.pending.get(c.hotelId);
			if (!byType) this.pending.set(c.hotelId, (byType = new Map()));
			let nights = byType.get(c.roomTypeId);
			if (!nights) byType.set(c.roomTypeId, (nights = new Map()));
			for (const n of c.nights) nights.set(n.date, n.available);
			hotels.add(c.hotelId);
		}
		for (const h of hotels) this.schedule(h);
	}

	private schedule(hotelId: string): void {
		if (this.timers.has(hotelId)) return;
		const wait = (this.lastFlush.get(hotelId) ?? -Infinity) + this.opts.coalesceMs - this.now();
		if (wait <= 0) this.flushHotel(hotelId);
		else {
			const t = setTimeout(() => { this.timers.delete(hotelId); this.flushHotel(hotelId); }, wait);
			t.unref();
			this.timers.set(hotelId, t);
		}
	}

	private flushHotel(hotelId: string): void {
		const byType = this.pending.get(hotelId);
		this.pending.delete(hotelId);
		if (!byType) return;
		this.lastFlush.set(hotelId, this.now());
		if (this.lastFlush.size > BUFFERED_HOTELS * 2) this.pruneFlushTimes();
		const subscribers = this.byHotel.get(hotelId);
		if (!subscribers) {
			// Nobody follows it here: no frames to build. Its buffer now misses an event, so a
			// resume gets the current counts instead (a buffer that is absent means exactly that).
			this.buffers.delete(hotelId);
			return;
		}
		let buf = this.buffers.get(hotelId);
		if (!buf) this.buffers.set(hotelId, (buf = { events: [], evictedUpTo: 0 }));
		let text = "";
		for (const [roomTypeId, nights] of byType) {
			const seq = ++this.seq;
			const data: AvailabilityChange = { hotelId, roomTypeId, nights: [...nights].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([date, available]) => ({ date, available })) };
			const f = frame(`${this.epoch}-${seq}`, "availability", data);
			buf.events.push({ seq, text: f });
			text += f;
		}
		while (buf.events.length > this.opts.bufferPerHotel) buf.evictedUpTo = buf.events.shift()!.seq;
		for (const s of subscribers) this.send(s, text, byType.size);
	}

	private pruneFlushTimes(): void {
		const old = this.now() - this.opts.coalesceMs;
		for (const [h, at] of this.lastFlush) if (at < old) this.lastFlush.delete(h);
	}

	private toStaff(m: DomainMessage): void {
		const d = m.data as { reservation?: { hotelId?: string }; hotel?: { id?: string } } | null;
		const hotelId = d?.reservation?.hotelId ?? d?.hotel?.id;
		const f = frame(`${this.epoch}-${++this.seq}`, "reservation", { event: m.event, id: m.id, occurredAt: m.occurredAt, data: m.data });
		for (const s of this.streams) if (s.staff && (s.hotelIds.length === 0 || s.hotelIds.includes(String(hotelId)))) this.send(s, f, 1);
	}

	private send(s: Stream, text: string, events: number): void {
		if (s.closed) return;
		if (s.held) { s.held.push(text); return; }
		if ((s.sink.writableLength ?? 0) > MAX_BACKLOG_BYTES) { this.close(s); return; }
		s.sink.write(text);
		this.delivered += events;
	}

	private beat(): void {
		for (const s of this.streams) if (!s.held) s.sink.write(": heartbeat\n\n");
	}

	/** Replays the buffered events after `last`; hotels it cannot replay get their current counts. */
	private async resume(s: Stream, last: { epoch: string; seq: number } | null): Promise<void> {
		const replay: { seq: number; text: string }[] = [];
		const stale: string[] = [];
		for (const h of s.hotelIds) {
			const buf = this.buffers.get(h);
			if (!last || last.epoch !== this.epoch || !buf || last.seq < buf.evictedUpTo) stale.push(h);
			else for (const e of buf.events) if (e.seq > last.seq) replay.push(e);
		}
		replay.sort((a, b) => a.seq - b.seq);
		for (const e of replay) this.send(s, e.text, 1);
		if (stale.length === 0) return;
		s.held = [];
		const id = `${this.epoch}-${this.seq}`;
		try {
			const text = (await this.snapshot(stale)).map(c => frame(id, "availability", c)).join("");
			if (!s.closed && text) { s.sink.write(text); this.delivered++; }
		} catch {
			// The client keeps the stream; its page can re-read the counts itself.
			if (!s.closed) s.sink.write(": current counts unavailable\n\n");
		} finally {
			const held = s.held;
			s.held = null;
			for (const t of held) this.send(s, t, 1);
		}
	}
}

type Req = IncomingMessage & { $params?: Record<string, unknown> };

/** What the aliases need from the gateway service `S` (moleculer-web calls aliases with the service as `this`). */
export interface StreamRoutes<S> {
	hub(svc: S): StreamHub | null;
	clientIp(req: Req): string;
	/**
	 * Throws 401/403 unless the request carries a staff token that may view reservations
	 * (Authorization: Bearer, or ?token= for EventSource); the user, and the hotels its stream
	 * follows (null: all; a requested hotel out of its scope: 404).
	 */
	requireStaff(svc: S, req: Req, query: URLSearchParams, requested: string[]): Promise<{ userId: string; hotelIds: string[] | null }>;
	onError(svc: S, req: Req, res: ServerResponse, err: unknown): void;
}

const SSE_HEADERS = {
	"Content-Type": "text/event-stream; charset=utf-8",
	"Cache-Control": "no-cache, no-transform",
	Connection: "keep-alive",
	// nginx: pass each event on at once (also set in nginx/snippets/proxy-stream.conf).
	"X-Accel-Buffering": "no",
};

/** A stream request: its root call is not tracked, or a stopping node would wait on it (streams end in the api's stopped()). */
export function isStreamRequest(url: string | undefined): boolean {
	return /^\/api\/v1\/stream(\/staff)?(\?|$)/.test(url ?? "");
}

/** The raw aliases `GET v1/stream` and `GET v1/stream/staff` (api.service.ts, next to health). */
export function streamAliases<S>(r: StreamRoutes<S>) {
	const serve = async (svc: S, req: Req, res: ServerResponse, staff: boolean) => {
		try {
			const hub = r.hub(svc);
			if (!hub) throw appError(ErrorType.SERVICE_UNAVAILABLE, "Streams are not available on this node now");
			const query = new URL(req.url ?? "/", "http://x").searchParams;
			const raw = query.get("hotelIds");
			let hotelIds = staff && !raw ? [] : parseHotelIds(raw ?? "", hub.opts.maxHotels);
			let userId: string | undefined;
			if (staff) {
				const allowed = await r.requireStaff(svc, req, query, hotelIds);
				userId = allowed.userId;
				if (allowed.hotelIds?.length === 0) throw appError(ErrorType.NOT_FOUND, "Hotel not found");
				hotelIds = allowed.hotelIds ?? [];
			}
			const ip = r.clientIp(req);
			hub.admit(ip);
			res.writeHead(200, SSE_HEADERS);
			res.flushHeaders();
			req.socket.setNoDelay(true);
			req.socket.setTimeout(0);
			const lastEventId = req.headers["last-event-id"] ?? query.get("lastEventId") ?? undefined;
			let stream: Stream | null = null;
			let gone = false;
			res.on("close", () => { gone = true; if (stream) hub.close(stream); });
			stream = await hub.open(res, { ip, hotelIds, staff, userId, lastEventId });
			if (gone) hub.close(stream);
		} catch (err) {
			if (!res.headersSent) r.onError(svc, req, res, err);
			else res.end();
		}
	};
	return {
		"GET v1/stream"(this: S, req: Req, res: ServerResponse) { void serve(this, req, res, false); },
		"GET v1/stream/staff"(this: S, req: Req, res: ServerResponse) { void serve(this, req, res, true); },
	};
}
