/**
 * `npm run seed:large -- --hotels 1000 --nights 730`: the benchmark data set — many hotels with
 * 5 room types each and their per-night inventory — in the configured stores (SQLite/NeDB under
 * DATA_DIR by default, PostgreSQL/MongoDB when configured).
 *
 * Hotels go through the hotels service (hotels.create); the reservations service builds their
 * inventory in bulk (multi-row INSERTs up to its horizon of 761 nights, which covers --nights).
 * Idempotent: hotels named "Bench hotel NNNN" that already exist are kept. Their ids are written
 * to DATA_DIR/bench-hotels.json for benchmark scripts. The first 100 hotels are all in Paris (the
 * bench's search scenario needs a city of 100 hotels), the others spread over 19 more cities; a
 * data set seeded before this keeps its hotels' cities.
 *
 * Each hotel sells under 3 rate plans (SPEC §9, the shape the benchmark must measure): "flex"
 * (breakfast, the default policy), "room" (room only) and "saver" derived from flex (−12 %,
 * non-refundable, 14 days ahead). Its calendar gets summer prices, weekend prices, a Saturday
 * minimum stay, Sundays closed to arrival for the saver and one room of overbooking on Saturday
 * nights for the family rooms, through reservations.updateCalendar (the PUT's own path).
 */
import fs from "fs";
import { Client } from "pg";
import path from "path";
import { SingleBar, Presets } from "cli-progress";
import { loadConfig } from "../lib/config";
import { createBroker } from "../lib/broker";
import type { Hotel, NewHotel, RatePlan } from "../services/hotels/domain";
import type { AuthUser } from "../lib/auth";
import type { CalendarUpdate } from "../services/reservations/calendar";
import type { SqlStore } from "../services/reservations/db";
import { addDays, localDate, INVENTORY_HORIZON_DAYS, MAX_DAYS_AHEAD } from "../services/reservations/stay";

const CITIES = [
	["Paris", "FR", "Europe/Paris", "EUR"], ["Lyon", "FR", "Europe/Paris", "EUR"], ["Nice", "FR", "Europe/Paris", "EUR"],
	["Annecy", "FR", "Europe/Paris", "EUR"], ["London", "GB", "Europe/London", "GBP"], ["Berlin", "DE", "Europe/Berlin", "EUR"],
	["Madrid", "ES", "Europe/Madrid", "EUR"], ["Rome", "IT", "Europe/Rome", "EUR"], ["Lisbon", "PT", "Europe/Lisbon", "EUR"],
	["New York", "US", "America/New_York", "USD"], ["Los Angeles", "US", "America/Los_Angeles", "USD"], ["Tokyo", "JP", "Asia/Tokyo", "JPY"],
	["Auckland", "NZ", "Pacific/Auckland", "NZD"], ["Sydney", "AU", "Australia/Sydney", "AUD"], ["Montreal", "CA", "America/Toronto", "CAD"],
	["Zurich", "CH", "Europe/Zurich", "CHF"], ["Amsterdam", "NL", "Europe/Amsterdam", "EUR"], ["Vienna", "AT", "Europe/Vienna", "EUR"],
	["Prague", "CZ", "Europe/Prague", "CZK"], ["Dublin", "IE", "Europe/Dublin", "EUR"],
] as const;
const ROOM_TYPES = [["single", "Single", 1, 10, 8000], ["double", "Double", 2, 25, 12000], ["twin", "Twin", 2, 15, 12500], ["family", "Family room", 4, 6, 21000], ["suite", "Suite", 4, 3, 35000]] as const;

function arg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
	if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer`);
	return v;
}

export const BENCH_PLANS: RatePlan[] = [
	{ id: "flex", name: "Flexible", includes: ["breakfast"] },
	{ id: "room", name: "Room only" },
	{ id: "saver", name: "Non-refundable saver", derivedFrom: { ratePlanId: "flex", percent: -12 }, cancellationPolicy: { refundable: false }, minAdvanceDays: 14 },
];

/** The calendar of a bench hotel from its today on: seasons, weekends, restrictions, overbooking. */
export function benchCalendar(hotel: Pick<NewHotel, "timezone" | "roomTypes">, i: number): CalendarUpdate[] {
	const today = localDate(hotel.timezone);
	const end = addDays(today, MAX_DAYS_AHEAD);
	const clip = (from: string, to: string) => ({ from: from < today ? today : from, to: to > end ? end : to });
	const updates: CalendarUpdate[] = [];
	const year = Number(today.slice(0, 4));
	for (const y of [year, year + 1, year + 2]) {
		const r = clip(`${y}-06-15`, `${y}-09-15`);
		if (r.from >= r.to) continue;
		for (const rt of hotel.roomTypes) updates.push({ roomTypeIds: [rt.id ?? ""], ratePlanIds: ["flex", "room"], ...r, set: { price: Math.round(rt.pricePerNight * 1.25) } });
	}
	// Weekends after the seasons: a summer weekend takes the weekend price.
	for (const rt of hotel.roomTypes) updates.push({ roomTypeIds: [rt.id ?? ""], ratePlanIds: ["flex", "room"], from: today, to: end, weekdays: ["fri", "sat"], set: { price: Math.round(rt.pricePerNight * (1.15 + (i % 3) * 0.05)) } });
	updates.push({ ratePlanIds: ["flex"], from: today, to: end, weekdays: ["sat"], set: { minStay: 2 } });
	updates.push({ ratePlanIds: ["saver"], from: today, to: end, weekdays: ["sun"], set: { closedToArrival: true } });
	updates.push({ roomTypeIds: ["family"], from: today, to: end, weekdays: ["sat"], set: { overbookLimit: 1 } });
	return updates;
}

/**
 * The first hotels all go to the first city, so the bench's search (S9) has a city of this many
 * hotels (all of them with fewer hotels); the rest spread over the other cities.
 */
export const SEARCH_CITY_HOTELS = 100;

export function benchHotel(i: number): NewHotel {
	const [city, country, timezone, currency] = CITIES[i < SEARCH_CITY_HOTELS ? 0 : 1 + (i % (CITIES.length - 1))];
	const n = String(i + 1).padStart(4, "0");
	return {
		name: `Bench hotel ${n}`,
		description: "Generated for benchmarks.",
		address: { line1: `${i + 1} Benchmark street`, city, postalCode: String(10000 + i), country },
		stars: 1 + (i % 5),
		amenities: ["wifi"],
		email: `bench${n}@hotels.example`,
		timezone,
		currency,
		roomTypes: ROOM_TYPES.map(([id, name, capacity, totalRooms, price]) => ({ id, name, capacity, totalRooms, pricePerNight: price + (i % 50) * 100 })),
		ratePlans: BENCH_PLANS,
	} as NewHotel;
}

async function main(): Promise<void> {
	const hotels = arg("hotels", 1000);
	const nights = arg("nights", 730);
	if (nights > INVENTORY_HORIZON_DAYS) throw new Error(`--nights is at most ${INVENTORY_HORIZON_DAYS} (the inventory horizon)`);
	const cfg = loadConfig();
	process.env.SEED_DEMO = process.env.SEED_DEMO ?? "false";
	const broker = createBroker({ ...cfg, logLevel: "warn" }, {}, ["hotels", "reservations"]);
	await broker.start();
	const db = (broker.getLocalService("reservations") as unknown as { db: SqlStore }).db;
	// The calendar action checks the caller's access: the seed acts as the first owner.
	const owner: AuthUser = { role: "owner", sub: "seed", email: cfg.adminEmail, hotelIds: ["*"] } as AuthUser;

	const known = await db.select<{ id: string; data: string }>(`SELECT id, data FROM hotel_copies WHERE data LIKE :pattern`, { pattern: '%"name":"Bench hotel %' });
	const ids = new Map<string, string>(known.map(r => [(JSON.parse(r.data) as Hotel).name, r.id]));
	console.log(`Seeding ${hotels} hotels × ${ROOM_TYPES.length} room types × ${INVENTORY_HORIZON_DAYS} nights (≥ ${nights}) into ${db.dialect}; ${ids.size} already there.`);

	const bar = new SingleBar({ format: "hotels {bar} {value}/{total} | {eta_formatted} left | {rate} hotels/s", hideCursor: true }, Presets.shades_classic);
	const started = Date.now();
	bar.start(hotels, 0, { rate: "0" });
	let next = 0;
	let done = 0;
	const worker = async () => {
		for (let i = next++; i < hotels; i = next++) {
			const body = benchHotel(i);
			let id = ids.get(body.name);
			if (!id) {
				const created = await broker.call<Hotel, NewHotel>("hotels.create", body);
				id = created.id;
				ids.set(body.name, id);
			}
			await broker.call("reservations.syncHotel", { id });
			const copy = await db.one<{ data: string }>(`SELECT data FROM hotel_copies WHERE id = :id`, { id });
			const hotel = copy ? (JSON.parse(copy.data) as Hotel) : null;
			if (hotel && !hotel.ratePlans?.length) {
				// A bench hotel from before rate plans: give it the plans, and the copy the new version.
				await broker.call("hotels.update", { id, ratePlans: BENCH_PLANS }, { meta: { user: owner } });
				await broker.call("reservations.syncHotel", { id });
			}
			await broker.call("reservations.updateCalendar", { id, updates: benchCalendar(body, i) }, { meta: { user: owner } });
			done++;
			bar.update(done, { rate: (done / ((Date.now() - started) / 1000)).toFixed(1) });
		}
	};
	await Promise.all(Array.from({ length: db.pg ? 4 : 2 }, worker));
	bar.stop();
	// A bulk load leaves every inventory row updated (the calendar's rate versions): clean and
	// analyse now, as autovacuum would a minute later, so the first reads meet a settled table.
	if (db.pg) {
		console.log("VACUUM ANALYZE inventory, rates…");
		// On its own connection: the service's has a query timeout a million-row vacuum outlasts.
		const vacuum = new Client({ connectionString: cfg.reservationsDbUrl });
		await vacuum.connect();
		try {
			await vacuum.query("VACUUM ANALYZE inventory");
			await vacuum.query("VACUUM ANALYZE rates");
		} finally {
			await vacuum.end();
		}
	}

	const [{ n }] = await db.select<{ n: string | number }>("SELECT COUNT(*) AS n FROM inventory");
	const [{ n: cells }] = await db.select<{ n: string | number }>("SELECT COUNT(*) AS n FROM rates");
	const list = [...Array(hotels).keys()].map(i => ids.get(benchHotel(i).name)).filter(Boolean);
	fs.mkdirSync(cfg.dataDir, { recursive: true });
	const file = path.join(cfg.dataDir, "bench-hotels.json");
	fs.writeFileSync(file, JSON.stringify(list, null, 1));
	console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Number(n).toLocaleString("en")} inventory rows, ${Number(cells).toLocaleString("en")} calendar overrides; hotel ids in ${file}.`);
	await broker.stop();
}

// Only when run as the script: tests import the bench hotel and calendar above.
if (require.main === module) {
	main().catch(err => {
		console.error("Seeding failed:", err instanceof Error ? (process.env.DEBUG ? err.stack : err.message) : err);
		process.exit(1);
	});
}
