/**
 * S4: `pgbench` running a custom script (the booking's SQL transaction) against PostgreSQL, with
 * per-transaction logs for p50/p99 (pgbench itself prints only the mean).
 */
import { spawn } from "child_process";
import fs from "fs";
import path from "path";
import { median } from "./load";

export interface PgbenchSpec {
	/** libpq connection parameters. */
	host: string;
	port: number;
	user: string;
	database: string;
	scriptFile: string;
	clients: number;
	threads: number;
	seconds: number;
	warmupSeconds: number;
	runs: number;
	/** simple | extended | prepared (the product's driver sends simple queries with literals). */
	protocol: "simple" | "extended" | "prepared";
	workDir: string;
	log?: (line: string) => void;
}

export interface PgbenchRun { tps: number; p50: number; p99: number; max: number; failed: number; transactions: number }
export interface PgbenchFigures extends PgbenchRun { runs: PgbenchRun[]; version: string }

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; out: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
		let out = "";
		child.stdout.on("data", d => (out += d));
		child.stderr.on("data", d => (out += d));
		child.on("error", reject);
		child.on("exit", code => resolve({ code: code ?? 1, out }));
	});
}

function percentile(sorted: Float64Array, q: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function once(s: PgbenchSpec, seconds: number, tag: string): Promise<PgbenchRun> {
	const prefix = `pgbench-${tag}`;
	for (const f of fs.readdirSync(s.workDir)) if (f.startsWith(prefix)) fs.rmSync(path.join(s.workDir, f));
	const args = [
		"-n", "-h", s.host, "-p", String(s.port), "-U", s.user,
		"-c", String(s.clients), "-j", String(s.threads), "-T", String(seconds), "-M", s.protocol,
		"-f", s.scriptFile, "-l", "--log-prefix", prefix, s.database,
	];
	const r = await run("pgbench", args, { ...process.env, PGPASSWORD: process.env.PGPASSWORD ?? "" }, s.workDir);
	if (r.code !== 0) throw new Error(`pgbench failed (${r.code}):\n${r.out.slice(-2000)}`);
	const tps = Number(/tps = ([\d.]+)/.exec(r.out)?.[1] ?? NaN);
	const failed = Number(/number of failed transactions: (\d+)/.exec(r.out)?.[1] ?? 0);
	// Per-transaction log: client_id transaction_no latency_us script_no epoch epoch_us
	const lat: number[] = [];
	for (const f of fs.readdirSync(s.workDir)) {
		if (!f.startsWith(prefix)) continue;
		for (const line of fs.readFileSync(path.join(s.workDir, f), "utf8").split("\n")) {
			const parts = line.split(" ");
			if (parts.length >= 3) lat.push(Number(parts[2]) / 1000);
		}
		fs.rmSync(path.join(s.workDir, f));
	}
	const sorted = Float64Array.from(lat).sort();
	return { tps, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN, failed, transactions: lat.length };
}

export async function pgbenchVersion(): Promise<string> {
	const r = await run("pgbench", ["--version"], process.env, process.cwd());
	return r.out.trim();
}

export async function pgbench(s: PgbenchSpec): Promise<PgbenchFigures> {
	const version = await pgbenchVersion();
	if (s.warmupSeconds > 0) await once(s, s.warmupSeconds, "warmup");
	const runs: PgbenchRun[] = [];
	for (let i = 0; i < s.runs; i++) {
		const r = await once(s, s.seconds, `run${i}`);
		s.log?.(`    run ${i + 1}/${s.runs}: ${Math.round(r.tps)} TPS, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, failed ${r.failed}`);
		runs.push(r);
	}
	return {
		version,
		runs,
		tps: median(runs.map(r => r.tps)),
		p50: median(runs.map(r => r.p50)),
		p99: median(runs.map(r => r.p99)),
		max: median(runs.map(r => r.max)),
		failed: runs.reduce((a, r) => a + r.failed, 0),
		transactions: runs.reduce((a, r) => a + r.transactions, 0),
	};
}
