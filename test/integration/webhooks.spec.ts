/**
 * Webhooks end to end (SPEC §13). Distributed: bookings through one gateway (api + hotels +
 * reservations on one node, RabbitMQ + PostgreSQL); the webhooks service on a node of its own
 * with its own database, reached through the durable bus only (its gateway serves the webhooks
 * routes, so stopping it never races Moleculer's transporter), a local receiver
 * (WEBHOOK_ALLOW_PRIVATE=true); the mail service runs on the webhooks node with its own database and
 * a local SMTP server, for the owner's email of a disabled webhook. Embedded: the in-process shape on SQLite, for the refusals (422)
 * that need the SSRF guard on, hotel scopes and the audit log, and one delivery.
 */
import type { Server } from "http";
import request from "supertest";
import type { ServiceBroker } from "moleculer";
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { currentBus } from "../../lib/bus";
import { AMQP_URL, createTestDatabase, dropTestDatabase, describeWithServers, serversMissing, uniqueName } from "../helpers/infra";
import { startApp, type TestApp } from "../helpers/app";
import { settled, waitFor } from "../helpers/wait";
import { createHotel, day, hotelBody, startNode, type Node } from "./reservations.fixtures";
import { deleteBusTopology, startSmtp, type TestSmtp } from "./mail.fixtures";
import { startReceiver, type Receiver } from "./webhooks.fixtures";

const NEEDS: ("pg" | "amqp")[] = ["pg", "amqp"];
type WebhooksService = { clock: () => Date };

describeWithServers("webhooks (gateway → reservations → RabbitMQ → webhooks node → receiver)", NEEDS, () => {
	let skip = false;
	let namespace: string;
	let resDb: string;
	let whDb: string;
	let mailDb: string;
	let smtp: TestSmtp;
	let node: Node;
	let hooks: ServiceBroker | null = null;
	let hooksHttp: Server;
	let receiver: Receiver;
	let hotelId: string;
	let otherHotelId: string;
	const saved = { ...process.env };

	/** Bookings go through the main node's gateway, webhooks routes through the webhooks node's. */
	const http = () => request(node.http);
	const wh = () => request(hooksHttp);
	const auth = () => ({ Authorization: `Bearer ${node.admin}` });
	async function startWebhooks(id: string): Promise<ServiceBroker> {
		process.env.PORT = "0";
		const b = createBroker(loadConfig(), { nodeID: id, transporter: undefined }, ["api", "accounts", "webhooks", "mail"]);
		await b.start();
		await currentBus(b)?.ready();
		hooksHttp = (b.getLocalService("api") as unknown as { server: Server }).server;
		return b;
	}
	const book = (i: number, hotel = hotelId, from = 10, to = 12) => http().post("/api/v1/reservations").send({
		hotelId: hotel, roomTypeId: "dbl", checkIn: day(from), checkOut: day(to), rooms: 1, guests: 2,
		guest: { name: `Guest ${i}`, email: `guest${i}@example.com`, locale: "en" },
	});
	async function subscribe(path: string, events = ["reservations.reservation.*"], hotelIds = [hotelId]) {
		const res = await wh().post("/api/v1/webhooks").set(auth()).send({ url: receiver.url(path), events, hotelIds });
		expect(res.status).toBe(201);
		return res.body as { id: string; secret: string };
	}
	const deliveries = async (id: string) => (await wh().get(`/api/v1/webhooks/${id}/deliveries?pageSize=100`).set(auth())).body.rows as Record<string, unknown>[];

	beforeAll(async () => {
		skip = await serversMissing(NEEDS);
		if (skip) return;
		namespace = uniqueName("whk");
		[resDb, whDb, mailDb] = await Promise.all([createTestDatabase("hb_whk_res"), createTestDatabase("hb_whk_wh"), createTestDatabase("hb_whk_mail")]);
		receiver = await startReceiver();
		smtp = await startSmtp();
		Object.assign(process.env, {
			TRANSPORTER: AMQP_URL, NAMESPACE: namespace, RESERVATIONS_DB_URL: resDb, WEBHOOKS_DB_URL: whDb, MAIL_DB_URL: mailDb, SMTP_URL: smtp.url, MAIL_POLL_MS: "50",
			WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_POLL_MS: "50", WEBHOOK_RETRY_BASE_MS: "300", OUTBOX_POLL_MS: "50",
		});
		node = await startNode(["api", "hotels", "reservations"]);
		hooks = await startWebhooks("webhooks-a");
		hotelId = await createHotel(node, hotelBody("Hôtel des Crochets", [{ id: "dbl", totalRooms: 50 }]));
		otherHotelId = await createHotel(node, hotelBody("Hôtel Voisin", [{ id: "dbl", totalRooms: 50 }]));
	}, 90_000);

	afterAll(async () => {
		if (skip) return;
		await Promise.allSettled([hooks?.stop(), node?.broker.stop()]);
		await receiver?.close();
		await smtp?.close();
		await deleteBusTopology(namespace).catch(() => undefined);
		await Promise.allSettled([dropTestDatabase(resDb), dropTestDatabase(whDb), dropTestDatabase(mailDb)]);
		process.env = saved;
	});

	it("shows the secret once, never again", async () => {
		if (skip) return;
		const created = await subscribe("/once");
		expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
		const one = await wh().get(`/api/v1/webhooks/${created.id}`).set(auth());
		expect(one.status).toBe(200);
		expect(one.body).toMatchObject({ id: created.id, url: receiver.url("/once"), events: ["reservations.reservation.*"], hotelIds: [hotelId], enabled: true });
		expect(JSON.stringify(one.body)).not.toContain(created.secret);
		const list = await wh().get("/api/v1/webhooks").set(auth());
		expect(list.body.rows.some((w: { id: string }) => w.id === created.id)).toBe(true);
		expect(JSON.stringify(list.body)).not.toMatch(/whsec_/);
		expect((await wh().delete(`/api/v1/webhooks/${created.id}`).set(auth())).status).toBe(204);
		expect((await wh().get(`/api/v1/webhooks/${created.id}`).set(auth())).status).toBe(404);
		expect((await wh().get("/api/v1/webhooks")).status).toBe(401);
	});

	it("delivers every booking, change and cancellation of its hotel, signed, with the §4 message as the body", async () => {
		if (skip) return;
		const { id, secret } = await subscribe("/all");
		const res = await book(1);
		expect(res.status).toBe(201);
		const { code, guestToken } = res.body as { code: string; guestToken: string };
		const guest = { Authorization: `Bearer ${guestToken}` };
		expect((await http().patch(`/api/v1/reservations/${code}`).set(guest).send({ checkOut: day(13) })).status).toBe(200);
		expect((await http().post(`/api/v1/reservations/${code}/cancel`).set(guest).send({})).status).toBe(200);
		expect((await book(2, otherHotelId)).status).toBe(201); // another hotel: not this webhook's

		await waitFor("three webhooks", () => receiver.on("/all").length >= 3);
		await settled("the webhooks of /all", () => receiver.on("/all").length, 500);
		const got = receiver.on("/all");
		// Deliveries run in parallel: no order is promised (receivers order by occurredAt / data.sequence).
		expect(got.map(r => r.event).sort()).toEqual(["reservations.reservation.cancelled", "reservations.reservation.confirmed", "reservations.reservation.modified"]);
		for (const r of got) {
			const body = receiver.verify(r, secret) as { id: string; event: string; occurredAt: string; data: { reservation: { code: string; hotelId: string } } };
			expect(body.id).toBe(r.id);
			expect(body.data.reservation).toMatchObject({ code, hotelId });
			expect(typeof body.occurredAt).toBe("string");
		}
		expect(new Set(got.map(r => r.id)).size).toBe(3);
		await waitFor("the log marks them succeeded", async () => (await deliveries(id)).filter(d => d.status === "succeeded").length === 3);
		const log = await deliveries(id);
		expect(log[0]).toMatchObject({ status: "succeeded", responseStatus: 200, attempts: 1, kind: "event", error: null });
		expect(typeof log[0].latencyMs).toBe("number");
	});

	it("retries after a 500 with the same webhook-id", async () => {
		if (skip) return;
		const { id, secret } = await subscribe("/flaky");
		receiver.answer("/flaky", n => (n === 1 ? 500 : 200));
		expect((await book(3)).status).toBe(201);
		await waitFor("a retry", () => receiver.on("/flaky").length >= 2);
		const [first, second] = receiver.on("/flaky");
		expect(second.id).toBe(first.id);
		expect(second.at - first.at).toBeGreaterThanOrEqual(250);
		expect(receiver.verify(second, secret)).toMatchObject({ id: first.id });
		await waitFor("the delivery succeeded on attempt 2", async () => (await deliveries(id)).some(d => d.status === "succeeded" && d.attempts === 2));
		expect(await settled("/flaky", () => receiver.on("/flaky").length, 500)).toBe(2);
	});

	it("loses no event while the webhooks node is stopped: bookings made meanwhile arrive after it starts", async () => {
		if (skip) return;
		const { secret } = await subscribe("/restart");
		await hooks!.stop();
		hooks = null;
		const codes: string[] = [];
		for (let i = 0; i < 8; i++) {
			const res = await book(100 + i, hotelId, 20 + (i % 4), 22 + (i % 4));
			expect(res.status).toBe(201);
			codes.push(res.body.code as string);
		}
		expect(await settled("nothing while no webhooks node runs", () => receiver.on("/restart").length, 500)).toBe(0);
		hooks = await startWebhooks("webhooks-b");
		await waitFor("8 webhooks", () => receiver.on("/restart").length >= 8, 30_000);
		await settled("/restart", () => receiver.on("/restart").length, 700);
		const got = receiver.on("/restart");
		expect(got).toHaveLength(8);
		const gotCodes = got.map(r => (receiver.verify(r, secret) as { data: { reservation: { code: string } } }).data.reservation.code);
		expect(gotCodes.sort()).toEqual([...codes].sort());
	});

	it("replays from a message id: that message and every later one it matches, same webhook-ids", async () => {
		if (skip) return;
		const { id, secret } = await subscribe("/replay");
		for (let i = 0; i < 3; i++) expect((await book(200 + i)).status).toBe(201);
		await waitFor("3 webhooks", () => receiver.on("/replay").length >= 3);
		// In the order they happened (deliveries run in parallel and may arrive in another).
		const firstPass = receiver.on("/replay").sort((x, y) => (JSON.parse(x.body).occurredAt < JSON.parse(y.body).occurredAt ? -1 : 1)).map(r => r.id);
		const res = await wh().post(`/api/v1/webhooks/${id}/replay`).set(auth()).send({ fromMessageId: firstPass[1] });
		expect(res.status).toBe(202);
		expect(res.body.replayed).toBe(2);
		await waitFor("2 replayed", () => receiver.on("/replay").length >= 5);
		const again = receiver.on("/replay").slice(3);
		expect(again.map(r => r.id).sort()).toEqual(firstPass.slice(1).sort());
		for (const r of again) receiver.verify(r, secret);
		expect((await deliveries(id)).filter(d => d.kind === "replay")).toHaveLength(2);
		// A time range works too; an unknown message id is a 422 with the field.
		const byTime = await wh().post(`/api/v1/webhooks/${id}/replay`).set(auth()).send({ from: new Date(Date.now() - 3_600_000).toISOString() });
		expect(byTime.status).toBe(202);
		expect(byTime.body.replayed).toBeGreaterThanOrEqual(3);
		const unknown = await wh().post(`/api/v1/webhooks/${id}/replay`).set(auth()).send({ fromMessageId: "no-such-message" });
		expect(unknown.status).toBe(422);
		expect(unknown.body.data[0].field).toBe("fromMessageId");
	});

	it("sends a test event on demand and answers its delivery", async () => {
		if (skip) return;
		const { id, secret } = await subscribe("/test");
		const res = await wh().post(`/api/v1/webhooks/${id}/test`).set(auth()).send({});
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({ kind: "test", status: "succeeded", responseStatus: 200, attempts: 1, event: "webhooks.webhook.tested" });
		const [got] = receiver.on("/test");
		expect(receiver.verify(got, secret)).toMatchObject({ event: "webhooks.webhook.tested", id: res.body.messageId, data: { webhookId: id } });
	});

	it("disables a webhook after 3 days of continuous failure and emails its owner (clock injected)", async () => {
		if (skip) return;
		const svc = hooks!.getLocalService("webhooks") as unknown as WebhooksService;
		let offsetMs = 0;
		svc.clock = () => new Date(Date.now() + offsetMs);
		const { id } = await subscribe("/dead");
		receiver.answer("/dead", 503);
		expect((await book(300)).status).toBe(201);
		await waitFor("first failure recorded", async () => (await wh().get(`/api/v1/webhooks/${id}`).set(auth())).body.failingSince !== null);
		expect(receiver.on("/dead").length).toBeGreaterThanOrEqual(1);
		expect((await wh().get(`/api/v1/webhooks/${id}`).set(auth())).body.enabled).toBe(true);
		offsetMs = 3 * 24 * 3_600_000 + 1_000; // three days later: the next attempt fails too
		await waitFor("disabled", async () => (await wh().get(`/api/v1/webhooks/${id}`).set(auth())).body.enabled === false, 20_000);
		const after = await wh().get(`/api/v1/webhooks/${id}`).set(auth());
		expect(after.body.disabledReason).toMatch(/no successful delivery for 72 h/);
		const log = await deliveries(id);
		expect(log[0]).toMatchObject({ status: "failed", responseStatus: 503 });
		// The owner's email: through the outbox to the mail service, sent by SMTP and in the mail log.
		const notice = () => smtp.received.filter(r => r.type === "webhook_disabled" && (r.mail.text ?? "").includes(receiver.url("/dead")));
		await waitFor("the owner's email", () => notice().length > 0, 20_000);
		expect(notice()[0]).toMatchObject({ to: "admin@example.com", subject: `Webhook disabled after repeated failures — ${receiver.url("/dead")}` });
		expect(notice()[0].mail.text).toContain(`Your webhook ${receiver.url("/dead")} (${id}) was disabled`);
		expect(notice()[0].mail.text).toContain(`Votre webhook ${receiver.url("/dead")} (${id}) a été désactivé`);
		await waitFor("the mail log row sent", async () => (await wh().get("/api/v1/mails?type=webhook_disabled").set(auth())).body.rows?.some((m: { status: string }) => m.status === "sent"));
		const logged = (await wh().get("/api/v1/mails?type=webhook_disabled").set(auth())).body.rows as Record<string, unknown>[];
		expect(logged).toEqual([expect.objectContaining({ type: "webhook_disabled", to: "admin@example.com", status: "sent", attempts: 1, reservationCode: "" })]);
		// Nothing is sent to a disabled webhook; enabling it again starts afresh.
		const before = receiver.on("/dead").length;
		expect((await book(301)).status).toBe(201);
		expect(await settled("no delivery while disabled", () => receiver.on("/dead").length, 600)).toBe(before);
		offsetMs = 0;
		receiver.answer("/dead", 200);
		const enabled = await wh().patch(`/api/v1/webhooks/${id}`).set(auth()).send({ enabled: true });
		expect(enabled.body).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
		svc.clock = () => new Date();
	});
});

describe("webhooks, embedded shape (SQLite, in-process bus, SSRF guard on)", () => {
	let app: TestApp;
	let token: string;
	const count = async () => (await app.http().get("/api/v1/webhooks").set("Authorization", `Bearer ${token}`)).body.total as number;
	const post = (body: unknown) => app.http().post("/api/v1/webhooks").set("Authorization", `Bearer ${token}`).send(body as object);

	beforeAll(async () => {
		app = await startApp({ SEED_DEMO: "false" }, ["api", "webhooks"]);
		token = await app.adminToken();
	});
	afterAll(() => app?.stop());

	it.each([
		["a loopback address", "http://127.0.0.1:8080/hook", /resolves to 127\.0\.0\.1/],
		["a host name that resolves to loopback", "http://localhost:8080/hook", /resolves to/],
		["10/8", "http://10.0.0.8/hook", /10\.0\.0\.8/],
		["172.16/12", "http://172.20.1.1/hook", /172\.20\.1\.1/],
		["192.168/16", "http://192.168.10.1/hook", /192\.168\.10\.1/],
		["the metadata address", "http://169.254.169.254/latest/meta-data/", /169\.254\.169\.254/],
		["IPv6 loopback", "http://[::1]:9000/hook", /::1/],
		["a scheme other than http(s)", "ftp://example.com/hook", /http or https/],
		["something that is not a URL", "hook", /absolute/],
	])("refuses %s with 422 on url, writing nothing", async (_what, url, why) => {
		const before = await count();
		const res = await post({ url, events: ["reservations.reservation.*"], hotelIds: ["*"] });
		expect(res.status).toBe(422);
		expect(res.body.type).toBe("VALIDATION_ERROR");
		expect(res.body.data[0].field).toBe("url");
		expect(res.body.data[0].message).toMatch(why);
		expect(await count()).toBe(before);
	});

	it("scopes webhooks to the caller's hotels: another hotel's answers 404, '*' needs every hotel", async () => {
		const user = (role: "owner" | "manager" | "front_desk", hotelIds: string[]) => ({ meta: { user: { role, sub: `u-${role}-${hotelIds.join("")}`, email: `${role}@hotel.example`, hotelIds } } });
		const call = (action: string, params: Record<string, unknown>, opts: object) => app.broker.call(`webhooks.${action}`, params, opts);
		const url = "https://93.184.215.14/hook"; // a public address: accepted, never called (no event happens)
		const a = await call("create", { url, events: ["hotels.hotel.*"], hotelIds: ["hotel-a"] }, user("manager", ["hotel-a"])) as { id: string };
		const both = await call("create", { url, events: ["hotels.hotel.*"], hotelIds: ["hotel-a", "hotel-b"] }, user("owner", ["*"])) as { id: string };
		const managerB = user("manager", ["hotel-b"]);
		await expect(call("get", { id: a.id }, managerB)).rejects.toMatchObject({ code: 404 });
		await expect(call("update", { id: a.id, enabled: false }, managerB)).rejects.toMatchObject({ code: 404 });
		await expect(call("remove", { id: both.id }, managerB)).rejects.toMatchObject({ code: 404 });
		await expect(call("deliveries", { id: a.id }, managerB)).rejects.toMatchObject({ code: 404 });
		await expect(call("create", { url, events: ["hotels.hotel.*"], hotelIds: ["hotel-a"] }, managerB)).rejects.toMatchObject({ code: 404 });
		await expect(call("create", { url, events: ["hotels.hotel.*"], hotelIds: ["*"] }, managerB)).rejects.toMatchObject({ code: 403 });
		await expect(call("create", { url, events: ["hotels.hotel.*"], hotelIds: ["hotel-b"] }, user("front_desk", ["hotel-b"]))).rejects.toMatchObject({ code: 403 });
		const listB = await call("list", { page: 1, pageSize: 20 }, managerB) as { rows: { id: string }[] };
		expect(listB.rows).toEqual([]);
		const listA = await call("list", { page: 1, pageSize: 20 }, user("manager", ["hotel-a"])) as { rows: { id: string }[] };
		expect(listA.rows.map(w => w.id)).toEqual([a.id]);
		await expect(call("get", { id: both.id }, user("manager", ["hotel-a", "hotel-b"]))).resolves.toMatchObject({ id: both.id });
		for (const id of [a.id, both.id]) await call("remove", { id }, user("owner", ["*"]));
	});

	it("records each staff change in the audit log, the secret only as redacted", async () => {
		const hook = await post({ url: "https://93.184.215.14/audited", events: ["hotels.hotel.*"], hotelIds: ["*"] });
		expect(hook.status).toBe(201);
		const auth = { Authorization: `Bearer ${token}` };
		expect((await app.http().patch(`/api/v1/webhooks/${hook.body.id}`).set(auth).send({ enabled: false })).status).toBe(200);
		expect((await app.http().delete(`/api/v1/webhooks/${hook.body.id}`).set(auth)).status).toBe(204);
		let rows: { action: string; changes: Record<string, unknown> }[] = [];
		await waitFor("three audit entries", async () => {
			rows = (await app.http().get(`/api/v1/audit?targetId=${hook.body.id}`).set(auth)).body.rows ?? [];
			return rows.length === 3;
		});
		expect(rows.map(r => r.action).sort()).toEqual(["webhook.create", "webhook.delete", "webhook.update"]);
		const created = rows.find(r => r.action === "webhook.create")!;
		expect(JSON.stringify(created.changes.secret)).toContain("[redacted]"); // lib/audit.ts: a secret's change says only that it changed
		expect(JSON.stringify(rows)).not.toContain(hook.body.secret);
		expect(rows.find(r => r.action === "webhook.update")!.changes.enabled).toEqual([true, false]);
	});

	it("refuses bad patterns, unknown fields and empty lists with 422 naming the fields", async () => {
		const before = await count();
		const url = "http://192.0.2.10/x"; // refused too: the answer lists every field at once
		const res = await post({ url, events: ["reservations.reservation.*", "reservations.bogus.*", "nope"], hotelIds: ["*"] });
		expect(res.status).toBe(422);
		expect(res.body.data.map((f: { field: string }) => f.field).sort()).toEqual(["events[1]", "events[2]", "url"]);
		expect((await post({ url: "https://example.com/x", events: [], hotelIds: ["*"] })).status).toBe(422);
		expect((await post({ url: "https://example.com/x", events: ["hotels.hotel.*"], hotelIds: [] })).status).toBe(422);
		expect((await post({ url: "https://example.com/x", events: ["hotels.hotel.*"], hotelIds: ["*"], secret: "mine" })).status).toBe(422);
		expect((await post({ url: "https://example.com/x", events: ["hotels.hotel.*"], hotelIds: ["bad id!"] })).status).toBe(422);
		expect(await count()).toBe(before);
		const patch = await app.http().patch("/api/v1/webhooks/unknown-id").set("Authorization", `Bearer ${token}`).send({ events: ["x.y.z"] });
		expect(patch.status).toBe(404);
		const replay = await app.http().post("/api/v1/webhooks/unknown-id/replay").set("Authorization", `Bearer ${token}`).send({ from: "not a date" });
		expect(replay.status).toBe(422);
	});
});

describe("webhooks, embedded shape (SQLite, in-process bus) delivering to a local receiver", () => {
	let app: TestApp;
	let receiver: Receiver;
	let token: string;

	beforeAll(async () => {
		receiver = await startReceiver();
		app = await startApp({ SEED_DEMO: "false", WEBHOOK_ALLOW_PRIVATE: "true", WEBHOOK_POLL_MS: "50" }, ["api", "hotels", "reservations", "webhooks"]);
		token = await app.adminToken();
	});
	afterAll(async () => {
		await app?.stop();
		await receiver?.close();
	});

	it("delivers a hotel's creation and its first booking, signed", async () => {
		const auth = { Authorization: `Bearer ${token}` };
		const hook = await app.http().post("/api/v1/webhooks").set(auth).send({ url: receiver.url("/embedded"), events: ["hotels.hotel.created", "reservations.reservation.*"], hotelIds: ["*"] });
		expect(hook.status).toBe(201);
		const hotel = await app.http().post("/api/v1/hotels").set(auth).send(hotelBody("Hôtel Intégré", [{ id: "dbl", totalRooms: 5 }]));
		expect(hotel.status).toBe(201);
		let booked: request.Response | null = null;
		await waitFor("the hotel is bookable", async () => {
			booked = await app.http().post("/api/v1/reservations").send({
				hotelId: hotel.body.id, roomTypeId: "dbl", checkIn: day(5), checkOut: day(6), rooms: 1, guests: 1, guest: { name: "Ada", email: "ada@example.com", locale: "en" },
			});
			return booked.status === 201;
		});
		await waitFor("two webhooks", () => receiver.on("/embedded").length >= 2);
		const events = receiver.on("/embedded").map(r => (receiver.verify(r, hook.body.secret) as { event: string }).event).sort();
		expect(events).toEqual(["hotels.hotel.created", "reservations.reservation.confirmed"]);
		const log = await app.http().get(`/api/v1/webhooks/${hook.body.id}/deliveries`).set(auth);
		expect(log.body.total).toBe(2);
	});

	it("forgets events and finished deliveries after WEBHOOK_KEEP_DAYS (clock injected), not before", async () => {
		const auth = { Authorization: `Bearer ${token}` };
		const svc = app.broker.getLocalService("webhooks") as unknown as WebhooksService & { deliverer: { prune(): Promise<void> } };
		const [hook] = (await app.http().get("/api/v1/webhooks").set(auth)).body.rows as { id: string }[];
		const total = async () => (await app.http().get(`/api/v1/webhooks/${hook.id}/deliveries`).set(auth)).body.total as number;
		const replayable = async () => (await app.http().post(`/api/v1/webhooks/${hook.id}/replay`).set(auth).send({ from: "2000-01-01T00:00:00Z" })).body.replayed as number;
		svc.clock = () => new Date(Date.now() + 29 * 86_400_000);
		await svc.deliverer.prune();
		expect(await total()).toBe(2);
		expect(await replayable()).toBe(2);
		await waitFor("the replays delivered", async () => (await app.http().get(`/api/v1/webhooks/${hook.id}/deliveries?status=succeeded`).set(auth)).body.total === 4);
		svc.clock = () => new Date(Date.now() + 31 * 86_400_000);
		await svc.deliverer.prune();
		expect(await total()).toBe(2); // the replays, made "29 days later"
		expect(await replayable()).toBe(0);
		svc.clock = () => new Date();
	});
});
