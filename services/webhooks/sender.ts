/**
 * One webhook request per the Standard Webhooks specification: `webhook-id` (the §4 message id,
 * the same on every retry and replay), `webhook-timestamp`, `webhook-signature` (v1, HMAC-SHA256
 * by the `standardwebhooks` library), the §4 message as the JSON body. The connection goes to
 * the address the SSRF guard checked (ssrf.ts); redirects are not followed (a 3xx is a failure);
 * connecting, the whole exchange and the answer's size are bounded.
 */
import http from "http";
import https from "https";
import type { LookupFunction } from "net";
import { Webhook } from "standardwebhooks";
import { parseTarget, resolveTarget, type Resolver } from "./ssrf";

export interface SendOptions {
	allowPrivate: boolean;
	connectTimeoutMs: number;
	timeoutMs: number;
	maxResponseBytes: number;
	resolve?: Resolver;
	/** The signature's timestamp (the service's clock). */
	now?: Date;
}

export interface SendOutcome {
	ok: boolean;
	/** The receiver's HTTP status; null when no answer came. */
	status: number | null;
	latencyMs: number;
	error: string | null;
}

export const USER_AGENT = "hotel-booking-webhooks/1";

/** The three signature headers for this body (secret "whsec_…"). */
export function signatureHeaders(secret: string, messageId: string, body: string, at: Date): Record<string, string> {
	return {
		"webhook-id": messageId,
		"webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
		"webhook-signature": new Webhook(secret).sign(messageId, at, body),
	};
}

/** Posts `body` to `rawUrl`; never throws (every failure is an outcome). */
export async function sendWebhook(rawUrl: string, secret: string, messageId: string, body: string, opts: SendOptions): Promise<SendOutcome> {
	const started = Date.now();
	const fail = (error: string, status: number | null = null): SendOutcome => ({ ok: false, status, latencyMs: Date.now() - started, error });
	let url: URL;
	let target: { address: string; family: 4 | 6 };
	try {
		url = parseTarget(rawUrl);
		target = await resolveTarget(url, opts);
	} catch (err) {
		return fail(`refused: ${(err as Error).message}`);
	}
	const headers = {
		"content-type": "application/json",
		"user-agent": USER_AGENT,
		"content-length": String(Buffer.byteLength(body)),
		...signatureHeaders(secret, messageId, body, opts.now ?? new Date()),
	};
	// Every lookup of this request answers the checked address: no rebinding between check and connect.
	const lookup: LookupFunction = (_host, options, cb) => {
		if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
		else cb(null, target.address, target.family);
	};
	return new Promise<SendOutcome>(resolve => {
		let settled = false;
		const finish = (o: SendOutcome) => {
			if (settled) return;
			settled = true;
			clearTimeout(connectTimer);
			clearTimeout(totalTimer);
			req.destroy();
			resolve(o);
		};
		const mod = url.protocol === "https:" ? https : http;
		const req = mod.request({
			protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ""), port: url.port || undefined, path: `${url.pathname}${url.search}`,
			method: "POST", headers, lookup, agent: false,
			...(url.protocol === "https:" ? { servername: url.hostname } : {}),
		});
		const connectTimer = setTimeout(() => finish(fail(`no connection within ${opts.connectTimeoutMs} ms`)), opts.connectTimeoutMs);
		const totalTimer = setTimeout(() => finish(fail(`no complete answer within ${opts.timeoutMs} ms`)), opts.timeoutMs);
		req.on("socket", s => s.once(url.protocol === "https:" ? "secureConnect" : "connect", () => clearTimeout(connectTimer)));
		req.on("error", err => finish(fail((err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ${err.message}` : err.message)));
		req.on("response", res => {
			const status = res.statusCode ?? 0;
			let size = 0;
			res.on("data", (chunk: Buffer) => {
				size += chunk.length;
				// The answer is not used: past the bound it is not worth reading.
				if (size > opts.maxResponseBytes) done();
			});
			const done = () => {
				if (status >= 200 && status < 300) finish({ ok: true, status, latencyMs: Date.now() - started, error: null });
				else if (status >= 300 && status < 400) finish(fail(`redirect (${status}) not followed`, status));
				else finish(fail(`HTTP ${status}`, status));
			};
			res.on("end", done);
			res.on("error", err => finish(fail(err.message, status)));
		});
		req.end(body);
	});
}
