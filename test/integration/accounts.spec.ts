/**
 * Staff accounts end to end (SPEC §11), embedded shape with a real SMTP server: the first owner
 * from ADMIN_EMAIL/ADMIN_PASSWORD, invitations and resets by email with single-use links, each
 * role's allowed and refused routes, another hotel's objects answering 404 (through the gateway
 * and over the broker with a forged user), lists filtered, deactivation and role changes
 * revoking tokens, brute-force limits; then deactivation across two api nodes on RabbitMQ.
 */
import request from "supertest";
import type { ServiceBroker } from "moleculer";
import { startApp, type TestApp } from "../helpers/app";
import { AMQP_URL, describeWithServers, serversMissing, uniqueName } from "../helpers/infra";
import { waitFor } from "../helpers/wait";
import { startSmtp, type TestSmtp } from "./mail.fixtures";
import type { AuthUser } from "../../lib/auth";

const PASSWORD = "correct horse battery";
const hotel = (name: string) => ({
	name, address: { line1: "1 rue", city: "Annecy", postalCode: "74000", country: "FR" }, stars: 3, email: "h@example.com",
	timezone: "Europe/Paris", currency: "EUR", roomTypes: [{ id: "double", name: "Double", capacity: 2, totalRooms: 5, pricePerNight: 10000 }],
});
const isoDay = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

describe("staff accounts (embedded, SMTP)", () => {
	let app: TestApp;
	let smtp: TestSmtp;
	let owner: string;
	let h1: string;
	let h2: string;
	const http = () => request(app.server);
	const as = (token: string) => ({ Authorization: `Bearer ${token}` });

	/** The link token of the last email of `type` to `to`. */
	async function linkToken(to: string, type: "staff_invitation" | "password_reset"): Promise<string> {
		let token = "";
		await waitFor(`a ${type} email to ${to}`, () => {
			const mail = [...smtp.received].reverse().find(r => r.to.includes(to) && r.type === type);
			const m = mail && /token=([A-Za-z0-9_-]+)/.exec(mail.mail.text ?? "");
			if (m) token = m[1];
			return !!m;
		}, 10_000);
		return token;
	}

	/** Invite, take the emailed link, set a password, log in: the new user's token. */
	async function onboard(by: string, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
		const res = await http().post("/api/v1/staff").set(as(by)).send(body);
		expect(res.status).toBe(201);
		const link = await linkToken(String(body.email), "staff_invitation");
		const set = await http().post("/api/v1/auth/reset").send({ token: link, password: PASSWORD });
		if (set.status !== 200) {
			const db = (app.broker.getLocalService("accounts") as unknown as { sequelize: { query(sql: string, o: object): Promise<unknown[]> } }).sequelize;
			throw new Error(`reset: ${set.status} ${JSON.stringify(set.body)} link=${link} links=${JSON.stringify(await db.query("SELECT * FROM staff_links", { type: "SELECT" }))} now=${new Date().toISOString()}`);
		}
		return { id: res.body.id, token: set.body.token };
	}

	beforeAll(async () => {
		smtp = await startSmtp();
		app = await startApp({ SMTP_URL: smtp.url, MAIL_POLL_MS: "50", OUTBOX_POLL_MS: "50", SEED_DEMO: "false", AUTH_RATE_LIMIT_PER_MINUTE: "1000", AUTH_ACCOUNT_LIMIT: "6", PUBLIC_URL: "https://hotels.example" },
			["api", "hotels", "reservations", "mail", "accounts"]);
		owner = await app.adminToken();
		h1 = (await http().post("/api/v1/hotels").set(as(owner)).send(hotel("One"))).body.id;
		h2 = (await http().post("/api/v1/hotels").set(as(owner)).send(hotel("Two"))).body.id;
		for (const id of [h1, h2]) await app.broker.call("reservations.syncHotel", { id });
	}, 60_000);

	afterAll(async () => {
		await app?.stop();
		await smtp?.close();
	});

	it("ADMIN_EMAIL / ADMIN_PASSWORD log in as the first owner, who holds every permission", async () => {
		const me = await http().get("/api/v1/auth/me").set(as(owner));
		expect(me.status).toBe(200);
		expect(me.body).toMatchObject({ email: "admin@example.com", role: "owner", hotelIds: ["*"], active: true, invitationPending: false });
		expect(me.body.permissions).toHaveLength(11);
		expect(me.body).not.toHaveProperty("passwordHash");
		expect(JSON.stringify(me.body)).not.toMatch(/argon2/);
		const list = await app.broker.call<{ rows: { email: string }[] }, object>("accounts.list", {});
		expect(list.rows.map(r => r.email)).toContain("admin@example.com");
	});

	it("an invitation email (fr) carries a single-use link; the password it sets logs in", async () => {
		const res = await http().post("/api/v1/staff").set(as(owner)).send({ email: "Marie@Example.com", name: "Marie", role: "manager", hotelIds: [h1], locale: "fr" });
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ email: "marie@example.com", role: "manager", hotelIds: [h1], active: true, invitationPending: true, lastLoginAt: null });
		const link = await linkToken("marie@example.com", "staff_invitation");
		const mail = smtp.received.find(r => r.to.includes("marie@example.com"))!;
		expect(mail.subject).toMatch(/invité/);
		expect(mail.mail.text).toContain("https://hotels.example/#/set-password?token=");
		expect((await http().post("/api/v1/auth/login").send({ email: "marie@example.com", password: PASSWORD })).status).toBe(401);
		const weak = await http().post("/api/v1/auth/reset").send({ token: link, password: "short" });
		expect(weak.status).toBe(422);
		const set = await http().post("/api/v1/auth/reset").send({ token: link, password: PASSWORD });
		expect(set.status).toBe(200);
		expect(set.body.expiresIn).toBe(900);
		const again = await http().post("/api/v1/auth/reset").send({ token: link, password: "another password 2" });
		expect(again.status).toBe(422);
		expect(again.body.data[0].field).toBe("token");
		const login = await http().post("/api/v1/auth/login").send({ email: "marie@example.com", password: PASSWORD });
		expect(login.status).toBe(200);
		const me = await http().get("/api/v1/auth/me").set(as(login.body.token));
		expect(me.body).toMatchObject({ role: "manager", invitationPending: false });
		expect(me.body.lastLoginAt).not.toBeNull();
		// A duplicate email: 422 naming the field.
		expect((await http().post("/api/v1/staff").set(as(owner)).send({ email: "marie@example.com", name: "M2", role: "front_desk", hotelIds: [h1] })).status).toBe(422);
	});

	it("each role reaches its routes, is refused the others, and never sees another hotel", async () => {
		const manager = await onboard(owner, { email: "man@example.com", name: "Man", role: "manager", hotelIds: [h1] });
		// The manager invites for its own hotel only, and never an owner.
		const desk = await onboard(manager.token, { email: "desk@example.com", name: "Desk", role: "front_desk", hotelIds: [h1] });
		expect((await http().post("/api/v1/staff").set(as(manager.token)).send({ email: "x@example.com", name: "X", role: "front_desk", hotelIds: [h2] })).status).toBe(404);
		expect((await http().post("/api/v1/staff").set(as(manager.token)).send({ email: "y@example.com", name: "Y", role: "owner" })).status).toBe(403);
		const revenue = await onboard(owner, { email: "rev@example.com", name: "Rev", role: "revenue", hotelIds: [h1] });

		// One reservation in each hotel, booked by guests.
		const book = (hotelId: string, n: number) => http().post("/api/v1/reservations").send({ hotelId, roomTypeId: "double", checkIn: isoDay(20 + n), checkOut: isoDay(22 + n), rooms: 1, guests: 1, guest: { name: "G", email: `g${n}@example.com` } });
		const r1 = (await book(h1, 1)).body;
		const r2 = (await book(h2, 2)).body;
		expect(r1.code && r2.code).toBeTruthy();

		// Hotels: manager edits its hotel only (the other one is 404), cannot create one.
		expect((await http().patch(`/api/v1/hotels/${h1}`).set(as(manager.token)).send({ stars: 4 })).status).toBe(200);
		expect((await http().patch(`/api/v1/hotels/${h2}`).set(as(manager.token)).send({ stars: 4 })).status).toBe(404);
		expect((await http().delete(`/api/v1/hotels/${h2}`).set(as(manager.token))).status).toBe(404);
		expect((await http().post("/api/v1/hotels").set(as(manager.token)).send(hotel("Three"))).status).toBe(403);
		// The hotel list: a scoped staff caller sees its hotels only; anonymous callers all active ones.
		expect((await http().get("/api/v1/hotels?includeInactive=true").set(as(manager.token))).body.rows.map((h: { id: string }) => h.id)).toEqual([h1]);
		expect((await http().get("/api/v1/hotels").set(as(desk.token))).body.rows.map((h: { id: string }) => h.id)).toEqual([h1]);
		expect((await http().get("/api/v1/hotels")).body.total).toBeGreaterThanOrEqual(2);
		expect((await http().patch(`/api/v1/hotels/${h1}`).set(as(desk.token)).send({ stars: 5 })).status).toBe(403);

		// Reservations: lists filtered, another hotel's reservation 404, revenue views only.
		for (const t of [manager.token, desk.token, revenue.token]) {
			const list = await http().get("/api/v1/reservations").set(as(t));
			expect(list.status).toBe(200);
			expect(list.body.rows.map((r: { hotelId: string }) => r.hotelId)).toEqual([h1]);
			expect((await http().get(`/api/v1/reservations?hotelId=${h2}`).set(as(t))).body.total).toBe(0);
			expect((await http().get(`/api/v1/reservations/${r1.code}`).set(as(t))).status).toBe(200);
			expect((await http().get(`/api/v1/reservations/${r2.code}`).set(as(t))).status).toBe(404);
		}
		expect((await http().get("/api/v1/reservations").set(as(owner))).body.total).toBe(2);
		expect((await http().post(`/api/v1/reservations/${r2.code}/cancel`).set(as(desk.token)).send({})).status).toBe(404);
		expect((await http().post(`/api/v1/reservations/${r1.code}/cancel`).set(as(revenue.token)).send({})).status).toBe(403);
		expect((await http().patch(`/api/v1/reservations/${r1.code}`).set(as(revenue.token)).send({ guests: 2 })).status).toBe(403);

		// Occupancy and reports: revenue yes (own hotel), front desk no.
		const occ = (t: string, h: string) => http().get(`/api/v1/hotels/${h}/occupancy?from=${isoDay(1)}&to=${isoDay(5)}`).set(as(t));
		expect((await occ(revenue.token, h1)).status).toBe(200);
		expect((await occ(revenue.token, h2)).status).toBe(404);
		expect((await occ(desk.token, h1)).status).toBe(403);

		// Mail log, staff and audit: manager yes, front desk and revenue no.
		expect((await http().get("/api/v1/mails").set(as(manager.token))).status).toBe(200);
		for (const t of [desk.token, revenue.token]) {
			expect((await http().get("/api/v1/mails").set(as(t))).status).toBe(403);
			expect((await http().get("/api/v1/staff").set(as(t))).status).toBe(403);
			expect((await http().get("/api/v1/audit").set(as(t))).status).toBe(403);
		}
		// The manager's staff list: its hotel's people, not the owner nor other hotels'.
		const staff = await http().get("/api/v1/staff").set(as(manager.token));
		const emails = staff.body.rows.map((u: { email: string }) => u.email);
		expect(emails).toEqual(expect.arrayContaining(["man@example.com", "desk@example.com", "rev@example.com"]));
		expect(emails).not.toContain("admin@example.com");
		// A manager cannot change an owner (invisible: 404), nor itself.
		const ownerId = (await http().get("/api/v1/auth/me").set(as(owner))).body.id;
		expect((await http().patch(`/api/v1/staff/${ownerId}`).set(as(manager.token)).send({ active: false })).status).toBe(404);
		expect((await http().patch(`/api/v1/staff/${manager.id}`).set(as(manager.token)).send({ role: "owner" })).status).toBe(403);
		// Guests never reach staff routes.
		expect((await http().get("/api/v1/staff").set(as(r1.guestToken))).status).toBe(403);
		expect((await http().get(`/api/v1/reservations/${r1.code}`).set(as(r1.guestToken))).status).toBe(200);
	});

	it("a request forged past the gateway still cannot reach another hotel (over the broker, scoped user in ctx.meta)", async () => {
		const scoped: AuthUser = { role: "manager", sub: "usr_forged", email: "forged@example.com", hotelIds: [h1], ver: 1 };
		const call = (action: string, params: Record<string, unknown>, user: AuthUser = scoped) => app.broker.call(action, params, { meta: { user } }).then(() => 200, (e: { code: number }) => e.code);
		expect(await call("hotels.update", { id: h2, stars: 1 })).toBe(404);
		expect(await call("hotels.deactivate", { id: h2 })).toBe(404);
		expect(await call("hotels.create", hotel("Forged"))).toBe(403);
		const listed = await app.broker.call<{ rows: { hotelId: string }[] }, object>("reservations.list", {}, { meta: { user: scoped } });
		expect(listed.rows.every(r => r.hotelId === h1)).toBe(true);
		expect(await call("reservations.occupancy", { id: h2, from: isoDay(1), to: isoDay(3) })).toBe(404);
		expect(await call("accounts.audit", { hotelId: h2 }, { ...scoped })).toBe(200);
		const audit = await app.broker.call<{ rows: { target: { hotelId: string | null } }[] }, object>("accounts.audit", {}, { meta: { user: scoped } });
		expect(audit.rows.every(e => e.target.hotelId === h1)).toBe(true);
		expect(await call("accounts.invite", { email: "f@example.com", name: "F", role: "front_desk", hotelIds: [h2] })).toBe(404);
		expect(await call("mail.list", {}, { ...scoped, role: "front_desk" })).toBe(403);
	});

	it("deactivating a user or changing its role refuses its tokens at once and its login", async () => {
		const u = await onboard(owner, { email: "temp@example.com", name: "Temp", role: "front_desk", hotelIds: [h1] });
		expect((await http().get("/api/v1/reservations").set(as(u.token))).status).toBe(200);
		expect((await http().patch(`/api/v1/staff/${u.id}`).set(as(owner)).send({ role: "revenue" })).body.role).toBe("revenue");
		const after = await http().get("/api/v1/reservations").set(as(u.token));
		expect(after.status).toBe(401);
		expect(after.body.message).toMatch(/revoked/);
		const fresh = (await http().post("/api/v1/auth/login").send({ email: "temp@example.com", password: PASSWORD })).body.token;
		expect((await http().get("/api/v1/auth/me").set(as(fresh))).body.role).toBe("revenue");
		expect((await http().patch(`/api/v1/staff/${u.id}`).set(as(owner)).send({ active: false })).body.active).toBe(false);
		expect((await http().get("/api/v1/auth/me").set(as(fresh))).status).toBe(401);
		expect((await http().post("/api/v1/auth/login").send({ email: "temp@example.com", password: PASSWORD })).status).toBe(401);
		// The last owner cannot lock everyone out; nobody deactivates themselves.
		const ownerId = (await http().get("/api/v1/auth/me").set(as(owner))).body.id;
		expect((await http().patch(`/api/v1/staff/${ownerId}`).set(as(owner)).send({ active: false })).status).toBe(409);
	});

	it("forgot password answers the same for an unknown email; only a known one gets a single-use link", async () => {
		const before = smtp.received.length;
		const unknown = await http().post("/api/v1/auth/forgot").send({ email: "nobody@example.com" });
		const known = await http().post("/api/v1/auth/forgot").send({ email: "marie@example.com" });
		expect(unknown.status).toBe(202);
		expect(known.status).toBe(202);
		expect(unknown.body).toEqual(known.body);
		const link = await linkToken("marie@example.com", "password_reset");
		const mail = [...smtp.received].reverse().find(r => r.type === "password_reset")!;
		expect(mail.mail.text).toContain("#/reset-password?token=");
		expect(smtp.received.slice(before).some(r => r.to.includes("nobody@example.com"))).toBe(false);
		const set = await http().post("/api/v1/auth/reset").send({ token: link, password: "a brand new password" });
		expect(set.status).toBe(200);
		expect((await http().post("/api/v1/auth/reset").send({ token: link, password: "yet another password" })).status).toBe(422);
		expect((await http().post("/api/v1/auth/login").send({ email: "marie@example.com", password: PASSWORD })).status).toBe(401);
		expect((await http().post("/api/v1/auth/login").send({ email: "marie@example.com", password: "a brand new password" })).status).toBe(200);
		// Invitation links stop working once used for a reset, and the hash, not the token, is stored.
		const rows = await (app.broker.getLocalService("accounts") as unknown as { sequelize: { query(sql: string, o: object): Promise<{ token_hash: string }[]> } })
			.sequelize.query("SELECT token_hash FROM staff_links", { type: "SELECT" });
		expect(rows.some(r => r.token_hash === link)).toBe(false);
	});

	it("limits login attempts per account, whatever the client (then 429 even with the right password)", async () => {
		await onboard(owner, { email: "brute@example.com", name: "Brute", role: "front_desk", hotelIds: [h1] });
		for (let i = 0; i < 6; i++) expect((await http().post("/api/v1/auth/login").send({ email: "brute@example.com", password: `wrong ${i} password` })).status).toBe(401);
		const limited = await http().post("/api/v1/auth/login").send({ email: "brute@example.com", password: PASSWORD });
		expect(limited.status).toBe(429);
		expect(limited.body.type).toBe("RATE_LIMITED");
		// Another account is not affected; an unknown email is limited the same way (no way to tell).
		expect((await http().post("/api/v1/auth/login").send({ email: "marie@example.com", password: "a brand new password" })).status).toBe(200);
		for (let i = 0; i < 6; i++) await http().post("/api/v1/auth/login").send({ email: "ghost@example.com", password: "whatever it is" });
		expect((await http().post("/api/v1/auth/login").send({ email: "ghost@example.com", password: "whatever it is" })).status).toBe(429);
	});

	it("limits login per client on the auth route as before (AUTH_RATE_LIMIT_PER_MINUTE)", async () => {
		const limited = await startApp({ AUTH_RATE_LIMIT_PER_MINUTE: "2", SEED_DEMO: "false" });
		try {
			const codes: number[] = [];
			for (let i = 0; i < 3; i++) codes.push((await limited.http().post("/api/v1/auth/forgot").send({ email: `c${i}@example.com` })).status);
			expect(codes).toEqual([202, 202, 429]);
		} finally {
			await limited.stop();
		}
	});
});

describeWithServers("deactivation on two api nodes (RabbitMQ)", ["amqp"], () => {
	let a: TestApp;
	let b: TestApp;
	let skip = false;
	const saved = { ...process.env };

	beforeAll(async () => {
		skip = await serversMissing(["amqp"]);
		if (skip) return;
		const env = { TRANSPORTER: AMQP_URL, NAMESPACE: uniqueName("accounts"), SEED_DEMO: "false", OUTBOX_POLL_MS: "50", STAFF_SESSION_TTL_MS: "1000", STAFF_SESSION_MAX_STALE_MS: "2000", AUTH_ACCOUNT_LIMIT: "100" };
		a = await startApp({ ...env, NODE_ID: `${env.NAMESPACE}-a` }, ["api", "hotels", "accounts", "mail"]);
		b = await startApp({ ...env, NODE_ID: `${env.NAMESPACE}-b` }, ["api"], { withoutAccounts: true });
		await b.broker.waitForServices(["accounts", "hotels"], 15_000);
	}, 60_000);

	afterAll(async () => {
		await b?.stop();
		await a?.stop();
		process.env = saved;
	}, 30_000);

	it("a user deactivated through node A is refused on node B at once (broadcast), and within the TTL without it", async () => {
		if (skip) return;
		const owner = await a.adminToken();
		const hotelId = (await a.http().post("/api/v1/hotels").set("Authorization", `Bearer ${owner}`).send(hotel("Cluster"))).body.id;
		const invite = await a.http().post("/api/v1/staff").set("Authorization", `Bearer ${owner}`).send({ email: "clerk@example.com", name: "Clerk", role: "front_desk", hotelIds: [hotelId] });
		expect(invite.status).toBe(201);
		// Password set over the broker (no SMTP here): the operator path.
		const accounts = a.broker.getLocalService("accounts") as unknown as { store: { write<T>(fn: (t: unknown) => Promise<T>): Promise<T> } };
		expect(accounts.store).toBeDefined();
		const { hashPassword } = await import("../../services/accounts/passwords");
		const hash = await hashPassword(PASSWORD);
		await (a.broker.getLocalService("accounts") as unknown as { sequelize: { query(sql: string, o: object): Promise<unknown> } })
			.sequelize.query("UPDATE staff_users SET password_hash = :hash WHERE id = :id", { replacements: { hash, id: invite.body.id } });
		const token = (await b.http().post("/api/v1/auth/login").send({ email: "clerk@example.com", password: PASSWORD })).body.token as string;
		expect(token).toBeTruthy();
		const me = () => b.http().get("/api/v1/auth/me").set("Authorization", `Bearer ${token}`);
		expect((await me()).status).toBe(200);
		const t0 = Date.now();
		expect((await a.http().patch(`/api/v1/staff/${invite.body.id}`).set("Authorization", `Bearer ${owner}`).send({ active: false })).status).toBe(200);
		await waitFor("node B refuses the token", async () => (await me()).status === 401, 5_000, 20);
		expect(Date.now() - t0).toBeLessThan(2_000);

		// Without the broadcast (a node that missed it): the cached state expires after STAFF_SESSION_TTL_MS.
		const sessions = (b.broker.getLocalService("api") as unknown as { sessions: { evict(id: string): void } }).sessions;
		const evict = sessions.evict;
		expect((await a.http().patch(`/api/v1/staff/${invite.body.id}`).set("Authorization", `Bearer ${owner}`).send({ active: true })).status).toBe(200);
		const again = (await b.http().post("/api/v1/auth/login").send({ email: "clerk@example.com", password: PASSWORD })).body.token as string;
		const meAgain = () => b.http().get("/api/v1/auth/me").set("Authorization", `Bearer ${again}`);
		await waitFor("node B accepts the new token", async () => (await meAgain()).status === 200, 5_000, 20);
		sessions.evict = () => undefined;
		try {
			const t1 = Date.now();
			expect((await a.http().patch(`/api/v1/staff/${invite.body.id}`).set("Authorization", `Bearer ${owner}`).send({ active: false })).status).toBe(200);
			await waitFor("node B refuses the token once its cached state expired", async () => (await meAgain()).status === 401, 5_000, 50);
			expect(Date.now() - t1).toBeLessThan(1_000 + 1_500);
		} finally {
			sessions.evict = evict;
		}
	}, 60_000);

	it("while accounts is unreachable, node B serves a known session until the stale bound, then answers 503", async () => {
		if (skip) return;
		const owner = await b.http().post("/api/v1/auth/login").send({ email: "admin@example.com", password: "admin" });
		const token = owner.body.token as string;
		const me = () => b.http().get("/api/v1/hotels?includeInactive=true").set("Authorization", `Bearer ${token}`);
		expect((await me()).status).toBe(200);
		const accounts = a.broker.getLocalService("accounts")!;
		await a.broker.destroyService(accounts);
		await waitFor("node B forgets accounts", () => !b.broker.registry.getActionEndpoints("accounts.session")?.hasAvailable(), 10_000);
		// A public route never needs accounts.
		expect((await b.http().get("/api/v1/hotels")).status).toBe(200);
		await waitFor("staff routes answer 503 once the last state read is too old", async () => (await b.http().get("/api/v1/staff").set("Authorization", `Bearer ${token}`)).status === 503, 10_000, 100);
	}, 60_000);
});

export type { ServiceBroker };
