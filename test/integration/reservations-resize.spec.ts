/**
 * One owner per write (docs/inventory.md "Room-type sizes"): hotels owns a room type's size,
 * reservations only asks `reservations.checkInventoryChange` (a read-only conflict query)
 * before the save and applies sizes from the hotel's message. Embedded shape (SQLite).
 */
import request from "supertest";
import { booking, bookedByNight, createHotel, day, hotelBody, snapshot, startNode, waitForCopy, type Node } from "./reservations.fixtures";
import { settled, waitFor } from "../helpers/wait";

let node: Node;
const api = () => request(node.http);
const rt = (id: string, totalRooms: number) => ({ id, name: `Room ${id}`, capacity: 2, totalRooms, pricePerNight: 10000 });

beforeAll(async () => {
	process.env.DATA_DIR = ":memory:";
	delete process.env.RESERVATIONS_DB_URL;
	node = await startNode();
});

afterAll(async () => {
	await node?.broker.stop();
});

/** What reservations holds for a hotel: its inventory totals, its copy, and the store as a whole. */
async function held(id: string) {
	const copy = await node.db.one<{ updated_at: string; data: string; inventory_until: string }>("SELECT updated_at, data, inventory_until FROM hotel_copies WHERE id = :id", { id });
	const [inv] = await node.db.select<{ total: number | string; booked: number | string }>("SELECT SUM(total) AS total, SUM(booked) AS booked FROM inventory WHERE hotel_id = :id", { id });
	return { copy, total: Number(inv.total), booked: Number(inv.booked), store: await snapshot(node.db) };
}

describe("room-type sizes have one owner", () => {
	it("a resize whose hotel save fails leaves the inventory totals and the copy exactly as they were", async () => {
		const id = await createHotel(node, hotelBody("Save fails", [{ id: "double", totalRooms: 5 }, { id: "suite", totalRooms: 2 }]));
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", 10, 12))).status).toBe(201);
		const before = await held(id);

		const hotels = node.broker.getLocalService("hotels") as unknown as { adapter: { updateById: (...args: unknown[]) => Promise<unknown> } };
		const save = hotels.adapter.updateById;
		hotels.adapter.updateById = async () => { throw new Error("the hotels store refused the write"); };
		try {
			// A cut (hotels asks reservations first) and a growth in one PATCH.
			const res = await api().patch(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${node.admin}`).send({ roomTypes: [rt("double", 3), rt("suite", 4)] });
			expect(res.status).toBeGreaterThanOrEqual(500);
		} finally {
			hotels.adapter.updateById = save;
		}

		// Nothing was written then, and nothing arrives later: no message left for a change never saved.
		expect(await settled("the reservations store", () => held(id))).toEqual(before);
		expect((await api().get(`/api/v1/hotels/${id}`)).body.roomTypes.map((r: { totalRooms: number }) => r.totalRooms)).toEqual([5, 2]);
	});

	it("the conflict query writes nothing, whether it accepts or refuses", async () => {
		const id = await createHotel(node, hotelBody("Asked only", [{ id: "double", totalRooms: 4 }]));
		for (let i = 0; i < 2; i++) expect((await api().post("/api/v1/reservations").send(booking(id, "double", 20, 21))).status).toBe(201);
		const before = await held(id);
		const ask = (totalRooms: number) => node.broker.call("reservations.checkInventoryChange", { hotelId: id, roomTypes: [{ id: "double", totalRooms }] });
		await expect(ask(2)).resolves.toEqual({ ok: true });
		await expect(ask(1)).rejects.toMatchObject({ type: "INVENTORY_CONFLICT", data: { roomTypeId: "double", night: day(20), booked: 2, totalRooms: 1 } });
		await expect(node.broker.call("reservations.checkInventoryChange", { hotelId: id, roomTypes: [] }))
			.rejects.toMatchObject({ type: "INVENTORY_CONFLICT", message: expect.stringContaining("cannot be removed") });
		expect(await held(id)).toEqual(before);
	});

	it("a resize that is saved reaches the inventory once the hotel message is applied", async () => {
		const id = await createHotel(node, hotelBody("Saved", [{ id: "double", totalRooms: 5 }]));
		expect((await api().post("/api/v1/reservations").send(booking(id, "double", 10, 12))).status).toBe(201);
		const res = await api().patch(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${node.admin}`).send({ roomTypes: [rt("double", 3)] });
		expect(res.status).toBe(200);
		await waitForCopy(node, id, res.body.updatedAt);
		await waitFor("the new size on every future night", async () => [...(await bookedByNight(node.db, id, "double")).values()].every(n => n.total === 3));
		const nights = await bookedByNight(node.db, id, "double");
		expect(nights.get(day(10))).toEqual({ booked: 1, total: 3 });
		expect(nights.get(day(700))).toEqual({ booked: 0, total: 3 });
		const avail = await api().get(`/api/v1/hotels/${id}/availability`).query({ checkIn: day(10), checkOut: day(12) });
		expect(avail.body.roomTypes[0]).toMatchObject({ roomTypeId: "double", available: 2 });
	});
});

describe("the horizon moves with the days", () => {
	it("nights opened at the horizon are created and announced on the live feed", async () => {
		const id = await createHotel(node, hotelBody("Horizon", [{ id: "double", totalRooms: 4 }]));
		const svc = node.broker.getLocalService("reservations") as unknown as {
			copies: { extend(id: string): Promise<void> }; feed: { mark(...args: string[]): void };
		};
		const copy = await node.db.one<{ inventory_until: string }>("SELECT inventory_until FROM hotel_copies WHERE id = :id", { id });
		const last = (await node.db.select<{ night: string }>("SELECT MAX(night) AS night FROM inventory WHERE hotel_id = :id", { id }))[0].night;
		// As if a day had passed since the copy was extended: its last night is not there yet.
		await node.db.exec("DELETE FROM inventory WHERE hotel_id = :id AND night = :last", { id, last });
		await node.db.exec("UPDATE hotel_copies SET inventory_until = :last WHERE id = :id", { id, last });
		const marked = jest.spyOn(svc.feed, "mark");
		try {
			await svc.copies.extend(id);
			expect(marked).toHaveBeenCalledWith(id, "double", last, copy!.inventory_until);
		} finally {
			marked.mockRestore();
		}
		expect((await bookedByNight(node.db, id, "double")).get(last)).toEqual({ booked: 0, total: 4 });
	});
});
