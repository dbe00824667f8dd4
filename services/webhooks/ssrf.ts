/**
 * The SSRF guard of outgoing webhooks (SPEC §13): a URL is sent to only when it is http(s),
 * carries no credentials, and every address its host resolves to is public — not loopback,
 * private, carrier-grade NAT, link-local (the cloud metadata address 169.254.169.254 among them),
 * multicast, reserved, IPv6 loopback, unique-local or link-local, nor an IPv4-mapped or NAT64
 * form of those — unless WEBHOOK_ALLOW_PRIVATE=true. The sender then connects to the address
 * checked here (no second lookup the DNS could answer differently).
 */
import dns from "dns";
import net from "net";

export interface ResolvedAddress { address: string; family: 4 | 6 }
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** How long a lookup may take (the system resolver's own retries can last far longer than a request). */
export const LOOKUP_TIMEOUT_MS = 3_000;

export const systemResolver: Resolver = async hostname => {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${LOOKUP_TIMEOUT_MS} ms`), { code: "ETIMEOUT" })), LOOKUP_TIMEOUT_MS);
	});
	try {
		const found = await Promise.race([dns.promises.lookup(hostname, { all: true, verbatim: true }), timeout]);
		return found.map(a => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
	} finally {
		clearTimeout(timer);
	}
};

const blocked = new net.BlockList();
for (const [net4, prefix] of [
	["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
	["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
	["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) blocked.addSubnet(net4, prefix, "ipv4");
for (const [net6, prefix] of [
	["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8], ["2001:db8::", 32], ["100::", 64],
] as const) blocked.addSubnet(net6, prefix, "ipv6");

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedIPv4(address: string): string | null {
	const lower = address.toLowerCase();
	const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
	if (dotted) return dotted[1];
	const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
	if (hex) {
		const hi = parseInt(hex[1], 16), lo = parseInt(hex[2], 16);
		return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
	}
	return null;
}

/** Is this IP address one a webhook may not target without WEBHOOK_ALLOW_PRIVATE? */
export function isPrivateAddress(address: string): boolean {
	const family = net.isIP(address);
	if (family === 4) return blocked.check(address, "ipv4");
	if (family === 6) {
		const v4 = embeddedIPv4(address);
		if (v4) return blocked.check(v4, "ipv4");
		return blocked.check(address, "ipv6");
	}
	return true; // not an address: refuse
}

export class UrlRefused extends Error {
	constructor(message: string) {
		super(message);
		this.name = "UrlRefused";
	}
}

/** The URL's form alone (no lookup): http(s), a host, no credentials, at most 2000 characters. */
export function parseTarget(raw: string): URL {
	if (typeof raw !== "string" || raw.length > 2000) throw new UrlRefused("must be an http(s) URL of at most 2000 characters");
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw new UrlRefused("must be an absolute http(s) URL");
	}
	if (url.protocol !== "http:" && url.protocol !== "https:") throw new UrlRefused("must use http or https");
	if (!url.hostname) throw new UrlRefused("must name a host");
	if (url.username || url.password) throw new UrlRefused("must not carry a user name or password");
	return url;
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, "");

/**
 * Resolves the URL's host and checks every address (a host with one private address among public
 * ones is refused: the connection could go to either). Returns the address to connect to.
 */
export async function resolveTarget(url: URL, opts: { allowPrivate: boolean; resolve?: Resolver }): Promise<ResolvedAddress> {
	const host = bare(url.hostname);
	let addresses: ResolvedAddress[];
	if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) === 6 ? 6 : 4 }];
	else {
		try {
			addresses = await (opts.resolve ?? systemResolver)(host);
		} catch (err) {
			throw new UrlRefused(`host '${host}' does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
		}
	}
	if (addresses.length === 0) throw new UrlRefused(`host '${host}' does not resolve`);
	if (!opts.allowPrivate) {
		const bad = addresses.find(a => isPrivateAddress(a.address));
		if (bad) throw new UrlRefused(`resolves to ${bad.address}, a loopback, private, link-local or reserved address (WEBHOOK_ALLOW_PRIVATE is off)`);
	}
	return addresses[0];
}
