/**
 * One webhook request (services/webhooks/sender.ts) against a local receiver: signed so the
 * Standard Webhooks library's own Webhook.verify accepts it, the §4 message as the body, no
 * redirect followed, bounded time and answer size, and nothing sent to a refused address.
 */
import http from "http";
import type { AddressInfo } from "net";
import { Webhook } from "standardwebhooks";
import { makeMessage, Events } from "../../lib/events";
import { sendWebhook, type SendOptions } from "../../services/webhooks/sender";

interface Got { headers: http.IncomingHttpHeaders; body: string; url: string }

describe("sendWebhook", () => {
	let server: http.Server;
	let base: string;
	const got: Got[] = [];
	let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_q, res) => res.end("ok");
	const secret = `whsec_${Buffer.from("a-test-secret-of-32-bytes-long!!").toString("base64")}`;
	const opts: SendOptions = { allowPrivate: true, connectTimeoutMs: 1000, timeoutMs: 1500, maxResponseBytes: 1024 };

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			let body = "";
			req.on("data", c => (body += c));
			req.on("end", () => {
				got.push({ headers: req.headers, body, url: req.url ?? "" });
				answer(req, res);
			});
		});
		await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise<void>(r => { server.closeAllConnections(); server.close(() => r()); }));
	beforeEach(() => { got.length = 0; answer = (_q, res) => res.end("ok"); });

	it("posts the §4 message with headers the library's verifier accepts", async () => {
		const message = makeMessage(Events.RESERVATION_CONFIRMED, { reservation: { code: "K7Q2M9XD", hotelId: "h1" } });
		const body = JSON.stringify(message);
		const out = await sendWebhook(`${base}/hook?x=1`, secret, message.id, body, opts);
		expect(out).toMatchObject({ ok: true, status: 200, error: null });
		expect(got).toHaveLength(1);
		expect(got[0].url).toBe("/hook?x=1");
		expect(got[0].headers["webhook-id"]).toBe(message.id);
		expect(got[0].headers["content-type"]).toBe("application/json");
		const verified = new Webhook(secret).verify(got[0].body, got[0].headers as Record<string, string>);
		expect(verified).toEqual(message);
		expect(() => new Webhook(`whsec_${Buffer.from("another-secret-entirely-32-bytes").toString("base64")}`).verify(got[0].body, got[0].headers as Record<string, string>)).toThrow();
	});

	it("treats a non-2xx answer as a failure with its status", async () => {
		answer = (_q, res) => { res.statusCode = 500; res.end("boom"); };
		await expect(sendWebhook(`${base}/hook`, secret, "m1", "{}", opts)).resolves.toMatchObject({ ok: false, status: 500, error: "HTTP 500" });
	});

	it("does not follow a redirect", async () => {
		answer = (_q, res) => { res.writeHead(302, { Location: `${base}/elsewhere` }); res.end(); };
		const out = await sendWebhook(`${base}/hook`, secret, "m1", "{}", opts);
		expect(out).toMatchObject({ ok: false, status: 302 });
		expect(out.error).toMatch(/redirect/);
		expect(got.map(g => g.url)).toEqual(["/hook"]);
	});

	it("gives up on a receiver that does not answer in time", async () => {
		answer = () => { /* never answers */ };
		const started = Date.now();
		const out = await sendWebhook(`${base}/slow`, secret, "m1", "{}", opts);
		expect(out.ok).toBe(false);
		expect(out.error).toMatch(/no complete answer within 1500 ms/);
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it("stops reading an answer larger than the bound", async () => {
		answer = (_q, res) => { res.writeHead(200); const chunk = "x".repeat(4096); const tick = () => { if (res.write(chunk)) setImmediate(tick); else res.once("drain", tick); }; tick(); };
		const out = await sendWebhook(`${base}/big`, secret, "m1", "{}", opts);
		expect(out).toMatchObject({ ok: true, status: 200 });
	});

	it("sends nothing to a loopback receiver without WEBHOOK_ALLOW_PRIVATE", async () => {
		const out = await sendWebhook(`${base}/hook`, secret, "m1", "{}", { ...opts, allowPrivate: false });
		expect(out.ok).toBe(false);
		expect(out.error).toMatch(/^refused: .*127\.0\.0\.1/);
		expect(got).toHaveLength(0);
	});

	it("connects to the address it checked, whatever the name would resolve to later", async () => {
		let lookups = 0;
		const out = await sendWebhook(`http://receiver.test:${new URL(base).port}/pinned`, secret, "m1", "{}", { ...opts, resolve: async () => { lookups++; return [{ address: "127.0.0.1", family: 4 }]; } });
		expect(out.ok).toBe(true);
		expect(lookups).toBe(1);
		expect(got[0].headers.host).toBe(`receiver.test:${new URL(base).port}`);
	});
});
