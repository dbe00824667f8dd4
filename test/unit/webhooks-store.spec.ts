/**
 * The webhooks store on SQLite (services/webhooks/store.ts): a batch of bus messages is stored
 * once each with its deliveries (a repeat or a duplicate in the batch queues nothing), a mail
 * message belongs to the hotel of the reservations message it answers, and only enabled
 * webhooks of that hotel (or '*') get deliveries.
 */
import { QueryTypes, type Sequelize } from "sequelize";
import { createSequelize, migrate } from "../../mixins/db.mixin";
import { loadConfig } from "../../lib/config";
import { Events, makeMessage } from "../../lib/events";
import { migrations } from "../../services/webhooks/migrations";
import { hotelOf } from "../../services/webhooks/patterns";
import { disableFailing, getWebhook, insertWebhook, recordMessages, updateWebhook, type Incoming } from "../../services/webhooks/store";

describe("recordMessages", () => {
	let db: Sequelize;
	const now = new Date("2027-01-01T00:00:00Z");
	const none = () => [];
	const incoming = (m: ReturnType<typeof makeMessage>): Incoming => ({ message: m, hotel: hotelOf(m) });
	const deliveries = () => db.query<{ webhook_id: string; message_id: string }>("SELECT webhook_id, message_id FROM webhook_deliveries ORDER BY message_id", { type: QueryTypes.SELECT });
	let h1: string, all: string, mails: string, off: string;

	beforeAll(async () => {
		db = createSequelize("webhooks-unit", "", { ...loadConfig(), dataDir: ":memory:" });
		await migrate(db, migrations);
		const add = async (events: string[], hotelIds: string[]) => (await insertWebhook(db, { url: "https://93.184.215.14/x", events, hotelIds, secret: "whsec_eA==", ownerEmail: null }, now, none)).id;
		h1 = await add(["reservations.reservation.*"], ["h1"]);
		all = await add(["#"], ["*"]);
		mails = await add(["mail.message.*"], ["h1"]);
		off = await add(["#"], ["*"]);
		await updateWebhook(db, off, { enabled: false }, now, none);
	});
	afterAll(() => db.close());

	it("stores each message once with one delivery per matching enabled webhook", async () => {
		const booked = makeMessage(Events.RESERVATION_CONFIRMED, { reservation: { hotelId: "h1", code: "AAA" } });
		const elsewhere = makeMessage(Events.RESERVATION_CONFIRMED, { reservation: { hotelId: "h2", code: "BBB" } });
		const mailed = makeMessage(Events.MAIL_SENT, { messageId: booked.id, mailId: "m1" }); // same batch as its reservation
		const queued = await recordMessages(db, [incoming(booked), incoming(elsewhere), incoming(mailed), incoming(booked)], now);
		// booked: h1 + all; elsewhere: all; mailed (hotel h1 through booked): all + mails
		expect(queued).toBe(5);
		const rows = await deliveries();
		expect(rows.filter(r => r.message_id === booked.id).map(r => r.webhook_id).sort()).toEqual([h1, all].sort());
		expect(rows.filter(r => r.message_id === elsewhere.id).map(r => r.webhook_id)).toEqual([all]);
		expect(rows.filter(r => r.message_id === mailed.id).map(r => r.webhook_id).sort()).toEqual([all, mails].sort());
		expect(rows.some(r => r.webhook_id === off)).toBe(false);

		// Redelivered by the bus: nothing more.
		expect(await recordMessages(db, [incoming(booked), incoming(mailed)], now)).toBe(0);
		expect(await deliveries()).toHaveLength(5);

		// A later mail message finds the stored reservations message's hotel.
		const failed = makeMessage(Events.MAIL_FAILED, { messageId: booked.id, mailId: "m2" });
		expect(await recordMessages(db, [incoming(failed)], now)).toBe(2);
		const [stored] = await db.query<{ hotel_id: string }>("SELECT hotel_id FROM webhook_messages WHERE id = :id", { replacements: { id: failed.id }, type: QueryTypes.SELECT });
		expect(stored.hotel_id).toBe("h1");
	});
});

describe("recordMessages keeps only what a webhook may replay", () => {
	let db: Sequelize;
	const now = new Date("2027-01-01T00:00:00Z");
	const none = () => [];
	const incoming = (m: ReturnType<typeof makeMessage>): Incoming => ({ message: m, hotel: hotelOf(m) });
	const stored = async () => (await db.query<{ id: string }>("SELECT id FROM webhook_messages", { type: QueryTypes.SELECT })).map(r => r.id).sort();

	beforeAll(async () => {
		db = createSequelize("webhooks-unit-kept", "", { ...loadConfig(), dataDir: ":memory:" });
		await migrate(db, migrations);
		const add = async (hotelIds: string[]) => (await insertWebhook(db, { url: "https://93.184.215.14/x", events: ["reservations.reservation.*"], hotelIds, secret: "whsec_eA==", ownerEmail: null }, now, none)).id;
		await add(["h1"]);
		await updateWebhook(db, await add(["h3"]), { enabled: false }, now, none);
	});
	afterAll(() => db.close());

	it("stores the events of hotels some webhook covers (a disabled one too, for its later replay), not the others", async () => {
		const at = (hotelId: string) => makeMessage(Events.RESERVATION_CONFIRMED, { reservation: { hotelId, code: hotelId.toUpperCase() } });
		const [h1, h2, h3] = [at("h1"), at("h2"), at("h3")];
		expect(await recordMessages(db, [incoming(h1), incoming(h2), incoming(h3)], now)).toBe(1);
		expect(await stored()).toEqual([h1.id, h3.id].sort());
		// A mail message about the unstored reservation has no known hotel: no webhook of one hotel gets it.
		expect(await recordMessages(db, [incoming(makeMessage(Events.MAIL_SENT, { messageId: h2.id, mailId: "m9" }))], now)).toBe(0);
		expect(await stored()).toEqual([h1.id, h3.id].sort());
	});
});

describe("disableFailing: the owner's email is written to the outbox with the disable", () => {
	let db: Sequelize;
	const now = new Date("2027-01-04T00:00:00Z");
	const outbox = () => db.query<{ event: string; payload: string }>("SELECT event, payload FROM outbox ORDER BY created_at", { type: QueryTypes.SELECT });

	beforeEach(async () => {
		db = createSequelize("webhooks-unit-disable", "", { ...loadConfig(), dataDir: ":memory:" });
		await migrate(db, migrations);
	});
	afterEach(() => db.close());

	it("disables once and queues one webhooks.mail.requested for the owner", async () => {
		const w = await insertWebhook(db, { url: "https://93.184.215.14/dead", events: ["#"], hotelIds: ["h1"], secret: "whsec_eA==", ownerEmail: "owner@hotel.example" }, now, () => []);
		expect(await disableFailing(db, w.id, "no successful delivery for 72 h", now)).toBe(true);
		expect(await disableFailing(db, w.id, "no successful delivery for 72 h", now)).toBe(false); // already disabled: no second email
		const rows = await outbox();
		expect(rows.map(r => r.event)).toEqual([Events.WEBHOOKS_MAIL_REQUESTED]);
		expect(JSON.parse(rows[0].payload).data).toEqual({
			type: "webhook_disabled", to: "owner@hotel.example", webhookId: w.id, url: "https://93.184.215.14/dead",
			reason: "no successful delivery for 72 h", disabledAt: now.toISOString(),
		});
		expect(await getWebhook(db, w.id)).toMatchObject({ disabled_reason: "no successful delivery for 72 h" });
		expect(Number((await getWebhook(db, w.id))?.enabled)).toBe(0);
	});

	it("disables a webhook without an owner address and writes no email", async () => {
		const w = await insertWebhook(db, { url: "https://93.184.215.14/x", events: ["#"], hotelIds: ["h1"], secret: "whsec_eA==", ownerEmail: null }, now, () => []);
		expect(await disableFailing(db, w.id, "failing", now)).toBe(true);
		expect(await outbox()).toEqual([]);
	});

	it("an upgrade moves the notices still pending to the outbox (webhooks-003)", async () => {
		const old = createSequelize("webhooks-unit-upgrade", "", { ...loadConfig(), dataDir: ":memory:" });
		try {
			await migrate(old, migrations.filter(m => m.name !== "webhooks-003-notice-outbox"));
			const insert = (id: string, enabled: boolean, pending: boolean, owner: string | null) => old.query(
				`INSERT INTO webhooks (id, url, events, hotel_ids, secret, enabled, disabled_reason, disabled_at, notice_pending, owner_email, created_at, updated_at)
				 VALUES (:id, 'https://93.184.215.14/x', '["#"]', '["h1"]', 'whsec_eA==', :enabled, 'failing', :now, :pending, :owner, :now, :now)`,
				{ replacements: { id, enabled, pending, owner, now } });
			await insert("pending", false, true, "a@hotel.example");
			await insert("sent", false, false, "b@hotel.example");
			await insert("nobody", false, true, null);
			await migrate(old, migrations);
			const rows = await old.query<{ payload: string }>("SELECT payload FROM outbox", { type: QueryTypes.SELECT });
			expect(rows.map(r => JSON.parse(r.payload).data)).toEqual([expect.objectContaining({ type: "webhook_disabled", to: "a@hotel.example", webhookId: "pending", reason: "failing" })]);
			const cols = Object.keys(await old.getQueryInterface().describeTable("webhooks"));
			expect(cols).not.toContain("notice_pending");
			expect(cols).not.toContain("notice_sent_at");
		} finally {
			await old.close();
		}
	});
});
