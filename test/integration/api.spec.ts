/**
 * The gateway over real HTTP (supertest): routes, error shapes of SPEC §3, auth, OpenAPI.
 */
import jwt from "jsonwebtoken";
import { startApp, type TestApp } from "../helpers/app";
import { signGuestToken } from "../../lib/auth";
import { DEV_JWT_SECRET } from "../../lib/config";

const newHotel = () => ({
	name: "Hôtel Test",
	address: { line1: "1 rue de la Paix", city: "Paris", postalCode: "75002", country: "FR" },
	location: { lat: 48.86, lng: 2.33 },
	stars: 4,
	amenities: ["wifi"],
	email: "contact@test.example",
	timezone: "Europe/Paris",
	currency: "EUR",
	roomTypes: [{ name: "Standard double", capacity: 2, totalRooms: 5, pricePerNight: 12000 }],
});

let app: TestApp;
let admin: string;
beforeAll(async () => {
	app = await startApp({ AUTH_RATE_LIMIT_PER_MINUTE: "1000" });
	admin = await app.adminToken();
});
afterAll(() => app.stop());

const countHotels = async () => (await app.http().get("/api/v1/hotels?includeInactive=true&pageSize=100").set("Authorization", `Bearer ${admin}`)).body.total as number;

describe("operations", () => {
	it("GET /api/health answers 200", async () => {
		const res = await app.http().get("/api/health");
		expect(res.status).toBe(200);
		expect(res.body.status).toBe("up");
	});
	it("GET /api/ready reports each check and 503 while a needed service is missing", async () => {
		const res = await app.http().get("/api/ready");
		expect(res.status).toBe(503);
		expect(res.body.status).toBe("down");
		expect(res.body.checks["store:hotels"]).toEqual({ ok: true, detail: "memory" });
		expect(res.body.checks["service:reservations"].ok).toBe(false);
	});
	it("serves the placeholder front end at /", async () => {
		const res = await app.http().get("/");
		expect(res.status).toBe(200);
		expect(res.text).toContain("<html");
	});
	it("serves interactive docs with local assets (no CDN)", async () => {
		const res = await app.http().get("/api/docs");
		expect(res.status).toBe(200);
		expect(res.text).not.toMatch(/https?:\/\//);
		const js = await app.http().get("/api/docs/swagger-ui-bundle.js");
		expect(js.status).toBe(200);
		expect((await app.http().get("/api/docs/..%2Fpackage.json")).status).toBe(404);
	});
});

describe("OpenAPI", () => {
	it("is generated from the actions' params", async () => {
		const res = await app.http().get("/api/openapi.json");
		expect(res.status).toBe(200);
		const doc = res.body;
		expect(doc.openapi).toBe("3.1.0");
		const create = doc.paths["/api/v1/hotels"].post;
		expect(create.security).toEqual([{ bearer: [] }]);
		const body = create.requestBody.content["application/json"].schema;
		expect(body.additionalProperties).toBe(false);
		expect(body.required).toEqual(expect.arrayContaining(["name", "address", "stars", "timezone", "currency", "roomTypes"]));
		expect(body.properties.stars).toMatchObject({ type: "integer", minimum: 0, maximum: 5 });
		expect(body.properties.currency.pattern).toBe("^[A-Z]{3}$");
		const list = doc.paths["/api/v1/hotels"].get;
		expect(list.security).toBeUndefined();
		expect(list.parameters.find((p: { name: string }) => p.name === "pageSize").schema).toMatchObject({ maximum: 100 });
		expect(doc.paths["/api/v1/hotels/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
		expect(doc.paths["/api/v1/auth/login"].post.requestBody).toBeDefined();
		expect(doc.paths["/api/v1/stream"].get.responses["200"].content).toHaveProperty(["text/event-stream"]);
		expect(doc.paths["/api/v1/stream/staff"].get.security).toEqual([{ bearer: [] }]);
	});
	it("describes every route from the service schemas, also those whose service runs on no node here", async () => {
		const doc = (await app.http().get("/api/openapi.json")).body;
		const book = doc.paths["/api/v1/reservations"].post;
		expect(book.requestBody.content["application/json"].schema.required).toEqual(expect.arrayContaining(["hotelId", "checkIn", "checkOut"]));
		expect(book.responses["503"].headers["Retry-After"]).toBeDefined();
		expect(doc.paths["/api/v1/mails"].get["x-access"]).toBe("admin");
	});
});

describe("routes from the actions' rest metadata", () => {
	it("a route whose service runs on no node answers 503 with Retry-After, not 404", async () => {
		for (const res of [await app.http().get("/api/v1/mails"), await app.http().post("/api/v1/reservations/lookup").send({ code: "ABCDEFGH", email: "a@b.co" })]) {
			expect(res.status).toBe(503);
			expect(res.body.type).toBe("SERVICE_UNAVAILABLE");
			expect(res.headers["retry-after"]).toBe("5");
		}
	});
});

describe("auth", () => {
	it("logs the admin in and refuses a wrong password with 401", async () => {
		const ok = await app.http().post("/api/v1/auth/login").send({ email: "ADMIN@example.com", password: "admin" });
		expect(ok.status).toBe(200);
		expect(ok.body.expiresIn).toBeGreaterThan(0);
		const bad = await app.http().post("/api/v1/auth/login").send({ email: "admin@example.com", password: "nope" });
		expect(bad.status).toBe(401);
		expect(bad.body).toMatchObject({ code: 401, type: "UNAUTHORIZED" });
	});
	it("answers 401 without a token on an admin route", async () => {
		const res = await app.http().post("/api/v1/hotels").send(newHotel());
		expect(res.status).toBe(401);
		expect(res.body.type).toBe("UNAUTHORIZED");
	});
	it("answers 401 for a forged token", async () => {
		const forged = jwt.sign({ role: "admin" }, "another-secret", { subject: "x", issuer: "hotel-booking", expiresIn: 60 });
		const res = await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${forged}`).send(newHotel());
		expect(res.status).toBe(401);
		expect(res.body.message).toMatch(/invalid/i);
	});
	it("answers 401 for an expired token", async () => {
		const expired = jwt.sign({ role: "admin", exp: Math.floor(Date.now() / 1000) - 10 }, DEV_JWT_SECRET, { subject: "admin@example.com", issuer: "hotel-booking" });
		const res = await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${expired}`).send(newHotel());
		expect(res.status).toBe(401);
		expect(res.body.message).toMatch(/expired/i);
	});
	it("answers 403 to a guest token on an admin route", async () => {
		const guest = signGuestToken("ABCDEFGH", DEV_JWT_SECRET);
		const res = await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${guest}`).send(newHotel());
		expect(res.status).toBe(403);
		expect(res.body.type).toBe("FORBIDDEN");
	});
});

describe("hotels over HTTP", () => {
	it("lists the demo hotels, filtered and paged", async () => {
		const all = await app.http().get("/api/v1/hotels?pageSize=5");
		expect(all.status).toBe(200);
		expect(all.body).toMatchObject({ page: 1, pageSize: 5 });
		expect(all.body.total).toBeGreaterThanOrEqual(12);
		expect(all.body.totalPages).toBe(Math.ceil(all.body.total / 5));
		const annecy = await app.http().get("/api/v1/hotels?city=ANNECY&sort=-stars");
		expect(annecy.body.rows.length).toBeGreaterThanOrEqual(3);
		expect(annecy.body.rows.every((h: { address: { city: string } }) => h.address.city === "Annecy")).toBe(true);
		const stars = annecy.body.rows.map((h: { stars: number }) => h.stars);
		expect(stars).toEqual([...stars].sort((a, b) => b - a));
		const q = await app.http().get("/api/v1/hotels?q=hotel du lac");
		expect(q.body.rows.map((h: { name: string }) => h.name)).toContain("Hôtel du Lac");
		const spa = await app.http().get("/api/v1/hotels?amenities=spa,pool&minStars=5");
		expect(spa.body.rows.length).toBeGreaterThan(0);
		for (const h of spa.body.rows) expect(h.amenities).toEqual(expect.arrayContaining(["spa", "pool"]));
		expect(all.body.rows[0].id).toEqual(expect.any(String));
		expect(all.body.rows[0].cityKey).toBeUndefined();
	});

	it("lets the admin create, change and deactivate a hotel", async () => {
		const created = await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${admin}`).send(newHotel());
		expect(created.status).toBe(201);
		expect(created.headers.location).toBe(`/api/v1/hotels/${created.body.id}`);
		expect(created.body).toMatchObject({ active: true, roomTypes: [{ id: "standard-double", amenities: [] }] });
		const id = created.body.id;

		const patched = await app.http().patch(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${admin}`).send({ stars: 5, name: "Hôtel Test Palace" });
		expect(patched.status).toBe(200);
		expect(patched.body).toMatchObject({ stars: 5, name: "Hôtel Test Palace" });

		const grown = await app.http().patch(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${admin}`)
			.send({ roomTypes: [{ id: "standard-double", name: "Standard double", capacity: 2, totalRooms: 8, pricePerNight: 12000 }, { name: "Suite", capacity: 4, totalRooms: 1, pricePerNight: 30000 }] });
		expect(grown.status).toBe(200);
		expect(grown.body.roomTypes.map((r: { id: string }) => r.id)).toEqual(["standard-double", "suite"]);

		const del = await app.http().delete(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${admin}`);
		expect(del.status).toBe(204);
		expect((await app.http().get(`/api/v1/hotels/${id}`)).status).toBe(404);
		const asAdmin = await app.http().get(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${admin}`);
		expect(asAdmin.body.active).toBe(false);
		const listed = await app.http().get("/api/v1/hotels?q=palace");
		expect(listed.body.rows.find((h: { id: string }) => h.id === id)).toBeUndefined();
	});

	it("refuses to shrink room types while the reservations service cannot confirm it (503, nothing changed)", async () => {
		const created = await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${admin}`).send(newHotel());
		const id = created.body.id;
		const res = await app.http().patch(`/api/v1/hotels/${id}`).set("Authorization", `Bearer ${admin}`)
			.send({ roomTypes: [{ id: "standard-double", name: "Standard double", capacity: 2, totalRooms: 1, pricePerNight: 12000 }] });
		expect(res.status).toBe(503);
		expect(res.body.type).toBe("SERVICE_UNAVAILABLE");
		const after = await app.http().get(`/api/v1/hotels/${id}`);
		expect(after.body.roomTypes[0].totalRooms).toBe(5);
	});

	it("accepts a demo hotel's own photo paths back in a PATCH", async () => {
		const h = (await app.http().get("/api/v1/hotels/demo-paris-marais")).body;
		const res = await app.http().patch(`/api/v1/hotels/${h.id}`).set("Authorization", `Bearer ${admin}`).send({ photos: [...h.photos, "https://cdn.example/x.jpg"] });
		expect(res.status).toBe(200);
		expect(res.body.photos).toHaveLength(h.photos.length + 1);
	});

	it("answers 404 NOT_FOUND for an unknown hotel and an unknown route", async () => {
		const res = await app.http().get("/api/v1/hotels/htl_doesnotexist");
		expect(res.status).toBe(404);
		expect(res.body).toMatchObject({ code: 404, type: "NOT_FOUND" });
		expect(res.body.message).toContain("htl_doesnotexist");
		const route = await app.http().get("/api/v1/nothing-here");
		expect(route.status).toBe(404);
		expect(route.body.type).toBe("NOT_FOUND");
	});
});

describe("bad input gets a 4xx naming the field and writes nothing", () => {
	const post = (body: unknown) => app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${admin}`).send(body as object);
	const bad: [string, Record<string, unknown>, string][] = [
		["stars above 5", { stars: 6 }, "stars"],
		["stars as a string", { stars: "4" }, "stars"],
		["latitude out of range", { location: { lat: 95, lng: 2 } }, "location.lat"],
		["unknown currency", { currency: "EURO" }, "currency"],
		["unknown time zone", { timezone: "Europe/Atlantis" }, "timezone"],
		["negative price", { roomTypes: [{ name: "A", capacity: 2, totalRooms: 1, pricePerNight: -5 }] }, "roomTypes[0].pricePerNight"],
		["fractional price", { roomTypes: [{ name: "A", capacity: 2, totalRooms: 1, pricePerNight: 99.5 }] }, "roomTypes[0].pricePerNight"],
		["capacity 0", { roomTypes: [{ name: "A", capacity: 0, totalRooms: 1, pricePerNight: 100 }] }, "roomTypes[0].capacity"],
		["duplicate room type ids", { roomTypes: [{ id: "a", name: "A", capacity: 2, totalRooms: 1, pricePerNight: 100 }, { id: "a", name: "B", capacity: 2, totalRooms: 1, pricePerNight: 100 }] }, "roomTypes"],
		["unknown field", { evil: true }, "evil"],
		["unknown nested field", { address: { line1: "x", city: "y", postalCode: "1", country: "FR", floor: 3 } }, "floor"],
		["operator object", { name: { $ne: "x" } }, "name"],
		["bad email", { email: "nope" }, "email"],
	];
	it.each(bad)("POST /hotels with %s → 422", async (_label, change, field) => {
		const before = await countHotels();
		const res = await post({ ...newHotel(), ...change });
		expect(res.status).toBe(422);
		expect(res.body.type).toBe("VALIDATION_ERROR");
		expect(JSON.stringify(res.body.data)).toContain(field);
		expect(await countHotels()).toBe(before);
	});

	it("malformed JSON → 400 INVALID_REQUEST", async () => {
		const res = await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${admin}`).set("Content-Type", "application/json").send('{"name": ');
		expect(res.status).toBe(400);
		expect(res.body).toMatchObject({ code: 400, type: "INVALID_REQUEST" });
	});

	it("body over 64 KiB → 413 PAYLOAD_TOO_LARGE", async () => {
		const res = await post({ ...newHotel(), description: "x".repeat(70 * 1024) });
		expect(res.status).toBe(413);
		expect(res.body).toMatchObject({ code: 413, type: "PAYLOAD_TOO_LARGE" });
	});

	it("query-string operators such as city[$ne]=x → 422 naming the field", async () => {
		const res = await app.http().get("/api/v1/hotels?city[$ne]=x");
		expect(res.status).toBe(422);
		expect(res.body.data[0].field).toBe("city");
	});

	it("unknown query parameters and pageSize over 100 → 422", async () => {
		expect((await app.http().get("/api/v1/hotels?pageSize=101")).status).toBe(422);
		expect((await app.http().get("/api/v1/hotels?sort=price")).status).toBe(422);
		expect((await app.http().get("/api/v1/hotels?foo=1")).status).toBe(422);
	});

	it("an empty PATCH → 422, a PATCH with a bad field changes nothing", async () => {
		const h = (await app.http().get("/api/v1/hotels?city=nice&pageSize=1")).body.rows[0];
		const empty = await app.http().patch(`/api/v1/hotels/${h.id}`).set("Authorization", `Bearer ${admin}`).send({});
		expect(empty.status).toBe(422);
		const bad = await app.http().patch(`/api/v1/hotels/${h.id}`).set("Authorization", `Bearer ${admin}`).send({ name: "New", stars: 9 });
		expect(bad.status).toBe(422);
		expect((await app.http().get(`/api/v1/hotels/${h.id}`)).body.name).toBe(h.name);
	});

	it("CORS is off unless configured", async () => {
		const res = await app.http().options("/api/v1/hotels").set("Origin", "https://evil.example").set("Access-Control-Request-Method", "GET");
		expect(res.headers["access-control-allow-origin"]).toBeUndefined();
	});
});

describe("login rate limit", () => {
	it("limits /auth/login per client (429 RATE_LIMITED)", async () => {
		const limited = await startApp({ AUTH_RATE_LIMIT_PER_MINUTE: "3" });
		try {
			const codes: number[] = [];
			for (let i = 0; i < 5; i++) codes.push((await limited.http().post("/api/v1/auth/login").set("X-Forwarded-For", `10.0.0.${i}`).send({ email: "a@b.co", password: "x" })).status);
			expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
			expect(codes.slice(3)).toEqual([429, 429]);
			const res = await limited.http().post("/api/v1/auth/login").send({ email: "a@b.co", password: "x" });
			expect(res.body.type).toBe("RATE_LIMITED");
		} finally {
			await limited.stop();
		}
	});
});
