/**
 * How the live stream's events change the counts a page shows (web/src/live.ts): plain functions,
 * no DOM and no Preact, so the unit tests run them in Node.
 */
export interface NightCount { date: string; available: number }
export interface AvailabilityEvent { hotelId: string; roomTypeId: string; nights: NightCount[] }

/** The nights of a stay: check-in up to the night before check-out (YYYY-MM-DD). */
export function stayNights(checkIn: string, checkOut: string): string[] {
	const out: string[] = [];
	const end = Date.parse(`${checkOut}T00:00:00Z`);
	for (let d = Date.parse(`${checkIn}T00:00:00Z`); d < end && out.length < 366; d += 86_400_000) out.push(new Date(d).toISOString().slice(0, 10));
	return out;
}

/** Told counts per room type: `hotelId/roomTypeId` → date → available (the latest event wins). */
export type ToldCounts = ReadonlyMap<string, ReadonlyMap<string, number>>;
export const countKey = (hotelId: string, roomTypeId: string): string => `${hotelId}/${roomTypeId}`;

/** The told counts with an event's nights of the stay added; nights outside the stay are dropped. */
export function applyEvent(told: ToldCounts, e: AvailabilityEvent, nights: ReadonlySet<string>): ToldCounts {
	const inStay = e.nights.filter(n => nights.has(n.date) && Number.isFinite(n.available));
	if (inStay.length === 0) return told;
	const key = countKey(e.hotelId, e.roomTypeId);
	const next = new Map(told);
	const counts = new Map(told.get(key) ?? []);
	for (const n of inStay) counts.set(n.date, n.available);
	next.set(key, counts);
	return next;
}

/**
 * A room type's rooms free on every night of the stay. `loaded` was the minimum over the nights
 * when the page read it; nights not told since have not changed, so they are still ≥ `loaded`.
 * `exact` is false when a told night rose above `loaded` while other nights are untold: the
 * minimum may then be higher than `loaded` (the page re-reads it).
 */
export function liveAvailable(loaded: number, nights: readonly string[], told: ReadonlyMap<string, number> | undefined): { available: number; exact: boolean } {
	if (!told || told.size === 0) return { available: loaded, exact: true };
	let min = Infinity;
	let known = 0;
	for (const d of nights) {
		const n = told.get(d);
		if (n === undefined) continue;
		known++;
		if (n < min) min = n;
	}
	if (known === 0) return { available: loaded, exact: true };
	if (known === nights.length) return { available: min, exact: true };
	return min <= loaded ? { available: min, exact: true } : { available: loaded, exact: false };
}
