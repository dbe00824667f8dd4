/**
 * SPEC §5 (4) with the real services: bookings, changes and cancellations through the gateway
 * (api + hotels + reservations on one node, RabbitMQ + PostgreSQL), emails from a separate mail
 * node to a real SMTP server. Every confirmed / modified / cancelled reservation yields exactly
 * one email of its type — also when the mail node is down while guests book.
 */
import request from "supertest";
import type { ServiceBroker } from "moleculer";
import { AMQP_URL, createTestDatabase, dropTestDatabase, describeWithServers, serversMissing, uniqueName } from "../helpers/infra";
import { currentBus } from "../../lib/bus";
import MailService from "../../services/mail.service";
import { createHotel, day, hotelBody, startNode, type Node } from "./reservations.fixtures";
import { countsById, deleteBusTopology, makeBroker, settled, startSmtp, waitFor, type Received, type TestSmtp } from "./mail.fixtures";

const NEEDS: ("pg" | "amqp")[] = ["pg", "amqp"];

describeWithServers("emails of real bookings (gateway → reservations → RabbitMQ → mail → SMTP)", NEEDS, () => {
	let skip = false;
	let namespace: string;
	let resDb: string;
	let mailDb: string;
	let smtp: TestSmtp;
	let node: Node;
	let mail: ServiceBroker | null = null;
	let hotelId: string;
	const saved = { ...process.env };

	async function startMail(id: string): Promise<ServiceBroker> {
		const b = makeBroker(id);
		b.createService(MailService);
		await b.start();
		await currentBus(b)?.ready();
		return b;
	}
	const book = (i: number, locale = "en", from = 10, to = 12) => request(node.http).post("/api/v1/reservations").send({
		hotelId, roomTypeId: "dbl", checkIn: day(from), checkOut: day(to), rooms: 1, guests: 2,
		guest: { name: `Guest ${i}`, email: `guest${i}@example.com`, locale },
	});
	const forCode = (code: string): Received[] => smtp.received.filter(r => r.code === code);

	beforeAll(async () => {
		skip = await serversMissing(NEEDS);
		if (skip) return;
		namespace = uniqueName("mailbk");
		[resDb, mailDb] = await Promise.all([createTestDatabase("hb_mailbk_res"), createTestDatabase("hb_mailbk_mail")]);
		smtp = await startSmtp();
		Object.assign(process.env, {
			TRANSPORTER: AMQP_URL, NAMESPACE: namespace, RESERVATIONS_DB_URL: resDb, MAIL_DB_URL: mailDb, SMTP_URL: smtp.url,
			MAIL_POLL_MS: "50", PUBLIC_URL: "https://booking.example.com",
		});
		node = await startNode(["api", "hotels", "reservations"]);
		mail = await startMail("mail-a");
		hotelId = await createHotel(node, hotelBody("Hôtel des Tests", [{ id: "dbl", totalRooms: 50 }]));
	}, 60_000);

	afterAll(async () => {
		if (skip) return;
		await Promise.allSettled([mail?.stop(), node?.broker.stop()]);
		await smtp?.close();
		await deleteBusTopology(namespace).catch(() => undefined);
		await Promise.allSettled([dropTestDatabase(resDb), dropTestDatabase(mailDb)]);
		process.env = saved;
	});

	it("sends one confirmation, one modification and one cancellation email, in the guest's language", async () => {
		if (skip) return;
		const res = await book(1, "fr");
		expect(res.status).toBe(201);
		const { code, guestToken } = res.body as { code: string; guestToken: string };
		const auth = { Authorization: `Bearer ${guestToken}` };
		expect((await request(node.http).patch(`/api/v1/reservations/${code}`).set(auth).send({ checkOut: day(13) })).status).toBe(200);
		expect((await request(node.http).post(`/api/v1/reservations/${code}/cancel`).set(auth).send({})).status).toBe(200);
		expect((await request(node.http).post(`/api/v1/reservations/${code}/cancel`).set(auth).send({})).status).toBe(200); // again: no new email

		await waitFor("three emails", () => forCode(code).length >= 3);
		await settled("the reservation's emails", () => forCode(code).length, 700);
		const got = forCode(code);
		expect(got.map(r => r.type).sort()).toEqual(["cancellation", "confirmation", "modification"]);
		expect(got.every(r => r.to === "guest1@example.com")).toBe(true);
		const confirmation = got.find(r => r.type === "confirmation")!;
		expect(confirmation.subject).toBe(`Votre réservation à Hôtel des Tests est confirmée — ${code}`);
		const ics = (r: Received) => r.mail.attachments.find(a => a.filename === `reservation-${code}.ics`)!.content.toString("utf8");
		const ymd = (d: string) => d.replace(/-/g, "");
		expect(ics(confirmation)).toContain(`DTSTART;VALUE=DATE:${ymd(day(10))}`);
		expect(ics(got.find(r => r.type === "modification")!)).toContain(`DTEND;VALUE=DATE:${ymd(day(13))}`);
		expect(ics(got.find(r => r.type === "cancellation")!)).toContain("METHOD:CANCEL");
		const seq = (r: Received) => Number(/SEQUENCE:(\d+)/.exec(ics(r))![1]);
		expect(seq(got.find(r => r.type === "modification")!)).toBeGreaterThan(seq(confirmation));
	});

	it("sends the 20 confirmations of bookings made while no mail node ran, each once", async () => {
		if (skip) return;
		await mail!.stop();
		mail = null;
		const codes: string[] = [];
		for (let i = 0; i < 20; i++) {
			const res = await book(100 + i, i % 2 ? "en" : "fr", 20 + (i % 5), 22 + (i % 5));
			expect(res.status).toBe(201);
			codes.push(res.body.code as string);
		}
		expect(await settled("emails without a mail node", () => codes.flatMap(forCode).length, 500)).toBe(0);

		mail = await startMail("mail-b");
		await waitFor("20 emails", () => codes.every(c => forCode(c).length >= 1), 30_000);
		await settled("the 20 bookings' emails", () => codes.flatMap(forCode).length, 700);
		const got = codes.flatMap(forCode);
		expect(got).toHaveLength(20);
		expect([...countsById(got).values()].every(n => n === 1)).toBe(true);
		expect(got.every(r => r.type === "confirmation")).toBe(true);
	});
});
