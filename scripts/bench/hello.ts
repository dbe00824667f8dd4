/**
 * S0: the floor — raw Node `http` answering a small JSON body, nothing else.
 * Started as its own process by scripts/bench/run.ts: `node hello.js <port>`.
 */
import http from "http";

const port = Number(process.argv[2] || process.env.BENCH_PORT || 0);
const body = JSON.stringify({ hello: "world" });

const server = http.createServer((_req, res) => {
	res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
	res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1", () => {
	process.send?.({ ready: true });
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
