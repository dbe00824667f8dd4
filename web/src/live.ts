/**
 * Live updates (SPEC §13): the gateway's Server-Sent Events streams, for the pages (the merge
 * rules, without DOM or Preact, are in ./live-counts.ts).
 *  - useLiveAvailability: the public stream of the hotels shown; a room type's "n left" for the
 *    searched stay is the loaded count merged with the nights the stream told since.
 *  - useLiveReservations: the staff stream (admin token in `?token=`, EventSource cannot send a
 *    header); calls back, debounced, when a reservation of the hotels followed changes.
 * Both report a state for <LiveStatus> ("reconnecting" while the stream is down). EventSource
 * reconnects by itself with Last-Event-ID; when it gives up (a non-stream answer: 429, 503), we
 * open a new one after a back-off, passing the last id as `lastEventId`.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { API_BASE } from "./api";
import { applyEvent, countKey, liveAvailable, stayNights, type AvailabilityEvent, type ToldCounts } from "./live-counts";

export type LiveState = "connecting" | "open" | "reconnecting";

interface StreamHandlers {
	/** One event of the stream: its SSE type and parsed data. */
	onEvent(type: string, data: unknown): void;
	onState(state: LiveState): void;
}

/** An EventSource on `url` listening to `types`, reopened when the browser gives up; returns its closer. */
function openStream(url: string, types: string[], h: StreamHandlers): () => void {
	let es: EventSource | null = null;
	let lastId = "";
	let retry: ReturnType<typeof setTimeout> | null = null;
	let failures = 0;
	let stopped = false;
	const connect = () => {
		const u = lastId ? `${url}${url.includes("?") ? "&" : "?"}lastEventId=${encodeURIComponent(lastId)}` : url;
		const source = new EventSource(u);
		es = source;
		source.onopen = () => {
			failures = 0;
			h.onState("open");
		};
		source.onerror = () => {
			if (stopped) return;
			h.onState("reconnecting");
			if (source.readyState !== EventSource.CLOSED) return; // the browser retries with Last-Event-ID
			source.close();
			const wait = Math.min(30_000, 2_000 * 2 ** Math.min(failures++, 4));
			retry = setTimeout(connect, wait);
		};
		for (const type of types)
			source.addEventListener(type, (e: MessageEvent<string>) => {
				if (e.lastEventId) lastId = e.lastEventId;
				try {
					h.onEvent(type, JSON.parse(e.data));
				} catch {
					/* not JSON: not ours */
				}
			});
	};
	connect();
	return () => {
		stopped = true;
		if (retry) clearTimeout(retry);
		es?.close();
	};
}

/**
 * The public stream of `hotelIds` for a stay: `available(hotelId, roomTypeId, loaded)` gives the
 * live count. `onStale` runs (debounced) when a count cannot be known from the events alone.
 * Nothing is opened without hotels or a stay.
 */
export function useLiveAvailability(hotelIds: readonly string[], stay: { checkIn: string; checkOut: string } | null, onStale?: () => void) {
	const [state, setState] = useState<LiveState>("connecting");
	const [told, setTold] = useState<ToldCounts>(() => new Map());
	const loadedRef = useRef(new Map<string, number>());
	const staleRef = useRef(onStale);
	staleRef.current = onStale;
	const ids = [...new Set(hotelIds)].sort().join(",");
	const stayKey = stay ? `${stay.checkIn}/${stay.checkOut}` : "";
	const nights = stay ? stayNights(stay.checkIn, stay.checkOut) : [];

	useEffect(() => {
		setTold(new Map());
		setState("connecting");
		if (!ids || !stayKey) return undefined;
		const set = new Set(nights);
		let staleTimer: ReturnType<typeof setTimeout> | null = null;
		const close = openStream(`${API_BASE}/stream?hotelIds=${encodeURIComponent(ids)}`, ["availability"], {
			onState: setState,
			onEvent(_type, data) {
				const e = data as AvailabilityEvent;
				if (!e || typeof e.hotelId !== "string" || typeof e.roomTypeId !== "string" || !Array.isArray(e.nights)) return;
				setTold(prev => {
					const next = applyEvent(prev, e, set);
					const key = countKey(e.hotelId, e.roomTypeId);
					const loaded = loadedRef.current.get(key);
					if (next !== prev && loaded !== undefined && !liveAvailable(loaded, nights, next.get(key)).exact && !staleTimer)
						staleTimer = setTimeout(() => { staleTimer = null; staleRef.current?.(); }, 300);
					return next;
				});
			},
		});
		return () => {
			close();
			if (staleTimer) clearTimeout(staleTimer);
		};
	}, [ids, stayKey]);

	return {
		state,
		available(hotelId: string, roomTypeId: string, loaded: number): number {
			const key = countKey(hotelId, roomTypeId);
			loadedRef.current.set(key, loaded);
			return liveAvailable(loaded, nights, told.get(key)).available;
		},
	};
}

/**
 * The staff stream: `onChange` (debounced) after reservation events of `hotelId` (every hotel
 * when empty). `enabled` false keeps it closed (no token yet, or the page's own read failed).
 */
export function useLiveReservations(token: string, hotelId: string, enabled: boolean, onChange: () => void): LiveState {
	const [state, setState] = useState<LiveState>("connecting");
	const changeRef = useRef(onChange);
	changeRef.current = onChange;
	useEffect(() => {
		setState("connecting");
		if (!enabled || !token) return undefined;
		let timer: ReturnType<typeof setTimeout> | null = null;
		const q = new URLSearchParams({ token });
		if (hotelId) q.set("hotelIds", hotelId);
		const close = openStream(`${API_BASE}/stream/staff?${q}`, ["reservation"], {
			onState: setState,
			onEvent() {
				if (!timer) timer = setTimeout(() => { timer = null; changeRef.current(); }, 250);
			},
		});
		return () => {
			close();
			if (timer) clearTimeout(timer);
		};
	}, [token, hotelId, enabled]);
	return state;
}
