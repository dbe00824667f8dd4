/**
 * The audit log (SPEC §11): each kind of write leaves one entry with its actor and field-level
 * changes, written with the change (outbox) and collected by accounts; GET /audit filters, pages
 * and scopes; the database itself refuses UPDATE and DELETE on the table (SQLite and PostgreSQL);
 * a redelivered message adds nothing.
 */
import request from "supertest";
import { QueryTypes, type Sequelize } from "sequelize";
import { startApp, type TestApp } from "../helpers/app";
import { createTestDatabase, describeWithServers, dropTestDatabase, serversMissing } from "../helpers/infra";
import { waitFor } from "../helpers/wait";
import { createSequelize, migrate } from "../../mixins/db.mixin";
import { loadConfig } from "../../lib/config";
import { auditMessage, REDACTED, type AuditEntry } from "../../lib/audit";
import type { DomainMessage } from "../../lib/events";
import { migrations } from "../../services/accounts/migrations";
import { insertEntries } from "../../services/accounts/audit-log";
import { AccountsStore } from "../../services/accounts/store";

const hotel = (name: string) => ({
	name, address: { line1: "1 rue", city: "Annecy", postalCode: "74000", country: "FR" }, stars: 3, email: "h@example.com",
	timezone: "Europe/Paris", currency: "EUR", roomTypes: [{ id: "double", name: "Double", capacity: 2, totalRooms: 5, pricePerNight: 10000 }],
});
const isoDay = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

interface Entry extends AuditEntry { service: string }

/** The database's own refusal message (Sequelize wraps it: "Validation error" on SQLite). */
async function refusal(db: Sequelize, sql: string): Promise<string> {
	try {
		await db.query(sql);
		return "accepted";
	} catch (err) {
		const e = err as { original?: Error; parent?: Error; message: string };
		return (e.original ?? e.parent ?? e).message;
	}
}

describe("audit entries for every write kind (embedded)", () => {
	let app: TestApp;
	let owner: string;
	const http = () => request(app.server);
	const as = (t: string) => ({ Authorization: `Bearer ${t}` });
	const entries = async (q = "", token = owner): Promise<Entry[]> => (await http().get(`/api/v1/audit?pageSize=100${q}`).set(as(token))).body.rows;
	const entry = async (action: string, targetId: string): Promise<Entry> => {
		let found: Entry | undefined;
		await waitFor(`audit entry ${action} on ${targetId}`, async () => !!(found = (await entries(`&targetId=${targetId}`)).find(e => e.action === action)), 10_000);
		return found as Entry;
	};

	beforeAll(async () => {
		app = await startApp({ OUTBOX_POLL_MS: "50", MAIL_POLL_MS: "50", SEED_DEMO: "false", AUTH_RATE_LIMIT_PER_MINUTE: "1000" }, ["api", "hotels", "reservations", "mail", "accounts"]);
		owner = await app.adminToken();
	}, 60_000);

	afterAll(() => app?.stop());

	it("hotels: create, update and deactivate, with the staff actor, request id and before/after per field", async () => {
		const created = await http().post("/api/v1/hotels").set(as(owner)).send(hotel("Audited"));
		const id = created.body.id as string;
		await http().patch(`/api/v1/hotels/${id}`).set(as(owner)).send({ stars: 4, name: "Audited Inn" });
		await http().delete(`/api/v1/hotels/${id}`).set(as(owner));
		const c = await entry("hotel.create", id);
		expect(c).toMatchObject({ service: "hotels", actor: { type: "staff", email: "admin@example.com", role: "owner" }, target: { type: "hotel", id, hotelId: id } });
		expect(c.changes.name).toEqual([null, "Audited"]);
		expect(c.requestId).toBeTruthy();
		expect(c.ip).toBeTruthy();
		const u = await entry("hotel.update", id);
		expect(u.changes).toEqual({ stars: [3, 4], name: ["Audited", "Audited Inn"] });
		const d = await entry("hotel.deactivate", id);
		expect(d.changes).toEqual({ active: [true, false] });
		// Filters: by action prefix, by hotel, by actor, by time.
		expect((await entries(`&action=hotel&hotelId=${id}`)).map(e => e.action).sort()).toEqual(["hotel.create", "hotel.deactivate", "hotel.update"]);
		expect((await entries(`&actorId=${c.actor.id}&targetId=${id}`)).length).toBe(3);
		expect((await entries(`&targetId=${id}&from=${new Date(Date.now() + 60_000).toISOString()}`)).length).toBe(0);
	});

	it("staff: the bootstrap, an invitation, a role change and a password set (the password redacted)", async () => {
		// Written at start-up and collected through the bus like any entry: wait for it, do not race it.
		let boot: Entry | undefined;
		await waitFor("the bootstrap's audit entry", async () => !!(boot = (await entries("&action=staff.bootstrap"))[0]), 10_000);
		expect(boot).toMatchObject({ actor: { type: "system" }, changes: { email: [null, "admin@example.com"], role: [null, "owner"], password: [null, REDACTED] } });
		const inv = await http().post("/api/v1/staff").set(as(owner)).send({ email: "clerk@example.com", name: "Clerk", role: "front_desk", hotelIds: ["htl_x"] });
		const id = inv.body.id as string;
		const i = await entry("staff.invite", id);
		expect(i).toMatchObject({ service: "accounts", actor: { role: "owner" }, target: { type: "staff", id, hotelId: "htl_x" } });
		expect(i.changes.role).toEqual([null, "front_desk"]);
		await http().patch(`/api/v1/staff/${id}`).set(as(owner)).send({ role: "revenue" });
		expect((await entry("staff.update", id)).changes).toEqual({ role: ["front_desk", "revenue"] });
		const all = JSON.stringify(await entries());
		expect(all).not.toMatch(/argon2|token=/);
	});

	it("mail: a resend, written with the new mail row", async () => {
		let mailId = "";
		await waitFor("the invitation in the mail log", async () => {
			const res = await http().get("/api/v1/mails").set(as(owner));
			if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
			const rows = res.body.rows as { id: string }[];
			mailId = rows[0]?.id ?? "";
			return !!mailId;
		}, 10_000);
		expect((await http().post(`/api/v1/mails/${mailId}/resend`).set(as(owner))).status).toBe(202);
		const r = await entry("mail.resend", mailId);
		expect(r).toMatchObject({ service: "mail", actor: { type: "staff", role: "owner" }, target: { type: "mail", id: mailId } });
	});

	it("reservations: a guest's cancellation names the guest as actor and the status change", async () => {
		const id = (await http().post("/api/v1/hotels").set(as(owner)).send(hotel("Booked"))).body.id as string;
		await app.broker.call("reservations.syncHotel", { id });
		const b = await http().post("/api/v1/reservations").send({ hotelId: id, roomTypeId: "double", checkIn: isoDay(30), checkOut: isoDay(32), rooms: 1, guests: 1, guest: { name: "G", email: "g@example.com" } });
		expect(b.status).toBe(201);
		const created = await entry("reservation.create", b.body.code);
		expect(created).toMatchObject({ actor: { type: "guest", id: b.body.code, email: "g@example.com" }, target: { hotelId: id } });
		expect(created.changes).toMatchObject({ status: [null, "confirmed"], checkIn: [null, isoDay(30)], rooms: [null, 1] });
		expect((await http().patch(`/api/v1/reservations/${b.body.code}`).set(as(b.body.guestToken)).send({ checkOut: isoDay(33) })).status).toBe(200);
		const modified = await entry("reservation.modify", b.body.code);
		expect(modified.changes).toMatchObject({ checkOut: [isoDay(32), isoDay(33)], nights: [2, 3] });
		expect(modified.actor.type).toBe("guest");
		expect((await http().post(`/api/v1/reservations/${b.body.code}/cancel`).set(as(b.body.guestToken)).send({})).status).toBe(200);
		// A calendar change (rates.edit) by staff, with the update as asked.
		const cal = await http().put(`/api/v1/hotels/${id}/calendar`).set(as(owner)).send({ updates: [{ from: isoDay(50), to: isoDay(52), set: { minStay: 2 } }] });
		expect(cal.status).toBe(200);
		const calendar = await entry("calendar.update", id);
		expect(calendar).toMatchObject({ actor: { type: "staff", role: "owner" }, target: { type: "calendar", hotelId: id } });
		expect(calendar.changes.changedNights).toEqual([null, cal.body.changedNights]);
		const c = await entry("reservation.cancel", b.body.code);
		expect(c).toMatchObject({ service: "reservations", actor: { type: "guest" }, target: { type: "reservation", id: b.body.code, hotelId: id } });
		expect(c.changes.status).toEqual(["confirmed", "cancelled"]);
	});

	it("the embedded database refuses UPDATE and DELETE on the audit log", async () => {
		const db = (app.broker.getLocalService("accounts") as unknown as { sequelize: Sequelize }).sequelize;
		const [{ n }] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log", { type: QueryTypes.SELECT });
		expect(Number(n)).toBeGreaterThan(0);
		expect(await refusal(db, "UPDATE audit_log SET action = 'forged'")).toMatch(/append-only: UPDATE refused/);
		expect(await refusal(db, "DELETE FROM audit_log")).toMatch(/append-only: DELETE refused/);
		const [{ m }] = await db.query<{ m: number }>("SELECT COUNT(*) AS m FROM audit_log WHERE action = 'forged'", { type: QueryTypes.SELECT });
		expect(Number(m)).toBe(0);
		// No route changes or deletes it either.
		expect((await http().delete("/api/v1/audit").set(as(owner))).status).toBe(404);
	});
});

describeWithServers("the audit log on PostgreSQL", ["pg"], () => {
	let url = "";
	let db: Sequelize | null = null;
	let skip = false;

	beforeAll(async () => {
		skip = await serversMissing(["pg"]);
		if (skip) return;
		url = await createTestDatabase("hb_audit");
		db = createSequelize("accounts", url, loadConfig());
		await migrate(db, migrations);
	}, 30_000);

	afterAll(async () => {
		await db?.close();
		if (url) await dropTestDatabase(url);
	});

	it("a booking on PostgreSQL writes its audit entry in the booking statement's outbox INSERT; a staff booking names the staff", async () => {
		if (skip) return;
		const resUrl = await createTestDatabase("hb_audit_res");
		const app = await startApp({ RESERVATIONS_DB_URL: resUrl, ACCOUNTS_DB_URL: url, OUTBOX_POLL_MS: "50", SEED_DEMO: "false" }, ["api", "hotels", "reservations", "accounts"]);
		try {
			const owner = await app.adminToken();
			const id = (await app.http().post("/api/v1/hotels").set("Authorization", `Bearer ${owner}`).send(hotel("PG audited"))).body.id as string;
			await app.broker.call("reservations.syncHotel", { id });
			const body = { hotelId: id, roomTypeId: "double", checkIn: isoDay(40), checkOut: isoDay(41), rooms: 1, guests: 1, guest: { name: "G", email: "pg@example.com" } };
			const guest = await app.http().post("/api/v1/reservations").send(body);
			const staff = await app.http().post("/api/v1/reservations").set("Authorization", `Bearer ${owner}`).send(body);
			expect([guest.status, staff.status]).toEqual([201, 201]);
			const rows = async (code: string) => (await db!.query<{ action: string; actor_type: string; actor_role: string | null }>("SELECT action, actor_type, actor_role FROM audit_log WHERE target_id = :code", { replacements: { code }, type: QueryTypes.SELECT }));
			await waitFor("both entries collected", async () => (await rows(guest.body.code)).length === 1 && (await rows(staff.body.code)).length === 1, 10_000);
			expect(await rows(guest.body.code)).toEqual([{ action: "reservation.create", actor_type: "guest", actor_role: "guest" }]);
			expect(await rows(staff.body.code)).toEqual([{ action: "reservation.create", actor_type: "staff", actor_role: "owner" }]);
			// A refused booking (no room left on a night) writes neither the reservation nor an entry.
			const full = await app.http().post("/api/v1/reservations").send({ ...body, rooms: 9 });
			expect(full.status).toBe(409);
		} finally {
			await app.stop();
			await dropTestDatabase(resUrl);
		}
	}, 60_000);

	it("refuses UPDATE, DELETE and TRUNCATE, and a redelivered message adds nothing", async () => {
		if (skip || !db) return;
		const store = new AccountsStore(db);
		const msg = auditMessage("hotels", { meta: { user: { role: "owner", sub: "usr_1", email: "o@example.com", hotelIds: ["*"], ver: 1 }, clientIp: "10.0.0.1" }, requestID: "req-1" },
			"hotel.update", { type: "hotel", id: "htl_1", hotelId: "htl_1" }, { stars: [3, 4], secretKey: ["a", "b"] }) as DomainMessage<AuditEntry>;
		expect(msg.data.changes.secretKey).toEqual([REDACTED, REDACTED]);
		await insertEntries(store, [msg]);
		await insertEntries(store, [msg]);
		const rows = await db.query<{ id: string; actor_email: string; ip: string; changes: string }>("SELECT * FROM audit_log WHERE id = :id", { replacements: { id: msg.id }, type: QueryTypes.SELECT });
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ id: msg.id, actor_email: "o@example.com", ip: "10.0.0.1" });
		expect(await refusal(db, "UPDATE audit_log SET action = 'forged'")).toMatch(/append-only: UPDATE refused/);
		expect(await refusal(db, "DELETE FROM audit_log")).toMatch(/append-only: DELETE refused/);
		expect(await refusal(db, "TRUNCATE audit_log")).toMatch(/append-only: TRUNCATE refused/);
		expect(await db.query("SELECT action FROM audit_log WHERE id = :id", { replacements: { id: msg.id }, type: QueryTypes.SELECT })).toEqual([{ action: "hotel.update" }]);
	});
});
