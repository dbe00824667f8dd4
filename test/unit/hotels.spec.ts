/**
 * hotels actions called through the broker (no HTTP): rules, events, visibility.
 */
import { ServiceBroker } from "moleculer";
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { assignRoomTypeIds, inventoryChanges, listQuery, searchKey, slugify, sortFields } from "../../services/hotels/domain";
import type { DomainMessage } from "../../lib/events";
import { waitFor } from "../helpers/wait";

const admin = { meta: { user: { role: "owner", sub: "usr_owner", email: "admin@example.com", hotelIds: ["*"], ver: 1 } } };
const hotel = (over: Record<string, unknown> = {}) => ({
	name: "Chalet des Neiges",
	address: { line1: "1 route du Col", city: "Chamonix", postalCode: "74400", country: "FR" },
	stars: 3,
	email: "c@example.com",
	timezone: "Europe/Paris",
	currency: "EUR",
	roomTypes: [{ name: "Double", capacity: 2, totalRooms: 4, pricePerNight: 10000 }, { name: "Double", capacity: 2, totalRooms: 2, pricePerNight: 12000 }],
	...over,
});

describe("hotels domain", () => {
	it("makes accent- and case-insensitive keys", () => {
		expect(searchKey("  Hôtel  du LAC ")).toBe("hotel du lac");
		expect(slugify("Suite « Prestige » n°1")).toBe("suite-prestige-n-1");
	});
	it("gives every room type a unique id, keeping the given ones", () => {
		const ids = assignRoomTypeIds([
			{ id: "double", name: "X", capacity: 1, totalRooms: 1, pricePerNight: 1 },
			{ name: "Double", capacity: 1, totalRooms: 1, pricePerNight: 1 },
			{ name: "Double", capacity: 1, totalRooms: 1, pricePerNight: 1 },
		]).map(r => r.id);
		expect(ids).toEqual(["double", "double-2", "double-3"]);
	});
	it("builds a query that only shows active hotels unless asked", () => {
		expect(listQuery({})).toEqual({ active: true });
		expect(listQuery({ includeInactive: true })).toEqual({});
		const q = listQuery({ city: "Annecy", minStars: 4, amenities: "wifi,spa" }) as { $and: unknown[] };
		expect(q.$and).toEqual(expect.arrayContaining([{ cityKey: "annecy" }, { stars: { $gte: 4 } }, { amenities: "wifi" }, { amenities: "spa" }]));
	});
	it("escapes regular-expression characters in the text query", () => {
		const q = listQuery({ q: "a.*(" }) as { $and: { searchText?: { $regex: RegExp } }[] };
		const re = q.$and.find(c => c.searchText)!.searchText!.$regex;
		expect(re.test("a.*(")).toBe(true);
		expect(re.test("abc")).toBe(false);
	});
	it("sorts with a tie-breaker", () => {
		expect(sortFields("-stars")).toEqual(["-stars", "nameKey", "_id"]);
		expect(sortFields(undefined)).toEqual(["nameKey", "_id"]);
	});
	it("finds the room types that shrink or disappear", () => {
		const before = [{ id: "a", totalRooms: 5 }, { id: "b", totalRooms: 2 }, { id: "c", totalRooms: 1 }] as never;
		const after = [{ id: "a", totalRooms: 6 }, { id: "b", totalRooms: 1 }] as never;
		expect(inventoryChanges(before, after)).toEqual([{ id: "b", totalRooms: 1 }, { id: "c", totalRooms: 0 }]);
	});
});

describe("hotels service", () => {
	let broker: ServiceBroker;
	const events: DomainMessage[] = [];
	beforeAll(async () => {
		process.env.SEED_DEMO = "false";
		broker = createBroker(loadConfig(), {}, ["hotels"]);
		// hotels publishes through its document outbox on the durable message bus (in process here:
		// no TRANSPORTER), not as Moleculer events; the listener is a declared consumer.
		broker.createService({
			name: "listener",
			consumers: { hotels: { events: ["hotels.hotel.*"], dedupe: "handler", async handler(m: DomainMessage) { events.push(m); } } },
		});
		await broker.start();
	});
	afterAll(async () => {
		delete process.env.SEED_DEMO;
		await broker.stop();
	});

	it("does not publish moleculer-db's generic CRUD actions", () => {
		const names = broker.registry.getActionList({}).map((a: { name: string }) => a.name).filter((n: string) => n.startsWith("hotels."));
		for (const generic of ["hotels.find", "hotels.count", "hotels.insert", "hotels.remove"]) expect(names).not.toContain(generic);
		expect(names).toEqual(expect.arrayContaining(["hotels.list", "hotels.get", "hotels.create", "hotels.update", "hotels.deactivate"]));
	});

	it("creates a hotel, generating unique room type ids, and emits hotels.hotel.created", async () => {
		const h = await broker.call<{ id: string; roomTypes: { id: string }[] }, object>("hotels.create", hotel(), admin);
		expect(h.roomTypes.map(r => r.id)).toEqual(["double", "double-2"]);
		await waitFor("hotels.hotel.created", () => events.some(e => e.event === "hotels.hotel.created" && (e.data as { id: string }).id === h.id));
		const ev = events.find(e => e.event === "hotels.hotel.created" && (e.data as { id: string }).id === h.id)!;
		expect(ev.id).toMatch(/^[0-9a-f-]{36}$/);
		expect(new Date(ev.occurredAt).getTime()).toBeGreaterThan(0);
	});

	it("hides inactive hotels from the public and emits hotels.hotel.deactivated", async () => {
		const h = await broker.call<{ id: string }, object>("hotels.create", hotel({ name: "Ephemeral" }), admin);
		await broker.call("hotels.deactivate", { id: h.id }, admin);
		await expect(broker.call("hotels.get", { id: h.id })).rejects.toMatchObject({ code: 404, type: "NOT_FOUND" });
		await expect(broker.call("hotels.get", { id: h.id }, admin)).resolves.toMatchObject({ active: false });
		await waitFor("hotels.hotel.deactivated", () => events.some(e => e.event === "hotels.hotel.deactivated" && (e.data as { id: string }).id === h.id));
		const list = await broker.call<{ rows: { id: string }[] }, object>("hotels.list", { pageSize: 100 });
		expect(list.rows.some(r => r.id === h.id)).toBe(false);
	});

	it("delivers one hotel's messages in order, without the outbox fields in answers or messages, and clears the document's outbox", async () => {
		const h = await broker.call<Record<string, unknown> & { id: string }, object>("hotels.create", hotel({ name: "Ordered" }), admin);
		const answers: Record<string, unknown>[] = [h];
		for (let stars = 1; stars <= 4; stars++) answers.push(await broker.call<Record<string, unknown>, object>("hotels.update", { id: h.id, stars }, admin));
		answers.push(await broker.call<Record<string, unknown>, object>("hotels.get", { id: h.id }));
		answers.push(...(await broker.call<{ rows: Record<string, unknown>[] }, object>("hotels.list", { pageSize: 100 })).rows);
		const mine = () => events.filter(e => (e.data as { id: string }).id === h.id);
		await waitFor("five messages of the hotel", () => mine().length === 5);
		expect(mine().map(e => [e.event, (e.data as { stars: number }).stars])).toEqual([
			["hotels.hotel.created", 3], ["hotels.hotel.updated", 1], ["hotels.hotel.updated", 2], ["hotels.hotel.updated", 3], ["hotels.hotel.updated", 4],
		]);
		for (const a of [...answers, ...mine().map(e => e.data as Record<string, unknown>)])
			for (const k of Object.keys(a)) expect(k.startsWith("outbox")).toBe(false);
		const svc = broker.getLocalService("hotels") as unknown as { adapter: { findOne(q: unknown): Promise<Record<string, unknown>> } };
		await waitFor("the document's outbox emptied", async () => !("outboxPending" in (await svc.adapter.findOne({ _id: h.id }))));
		expect(await svc.adapter.findOne({ _id: h.id })).not.toHaveProperty("outbox");
	});

	it("paginates without overlap", async () => {
		for (let i = 0; i < 5; i++) await broker.call("hotels.create", hotel({ name: `Page ${i}` }), admin);
		const a = await broker.call<{ rows: { id: string }[]; totalPages: number }, object>("hotels.list", { pageSize: 3, page: 1 });
		const b = await broker.call<{ rows: { id: string }[] }, object>("hotels.list", { pageSize: 3, page: 2 });
		expect(a.rows.filter(r => b.rows.some(x => x.id === r.id))).toEqual([]);
		expect(a.totalPages).toBeGreaterThanOrEqual(2);
	});

	it("seeds the demo hotels idempotently", async () => {
		const first = await broker.call<{ created: number }, object>("hotels.seed", {});
		const second = await broker.call<{ created: number }, object>("hotels.seed", {});
		expect(first.created).toBeGreaterThanOrEqual(12);
		expect(second.created).toBe(0);
		const cities = await broker.call<{ rows: { address: { city: string } }[] }, object>("hotels.list", { pageSize: 100 });
		expect(new Set(cities.rows.map(r => r.address.city)).size).toBeGreaterThanOrEqual(4);
	});
});

describe("hotels reactivation", () => {
	it("an admin PATCH with active: true lists the hotel again", async () => {
		process.env.SEED_DEMO = "false";
		const broker = createBroker(loadConfig(), {}, ["hotels"]);
		await broker.start();
		try {
			const h = await broker.call<{ id: string }, object>("hotels.create", hotel({ name: "Phoenix" }), admin);
			await broker.call("hotels.deactivate", { id: h.id }, admin);
			await broker.call("hotels.update", { id: h.id, active: true }, admin);
			await expect(broker.call("hotels.get", { id: h.id })).resolves.toMatchObject({ active: true });
		} finally {
			delete process.env.SEED_DEMO;
			await broker.stop();
		}
	});
});
