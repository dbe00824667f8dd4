/**
 * Shared by the reservations integration suites: brokers through the real gateway, a hotel,
 * dates relative to the hotel's today and direct looks at the store for state assertions.
 */
import request from "supertest";
import type { Server } from "http";
import type { ServiceBroker } from "moleculer";
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { signAdminToken } from "../../lib/auth";
import { AVAILABILITY_CHANGED } from "../../services/reservations/availability-feed";
import type { SqlStore } from "../../services/reservations/db";
import { addDays, localDate } from "../../services/reservations/stay";
import { waitFor } from "../helpers/wait";

export interface Node {
	broker: ServiceBroker;
	http: Server;
	db: SqlStore;
	admin: string;
}

/** A node with api, hotels and reservations, from process.env as the caller set it. */
export async function startNode(services: ("api" | "hotels" | "reservations")[] = ["api", "hotels", "reservations"], nodeID?: string): Promise<Node> {
	process.env.PORT = "0";
	process.env.SEED_DEMO = "false";
	const cfg = loadConfig();
	// The node with the hotels service also runs accounts: every gateway checks staff tokens there.
	const all = services.includes("hotels") && services.includes("api") ? [...services, "accounts" as const] : services;
	const broker = createBroker({ ...cfg, logLevel: "warn" }, { logLevel: "warn", ...(nodeID ? { nodeID } : {}) }, all);
	await broker.start();
	const api = broker.getLocalService("api") as unknown as { server: Server } | undefined;
	const res = broker.getLocalService("reservations") as unknown as { db: SqlStore } | undefined;
	return { broker, http: api?.server as Server, db: res?.db as SqlStore, admin: signAdminToken(cfg.adminEmail, cfg.jwtSecret) };
}

export const TZ = "Europe/Paris";
/** A date `days` after the hotel's today. */
export const day = (days: number, tz = TZ) => addDays(localDate(tz), days);

export function hotelBody(name: string, roomTypes: { id: string; totalRooms: number; capacity?: number; pricePerNight?: number }[], tz = TZ, city = "Annecy") {
	return {
		name,
		address: { line1: "1 quai Napoléon III", city, postalCode: "74000", country: "FR" },
		stars: 4,
		email: "contact@hotel.example",
		timezone: tz,
		currency: "EUR",
		roomTypes: roomTypes.map(rt => ({ id: rt.id, name: `Room ${rt.id}`, capacity: rt.capacity ?? 2, totalRooms: rt.totalRooms, pricePerNight: rt.pricePerNight ?? 10000 })),
	};
}

export async function createHotel(node: Node, body: ReturnType<typeof hotelBody>): Promise<string> {
	const res = await request(node.http).post("/api/v1/hotels").set("Authorization", `Bearer ${node.admin}`).send(body);
	if (res.status !== 201) throw new Error(`hotel not created: ${res.status} ${JSON.stringify(res.body)}`);
	await waitForCopy(node, res.body.id, res.body.updatedAt);
	return res.body.id as string;
}

/** Wait until the hotels.hotel.* message reached the local copy (search only knows copied hotels). */
export async function waitForCopy(node: Node, id: string, updatedAt: string, timeoutMs = 5000): Promise<void> {
	await waitFor(`hotel ${id} (${updatedAt}) in the reservations copy`, async () => {
		const row = await node.db.one<{ updated_at: string }>("SELECT updated_at FROM hotel_copies WHERE id = :id", { id });
		return !!row && row.updated_at >= updatedAt;
	}, timeoutMs, 20);
}

export const guest = (n = 1) => ({ name: `Guest ${n}`, email: `guest${n}@example.com`, locale: "en" });

export function booking(hotelId: string, roomTypeId: string, from: number, to: number, extra: Record<string, unknown> = {}) {
	return { hotelId, roomTypeId, checkIn: day(from), checkOut: day(to), rooms: 1, guests: 1, guest: guest(), ...extra };
}

/** State of the store: what must not change when a request is refused. */
export async function snapshot(db: SqlStore) {
	const [inv] = await db.select<{ booked: number | string; total: number | string }>("SELECT SUM(booked) AS booked, SUM(total) AS total FROM inventory");
	const [res] = await db.select<{ n: number | string }>("SELECT COUNT(*) AS n FROM reservations");
	// The live feed's messages announce earlier commits, coalesced and written later: not part of a request's writes.
	const [out] = await db.select<{ n: number | string }>(`SELECT COUNT(*) AS n FROM outbox WHERE event <> '${AVAILABILITY_CHANGED}'`);
	const rows = await db.select<{ code: string; status: string; check_in: string; check_out: string; rooms: number; room_type_id: string; total_price: number | string; sequence: number | string }>(
		"SELECT code, status, check_in, check_out, rooms, room_type_id, total_price, sequence FROM reservations ORDER BY code");
	return { booked: Number(inv?.booked ?? 0), total: Number(inv?.total ?? 0), reservations: Number(res?.n ?? 0), outbox: Number(out?.n ?? 0), rows: JSON.stringify(rows) };
}

/** booked per night of one room type. */
export async function bookedByNight(db: SqlStore, hotelId: string, roomTypeId: string): Promise<Map<string, { booked: number; total: number }>> {
	const rows = await db.select<{ night: string; booked: number | string; total: number | string }>(
		"SELECT night, booked, total FROM inventory WHERE hotel_id = :h AND room_type_id = :rt ORDER BY night", { h: hotelId, rt: roomTypeId });
	return new Map(rows.map(r => [r.night, { booked: Number(r.booked), total: Number(r.total) }]));
}

export async function outboxEvents(db: SqlStore): Promise<{ event: string; data: { reservation: { code: string }; sequence: number } }[]> {
	// Reservation messages only: the live feed's and the audit log's (SPEC §11) have other shapes.
	const rows = await db.select<{ payload: string }>(`SELECT payload FROM outbox WHERE event <> '${AVAILABILITY_CHANGED}' AND event NOT LIKE '%.audit.recorded' ORDER BY created_at, id`);
	return rows.map(r => JSON.parse(r.payload));
}
