/**
 * Real servers for integration tests: PostgreSQL and RabbitMQ.
 * Each test makes its own database and Moleculer namespace and removes them afterwards.
 * Under CI=true a missing server fails the test run; elsewhere those suites are skipped
 * with a visible message.
 */
import crypto from "crypto";
import net from "net";
import { Client } from "pg";

export const PG_ADMIN_URL = process.env.TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";
export const AMQP_URL = process.env.TEST_AMQP_URL || "amqp://guest:guest@127.0.0.1:5672";
export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

function portOpen(url: string, defaultPort: number): Promise<boolean> {
	const u = new URL(url);
	return new Promise(resolve => {
		const s = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) });
		const done = (ok: boolean) => { s.destroy(); resolve(ok); };
		s.setTimeout(1500, () => done(false));
		s.once("connect", () => done(true));
		s.once("error", () => done(false));
	});
}

export const pgReachable = () => portOpen(PG_ADMIN_URL, 5432);
export const amqpReachable = () => portOpen(AMQP_URL, 5672);

/**
 * `describe` for suites that need servers. In CI a missing server is a failing test, never a skip.
 * Reachability is probed synchronously-before-collection via a flag file from globalSetup-less
 * code: we probe inside beforeAll and fail (CI) or mark skipped (local).
 */
export function describeWithServers(name: string, needs: ("pg" | "amqp")[], fn: () => void): void {
	describe(name, () => {
		let missing: string[] = [];
		beforeAll(async () => {
			missing = [];
			if (needs.includes("pg") && !(await pgReachable())) missing.push(`PostgreSQL (${PG_ADMIN_URL})`);
			if (needs.includes("amqp") && !(await amqpReachable())) missing.push(`RabbitMQ (${AMQP_URL})`);
			if (missing.length) {
				const msg = `${name}: needs ${missing.join(" and ")}`;
				if (IN_CI) throw new Error(`${msg} — required in CI`);
				console.warn(`SKIPPED LOCALLY — ${msg}`);
			}
		});
		fn();
	});
}

/** True when the suite's servers are missing outside CI: tests return early (warned above). */
export async function serversMissing(needs: ("pg" | "amqp")[]): Promise<boolean> {
	if (needs.includes("pg") && !(await pgReachable())) return !IN_CI;
	if (needs.includes("amqp") && !(await amqpReachable())) return !IN_CI;
	return false;
}

/** A port free on 127.0.0.1 right now (for a child node or a server a test starts). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const { port } = s.address() as net.AddressInfo;
			s.close(() => resolve(port));
		});
	});
}

export function uniqueName(prefix: string): string {
	return `${prefix}_${Date.now().toString(36)}_${crypto.randomBytes(3).toString("hex")}`.toLowerCase();
}

/** Create a fresh database; returns its URL. */
export async function createTestDatabase(prefix = "hb_test"): Promise<string> {
	const name = uniqueName(prefix);
	const admin = new Client({ connectionString: PG_ADMIN_URL });
	await admin.connect();
	try {
		await admin.query(`CREATE DATABASE "${name}"`);
	} finally {
		await admin.end();
	}
	const u = new URL(PG_ADMIN_URL);
	u.pathname = `/${name}`;
	return u.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
	const name = new URL(url).pathname.slice(1);
	const admin = new Client({ connectionString: PG_ADMIN_URL });
	await admin.connect();
	try {
		await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	} finally {
		await admin.end();
	}
}
