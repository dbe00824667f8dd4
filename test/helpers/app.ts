/**
 * An embedded app for tests: a broker with the named services and the gateway on a free port.
 */
import request from "supertest";
import type { ServiceBroker, Service } from "moleculer";
import type { Server } from "http";
import { loadConfig, type AppConfig, type ServiceName } from "../../lib/config";
import { createBroker } from "../../lib/broker";

export interface TestApp {
	broker: ServiceBroker;
	http: () => ReturnType<typeof request>;
	server: Server;
	adminToken(): Promise<string>;
	stop(): Promise<void>;
}

/** Start a broker with `services` under extra environment variables, restored once it has started. */
export async function startBrokerWithEnv(env: Record<string, string>, services: readonly ServiceName[]): Promise<{ broker: ServiceBroker; cfg: AppConfig }> {
	const saved: Record<string, string | undefined> = {};
	for (const [k, v] of Object.entries(env)) {
		saved[k] = process.env[k];
		process.env[k] = v;
	}
	try {
		const cfg = loadConfig();
		const broker = createBroker(cfg, {}, [...services]);
		await broker.start();
		return { broker, cfg };
	} finally {
		for (const [k, v] of Object.entries(saved)) {
			if (v === undefined) delete process.env[k];
			else process.env[k] = v;
		}
	}
}

/**
 * Staff tokens are checked against the accounts service (services/api/auth.ts): an app with the
 * gateway runs accounts too, unless the test says otherwise (`withoutAccounts`).
 */
export async function startApp(env: Record<string, string> = {}, services: ServiceName[] = ["api", "hotels"], opts: { withoutAccounts?: boolean } = {}): Promise<TestApp> {
	const all: ServiceName[] = services.includes("api") && !services.includes("accounts") && !opts.withoutAccounts ? [...services, "accounts"] : services;
	const { broker, cfg } = await startBrokerWithEnv({ PORT: "0", ...env }, all);
	const api = broker.getLocalService("api") as (Service & { server: Server }) | undefined;
	const server = api?.server as Server;
	let token: string | null = null;
	return {
		broker,
		server,
		http: () => request(server),
		async adminToken() {
			if (token) return token;
			const res = await request(server).post("/api/v1/auth/login").send({ email: cfg.adminEmail, password: cfg.adminPassword });
			if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
			token = res.body.token as string;
			return token;
		},
		stop: () => broker.stop(),
	};
}
