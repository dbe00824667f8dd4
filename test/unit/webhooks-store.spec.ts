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
import { insertWebhook, recordMessages, updateWebhook, type Incoming } from "../../services/webhooks/store";

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
