/**
 * A TCP proxy in front of a real server (PostgreSQL, RabbitMQ) that a test can cut and restore:
 * the outage as a client sees it — open connections closed, new ones reset at once — without stopping
 * the server other tests use.
 */
import net from "net";

export interface TcpProxy {
	/** The proxy's port on 127.0.0.1. */
	port: number;
	/** Close every open connection and reset every new one (the port stays reserved). */
	cut(): Promise<void>;
	/** Accept and forward again. */
	restore(): Promise<void>;
	/** Connections forwarded so far (tests check the client really went through the proxy). */
	connections(): number;
	close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
	const open = new Set<net.Socket>();
	let forwarded = 0;
	let down = false;

	const server = net.createServer(client => {
		if (down) {
			client.resetAndDestroy();
			return;
		}
		forwarded++;
		const upstream = net.connect(targetPort, targetHost);
		open.add(client);
		open.add(upstream);
		const drop = () => {
			open.delete(client);
			open.delete(upstream);
			client.destroy();
			upstream.destroy();
		};
		client.on("error", drop).on("close", drop);
		upstream.on("error", drop).on("close", drop);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as net.AddressInfo).port;

	return {
		port,
		async cut() {
			down = true;
			// destroy(), not resetAndDestroy(): on Node 20 resetting a socket that is piping leaves a
			// handle that spins the event loop and keeps the process alive.
			for (const s of [...open]) s.destroy();
			open.clear();
		},
		async restore() {
			down = false;
		},
		connections: () => forwarded,
		async close() {
			down = true;
			for (const s of [...open]) s.destroy();
			await new Promise<void>(resolve => server.close(() => resolve()));
		},
	};
}
