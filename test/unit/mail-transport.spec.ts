/**
 * The SMTP pool of services/mail/transport.ts against a real SMTP server: composed messages sent
 * as they are, connections reused, a refused message failing alone, a connection the server
 * closed replaced before the next message.
 */
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { smtpPool } from "../../services/mail/transport";

interface Server { url: string; received: string[]; sessions: Set<string>; refuse: (raw: string) => boolean; kick(): void; close(): Promise<void> }

async function startServer(): Promise<Server> {
	const sockets = new Set<import("net").Socket>();
	const state = { received: [] as string[], sessions: new Set<string>(), refuse: (_raw: string) => false };
	const server = new SMTPServer({
		authOptional: true, disabledCommands: ["AUTH", "STARTTLS"], logger: false,
		onConnect(session, cb) { state.sessions.add(session.id); cb(); },
		onData(stream: SMTPServerDataStream, _session, cb) {
			const chunks: Buffer[] = [];
			stream.on("data", (c: Buffer) => chunks.push(c));
			stream.on("end", () => {
				const raw = Buffer.concat(chunks).toString("utf8");
				if (state.refuse(raw)) return cb(Object.assign(new Error("mailbox unavailable"), { responseCode: 451 }));
				state.received.push(raw);
				cb();
			});
		},
	});
	server.server.on("connection", (s: import("net").Socket) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
	const port = (server.server.address() as { port: number }).port;
	return Object.assign(state, {
		url: `smtp://127.0.0.1:${port}`,
		kick() { for (const s of sockets) s.destroy(); },
		close: () => new Promise<void>(resolve => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
	});
}

const raw = (n: number) => Buffer.from(`From: a@example.com\r\nTo: b@example.com\r\nSubject: m${n}\r\n\r\nline ${n}\r\n.starts with a dot\r\n`);
const envelope = { from: "a@example.com", to: ["b@example.com"] };

describe("smtpPool", () => {
	let server: Server;
	beforeEach(async () => { server = await startServer(); });
	afterEach(async () => { await server.close(); });

	it("sends each message as composed, over at most `size` reused connections", async () => {
		const pool = smtpPool(server.url, 2);
		await Promise.all(Array.from({ length: 10 }, (_, i) => pool.send(envelope, raw(i))));
		await Promise.all(Array.from({ length: 10 }, (_, i) => pool.send(envelope, raw(10 + i))));
		pool.close();
		expect(server.received).toHaveLength(20);
		expect(server.received.map(r => r.match(/Subject: (m\d+)/)?.[1]).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
		// Dot-stuffing is undone by the server: the body arrives as written.
		expect(server.received[0]).toContain("\r\n.starts with a dot\r\n");
		expect(server.sessions.size).toBeLessThanOrEqual(2);
	});

	it("fails a refused message alone and keeps using the connection", async () => {
		const pool = smtpPool(server.url, 1);
		server.refuse = r => r.includes("Subject: m1\r\n");
		const results = await Promise.allSettled([0, 1, 2].map(i => pool.send(envelope, raw(i))));
		pool.close();
		expect(results.map(r => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
		expect(String((results[1] as PromiseRejectedResult).reason)).toContain("451");
		expect(server.received).toHaveLength(2);
		expect(server.sessions.size).toBe(1);
	});

	it("opens a new connection after the server closed an idle one", async () => {
		const pool = smtpPool(server.url, 1);
		await pool.send(envelope, raw(0));
		server.kick();
		await new Promise(resolve => setTimeout(resolve, 50));
		await pool.send(envelope, raw(1));
		pool.close();
		expect(server.received).toHaveLength(2);
		expect(server.sessions.size).toBe(2);
	});

	it("rejects when the server cannot be reached", async () => {
		const url = server.url;
		await server.close();
		const pool = smtpPool(url, 1, { connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 2000 });
		await expect(pool.send(envelope, raw(0))).rejects.toThrow();
		// The broken connection was retired: the next send tries a new one (and fails the same way).
		await expect(pool.send(envelope, raw(1))).rejects.toThrow();
		pool.close();
		server = await startServer();
	});
});
