/**
 * The booking metrics charted in docs/operations.md and the Grafana dashboard, scraped from the
 * node's own Prometheus endpoint (METRICS_PORT): `hotel_bookings_total` moves with a committed
 * booking, `hotel_soldouts_total` with a refusal for lack of rooms. Embedded shape (SQLite).
 */
import http from "http";
import request from "supertest";
import { freePort } from "../helpers/infra";
import { booking, createHotel, hotelBody, startNode, type Node } from "./reservations.fixtures";

let node: Node;
let port = 0;

function scrape(): Promise<string> {
	return new Promise((resolve, reject) => {
		http.get({ host: "127.0.0.1", port, path: "/metrics" }, res => {
			let body = "";
			res.on("data", chunk => (body += chunk));
			res.on("end", () => resolve(body));
		}).on("error", reject);
	});
}

/** The value of a Prometheus counter summed over its label sets; null when it is not exposed. */
async function counter(name: string): Promise<number | null> {
	const lines = (await scrape()).split("\n").filter(l => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
	return lines.length ? lines.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0) : null;
}

beforeAll(async () => {
	port = await freePort();
	process.env.DATA_DIR = ":memory:";
	process.env.METRICS_PORT = String(port);
	delete process.env.RESERVATIONS_DB_URL;
	try {
		node = await startNode();
	} finally {
		delete process.env.METRICS_PORT;
	}
});

afterAll(async () => {
	await node?.broker.stop();
});

it("counts a committed booking in hotel_bookings_total and a sold-out in hotel_soldouts_total", async () => {
	// Exposed from the start, at 0: a dashboard's rate() sees the first booking.
	expect(await counter("hotel_bookings_total")).toBe(0);
	expect(await counter("hotel_soldouts_total")).toBe(0);

	const id = await createHotel(node, hotelBody("Counted", [{ id: "double", totalRooms: 1 }]));
	const api = () => request(node.http);
	expect((await api().post("/api/v1/reservations").send(booking(id, "double", 10, 12))).status).toBe(201);
	expect(await counter("hotel_bookings_total")).toBe(1);
	expect(await counter("hotel_soldouts_total")).toBe(0);

	const full = await api().post("/api/v1/reservations").set("Idempotency-Key", "sold-out-once").send(booking(id, "double", 11, 13));
	expect(full.status).toBe(409);
	expect(full.body.type).toBe("NO_AVAILABILITY");
	expect(await counter("hotel_soldouts_total")).toBe(1);
	expect(await counter("hotel_bookings_total")).toBe(1);

	// A replayed refusal is the same request: not a second sold-out. A refused input is neither.
	expect((await api().post("/api/v1/reservations").set("Idempotency-Key", "sold-out-once").send(booking(id, "double", 11, 13))).status).toBe(409);
	expect((await api().post("/api/v1/reservations").send(booking(id, "double", 12, 11))).status).toBe(422);
	expect(await counter("hotel_soldouts_total")).toBe(1);
	expect(await counter("hotel_bookings_total")).toBe(1);
});
