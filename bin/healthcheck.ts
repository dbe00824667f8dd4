/**
 * Container healthcheck (Dockerfile HEALTHCHECK, docker-compose.yml): exit 0 when this node is
 * ready, 1 otherwise. Asks the gateway's /api/ready on PORT when the node runs the api service,
 * else /ready on HEALTH_PORT (lib/health-server.ts). `--live` asks /health instead (process alive).
 */
import http from "http";
import { loadConfig } from "../lib/config";

let cfg: ReturnType<typeof loadConfig>;
try {
	cfg = loadConfig();
} catch (err) {
	console.error(`healthcheck: ${(err as Error).message}`);
	process.exit(1);
}
const live = process.argv.includes("--live");
const api = cfg.services.includes("api");
const port = api ? cfg.port : cfg.healthPort;
const urlPath = api ? (live ? "/api/health" : "/api/ready") : live ? "/health" : "/ready";

if (!port) {
	console.error("healthcheck: HEALTH_PORT is not set on a node without the api service");
	process.exit(1);
}
const req = http.get({ host: "127.0.0.1", port, path: urlPath, timeout: 4000 }, res => {
	res.resume();
	process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on("timeout", () => req.destroy(new Error("timeout")));
req.on("error", err => {
	console.error(`healthcheck: ${err.message}`);
	process.exit(1);
});
