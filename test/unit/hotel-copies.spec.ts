/**
 * reservations/hotel-copies.ts on an in-memory SQLite store: how old a copy from memory may be
 * for each caller, the one invalidation point, pull-on-unknown, and sizes applied from a
 * hotel version (never below what is booked).
 */
import { Sequelize } from "sequelize";
import type { Logger } from "moleculer";
import { migrate } from "../../mixins/db.mixin";
import type { Hotel } from "../../services/hotels/domain";
import { SqlStore } from "../../services/reservations/db";
import { HotelCopies, horizonOf } from "../../services/reservations/hotel-copies";
import { stayFigures } from "../../services/reservations/calendar";

const MAX_AGE_MS = 1000;
import { migrations } from "../../services/reservations/migrations";
import { addDays, localDate } from "../../services/reservations/stay";

const TZ = "Europe/Paris";
const day = (n: number) => addDays(localDate(TZ), n);

function hotel(version: number, totalRooms = 4, extra: Partial<Hotel> = {}): Hotel {
	return {
		id: "htl_1", name: `Hotel v${version}`, address: { line1: "1 rue", city: "Annecy", postalCode: "74000", country: "FR" }, stars: 3,
		amenities: [], photos: [], email: "h@example.com", timezone: TZ, currency: "EUR",
		roomTypes: [{ id: "double", name: "Double", capacity: 2, totalRooms, pricePerNight: 10000 }],
		active: true, createdAt: "2026-01-01T00:00:00.000Z", updatedAt: `2026-01-01T00:00:0${version}.000Z`, ...extra,
	} as Hotel;
}

let sequelize: Sequelize;
let db: SqlStore;
let resolve: jest.Mock<Promise<Hotel | null>, [string]>;
let warn: jest.Mock;
let copies: HotelCopies;

beforeEach(async () => {
	sequelize = new Sequelize({ dialect: "sqlite", storage: ":memory:", logging: false });
	await migrate(sequelize, migrations);
	db = new SqlStore(sequelize);
	resolve = jest.fn(async (_id: string): Promise<Hotel | null> => hotel(1));
	warn = jest.fn();
	copies = new HotelCopies(db, resolve, { warn } as unknown as Logger);
});

afterEach(async () => {
	jest.restoreAllMocks();
	await sequelize.close();
});

/** Change the stored copy behind the cache's back (as another node applying a message would). */
const renameInStore = (name: string) => db.exec(`UPDATE hotel_copies SET data = :data WHERE id = 'htl_1'`, { data: JSON.stringify({ ...hotel(1), name }) });
const totals = async () => (await db.select<{ night: string; total: number; booked: number }>(
	`SELECT night, total, booked FROM inventory WHERE hotel_id = 'htl_1' AND room_type_id = 'double' ORDER BY night`)).map(r => ({ ...r, total: Number(r.total), booked: Number(r.booked) }));

describe("HotelCopies", () => {
	it("pulls an unknown hotel from the hotels service once, with its inventory up to the horizon", async () => {
		const copy = await copies.get("htl_1");
		expect(copy).toMatchObject({ id: "htl_1", active: true, updatedAt: hotel(1).updatedAt, inventoryUntil: horizonOf(hotel(1)) });
		expect(resolve).toHaveBeenCalledTimes(1);
		await copies.get("htl_1");
		expect(resolve).toHaveBeenCalledTimes(1);
		expect((await totals()).length).toBeGreaterThan(760);
		resolve.mockResolvedValueOnce(null);
		expect(await copies.get("htl_unknown")).toBeNull();
		expect(await copies.get("htl_2", { pull: false })).toBeNull();
		expect(resolve).toHaveBeenCalledTimes(2);
	});

	it("bookings take the copy in memory at any age; a caller may bound its age; the rest the store", async () => {
		await copies.get("htl_1");
		await renameInStore("Renamed elsewhere");
		const now = Date.now();
		jest.spyOn(Date, "now").mockReturnValue(now + MAX_AGE_MS / 2);
		expect((await copies.get("htl_1", { maxAgeMs: Infinity }))!.hotel.name).toBe("Hotel v1");
		expect((await copies.get("htl_1", { maxAgeMs: MAX_AGE_MS }))!.hotel.name).toBe("Hotel v1");
		jest.spyOn(Date, "now").mockReturnValue(now + 10 * MAX_AGE_MS);
		expect((await copies.get("htl_1", { maxAgeMs: Infinity }))!.hotel.name).toBe("Hotel v1");
		expect((await copies.get("htl_1", { maxAgeMs: MAX_AGE_MS }))!.hotel.name).toBe("Renamed elsewhere");
		await renameInStore("Renamed again");
		expect((await copies.get("htl_1"))!.hotel.name).toBe("Renamed again");
	});

	it("availability: the figures' statement carries the stored copy's stamp; another version stored elsewhere is re-read at once", async () => {
		const held = (await copies.get("htl_1"))!;
		let f = await stayFigures(db, "htl_1", ["double"], day(3), day(5));
		expect(await copies.current(held, f.stamp)).toBe(held);
		// Another node applies version 2 (the store changes, not this node's cache).
		await db.exec(`UPDATE hotel_copies SET updated_at = :v, data = :data WHERE id = 'htl_1'`, { v: hotel(2).updatedAt, data: JSON.stringify(hotel(2)) });
		f = await stayFigures(db, "htl_1", ["double"], day(3), day(5));
		expect(f.stamp).toMatchObject({ active: true, updatedAt: hotel(2).updatedAt });
		expect((await copies.current(held, f.stamp))!.hotel.name).toBe("Hotel v2");
		// Deactivated elsewhere: the stamp says so, the store's copy comes back inactive.
		await db.exec(`UPDATE hotel_copies SET active = :a WHERE id = 'htl_1'`, { a: false });
		f = await stayFigures(db, "htl_1", ["double"], day(3), day(5));
		expect(f.stamp?.active).toBe(false);
		expect((await copies.current(held, f.stamp))!.active).toBe(false);
	});

	it("search: the city's copies at the stored version, reading only the documents not held at it", async () => {
		await copies.get("htl_1");
		const spy = jest.spyOn(db, "fastSelect");
		expect((await copies.inCity("annecy")).map(c => c.hotel.name)).toEqual(["Hotel v1"]);
		expect(spy).toHaveBeenCalledTimes(1);
		await db.exec(`UPDATE hotel_copies SET updated_at = :v, data = :data WHERE id = 'htl_1'`, { v: hotel(2).updatedAt, data: JSON.stringify(hotel(2)) });
		expect((await copies.inCity("Annecy")).map(c => c.hotel.name)).toEqual(["Hotel v2"]);
		expect(spy).toHaveBeenCalledTimes(3);
		await db.exec(`UPDATE hotel_copies SET active = :a WHERE id = 'htl_1'`, { a: false });
		expect(await copies.inCity("Annecy")).toEqual([]);
	});

	it("applying a version drops the cached copy; an older version is ignored", async () => {
		await copies.get("htl_1", { maxAgeMs: Infinity });
		expect(await copies.apply(hotel(2))).toBe(true);
		expect((await copies.get("htl_1", { maxAgeMs: Infinity }))!.hotel.name).toBe("Hotel v2");
		expect(await copies.apply(hotel(1))).toBe(false);
		expect((await copies.get("htl_1", { maxAgeMs: Infinity }))!.hotel.name).toBe("Hotel v2");
	});

	it("keeps no inactive copy in memory: a reactivation elsewhere is seen at once", async () => {
		await copies.apply(hotel(2, 4, { active: false }));
		expect((await copies.get("htl_1", { maxAgeMs: Infinity }))!.active).toBe(false);
		await db.exec(`UPDATE hotel_copies SET active = :a WHERE id = 'htl_1'`, { a: true });
		expect((await copies.get("htl_1", { maxAgeMs: Infinity }))!.active).toBe(true);
	});

	it("applies a new size to future nights; a night booked above it keeps total = booked", async () => {
		await copies.apply(hotel(1, 4));
		await db.exec(`UPDATE inventory SET booked = 3 WHERE hotel_id = 'htl_1' AND night = :n`, { n: day(5) });
		await db.exec(`UPDATE inventory SET booked = 1 WHERE hotel_id = 'htl_1' AND night = :n`, { n: day(6) });
		expect(await copies.apply(hotel(2, 2))).toBe(true);
		const nights = new Map((await totals()).map(r => [r.night, r]));
		expect(nights.get(day(4))).toMatchObject({ total: 2, booked: 0 });
		expect(nights.get(day(5))).toMatchObject({ total: 3, booked: 3 });
		expect(nights.get(day(6))).toMatchObject({ total: 2, booked: 1 });
		expect(warn).toHaveBeenCalledWith(expect.stringContaining(`keeps 3 booked on ${day(5)}, above its new size 2`));
		expect([...nights.values()].every(n => n.booked <= n.total)).toBe(true);
		// Growing again restores the size everywhere.
		await copies.apply(hotel(3, 5));
		expect(new Set((await totals()).map(r => r.total))).toEqual(new Set([5]));
	});

	it("extends a copy's inventory when asked to cover a later night", async () => {
		await copies.apply(hotel(1));
		const short = day(100);
		await db.exec(`DELETE FROM inventory WHERE night >= :n`, { n: short });
		await db.exec(`UPDATE hotel_copies SET inventory_until = :n`, { n: short });
		const copy = await copies.get("htl_1", { maxAgeMs: Infinity, coverUntil: day(200) });
		expect(copy!.inventoryUntil).toBe(horizonOf(hotel(1)));
		expect((await totals()).some(r => r.night === day(150))).toBe(true);
	});
});
