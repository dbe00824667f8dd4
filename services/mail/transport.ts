/**
 * Where emails go (SPEC §2): SMTP when SMTP_URL is set (pooled connections), otherwise
 * `.eml` files in DATA_DIR/outbox (written whole, then renamed, so a reader never sees half a
 * file), or kept in memory when DATA_DIR is ":memory:" (tests).
 */
import fs from "fs";
import path from "path";
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import { parseConnectionUrl } from "nodemailer/lib/shared";
import type { AppConfig } from "../../lib/config";

export interface OutgoingMail {
	from: string;
	to: string;
	subject: string;
	html: string;
	text: string;
	/** Message-ID header, stable per mail row: a resend after a crash carries the same one. */
	messageId: string;
	/** X-Hotel-Message-Id: the reservations message it answers (audits, de-duplication checks). */
	headers: Record<string, string>;
	attachments: { filename: string; content: string; contentType: string }[];
}

export interface MailTransport {
	kind: "smtp" | "eml" | "memory";
	send(mail: OutgoingMail, fileStem: string): Promise<void>;
	close(): void;
	/** Memory transport only: the raw messages sent. */
	sent?: { fileStem: string; raw: string }[];
}

/** Messages sent over one SMTP connection before it is closed and a new one opened (nodemailer's pool default). */
const MAX_MESSAGES = 100;

/**
 * A pool of SMTP connections for messages composed beforehand: each connection sends one
 * message at a time, straight from its buffer (SMTPConnection.send). nodemailer's own pool
 * wrapped every raw message in a MimeNode again and streamed it through its plugins: about a
 * third of the client's CPU per email. A connection the server closed while idle is replaced
 * before its next message; a refused message (4xx/5xx on the envelope or the data) resets the
 * session and keeps the connection; any other failure closes it. The caller retries failures.
 */
export function smtpPool(url: string, size: number, timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }) {
	const { auth, ...options } = { ...parseConnectionUrl(url), ...timeouts } as SMTPConnection.Options & { auth?: SMTPConnection.Credentials };
	interface Link { conn: SMTPConnection; ready: Promise<void>; messages: number; dead: boolean }
	const idle: Link[] = [];
	const waiting: ((link: Link | null) => void)[] = [];
	let open = 0;
	let closed = false;

	const connect = (): Link => {
		const conn = new SMTPConnection(options);
		const link: Link = { conn, messages: 0, dead: false, ready: Promise.resolve() };
		link.ready = new Promise<void>((resolve, reject) => {
			// Before it is ready, an error or end fails the connection (connect() reports errors only
			// as events); afterwards they mark it dead and the send's callback reports them.
			let ready = false;
			conn.on("error", err => { link.dead = true; if (!ready) reject(err); });
			conn.once("end", () => { link.dead = true; if (!ready) reject(new Error("SMTP connection closed")); });
			conn.connect(() => {
				const done = () => { ready = true; resolve(); };
				if (!auth || !conn.allowsAuth) return done();
				conn.login(auth, e => (e ? reject(e) : done()));
			});
		});
		return link;
	};
	const drop = (link: Link) => {
		link.dead = true;
		open--;
		link.conn.close();
	};
	const acquire = (): Promise<Link | null> => {
		while (idle.length) {
			const link = idle.pop() as Link;
			if (!link.dead) return Promise.resolve(link);
			drop(link);
		}
		if (open < size) {
			open++;
			return Promise.resolve(connect());
		}
		return new Promise(resolve => waiting.push(resolve));
	};
	/** Back to the pool, or retired (pool closed, broken, or its share of messages sent) and replaced for a waiter. */
	const release = (link: Link) => {
		if (!closed && !link.dead && link.messages < MAX_MESSAGES) {
			const next = waiting.shift();
			if (next) next(link);
			else idle.push(link);
			return;
		}
		if (!link.dead) link.conn.quit();
		link.dead = true;
		open--;
		const next = waiting.shift();
		if (!next) return;
		if (closed) return next(null);
		open++;
		next(connect());
	};
	return {
		async send(envelope: SMTPConnection.Envelope, raw: Buffer): Promise<void> {
			const link = await acquire();
			if (!link) throw new Error("SMTP pool closed");
			try {
				await link.ready;
				await new Promise<void>((resolve, reject) => link.conn.send(envelope, raw, err => (err ? reject(err) : resolve())));
				link.messages++;
			} catch (err) {
				const e = err as SMTPConnection.SMTPError;
				link.messages++;
				if ((e.code === "EENVELOPE" || e.code === "EMESSAGE") && e.responseCode !== 421 && !link.dead) {
					// The server refused this message; the session is reset for the next one.
					await new Promise<void>(resolve => link.conn.reset(resetErr => { if (resetErr) link.dead = true; resolve(); }));
				} else {
					link.dead = true;
					link.conn.close();
				}
				throw err;
			} finally {
				release(link);
			}
		},
		close(): void {
			closed = true;
			for (const link of idle.splice(0)) { link.dead = true; open--; link.conn.quit(); }
			for (const w of waiting.splice(0)) w(null);
		},
	};
}

export function createMailTransport(cfg: AppConfig, poolSize = 16): MailTransport {
	if (cfg.smtpUrl) {
		const pool = smtpPool(cfg.smtpUrl, poolSize);
		return {
			kind: "smtp",
			// Composed into one buffer first, then sent as is over a pooled connection: SMTP writes it
			// in a few large writes instead of one per MIME chunk.
			async send(mail) {
				const node = new MailComposer(mail).compile();
				const raw = await new Promise<Buffer>((resolve, reject) => node.build((err, message) => (err ? reject(err) : resolve(message))));
				const envelope = node.getEnvelope();
				await pool.send(envelope as SMTPConnection.Envelope, raw);
			},
			close() { pool.close(); },
		};
	}
	const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
	const render = async (mail: OutgoingMail): Promise<Buffer> => (await stream.sendMail(mail)).message as Buffer;
	if (cfg.dataDir.endsWith(":memory:")) {
		const sent: { fileStem: string; raw: string }[] = [];
		return {
			kind: "memory",
			sent,
			async send(mail, fileStem) { sent.push({ fileStem, raw: (await render(mail)).toString("utf8") }); },
			close() { /* nothing */ },
		};
	}
	const dir = path.join(cfg.dataDir, "outbox");
	return {
		kind: "eml",
		async send(mail, fileStem) {
			await fs.promises.mkdir(dir, { recursive: true });
			const file = path.join(dir, `${fileStem}.eml`);
			await fs.promises.writeFile(`${file}.tmp`, await render(mail));
			await fs.promises.rename(`${file}.tmp`, file);
		},
		close() { /* nothing */ },
	};
}
