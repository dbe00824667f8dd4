import net from "net";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

/** Sends `text` through a new connection; resolves with the echo or the error code. */
function roundTrip(port: number, text: string): Promise<string> {
	return new Promise(resolve => {
		const s = net.connect(port, "127.0.0.1");
		let got = "";
		s.on("data", d => { got += d.toString(); if (got.length >= text.length) { s.end(); resolve(got); } });
		s.on("error", err => resolve(`error:${(err as NodeJS.ErrnoException).code}`));
		s.on("close", () => resolve(got || "closed"));
		s.write(text);
	});
}

describe("test helper: TCP proxy", () => {
	let echo: net.Server;
	let proxy: TcpProxy;
	beforeAll(async () => {
		echo = net.createServer(s => s.pipe(s));
		await new Promise<void>(r => echo.listen(0, "127.0.0.1", r));
		proxy = await startTcpProxy((echo.address() as net.AddressInfo).port);
	});
	afterAll(async () => {
		await proxy.close();
		await new Promise(r => echo.close(r));
	});

	it("forwards, resets open and new connections when cut, forwards again when restored", async () => {
		expect(await roundTrip(proxy.port, "hello")).toBe("hello");
		const held = net.connect(proxy.port, "127.0.0.1");
		await new Promise(r => held.on("connect", r));
		const heldClosed = new Promise(r => held.on("close", r));
		held.on("error", () => undefined);
		await proxy.cut();
		await heldClosed;
		expect(await roundTrip(proxy.port, "again")).not.toBe("again");
		await proxy.restore();
		expect(await roundTrip(proxy.port, "back")).toBe("back");
		expect(proxy.connections()).toBeGreaterThanOrEqual(3);
	});
});
