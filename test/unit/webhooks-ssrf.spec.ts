/**
 * The SSRF guard (services/webhooks/ssrf.ts): without WEBHOOK_ALLOW_PRIVATE every loopback,
 * private, link-local/metadata and reserved address is refused, literally or through a host name
 * that resolves to it. Only resolution happens here: nothing connects to those addresses.
 */
import { isPrivateAddress, parseTarget, resolveTarget, UrlRefused, type Resolver } from "../../services/webhooks/ssrf";

const fakeDns = (table: Record<string, string[]>): Resolver => async host => {
	const found = table[host];
	if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
	return found.map(address => ({ address, family: address.includes(":") ? 6 : 4 }));
};
const dns = fakeDns({
	"receiver.example.com": ["93.184.215.14"],
	"internal.example.com": ["10.1.2.3"],
	"mixed.example.com": ["93.184.215.14", "192.168.1.20"],
	"metadata.example.com": ["169.254.169.254"],
	"v6.example.com": ["2606:4700::6810:84e5"],
	"ula.example.com": ["fd12:3456::1"],
});
const refused = (url: string, resolve: Resolver = dns) => resolveTarget(parseTarget(url), { allowPrivate: false, resolve });

describe("isPrivateAddress", () => {
	it.each([
		["127.0.0.1", "loopback"], ["127.255.0.9", "loopback /8"], ["10.0.0.1", "10/8"], ["10.255.255.255", "10/8 end"],
		["172.16.0.1", "172.16/12"], ["172.31.255.254", "172.16/12 end"], ["192.168.0.1", "192.168/16"], ["169.254.169.254", "cloud metadata"],
		["169.254.1.1", "link-local"], ["0.0.0.0", "this host"], ["100.64.0.1", "carrier-grade NAT"], ["224.0.0.1", "multicast"], ["255.255.255.255", "broadcast"],
		["::1", "IPv6 loopback"], ["::", "IPv6 unspecified"], ["fc00::1", "IPv6 ULA"], ["fd00:abcd::1", "IPv6 ULA fd"], ["fe80::1", "IPv6 link-local"],
		["ff02::1", "IPv6 multicast"], ["::ffff:127.0.0.1", "IPv4-mapped loopback"], ["::ffff:7f00:1", "IPv4-mapped loopback (hex)"],
		["::ffff:169.254.169.254", "IPv4-mapped metadata"], ["64:ff9b::10.0.0.1", "NAT64 of 10/8"],
	])("refuses %s (%s)", address => {
		expect(isPrivateAddress(address)).toBe(true);
	});

	it.each(["93.184.215.14", "8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "11.0.0.1", "2606:4700::6810:84e5", "::ffff:8.8.8.8"])("allows the public address %s", address => {
		expect(isPrivateAddress(address)).toBe(false);
	});
});

describe("resolveTarget without WEBHOOK_ALLOW_PRIVATE", () => {
	it.each([
		"http://127.0.0.1:8080/hook", "http://10.0.0.5/hook", "http://172.16.3.4/hook", "http://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data",
		"http://[::1]:3000/hook", "http://[fd00::1]/hook", "http://[fe80::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://0.0.0.0/hook", "http://2130706433/hook",
	])("refuses %s", async url => {
		await expect(refused(url)).rejects.toThrow(UrlRefused);
	});

	it("refuses a host name that resolves to loopback (localhost, by the system's resolver)", async () => {
		await expect(resolveTarget(parseTarget("http://localhost:9/hook"), { allowPrivate: false })).rejects.toThrow(/resolves to (127\.0\.0\.1|::1)/);
	});

	it("refuses host names resolving to a private or metadata address, or to a private one among public ones", async () => {
		await expect(refused("https://internal.example.com/h")).rejects.toThrow(/10\.1\.2\.3/);
		await expect(refused("https://metadata.example.com/h")).rejects.toThrow(/169\.254\.169\.254/);
		await expect(refused("https://ula.example.com/h")).rejects.toThrow(/fd12:3456::1/);
		await expect(refused("https://mixed.example.com/h")).rejects.toThrow(/192\.168\.1\.20/);
	});

	it("refuses a host that does not resolve", async () => {
		await expect(refused("https://nowhere.example.com/h")).rejects.toThrow(/does not resolve/);
	});

	it("answers the checked public address to connect to", async () => {
		await expect(refused("https://receiver.example.com/h")).resolves.toEqual({ address: "93.184.215.14", family: 4 });
		await expect(refused("https://v6.example.com/h")).resolves.toEqual({ address: "2606:4700::6810:84e5", family: 6 });
	});

	it("allows private targets with WEBHOOK_ALLOW_PRIVATE", async () => {
		await expect(resolveTarget(parseTarget("http://127.0.0.1:8080/hook"), { allowPrivate: true })).resolves.toEqual({ address: "127.0.0.1", family: 4 });
		await expect(resolveTarget(parseTarget("https://internal.example.com/h"), { allowPrivate: true, resolve: dns })).resolves.toMatchObject({ address: "10.1.2.3" });
	});
});

describe("parseTarget", () => {
	it.each([
		["ftp://example.com/x", /http or https/], ["file:///etc/passwd", /http or https/], ["javascript:alert(1)", /http or https/],
		["not a url", /absolute/], ["/relative/path", /absolute/], ["https://user:pw@example.com/", /user name or password/],
		[`https://example.com/${"a".repeat(2000)}`, /2000/],
	])("refuses %s", (url, why) => {
		expect(() => parseTarget(url)).toThrow(why);
	});
});
