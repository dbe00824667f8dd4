/**
 * The mail service end to end on real servers (SPEC §4, §5 (4), §6): messages from an outbox
 * through RabbitMQ to the mail service (PostgreSQL log) to a real SMTP server.
 * Invariant: every confirmed / modified / cancelled reservation yields exactly one email of its type.
 */
import { spawn, type ChildProcess } from "child_process";
import path from "path";
import type { ServiceBroker } from "moleculer";
import { AMQP_URL, createTestDatabase, dropTestDatabase, describeWithServers, serversMissing, uniqueName } from "../helpers/infra";
import { currentBus } from "../../lib/bus";
import { Events, type DomainMessage } from "../../lib/events";
import MailService from "../../services/mail.service";
import type { MailLogEntry } from "../../services/mail/types";
import type { Page } from "../../mixins/validation.mixin";
import { code, countsById, deleteBusTopology, makeBroker, outboxProbeService, probeOf, reservationMessage, settled, startSmtp, waitFor, type Received, type TestSmtp } from "./mail.fixtures";

const NEEDS: ("pg" | "amqp")[] = ["pg", "amqp"];
type AuditMessage = DomainMessage<{ reservationCode: string; type: string }>;
const ROOT = path.resolve(__dirname, "../..");

/** Runs bin/start.ts in a child process (TypeScript compiled on the fly) so the test can SIGKILL it. */
const TS_HOOK = `const ts=require("typescript"),fs=require("fs");require.extensions[".ts"]=(m,f)=>{const o=ts.transpileModule(fs.readFileSync(f,"utf8"),{fileName:f,compilerOptions:{module:ts.ModuleKind.CommonJS,target:ts.ScriptTarget.ES2022,esModuleInterop:true}});m._compile(o.outputText,f)};require("./bin/start.ts");`;

describeWithServers("mail service (SMTP + RabbitMQ + PostgreSQL)", NEEDS, () => {
	let skip = false;
	let namespace: string;
	let pubDb: string;
	let mailDb: string;
	let smtp: TestSmtp;
	let publisher: ServiceBroker;
	const brokers: ServiceBroker[] = [];
	const children: ChildProcess[] = [];
	const audit: { event: string; data: { reservationCode: string; type: string } }[] = [];
	const saved = { ...process.env };

	async function startMailNode(nodeID: string): Promise<ServiceBroker> {
		const b = makeBroker(nodeID);
		b.createService(MailService);
		// mail.message.sent|failed come through the mail outbox and the durable bus, like every message.
		b.createService({
			name: "audit",
			consumers: {
				mail: { events: ["mail.message.*"], dedupe: "handler", async handler(m: AuditMessage) { audit.push({ event: m.event, data: m.data }); } },
			},
		});
		await b.start();
		await currentBus(b)?.ready();
		brokers.push(b);
		return b;
	}

	function startMailChild(nodeID: string, extraEnv: Record<string, string>): ChildProcess {
		const child = spawn(process.execPath, ["-e", TS_HOOK], {
			cwd: ROOT,
			env: { ...process.env, SERVICES: "mail", NODE_ID: nodeID, LOG_LEVEL: "warn", PORT: "0", ...extraEnv },
			stdio: ["ignore", "ignore", "inherit"],
		});
		children.push(child);
		return child;
	}

	const receivedFor = (prefix: string): Received[] => smtp.received.filter(r => r.code.startsWith(prefix));
	const noDuplicates = (rs: Received[]) => [...countsById(rs).values()].every(n => n === 1);

	beforeAll(async () => {
		skip = await serversMissing(NEEDS);
		if (skip) return;
		namespace = uniqueName("mail");
		[pubDb, mailDb] = await Promise.all([createTestDatabase("hb_mail_pub"), createTestDatabase("hb_mail")]);
		smtp = await startSmtp();
		Object.assign(process.env, {
			TRANSPORTER: AMQP_URL, NAMESPACE: namespace, MAIL_DB_URL: mailDb, SMTP_URL: smtp.url,
			MAIL_POLL_MS: "50", RETRY_BASE_MS: "100", RETRY_MAX_MS: "300", MAIL_MAX_ATTEMPTS: "3", MAIL_LOCK_MS: "1500",
			BUS_MAX_ATTEMPTS: "3", PUBLIC_URL: "https://booking.example.com",
		});
		publisher = makeBroker("publisher");
		publisher.createService(outboxProbeService(pubDb));
		await publisher.start();
		await currentBus(publisher)?.ready();
	});

	afterAll(async () => {
		if (skip) return;
		for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
		await Promise.allSettled([publisher?.stop(), ...brokers.map(b => b.stop())]);
		await smtp?.close();
		await deleteBusTopology(namespace).catch(() => undefined);
		await Promise.allSettled([dropTestDatabase(pubDb), dropTestDatabase(mailDb)]);
		process.env = saved;
	});

	it("sends exactly one email per confirmation, modification and cancellation, in the guest's language, with the .ics", async () => {
		if (skip) return;
		const mail = await startMailNode("mail-1");
		const msgs: DomainMessage[] = [];
		for (let i = 0; i < 3; i++) {
			const c = `A${code(i).slice(1)}`;
			const locale = i === 0 ? "fr" : "en";
			msgs.push(
				reservationMessage(Events.RESERVATION_CONFIRMED, c, { locale, sequence: 0 }),
				reservationMessage(Events.RESERVATION_MODIFIED, c, { locale, sequence: 1, checkOut: "2027-03-05" }),
				reservationMessage(Events.RESERVATION_CANCELLED, c, { locale, sequence: 2, checkOut: "2027-03-05" }),
			);
		}
		await probeOf(publisher).append(msgs);
		// The same message delivered again (a relay that crashed before marking it) changes nothing.
		await currentBus(publisher)!.publish(msgs[0]);
		await waitFor("9 emails", () => receivedFor("A").length >= 9);
		await settled("emails of A", () => receivedFor("A").length, 500);
		const got = receivedFor("A");
		expect(got).toHaveLength(9);
		expect(noDuplicates(got)).toBe(true);
		expect(new Set(got.map(r => r.messageId))).toEqual(new Set(msgs.map(m => m.id)));

		const fr = got.find(r => r.code === "AAAAAAAA" && r.type === "confirmation")!;
		expect(fr.subject).toBe("Votre réservation à Hôtel du Lac est confirmée — AAAAAAAA");
		expect(fr.mail.text).toContain("lundi 1 mars 2027");
		expect(fr.mail.html).toContain("Gérer ma réservation");
		const en = got.find(r => r.code === "AAAAAAAB" && r.type === "modification")!;
		expect(en.subject).toBe("Your booking at Hôtel du Lac has changed — AAAAAAAB");
		expect(en.mail.text).toContain("4 nights");
		expect(en.mail.text).toContain("https://booking.example.com/#/manage?code=AAAAAAAB");

		const icsOf = (r: Received) => {
			const a = r.mail.attachments.find(x => x.filename?.endsWith(".ics"));
			expect(a).toBeDefined();
			return a!.content.toString("utf8").replace(/\r?\n[ \t]/g, "").split(/\r?\n/);
		};
		const modIcs = icsOf(en);
		expect(modIcs).toEqual(expect.arrayContaining(["METHOD:PUBLISH", "DTSTART;VALUE=DATE:20270301", "DTEND;VALUE=DATE:20270305", "SEQUENCE:1"]));
		const cancel = got.find(r => r.code === "AAAAAAAB" && r.type === "cancellation")!;
		const cancelIcs = icsOf(cancel);
		expect(cancelIcs).toEqual(expect.arrayContaining(["METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:2"]));
		expect(cancelIcs.find(l => l.startsWith("UID:"))).toBe(modIcs.find(l => l.startsWith("UID:")));

		// The log: one sent row per message; events for the audit trail.
		await waitFor("log up to date", async () => (await mail.call<Page<MailLogEntry>, object>("mail.list", { reservationCode: "AAAAAAAB" })).rows.every(r => r.status === "sent"));
		const page = await mail.call<Page<MailLogEntry>, object>("mail.list", { reservationCode: "aaaaaaab", page: 1, pageSize: 2 });
		expect(page.total).toBe(3);
		expect(page.totalPages).toBe(2);
		expect(page.rows).toHaveLength(2);
		expect(page.rows[0]).toEqual(expect.objectContaining({ reservationCode: "AAAAAAAB", to: "aaaaaaab@example.com", status: "sent", attempts: 1, lastError: null }));
		expect(Object.keys(page.rows[0]).sort()).toEqual(["attempts", "createdAt", "id", "lastError", "reservationCode", "sentAt", "status", "subject", "to", "type"]);
		const cancels = await mail.call<Page<MailLogEntry>, object>("mail.list", { type: "cancellation", status: "sent" });
		expect(cancels.rows.filter(r => r.reservationCode.startsWith("A"))).toHaveLength(3);
		await waitFor("9 sent messages", () => audit.filter(a => a.event === Events.MAIL_SENT && a.data.reservationCode.startsWith("A")).length >= 9);
		expect(audit.filter(a => a.event === Events.MAIL_SENT && a.data.reservationCode.startsWith("A"))).toHaveLength(9);
	});

	it("retries a refused email with back-off, gives up after the last attempt (failed + event), and resends on request (202)", async () => {
		if (skip) return;
		const mail = brokers[0] ?? (await startMailNode("mail-1"));
		let refusals = 0;
		smtp.gate = r => {
			if (r.code === "RAAAAAAA" && refusals < 2) { refusals++; return "try again later"; }
			if (r.code === "RBBBBBBB") return "mailbox unavailable";
			return null;
		};
		await probeOf(publisher).append([reservationMessage(Events.RESERVATION_CONFIRMED, "RAAAAAAA"), reservationMessage(Events.RESERVATION_CONFIRMED, "RBBBBBBB")]);
		await waitFor("retried email accepted", () => receivedFor("RAAAAAAA").length === 1);
		let failed: MailLogEntry | undefined;
		await waitFor("hopeless email failed", async () => {
			failed = (await mail.call<Page<MailLogEntry>, object>("mail.list", { reservationCode: "RBBBBBBB" })).rows[0];
			return failed?.status === "failed";
		});
		// The sent mark is group-committed just after SMTP accepted: wait for it, not for the SMTP server.
		let retried: MailLogEntry | undefined;
		await waitFor("retried email marked sent", async () => {
			retried = (await mail.call<Page<MailLogEntry>, object>("mail.list", { reservationCode: "RAAAAAAA" })).rows[0];
			return retried?.status !== "queued";
		});
		expect(retried).toEqual(expect.objectContaining({ status: "sent", attempts: 3 }));
		expect(failed).toEqual(expect.objectContaining({ status: "failed", attempts: 3 }));
		expect(failed!.lastError).toContain("mailbox unavailable");
		await waitFor("the failed message", () => audit.some(a => a.event === Events.MAIL_FAILED && a.data.reservationCode === "RBBBBBBB"));

		// The mailbox works again: an admin resends.
		smtp.gate = () => null;
		const meta: Record<string, unknown> = {};
		const ctxMeta = { meta };
		const again = await mail.call<MailLogEntry, { id: string }>("mail.resend", { id: failed!.id }, ctxMeta);
		expect(again).toEqual(expect.objectContaining({ reservationCode: "RBBBBBBB", type: "confirmation", status: "queued" }));
		expect(again.id).not.toBe(failed!.id);
		expect(meta.$statusCode).toBe(202);
		await waitFor("resent email accepted", () => receivedFor("RBBBBBBB").length === 1);
		await expect(mail.call("mail.resend", { id: "no-such-mail" })).rejects.toMatchObject({ code: 404 });
	});

	it("keeps messages while no mail node runs: 20 bookings during the outage give 20 emails, no duplicates", async () => {
		if (skip) return;
		const old = brokers.shift()!;
		await old.stop();
		const msgs = Array.from({ length: 20 }, (_, i) => reservationMessage(Events.RESERVATION_CONFIRMED, `S${code(i).slice(1)}`));
		await probeOf(publisher).append(msgs);
		await waitFor("outbox relayed to RabbitMQ", async () => (await probeOf(publisher).pending()) === 0);
		expect(await settled("emails without a mail node", () => receivedFor("S").length, 300)).toBe(0);

		await startMailNode("mail-2");
		await waitFor("20 emails", () => receivedFor("S").length >= 20);
		await settled("emails of S", () => receivedFor("S").length, 500);
		expect(receivedFor("S")).toHaveLength(20);
		expect(noDuplicates(receivedFor("S"))).toBe(true);
	});

	it("loses nothing and duplicates nothing when a mail node is killed (SIGKILL) in the middle of a batch", async () => {
		if (skip) return;
		// One node only, sending one email at a time: the kill lands between two sends.
		await brokers.shift()!.stop();
		const env = { MAIL_SEND_CONCURRENCY: "1" };
		const victim = startMailChild("mail-victim", env);
		let killedAt = -1;
		smtp.gate = r => {
			// The 9th email reaches the SMTP server: kill the node before the server accepts it.
			if (r.code.startsWith("K") && killedAt < 0 && receivedFor("K").length === 8) {
				victim.kill("SIGKILL");
				killedAt = 8;
				return "node gone";
			}
			return null;
		};
		const msgs = Array.from({ length: 20 }, (_, i) => reservationMessage(Events.RESERVATION_CONFIRMED, `K${code(i).slice(1)}`));
		await probeOf(publisher).append(msgs);
		await waitFor("victim killed", () => killedAt >= 0, 30_000, 20);
		await waitFor("victim gone", () => victim.signalCode === "SIGKILL" || victim.exitCode !== null, 5_000);
		expect(receivedFor("K").length).toBeLessThan(20);

		const survivor = startMailChild("mail-survivor", env);
		await waitFor("20 emails", () => receivedFor("K").length >= 20, 40_000, 100);
		await settled("emails of K", () => receivedFor("K").length, 1000);
		const got = receivedFor("K");
		expect(new Set(got.map(r => r.messageId))).toEqual(new Set(msgs.map(m => m.id)));
		expect(noDuplicates(got)).toBe(true);
		survivor.kill("SIGTERM");
		await new Promise(resolve => survivor.once("exit", resolve));
	});
});
