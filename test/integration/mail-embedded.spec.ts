/**
 * The embedded shape (no TRANSPORTER, SQLite, .eml files): the outbox is delivered in-process
 * and nothing is lost either — a message waits in the outbox until the process's mail service
 * consumes and has recorded it; each booking, change and cancellation leaves one .eml and one
 * `sent` row.
 */
import fs from "fs";
import os from "os";
import path from "path";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { simpleParser } from "mailparser";
import { Events } from "../../lib/events";
import MailService from "../../services/mail.service";
import type { MailLogEntry } from "../../services/mail/types";
import type { Page } from "../../mixins/validation.mixin";
import { makeBroker, outboxProbeService, probeOf, reservationMessage, settled, waitFor } from "./mail.fixtures";

describe("mail in the embedded shape (in-process delivery, SQLite, .eml files)", () => {
	let dir: string;
	let broker: ServiceBroker;
	let starting: Promise<void> = Promise.resolve();
	let openGate: () => void = () => undefined;
	const saved = { ...process.env };
	const emls = () => (fs.existsSync(path.join(dir, "outbox")) ? fs.readdirSync(path.join(dir, "outbox")).filter(f => f.endsWith(".eml")) : []);

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), "hb-mail-"));
		Object.assign(process.env, { DATA_DIR: dir, MAIL_POLL_MS: "50" });
		delete process.env.TRANSPORTER;
		delete process.env.MAIL_DB_URL;
		delete process.env.SMTP_URL;
		broker = makeBroker("embedded");
		broker.createService(outboxProbeService(""));
		// The mail service of this process, whose start (and so its consumption) waits for the test.
		const gate = new Promise<void>(resolve => { openGate = resolve; });
		broker.createService({ mixins: [MailService], async started() { await gate; } } as unknown as ServiceSchema);
		starting = broker.start();
		await broker.waitForServices(["outboxprobe"], 20_000);
	});

	afterAll(async () => {
		openGate();
		await starting.catch(() => undefined);
		await broker?.stop();
		fs.rmSync(dir, { recursive: true, force: true });
		process.env = saved;
	});

	it("keeps outbox messages while the process's mail service is not consuming yet, then delivers them", async () => {
		await probeOf(broker).append([reservationMessage(Events.RESERVATION_CONFIRMED, "EMBAAAAA", { locale: "fr" })]);
		await waitFor("the relay tried", async () => (await probeOf(broker).sequelize.query("SELECT last_error FROM outbox", { plain: true }) as { last_error: string | null } | null)?.last_error != null);
		expect(await settled("the pending count", () => probeOf(broker).pending(), 400)).toBe(1);
		const status = await broker.call<{ pending: number; parked: number; bus: string }>("outboxprobe.outboxStatus");
		expect(status).toEqual(expect.objectContaining({ pending: 1, parked: 0, bus: "local" }));

		openGate();
		await starting;
		await waitFor("delivered", async () => (await probeOf(broker).pending()) === 0, 10_000);
		await waitFor("one .eml", () => emls().some(f => f.includes("EMBAAAAA")), 10_000);
	});

	it("writes one French .eml and one sent row for a booking, a change and a cancellation", async () => {
		await probeOf(broker).append([
			reservationMessage(Events.RESERVATION_MODIFIED, "EMBAAAAA", { locale: "fr", sequence: 1, checkOut: "2027-03-06" }),
			reservationMessage(Events.RESERVATION_CANCELLED, "EMBAAAAA", { locale: "fr", sequence: 2, checkOut: "2027-03-06" }),
		]);
		await waitFor("three .eml", () => emls().filter(f => f.includes("EMBAAAAA")).length >= 3, 10_000);
		await settled("the .eml files", () => emls().filter(f => f.includes("EMBAAAAA")).length, 300);
		const files = emls().filter(f => f.includes("EMBAAAAA"));
		expect(files).toHaveLength(3);
		const parsed = await Promise.all(files.map(f => simpleParser(fs.readFileSync(path.join(dir, "outbox", f)))));
		expect(parsed.map(p => p.subject).sort()).toEqual([
			"Votre réservation à Hôtel du Lac a été modifiée — EMBAAAAA",
			"Votre réservation à Hôtel du Lac est annulée — EMBAAAAA",
			"Votre réservation à Hôtel du Lac est confirmée — EMBAAAAA",
		]);
		const cancel = parsed.find(p => p.subject?.includes("annulée"))!;
		const ics = cancel.attachments.find(a => a.filename === "reservation-EMBAAAAA.ics")!.content.toString("utf8");
		expect(ics).toContain("METHOD:CANCEL");
		expect(ics).toContain("DTEND;VALUE=DATE:20270306");

		const log = await broker.call<Page<MailLogEntry>, object>("mail.list", { reservationCode: "EMBAAAAA" });
		expect(log.total).toBe(3);
		expect(log.rows.map(r => r.status)).toEqual(["sent", "sent", "sent"]);
		expect(log.rows.map(r => r.type).sort()).toEqual(["cancellation", "confirmation", "modification"]);
	});
});
