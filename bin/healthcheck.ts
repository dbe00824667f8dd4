/**
 * Container healthcheck (Dockerfile HEALTHCHECK, docker-compose.yml): exit 0 when this node is
 * ready, 1 otherwise. Asks the gateway's /api/ready on PORT when the node runs the api service,
 * else /ready on HEALTH_PORT (lib/health-server.ts). `--live` asks /health instead (process alive).
 */
import http from "http";

const services = (process.env.SERVICES ?? "").split(",").map(s => s.trim()).filter(Boolean);
const live = process.argv.includes("--live");
const api = services.length === 0 || services.includes("api");
const port = Number(api ? process.env.PORT || 3000 : process.env.HEALTH_PORT);
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
