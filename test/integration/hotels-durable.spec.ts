/**
 * SPEC §4 for hotels: a hotels node SIGKILLed right after it saved a change, while its link to
 * RabbitMQ is cut (so the message cannot have left), still delivers the change to reservations
 * once it runs again — the message waited on the hotel document (the document outbox).
 *
 * The hotels node (with a gateway, so the change can reach it while RabbitMQ is away) is a child
 * process whose TRANSPORTER goes through a TCP proxy the test cuts; its NeDB file lives in a temp
 * DATA_DIR that survives the restart. Reservations runs in the test process, on RabbitMQ directly,
 * and is never restarted: its start-up catch-up cannot be what delivers the change, and the hotel
 * is known, so no pull happens either — the proof is the message id in its processed_messages.
 */
import { spawn, type ChildProcess } from "child_process";
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import type { ServiceBroker } from "moleculer";
import { QueryTypes, type Sequelize } from "sequelize";
import { AMQP_URL, describeWithServers, freePort, serversMissing, uniqueName } from "../helpers/infra";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";
import { settled, waitFor } from "../helpers/wait";
import { createBroker } from "../../lib/broker";
import { loadConfig } from "../../lib/config";
import { signAdminToken } from "../../lib/auth";
import type { DomainMessage } from "../../lib/events";
import { deleteBusTopology } from "./mail.fixtures";

const ROOT = path.resolve(__dirname, "../..");
/** bin/start.ts in a child process, TypeScript compiled on the fly, so the test can SIGKILL it. */
const TS_HOOK = `const ts=require("typescript"),fs=require("fs");require.extensions[".ts"]=(m,f)=>{const o=ts.transpileModule(fs.readFileSync(f,"utf8"),{fileName:f,compilerOptions:{module:ts.ModuleKind.CommonJS,target:ts.ScriptTarget.ES2022,esModuleInterop:true}});m._compile(o.outputText,f)};require("./bin/start.ts");`;

function httpJson(port: number, method: string, urlPath: string, token: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
		const req = http.request({ host: "127.0.0.1", port, method, path: urlPath, timeout: 10_000, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...(data ? { "Content-Length": data.length } : {}) } }, res => {
			let text = "";
			res.setEncoding("utf8");
			res.on("data", c => (text += c));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
		});
		req.on("timeout", () => req.destroy(new Error("client timeout")));
		req.on("error", reject);
		req.end(data);
	});
}

/** The last stored version of a document in a NeDB file (append-only: the last line wins). */
function lastVersion(file: string, id: string): Record<string, unknown> | null {
	let last: Record<string, unknown> | null = null;
	for (const line of fs.readFileSync(file, "utf8").split("\n")) {
		if (!line.trim()) continue;
		const doc = JSON.parse(line) as Record<string, unknown>;
		if (doc._id === id) last = doc;
	}
	return last;
}

describeWithServers("hotels: a change saved just before a SIGKILL, with RabbitMQ cut, reaches reservations after the restart", ["amqp"], () => {
	let skip = false;
	const namespace = uniqueName("hdur");
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hb-hotels-durable-"));
	const hotelsDir = path.join(tmp, "hotels");
	const saved = { ...process.env };
	let proxy: TcpProxy;
	let reservations: ServiceBroker;
	let sequelize: Sequelize;
	let port = 0;
	const children: ChildProcess[] = [];
	const token = signAdminToken(loadConfig().adminEmail, loadConfig().jwtSecret);

	function startHotelsNode(name: string): ChildProcess {
		const child = spawn(process.execPath, ["-e", TS_HOOK], {
			cwd: ROOT,
			env: {
				PATH: process.env.PATH ?? "", NODE_ENV: "test",
				TRANSPORTER: `amqp://guest:guest@127.0.0.1:${proxy.port}`, NAMESPACE: namespace, NODE_ID: `${namespace}-${name}`,
				SERVICES: "api,hotels", PORT: String(port), DATA_DIR: hotelsDir, SEED_DEMO: "false", LOG_LEVEL: "warn",
				OUTBOX_POLL_MS: "50", RETRY_BASE_MS: "100", RETRY_MAX_MS: "500",
			},
			stdio: ["ignore", "ignore", "inherit"],
		});
		children.push(child);
		return child;
	}

	const copyOf = async (id: string) => {
		const rows = await sequelize.query<{ data: string; updated_at: string }>("SELECT data, updated_at FROM hotel_copies WHERE id = :id", { replacements: { id }, type: QueryTypes.SELECT });
		return rows[0] ? (JSON.parse(rows[0].data) as { name: string; updatedAt: string }) : null;
	};
	const processed = async (id: string) => (await sequelize.query("SELECT id FROM processed_messages WHERE id = :id", { replacements: { id }, type: QueryTypes.SELECT })).length === 1;
	const ready = () => httpJson(port, "GET", "/api/v1/hotels?pageSize=1", token).then(r => r.status === 200, () => false);

	beforeAll(async () => {
		skip = await serversMissing(["amqp"]);
		if (skip) return;
		proxy = await startTcpProxy(Number(new URL(AMQP_URL).port || 5672), new URL(AMQP_URL).hostname);
		port = await freePort();
		Object.assign(process.env, { TRANSPORTER: AMQP_URL, NAMESPACE: namespace, DATA_DIR: path.join(tmp, "reservations"), SEED_DEMO: "false", RETRY_BASE_MS: "100", RETRY_MAX_MS: "500" });
		delete process.env.RESERVATIONS_DB_URL;
		reservations = createBroker({ ...loadConfig(), logLevel: "warn" }, { nodeID: `${namespace}-reservations`, logLevel: "warn" }, ["reservations", "accounts"]); // accounts: the gateway child checks staff tokens there
		await reservations.start();
		sequelize = (reservations.getLocalService("reservations") as unknown as { sequelize: Sequelize }).sequelize;
	}, 60_000);

	afterAll(async () => {
		for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
		await reservations?.stop();
		await proxy?.close();
		if (!skip) await deleteBusTopology(namespace).catch(() => undefined);
		fs.rmSync(tmp, { recursive: true, force: true });
		process.env = saved;
	}, 30_000);

	it("delivers the change from the hotel document's outbox, without reservations restarting", async () => {
		if (skip) return;
		const first = startHotelsNode("hotels-1");
		await waitFor("hotels node serving", ready, 60_000, 200);
		const created = await httpJson(port, "POST", "/api/v1/hotels", token, {
			name: "Before", address: { line1: "1 quai", city: "Annecy", postalCode: "74000", country: "FR" }, stars: 3,
			email: "h@example.com", timezone: "Europe/Paris", currency: "EUR", roomTypes: [{ id: "dbl", name: "Double", capacity: 2, totalRooms: 5, pricePerNight: 10000 }],
		});
		expect(created.status).toBe(201);
		const id = created.body.id as string;
		await waitFor("the copy in reservations", async () => (await copyOf(id))?.name === "Before", 20_000);
		const service = reservations.getLocalService("reservations");

		// RabbitMQ away for the hotels node only; the change is saved and answered, then the node dies.
		await proxy.cut();
		const changed = await httpJson(port, "PATCH", `/api/v1/hotels/${id}`, token, { name: "After" });
		expect(changed.status).toBe(200);
		first.kill("SIGKILL");
		await new Promise(resolve => first.once("exit", resolve));

		// The message is on the document, pending: it cannot have left (the proxy refused everything).
		const doc = lastVersion(path.join(hotelsDir, "hotels.db"), id)!;
		expect(doc).toMatchObject({ name: "After", outboxPending: true });
		const pending = (doc.outbox as DomainMessage<{ name: string; updatedAt: string }>[]).find(m => m.event === "hotels.hotel.updated" && m.data.name === "After")!;
		expect(pending).toBeDefined();
		expect(await settled("the copy while the hotels node is dead", async () => (await copyOf(id))?.name, 500)).toBe("Before");
		expect(await processed(pending.id)).toBe(false);

		// Back, with the same NeDB file: the relay publishes what the document kept.
		await proxy.restore();
		startHotelsNode("hotels-2");
		await waitFor("the change in the reservations copy", async () => (await copyOf(id))?.name === "After", 60_000, 100);
		expect((await copyOf(id))!.updatedAt).toBe(pending.data.updatedAt);
		// Delivered as that message through the bus (recorded by the consumer), not by a repair path:
		// the reservations service is the same instance (no start-up catch-up ran) and knew the hotel.
		await waitFor("the message recorded by the consumer", () => processed(pending.id), 10_000);
		expect(reservations.getLocalService("reservations")).toBe(service);
		await waitFor("the document's outbox emptied", () => !lastVersion(path.join(hotelsDir, "hotels.db"), id)?.outboxPending, 10_000);
	}, 180_000);
});
