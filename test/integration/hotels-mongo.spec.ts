/**
 * The Mongo-specific parts (indexes, queries through the Mongo adapter). Runs only when
 * MONGO_URI points at a MongoDB server: none can run on the development machine or in CI
 * here, so this suite is skipped there (it is the only one that may skip in CI).
 */
import type { ServiceBroker } from "moleculer";
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { waitFor } from "../helpers/wait";

const MONGO_URI = process.env.MONGO_URI_TEST || "";
const describeMongo = MONGO_URI ? describe : describe.skip;

describeMongo("hotels on MongoDB", () => {
	let broker: ServiceBroker;
	beforeAll(async () => {
		const db = `hb_test_${Date.now()}`;
		process.env.MONGO_URI = MONGO_URI.replace(/\/?(\?|$)/, `/${db}$1`);
		broker = createBroker(loadConfig(), {}, ["hotels"]);
		await broker.start();
		delete process.env.MONGO_URI;
	});
	afterAll(async () => {
		const svc = broker.getLocalService("hotels") as unknown as { adapter: { db: { dropDatabase(): Promise<void> } } };
		await svc.adapter.db.dropDatabase();
		await broker.stop();
	});

	it("creates the indexes and answers filtered, sorted lists", async () => {
		const svc = broker.getLocalService("hotels") as unknown as { adapter: { collection: { indexes(): Promise<{ key: Record<string, number> }[]> } } };
		const idx = await svc.adapter.collection.indexes();
		expect(idx.some(i => i.key.cityKey === 1)).toBe(true);
		const res = await broker.call<{ rows: { stars: number; address: { city: string } }[]; total: number }, object>("hotels.list", { city: "nice", sort: "-stars", amenities: "wifi", q: "nice", pageSize: 100 });
		expect(res.total).toBeGreaterThan(0);
		const stars = res.rows.map(r => r.stars);
		expect(stars).toEqual([...stars].sort((a, b) => b - a));
	});

	it("keeps a change's message on the document until the relay published it, then clears it (document outbox on MongoDB)", async () => {
		const svc = broker.getLocalService("hotels") as unknown as { adapter: { collection: { indexes(): Promise<{ key: Record<string, number>; sparse?: boolean }[]>; findOne(q: unknown): Promise<Record<string, unknown> | null> } } };
		expect((await svc.adapter.collection.indexes()).some(i => i.key.outboxPending === 1 && i.sparse)).toBe(true);
		const admin = { meta: { user: { role: "owner", sub: "usr_owner", email: "admin@example.com", hotelIds: ["*"], ver: 1 } } };
		const h = await broker.call<{ id: string }, object>("hotels.create", {
			name: "Mongo Outbox", address: { line1: "1 rue", city: "Lyon", postalCode: "69001", country: "FR" }, stars: 2, email: "m@example.com",
			timezone: "Europe/Paris", currency: "EUR", roomTypes: [{ name: "Double", capacity: 2, totalRooms: 3, pricePerNight: 9000 }],
		}, admin);
		await broker.call("hotels.update", { id: h.id, stars: 3 }, admin);
		// No consumer of hotels messages in this broker: the relay publishes them to nobody and clears the document.
		await waitFor("the document's outbox emptied", async () => !("outboxPending" in ((await svc.adapter.collection.findOne({ _id: h.id })) ?? {})));
		expect(await svc.adapter.collection.findOne({ _id: h.id })).toMatchObject({ stars: 3 });
		expect(await broker.call("hotels.get", { id: h.id })).not.toHaveProperty("outbox");
	});
});
