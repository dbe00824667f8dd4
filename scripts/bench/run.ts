/**
 * `npm run bench` — the figures of SPEC §8, measured side by side in one run.
 *
 * Starts the distributed shape as child processes from the compiled code (one broker per
 * process, real RabbitMQ and PostgreSQL, logs off), loads the large data set, then measures:
 *
 *   S0  raw Node http hello                               (the floor of this machine)
 *   S1  an empty moleculer-web route                      (bench gateway node, function alias)
 *   S3  gateway → action on another node over AMQP        (bench gateway → bench echo node), 50 and 1 connection(s)
 *   S4  pgbench running the booking's SQL transaction     (custom script, a copy of the bench database)
 *   S5  POST /api/v1/reservations end to end              (product gateway → reservations → PostgreSQL)
 *   S6  GET /api/v1/hotels/:id/availability, 30 nights    (product gateway → reservations → PostgreSQL)
 *   S7  booking → mail `sent`                             (response time of each S5 booking to the mail log's sent_at),
 *       then the mail node's drain rate once S5 stops, then S7 again with bookings paced at --mail-rate/s
 *   S8  live streams: --streams (1,000) open SSE streams on the api node, bookings paced at
 *       --stream-rate/s (100); latency from each booking's 201 to the event at every stream of its
 *       hotel (p50/p99), and the gateway's CPU per delivered event
 *   S10 GET /api/v1/hotels/:id/reports/daily over 365 days of one seeded hotel (the one with the most
 *       bookings: run after S5 and S8 when they are selected), a staff token from POST /auth/login, 1 connection
 *   S9  GET /api/v1/search, 7 nights, in the data set's largest city (min(100, --hotels) hotels), at 1 connection
 *       and --connections (runs of at least 10 s there)
 *   RSS of every node before and after a sustained mixed load (BENCH_SOAK_SECONDS)
 *
 * Flags (after `npm run bench --`):
 *   --quick            3 × 3 s runs, 1 s warm-up, 100 hotels, 10 s soak: a smoke run
 *   --only=S0,S5       run only these scenarios (S7 needs S5; the soak is "soak")
 *   --seconds=N --runs=N --warmup=N --connections=N --soak=N --hotels=N
 *   --mail-rate=N      bookings per second of the paced S7 (default 100; 0 skips it)
 *   --spread=N         S5 books over the first N hotels only (default: all; docs/scaling.md: 1 vs all)
 *   --streams=N --stream-rate=N   S8's open streams (1000) and bookings per second (100)
 *   --profile          node --cpu-prof on every node; summaries in docs/profiles/
 *   --no-write         do not rewrite the figures block of docs/benchmarks.md
 *   --keep             leave the processes' logs and profiles in the work directory
 * Environment: TRANSPORTER, PGHOST/PGPORT/PGUSER, BENCH_PORT_BASE (39000), BENCH_TOPOLOGY
 * ("api:1,hotels:1,reservations:1,mail:1,accounts:1,webhooks:1"), BENCH_SOAK_SECONDS, BENCH_PG_CLIENTS.
 */
import { execFileSync } from "child_process";
import crypto from "crypto";
import fs from "fs";
import http from "http";
import os from "os";
import path from "path";
import { Client } from "pg";
import type autocannon from "autocannon";
import { load, type LoadFigures } from "./load";
import { pgbench, type PgbenchFigures } from "./pgbench";
import { cpuSeconds, cpuStat, runQueueSeconds, rssMiB, sleep, spawnNode, stopAll, waitHttpReady, waitIpcReady, type CpuStat, type Proc } from "./procs";
import { summarise, toMarkdown } from "./profile-summary";
import { bookingScript, prepareTargets, type Target } from "./booking-sql";
import { openStreams, percentile, streamLatencies, type Booked } from "./streams";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const DIST = path.join(ROOT, "dist");

// ---------------------------------------------------------------- options

interface Opts {
	quick: boolean;
	only: Set<string> | null;
	seconds: number;
	warmup: number;
	runs: number;
	connections: number;
	soakSeconds: number;
	/** S5's bookings over the first N hotels only (0: every hotel): the contention check of docs/scaling.md */
	spread: number;
	hotels: number;
	profile: boolean;
	write: boolean;
	keep: boolean;
	topology: Record<string, number>;
	pgClients: number;
	mailRate: number;
	streams: number;
	streamRate: number;
}

function parseArgs(argv: string[]): Opts {
	const flag = (name: string) => argv.includes(`--${name}`);
	const val = (name: string): string | undefined => argv.find(a => a.startsWith(`--${name}=`))?.split("=")[1];
	const num = (name: string, fallback: number) => {
		const v = val(name);
		if (v === undefined) return fallback;
		const n = Number(v);
		if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number ≥ 0`);
		return n;
	};
	const quick = flag("quick");
	const topology: Record<string, number> = {};
	for (const part of (process.env.BENCH_TOPOLOGY || "api:1,hotels:1,reservations:1,mail:1,accounts:1,webhooks:1").split(",")) {
		const [name, n] = part.trim().split(":");
		if (name) topology[name] = Number(n ?? 1);
	}
	const only = val("only");
	return {
		quick,
		only: only ? new Set(only.split(",").map(s => s.trim().toUpperCase())) : null,
		seconds: num("seconds", quick ? 3 : 10),
		warmup: num("warmup", quick ? 1 : 3),
		runs: Math.max(1, num("runs", 3)),
		connections: num("connections", 50),
		soakSeconds: num("soak", Number(process.env.BENCH_SOAK_SECONDS) || (quick ? 10 : 60)),
		spread: num("spread", 0),
		hotels: num("hotels", quick ? 100 : 1000),
		profile: flag("profile"),
		write: !flag("no-write") && !quick,
		keep: flag("keep"),
		topology,
		pgClients: Number(process.env.BENCH_PG_CLIENTS) || 16,
		mailRate: num("mail-rate", 100),
		streams: Math.max(1, num("streams", 1000)),
		streamRate: Math.max(1, num("stream-rate", 100)),
	};
}

const wants = (o: Opts, s: string) => !o.only || o.only.has(s);

const t0 = Date.now();
const stamp = () => `[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s]`;
const log = (line: string) => console.log(`${stamp()} ${line}`);

// ---------------------------------------------------------------- machine and CPU accounting

interface Machine { nproc: number; cpu: string; memGiB: number; node: string; postgres: string; rabbitmq: string; pgbench: string; load: string; others: string }

function sh(cmd: string, args: string[]): string {
	try {
		return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
	} catch {
		return "";
	}
}

/** Heavy processes not ours (other test runs share the 2 cores): named in the report. */
function otherHeavyWork(): string {
	const out = sh("pgrep", ["-af", "jest|playwright|vite build|tsc "]);
	const mine = new Set([String(process.pid)]);
	const lines = out.split("\n").filter(l => l && !mine.has(l.split(" ")[0]) && !l.includes("pgrep"));
	return lines.length ? `${lines.length} process(es): ${lines.map(l => l.slice(0, 80)).join("; ")}` : "none";
}

/** CPU seconds by process group: our nodes by name, RabbitMQ, PostgreSQL, this harness (autocannon). */
function cpuSnapshot(procs: Proc[]): Map<string, number> {
	const out = new Map<string, number>();
	const add = (k: string, v: number | null) => { if (v !== null) out.set(k, (out.get(k) ?? 0) + v); };
	for (const p of procs) {
		add(p.name, cpuSeconds(p.child.pid));
		// Waiting for a CPU while runnable: starvation, the cost of sharing 2 cores.
		add(`wait:${p.name}`, runQueueSeconds(p.child.pid));
	}
	const me = cpuStat(process.pid);
	add("harness (autocannon)", me?.self ?? null);
	// Children the harness has reaped: pgbench runs and the seed (live node processes are counted above).
	add("pgbench", me?.children ?? null);
	const postgres = new Map<number, CpuStat>();
	for (const pid of fs.readdirSync("/proc").filter(d => /^\d+$/.test(d))) {
		let comm = "";
		try { comm = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim(); } catch { continue; }
		if (comm === "beam.smp") add("rabbitmq", cpuSeconds(Number(pid)));
		else if (comm === "postgres") {
			const st = cpuStat(Number(pid));
			if (st) postgres.set(Number(pid), st);
		} else if (comm === "pgbench") add("pgbench", cpuSeconds(Number(pid)));
	}
	// PostgreSQL: every live process, plus the backends that have exited (the postmaster's children time).
	for (const [, st] of postgres) add("postgresql", st.self + (postgres.has(st.ppid) ? 0 : st.children));
	return out;
}

/** Cores used per group between two snapshots. */
function cpuUse(before: Map<string, number>, after: Map<string, number>, seconds: number): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [k, v] of after) {
		const d = v - (before.get(k) ?? 0);
		if (d > 0.01 * seconds) out[k] = d / seconds;
	}
	return out;
}

// ---------------------------------------------------------------- PostgreSQL helpers

const PG = {
	host: process.env.PGHOST || "127.0.0.1",
	port: Number(process.env.PGPORT || 5432),
	user: process.env.PGUSER || "postgres",
	password: process.env.PGPASSWORD || undefined,
};
const dbUrl = (db: string) => `postgres://${encodeURIComponent(PG.user)}${PG.password ? ":" + encodeURIComponent(PG.password) : ""}@${PG.host}:${PG.port}/${db}`;

async function withPg<T>(database: string, fn: (c: Client) => Promise<T>): Promise<T> {
	const c = new Client({ ...PG, database });
	await c.connect();
	try {
		return await fn(c);
	} finally {
		await c.end();
	}
}

async function recreateDb(name: string, template?: string): Promise<void> {
	await withPg("postgres", async c => {
		await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
		await c.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ""}`);
	});
}

async function dropDb(name: string): Promise<void> {
	await withPg("postgres", c => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
}

// ---------------------------------------------------------------- the cluster

interface Cluster {
	nodes: Proc[];
	apiUrl: string;
	env: NodeJS.ProcessEnv;
}

const DB_RES = "hotel_bench_reservations";
const DB_MAIL = "hotel_bench_mail";
// Every product node declares the accounts (audit) and webhooks queues: their services run in the bench, so no queue only grows.
const DB_ACCOUNTS = "hotel_bench_accounts";
const DB_WEBHOOKS = "hotel_bench_webhooks";
const DB_PGBENCH = "hotel_bench_pgbench";

function nodeFlags(o: Opts, workDir: string, name: string): string[] {
	return o.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.join(workDir, "profiles")}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
}

function clusterEnv(workDir: string, namespace: string, smtpPort: number): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: "development",
		LOG_LEVEL: "off",
		TRANSPORTER: process.env.TRANSPORTER || "amqp://guest:guest@127.0.0.1:5672",
		NAMESPACE: namespace,
		RESERVATIONS_DB_URL: dbUrl(DB_RES),
		MAIL_DB_URL: dbUrl(DB_MAIL),
		ACCOUNTS_DB_URL: dbUrl(DB_ACCOUNTS),
		WEBHOOKS_DB_URL: dbUrl(DB_WEBHOOKS),
		DATA_DIR: path.join(workDir, "data"),
		SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
		PUBLIC_URL: "http://localhost:8080",
		SEED_DEMO: "false",
		// S8 opens all its streams from one address.
		STREAM_MAX_PER_CLIENT: "100000",
		// The soak's webhook posts to a receiver in the harness, on loopback.
		WEBHOOK_ALLOW_PRIVATE: "true",
	};
	delete env.METRICS_PORT;
	delete env.RATE_LIMIT_PER_MINUTE;
	return env;
}

async function startCluster(o: Opts, workDir: string, base: number, env: NodeJS.ProcessEnv): Promise<Cluster> {
	const nodes: Proc[] = [];
	const ready: Promise<void>[] = [];
	let apiPort = base + 10;
	let healthPort = base + 100;
	// Stores first (migrations), then the gateway.
	for (const service of ["hotels", "reservations", "mail", "accounts", "webhooks", "api"]) {
		for (let i = 0; i < (o.topology[service] ?? 0); i++) {
			const name = `${service}-${i + 1}`;
			const own: NodeJS.ProcessEnv = { ...env, SERVICES: service, NODE_ID: `bench-${name}-${process.pid}` };
			let readyUrl: string;
			if (service === "api") {
				own.PORT = String(apiPort);
				readyUrl = `http://127.0.0.1:${apiPort}/api/ready`;
				apiPort++;
			} else {
				own.HEALTH_PORT = String(healthPort);
				own.HEALTH_HOST = "127.0.0.1";
				readyUrl = `http://127.0.0.1:${healthPort}/ready`;
				healthPort++;
			}
			const p = spawnNode({ name, script: path.join(DIST, "bin", "start.js"), env: own, nodeFlags: nodeFlags(o, workDir, name), logDir: workDir });
			nodes.push(p);
			ready.push(waitHttpReady(p, readyUrl, 120_000));
		}
	}
	await Promise.all(ready);
	return { nodes, apiUrl: `http://127.0.0.1:${base + 10}`, env };
}

// ---------------------------------------------------------------- data set

/**
 * The large data set, before any node starts: scripts/seed-large.ts runs its own in-process
 * broker (hotels + reservations, no transporter) on the same stores the nodes will open — the
 * hotels NeDB file under DATA_DIR and the reservations database. The nodes then start on a loaded
 * data set, and the pgbench copy of the database needs no node stopped.
 */
async function seed(o: Opts, env: NodeJS.ProcessEnv): Promise<void> {
	const started = Date.now();
	const script = path.join(DIST, "scripts", "seed-large.js");
	if (!fs.existsSync(script)) throw new Error(`${path.relative(ROOT, script)} is missing: run npm run build`);
	log(`Loading the large data set: ${o.hotels} hotels × 5 room types × 730 nights (npm run seed:large)…`);
	const { spawn } = await import("child_process");
	// The seed's own progress bar shows on a terminal only; this line shows everywhere.
	const progress = process.stderr.isTTY ? null : setInterval(() => {
		void withPg(DB_RES, async c => (await c.query<{ n: string }>("SELECT count(*) AS n FROM hotel_copies")).rows[0].n)
			.then(n => log(`  … ${n}/${o.hotels} hotels with their inventory`), () => undefined);
	}, 15_000);
	try {
		await new Promise<void>((resolve, reject) => {
			const child = spawn(process.execPath, [script, "--hotels", String(o.hotels), "--nights", "730"], {
				env: { ...env, TRANSPORTER: "", NAMESPACE: "", SERVICES: "", LOG_LEVEL: "warn" },
				stdio: ["ignore", "inherit", "inherit"],
			});
			child.on("error", reject);
			child.on("exit", code => (code === 0 ? resolve() : reject(new Error(`seed-large exited with ${code}`))));
		});
	} finally {
		if (progress) clearInterval(progress);
	}
	log(`Data set loaded in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
}

// ---------------------------------------------------------------- scenarios

interface Row {
	id: string;
	what: string;
	connections: number | string;
	rps: number;
	p50: number;
	p99: number;
	max: number;
	errors: number;
	non2xx: number;
	target: string;
	met: boolean | null;
	cpu: Record<string, number>;
	note?: string;
}

const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : "–");
const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : n.toFixed(0)) : "–");

function rowOf(id: string, what: string, f: LoadFigures, cpu: Record<string, number>, target: string, met: boolean | null, note?: string): Row {
	return { id, what, connections: 0, rps: f.rps, p50: f.p50, p99: f.p99, max: f.max, errors: f.errors, non2xx: f.non2xx, target, met, cpu, note };
}

/** Scenario windows on the monotonic clock, to cut the CPU profiles per scenario. */
const windows: { id: string; fromUs: number; toUs: number }[] = [];
const monoUs = () => Number(process.hrtime.bigint() / 1000n);

async function measured<T>(procs: () => Proc[], fn: () => Promise<T>, id?: string): Promise<{ result: T; cpu: Record<string, number> }> {
	const before = cpuSnapshot(procs());
	const start = Date.now();
	const fromUs = monoUs();
	const result = await fn();
	if (id) windows.push({ id, fromUs, toUs: monoUs() });
	const cpu = cpuUse(before, cpuSnapshot(procs()), (Date.now() - start) / 1000);
	return { result, cpu };
}

function todayPlus(days: number): string {
	const d = new Date();
	d.setUTCHours(0, 0, 0, 0);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** Unique booking bodies spread over every hotel, room type and date. */
function bookingBodies(targets: Target[]): () => string {
	let n = 0;
	const run = crypto.randomBytes(3).toString("hex");
	return () => {
		const t = targets[crypto.randomInt(targets.length)];
		const start = 2 + crypto.randomInt(700);
		// The seeded flexible plan asks two nights from a Saturday arrival: the bench books what sells.
		const nights = Math.max(1 + crypto.randomInt(3), new Date(`${todayPlus(start)}T00:00:00Z`).getUTCDay() === 6 ? 2 : 1);
		n++;
		return JSON.stringify({
			hotelId: t.hotelId, roomTypeId: t.roomTypeId, checkIn: todayPlus(start), checkOut: todayPlus(start + nights),
			rooms: 1, guests: 1,
			guest: { name: `Bench Guest ${n}`, email: `guest-${run}-${n}@bench.example`, locale: n % 2 ? "en" : "fr" },
		});
	};
}

const CODE_RE = /"code":"([A-Z0-9]{8})"/;

// ---------------------------------------------------------------- report

function table(rows: Row[], ratios: string[]): string {
	const lines = [
		"| | scenario | conns | req/s | p50 ms | p99 ms | max ms | errors | non-2xx | SPEC §8 target | met |",
		"|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
	];
	for (const r of rows.filter(x => x.id !== "idle")) {
		lines.push(`| ${r.id} | ${r.what} | ${r.connections} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.max)} | ${r.errors} | ${r.non2xx} | ${r.target || "–"} | ${r.met === null ? "–" : r.met ? "yes" : "**no**"} |`);
	}
	return [...lines, "", ...ratios.map(r => `- ${r}`)].join("\n");
}

/** Milliseconds per second each node spent runnable but waiting for a CPU. */
function waitTable(rows: Row[]): string {
	const groups = [...new Set(rows.flatMap(r => Object.keys(r.cpu).filter(k => k.startsWith("wait:"))))].sort();
	if (!groups.length) return "";
	const lines = [`| | ${groups.map(g => g.slice(5)).join(" | ")} |`, `|---|${groups.map(() => "---:").join("|")}|`];
	for (const r of rows) lines.push(`| ${r.id} (${r.connections}) | ${groups.map(g => (r.cpu[g] ? (r.cpu[g] * 1000).toFixed(0) : "")).join(" | ")} |`);
	return lines.join("\n");
}

function cpuTable(rows: Row[]): string {
	const groups = [...new Set(rows.flatMap(r => Object.keys(r.cpu)))].filter(k => !k.startsWith("wait:")).sort();
	const lines = [`| | ${groups.join(" | ")} | total | CPU µs per request |`, `|---|${groups.map(() => "---:").join("|")}|---:|---:|`];
	for (const r of rows) {
		const total = Object.entries(r.cpu).filter(([k]) => !k.startsWith("wait:")).reduce((a, [, b]) => a + b, 0);
		const perReq = Number.isFinite(r.rps) && r.rps > 0 ? (total * 1e6) / r.rps : NaN;
		lines.push(`| ${r.id} (${r.connections}) | ${groups.map(g => (r.cpu[g] ? r.cpu[g].toFixed(2) : "")).join(" | ")} | ${total.toFixed(2)} | ${Number.isFinite(perReq) ? perReq.toFixed(0) : "–"} |`);
	}
	return lines.join("\n");
}

function writeDoc(block: string): void {
	const file = path.join(ROOT, "docs", "benchmarks.md");
	const begin = "<!-- bench:figures:begin -->";
	const end = "<!-- bench:figures:end -->";
	let doc = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : `# Benchmarks\n\n${begin}\n${end}\n`;
	if (!doc.includes(begin)) doc += `\n${begin}\n${end}\n`;
	doc = doc.slice(0, doc.indexOf(begin) + begin.length) + "\n" + block + "\n" + doc.slice(doc.indexOf(end));
	fs.writeFileSync(file, doc);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
	const o = parseArgs(process.argv.slice(2));
	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotel-bench-"));
	fs.mkdirSync(path.join(workDir, "profiles"));
	const base = Number(process.env.BENCH_PORT_BASE || 39000);
	const namespace = `bench-${crypto.randomBytes(4).toString("hex")}`;
	const all: Proc[] = [];
	const procsNow = () => all.filter(p => p.child.exitCode === null);

	const machine: Machine = {
		nproc: os.cpus().length,
		cpu: os.cpus()[0]?.model ?? "?",
		memGiB: os.totalmem() / 2 ** 30,
		node: process.version,
		postgres: await withPg("postgres", async c => (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v),
		rabbitmq: sh("rabbitmqctl", ["version"]) || "?",
		pgbench: sh("pgbench", ["--version"]),
		load: os.loadavg().map(l => l.toFixed(2)).join(", "),
		others: otherHeavyWork(),
	};
	log(`Machine: ${machine.nproc} cores (${machine.cpu}), ${machine.memGiB.toFixed(1)} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}, RabbitMQ ${machine.rabbitmq}`);
	log(`Load average before: ${machine.load}; other heavy work: ${machine.others}`);
	log(`Work directory (node logs): ${workDir}; namespace ${namespace}`);
	log(`Plan: warm-up ${o.warmup} s, ${o.runs} × ${o.seconds} s per scenario, soak ${o.soakSeconds} s${o.profile ? ", CPU profiles on" : ""}`);

	const rows: Row[] = [];
	const rss: RssRow[] = [];
	let soak: Soak | null = null;
	let s4: PgbenchFigures | null = null;
	let s7: MailLatency | null = null;
	let s7paced: MailLatency | null = null;
	let cleanup = async () => undefined as void;

	const cleanupAll = async () => {
		await stopAll();
		await cleanup();
	};
	process.on("SIGINT", () => void cleanupAll().then(() => process.exit(130)));

	try {
		// Databases and SMTP sink.
		log(`Recreating databases ${DB_RES}, ${DB_MAIL}, ${DB_ACCOUNTS}, ${DB_WEBHOOKS}…`);
		for (const db of [DB_RES, DB_MAIL, DB_ACCOUNTS, DB_WEBHOOKS]) await recreateDb(db);
		cleanup = async () => {
			if (!o.keep) for (const db of [DB_RES, DB_MAIL, DB_ACCOUNTS, DB_WEBHOOKS, DB_PGBENCH]) await dropDb(db);
		};
		const smtpPort = base + 200;
		const smtp = spawnNode({ name: "smtp-sink", script: path.join(__dirname, "smtp-sink.js"), args: [String(smtpPort)], env: process.env, logDir: workDir, ipc: true });
		all.push(smtp);
		await waitIpcReady(smtp);

		const env = clusterEnv(workDir, namespace, smtpPort);
		const needsData = wants(o, "S4") || wants(o, "S5") || wants(o, "S6") || wants(o, "S7") || wants(o, "S8") || wants(o, "S9") || wants(o, "S10") || wants(o, "SOAK");
		let targets: Target[] = [];
		if (needsData) {
			await seed(o, env);
			const benchIds = new Set(JSON.parse(fs.readFileSync(path.join(workDir, "data", "bench-hotels.json"), "utf8")) as string[]);
			targets = (await withPg(DB_RES, c => prepareTargets(c))).filter(t => benchIds.has(t.hotelId));
			log(`Data set: ${new Set(targets.map(t => t.hotelId)).size} hotels, ${targets.length} room types.`);
			if (wants(o, "S4")) {
				// pgbench books on a copy, so its reservations and outbox rows never reach the mail service.
				log("Copying the data set for pgbench…");
				await recreateDb(DB_PGBENCH, DB_RES);
			}
		}

		// The distributed shape.
		log(`Starting the nodes (${Object.entries(o.topology).map(([k, v]) => `${k}×${v}`).join(", ")}) over AMQP…`);
		const cluster = await startCluster(o, workDir, base, env);
		all.push(...cluster.nodes);
		log(`Nodes ready: ${cluster.nodes.map(n => `${n.name} (pid ${n.child.pid})`).join(", ")}`);

		// S0 and S1/S3 processes.
		const hello = spawnNode({ name: "hello", script: path.join(__dirname, "hello.js"), args: [String(base)], env: process.env, logDir: workDir, ipc: true });
		all.push(hello);
		const benchEnv = { ...cluster.env, BENCH_PORT: String(base + 1) };
		const echo = spawnNode({ name: "bench-echo", script: path.join(__dirname, "node.js"), env: { ...benchEnv, BENCH_ROLE: "echo" }, nodeFlags: nodeFlags(o, workDir, "bench-echo"), logDir: workDir, ipc: true });
		all.push(echo);
		await waitIpcReady(echo);
		const gw = spawnNode({ name: "bench-gateway", script: path.join(__dirname, "node.js"), env: { ...benchEnv, BENCH_ROLE: "gateway" }, nodeFlags: nodeFlags(o, workDir, "bench-gateway"), logDir: workDir, ipc: true });
		all.push(gw);
		await Promise.all([waitIpcReady(hello), waitIpcReady(gw)]);
		const benchUrl = `http://127.0.0.1:${base + 1}`;
		const common = { seconds: o.seconds, warmupSeconds: o.warmup, runs: o.runs, log: (l: string) => console.log(l) };

		let s0: Row | null = null, s1: Row | null = null, s3: Row | null = null, s5: Row | null = null;

		// What the processes burn with no load at all (heartbeats, pollers, RabbitMQ's schedulers).
		const idle = await measured(procsNow, () => sleep(5000));
		rows.push({ id: "idle", what: "no load (background work only)", connections: 0, rps: NaN, p50: NaN, p99: NaN, max: NaN, errors: 0, non2xx: 0, target: "", met: null, cpu: idle.cpu });

		if (wants(o, "S0")) {
			log(`S0 raw Node http hello, ${o.connections} connections…`);
			const m = await measured(procsNow, () => load({ ...common, url: `http://127.0.0.1:${base}/`, connections: o.connections }));
			rows.push(s0 = { ...rowOf("S0", "raw Node http hello", m.result, m.cpu, "", null), connections: o.connections });
		}
		if (wants(o, "S1")) {
			log(`S1 empty moleculer-web route, ${o.connections} connections…`);
			const m = await measured(procsNow, () => load({ ...common, url: `${benchUrl}/empty`, connections: o.connections }), "S1");
			rows.push(s1 = { ...rowOf("S1", "moleculer-web, empty route", m.result, m.cpu, "", null), connections: o.connections });
		}
		if (wants(o, "S3")) {
			log(`S3 gateway → action on another node over AMQP, ${o.connections} connections…`);
			const m = await measured(procsNow, () => load({ ...common, url: `${benchUrl}/echo`, connections: o.connections }), "S3");
			const met = m.result.rps >= 8000 && m.result.p99 <= 15 && m.result.errors === 0 && m.result.non2xx === 0;
			rows.push(s3 = { ...rowOf("S3", "gateway → action over AMQP", m.result, m.cpu, "≥ 8,000 req/s, p99 ≤ 15 ms", met), connections: o.connections });
			log(`S3 at 1 connection…`);
			const m1 = await measured(procsNow, () => load({ ...common, url: `${benchUrl}/echo`, connections: 1 }), "S3-1");
			rows.push({ ...rowOf("S3", "gateway → action over AMQP", m1.result, m1.cpu, "p99 ≤ 3 ms", m1.result.p99 <= 3 && m1.result.errors === 0), connections: 1 });
		}

		if (wants(o, "S4")) {
			log(`S4 pgbench: the booking's SQL transaction on a copy of the data set (${o.pgClients} clients)…`);
			const scriptFile = path.join(workDir, "booking.sql");
			fs.writeFileSync(scriptFile, bookingScript(targets.length));
			await withPg(DB_PGBENCH, c => prepareTargets(c, true));
			const m = await measured(procsNow, () => pgbench({
				...PG, database: DB_PGBENCH, scriptFile, clients: o.pgClients, threads: 2, seconds: o.seconds, warmupSeconds: o.warmup, runs: o.runs,
				protocol: "simple", workDir, log: l => console.log(l),
			}), "S4");
			s4 = m.result;
			rows.push({ id: "S4", what: "pgbench, the booking transaction", connections: o.pgClients, rps: s4.tps, p50: s4.p50, p99: s4.p99, max: s4.max, errors: s4.failed, non2xx: 0, target: "", met: null, cpu: m.cpu });
			await dropDb(DB_PGBENCH);
		}

		if (wants(o, "S6")) {
			const hotels = [...new Set(targets.map(t => t.hotelId))];
			const availability = (connections: number, id: string) => measured(procsNow, () => load({
				...common, url: `${cluster.apiUrl}/api/v1/hotels`, connections,
				setupRequest: req => {
					const start = 2 + crypto.randomInt(690);
					return { ...req, path: `/api/v1/hotels/${hotels[crypto.randomInt(hotels.length)]}/availability?checkIn=${todayPlus(start)}&checkOut=${todayPlus(start + 30)}&guests=1` };
				},
			}), id);
			for (const c of [o.connections, 1]) {
				log(`S6 GET /hotels/:id/availability, 30 nights, ${c} connection(s)…`);
				const m = await availability(c, c === 1 ? "S6-1" : "S6");
				rows.push({ ...rowOf("S6", "availability, 30 nights", m.result, m.cpu, "p99 ≤ 10 ms", m.result.p99 <= 10 && m.result.errors === 0 && m.result.non2xx === 0), connections: c });
			}
		}

		if (wants(o, "S5")) {
			const spreadIds = new Set([...new Set(targets.map(t => t.hotelId))].slice(0, o.spread || undefined));
			const s5Targets = targets.filter(t => spreadIds.has(t.hotelId));
			log(`S5 POST /reservations end to end, ${o.connections} connections, unique bodies over ${s5Targets.length} room types of ${spreadIds.size} hotels and 700 dates…`);
			const bodies = bookingBodies(s5Targets);
			/** POST /reservations with unique bodies; with `bookedAt`, each 201's code and when it came. */
			const bookings = (bookedAt?: Map<string, number>) => ({
				url: `${cluster.apiUrl}/api/v1/reservations`, method: "POST" as const,
				headers: { "content-type": "application/json" },
				setupRequest: (req: autocannon.Request) => ({ ...req, body: bodies() }),
				onResponse: bookedAt && ((status: number, body: string) => {
					if (status !== 201) return;
					const code = CODE_RE.exec(body)?.[1];
					if (code) bookedAt.set(code, Date.now());
				}),
			});
			const bookedAt = new Map<string, number>();
			const m = await measured(procsNow, () => load({ ...common, ...bookings(bookedAt), connections: o.connections }), "S5");
			const f = m.result;
			// SPEC §8: ≥ 0.5 × pgbench running the same SQL, zero errors (the CPU target is read from the CPU table).
			const met = f.errors === 0 && f.non2xx === 0 && (s4 ? f.okRps >= 0.5 * s4.tps : true);
			// Bookings per second: the 201s only.
			rows.push(s5 = { ...rowOf("S5", "POST /reservations end to end (201/s)", { ...f, rps: f.okRps }, m.cpu, "≥ 0.5 × S4, 0 errors (≤ 1.5 ms CPU: CPU table)", met), connections: o.connections });
			if (f.non2xx) log(`S5 status codes: ${JSON.stringify(f.statusCodes)}`);

			if (wants(o, "S7")) {
				const s5End = Date.now();
				log(`S7 waiting for the confirmation emails of ${bookedAt.size} bookings…`);
				s7 = await mailLatency(bookedAt, s5End);
				rows.push({ id: "S7", what: "booking → mail sent (during S5)", connections: o.connections, rps: NaN, p50: s7.p50, p99: s7.p99, max: s7.max, errors: s7.missing, non2xx: 0, target: "p99 ≤ 1 s", met: s7.p99 <= 1000 && s7.missing === 0, cpu: {}, note: `${s7.count} emails` });
				if (s7.drainRate) log(`  the mail node sent ${s7.drainedAfter} emails after S5 stopped, at ${Math.round(s7.drainRate)}/s`);

				if (o.mailRate > 0) {
					// The same path when bookings come at a pace the mail node can follow: the latency of
					// the pipeline itself (outbox → RabbitMQ → mail → SMTP), not of a backlog.
					const paced = new Map<string, number>();
					const seconds = o.seconds * o.runs;
					log(`S7 at ${o.mailRate} bookings/s for ${seconds} s…`);
					const m = await measured(procsNow, () => load({ ...common, ...bookings(paced), connections: 10, rate: o.mailRate, warmupSeconds: 0, runs: 1, seconds }), "S7-paced");
					s7paced = await mailLatency(paced, Date.now());
					rows.push({ id: "S7", what: `booking → mail sent, bookings paced at ${o.mailRate}/s`, connections: 10, rps: m.result.okRps, p50: s7paced.p50, p99: s7paced.p99, max: s7paced.max, errors: s7paced.missing + m.result.errors, non2xx: m.result.non2xx, target: "p99 ≤ 1 s", met: s7paced.p99 <= 1000 && s7paced.missing === 0 && m.result.errors === 0 && m.result.non2xx === 0, cpu: m.cpu, note: `${s7paced.count} emails` });
				}
			}

			// One booking at a time: the latency of the booking path itself, without queueing.
			log("S5 at 1 connection…");
			const one = await measured(procsNow, () => load({ ...common, ...bookings(), connections: 1 }), "S5-1");
			rows.push({ ...rowOf("S5", "POST /reservations end to end (201/s)", { ...one.result, rps: one.result.okRps }, one.cpu, "", null), connections: 1 });
		}

		if (wants(o, "S8")) {
			const hotels = [...new Set(targets.map(t => t.hotelId))];
			log(`S8 ${o.streams} open streams on api-1 (${hotels.length} hotels), bookings paced at ${o.streamRate}/s…`);
			const open = await openStreams(cluster.apiUrl, hotels, o.streams);
			try {
				const booked: Booked[] = [];
				const bodies = bookingBodies(targets);
				const seconds = o.seconds * o.runs;
				const m = await measured(procsNow, () => load({
					...common, url: `${cluster.apiUrl}/api/v1/reservations`, method: "POST", headers: { "content-type": "application/json" },
					setupRequest: req => ({ ...req, body: bodies() }), connections: 10, rate: o.streamRate, warmupSeconds: 0, runs: 1, seconds,
					onResponse: (status, body) => {
						if (status !== 201) return;
						const r = JSON.parse(body) as { hotelId: string; roomTypeId: string; checkIn: string };
						booked.push({ hotelId: r.hotelId, roomTypeId: r.roomTypeId, checkIn: r.checkIn, at: Date.now() });
					},
				}), "S8");
				await sleep(2000); // the last bookings' events
				const f = streamLatencies(booked, open.streams);
				const p50 = percentile(f.latencies, 50), p99 = percentile(f.latencies, 99), max = f.latencies[f.latencies.length - 1] ?? NaN;
				const gatewayUs = f.events ? ((m.cpu["api-1"] ?? 0) * seconds * 1e6) / f.events : NaN;
				log(`  ${booked.length} bookings, ${f.latencies.length} (booking, stream) deliveries, ${f.missing} missing; ${f.events} events delivered; api-1 ${Number.isFinite(gatewayUs) ? gatewayUs.toFixed(0) : "?"} µs CPU per event`);
				rows.push({
					id: "S8", what: `booking 201 → event at every stream of its hotel (${open.streams.length} streams)`, connections: `${open.streams.length} streams`, rps: m.result.okRps,
					p50, p99, max, errors: f.missing + m.result.errors, non2xx: m.result.non2xx, target: "p99 ≤ 500 ms", met: p99 <= 500 && f.missing === 0 && m.result.errors === 0 && m.result.non2xx === 0,
					cpu: m.cpu, note: `${f.events} events delivered; gateway ${Number.isFinite(gatewayUs) ? gatewayUs.toFixed(0) : "?"} µs CPU per event`,
				});
			} finally {
				open.close();
			}
		}

		if (wants(o, "S10")) {
			// The seeded hotel with the most bookings (S5 and S8, when they ran, booked before this); before S9, whose
			// queue of 50 searches would otherwise still hold the reservations node.
			const hotels = [...new Set(targets.map(t => t.hotelId))];
			const top = await withPg(DB_RES, async c => (await c.query<{ id: string; n: string }>(
				`SELECT hotel_id AS id, count(*) AS n FROM reservations WHERE hotel_id = ANY($1) GROUP BY 1 ORDER BY 2 DESC LIMIT 1`, [hotels])).rows[0]);
			const hotelId = top?.id ?? hotels[0];
			const bookings = Number(top?.n ?? 0);
			const roomTypes = targets.filter(t => t.hotelId === hotelId).length;
			const size = await withPg(DB_RES, async c => (await c.query<{ rooms: string }>(
				`SELECT COALESCE(sum((rt->>'totalRooms')::int), 0) AS rooms FROM hotel_copies, json_array_elements(data::json->'roomTypes') rt WHERE id = $1`, [hotelId])).rows[0]);
			const totalRooms = Number(size?.rooms ?? 0);
			const login = await fetch(`${cluster.apiUrl}/api/v1/auth/login`, {
				method: "POST", headers: { "content-type": "application/json" },
				body: JSON.stringify({ email: cluster.env.ADMIN_EMAIL || "admin@example.com", password: cluster.env.ADMIN_PASSWORD || "admin" }),
			});
			if (login.status !== 200) throw new Error(`S10: POST /auth/login answered ${login.status}`);
			const { token } = (await login.json()) as { token: string };
			const from = todayPlus(0), to = todayPlus(365);
			const what = `daily report, 365 days, a hotel of ${totalRooms} rooms (${roomTypes} room types) and ${bookings} bookings`;
			log(`S10 GET /hotels/:id/reports/daily ${from} → ${to}: ${what}, 1 connection${wants(o, "S5") ? " (after S5)" : " (S5 did not run: few or no bookings)"}…`);
			const reportPath = `/api/v1/hotels/${hotelId}/reports/daily?from=${from}&to=${to}`;
			const headers = { authorization: `Bearer ${token}` };
			const m = await measured(procsNow, () => load({
				// A longer warm-up than --quick's: the first reads after S5 meet its outbox and mail backlog.
				...common, warmupSeconds: Math.max(o.warmup, 3), url: `${cluster.apiUrl}/api/v1/hotels`, connections: 1, headers,
				setupRequest: req => ({ ...req, path: reportPath }),
				between: async () => { await fetch(`${cluster.apiUrl}${reportPath}`, { headers }).then(r => r.arrayBuffer()); },
			}), "S10");
			const ok = m.result.errors === 0 && m.result.non2xx === 0;
			if (!ok) log(`  S10 status codes: ${JSON.stringify(m.result.statusCodes)}, ${m.result.errors} errors`);
			rows.push({
				...rowOf("S10", what, m.result, m.cpu, "< 200 ms (issue 17: 200 rooms)", m.result.p99 < 200 && ok,
					`${totalRooms} rooms, ${bookings} bookings${wants(o, "S5") ? ", after S5" : ""}`), connections: 1,
			});
		}

		if (wants(o, "S9")) {
			// The city with the most hotels: the seed puts its first min(100, hotels) hotels in one city.
			const city = await withPg(DB_RES, async c => (await c.query<{ city: string; n: string }>(
				`SELECT data::json->'address'->>'city' AS city, count(*) AS n FROM hotel_copies WHERE active GROUP BY 1 ORDER BY 2 DESC LIMIT 1`)).rows[0]);
			const n = Number(city?.n ?? 0);
			log(`S9 search: ${city?.city} holds ${n} hotels (min(100, --hotels=${o.hotels}) by construction)`);
			const searchPath = () => {
				const start = 2 + crypto.randomInt(690);
				return `/api/v1/search?city=${encodeURIComponent(city?.city ?? "")}&checkIn=${todayPlus(start)}&checkOut=${todayPlus(start + 7)}&guests=2`;
			};
			// autocannon leaves its last requests running on the server: one search answered means the node has caught up.
			const drained = async () => { await fetch(`${cluster.apiUrl}${searchPath()}`).then(r => r.arrayBuffer()); };
			const search = (connections: number, id: string) => measured(procsNow, () => load({
				// Longer than --quick's at 50 connections: a search in the queue of 50 can take longer than a 3-second run.
				...common, seconds: connections > 1 ? Math.max(o.seconds, 10) : o.seconds, between: drained,
				url: `${cluster.apiUrl}/api/v1/search`, connections, setupRequest: req => ({ ...req, path: searchPath() }),
			}), id);
			for (const c of [1, o.connections]) {
				log(`S9 GET /search, ${city?.city} (${n} hotels), 7 nights, ${c} connection(s)…`);
				const m = await search(c, c === 1 ? "S9-1" : "S9");
				const ok = m.result.errors === 0 && m.result.non2xx === 0;
				// No answer in a run: autocannon's zero latencies are not figures.
				const f = m.result.rps > 0 ? m.result : { ...m.result, p50: NaN, p99: NaN, max: NaN };
				rows.push({
					...rowOf("S9", `search, a city of ${n} hotels, 7 nights`, f, m.cpu, c === 1 ? "p99 ≤ 30 ms" : "", c === 1 ? m.result.p99 <= 30 && ok : null,
						`${city?.city}: ${n} hotels (min(100, ${o.hotels}))`), connections: c,
				});
				if (!ok) log(`  S9 status codes: ${JSON.stringify(m.result.statusCodes)}, ${m.result.errors} errors`);
			}
			await drained();
		}

		if (wants(o, "SOAK") && o.soakSeconds > 0) {
			// Warm-up first (JIT, pools, V8 heaps grow to their working size), then RSS "before";
			// the load goes on for soakSeconds; RSS "after" once it stops and the mail backlog drains.
			const warm = Math.min(30, Math.max(5, Math.round(o.soakSeconds / 5)));
			log(`Memory: ${warm} s of mixed load (bookings, availability, echo; ${SOAK_STREAMS} live streams open, a webhook delivering) to warm up, RSS of every node, ${o.soakSeconds} s more, RSS again…`);
			const soakHotels = [...new Set(targets.map(t => t.hotelId))];
			const live = await openStreams(cluster.apiUrl, soakHotels.slice(0, 100), SOAK_STREAMS);
			const hook = await webhookReceiver(cluster, soakHotels.slice(0, 50));
			const nodes = procsNow().filter(p => p.name !== "smtp-sink");
			let drained: Soak["drained"] = null;
			const before = new Map<string, number | null>();
			const peak = new Map<string, number>();
			const sampler = setInterval(() => {
				for (const p of nodes) {
					const v = rssMiB(p.child.pid);
					if (v !== null) peak.set(p.name, Math.max(peak.get(p.name) ?? 0, v));
				}
			}, 2000);
			const snap = setTimeout(() => { for (const p of nodes) before.set(p.name, rssMiB(p.child.pid)); }, warm * 1000);
			const hotels = [...new Set(targets.map(t => t.hotelId))];
			const bodies = bookingBodies(targets);
			const seconds = warm + o.soakSeconds;
			const half = Math.max(1, Math.floor(o.connections / 2));
			const [book, avail] = await Promise.all([
				load({ url: `${cluster.apiUrl}/api/v1/reservations`, connections: half, seconds, warmupSeconds: 0, runs: 1, method: "POST", headers: { "content-type": "application/json" }, setupRequest: req => ({ ...req, body: bodies() }) }),
				load({
					url: `${cluster.apiUrl}/api/v1/hotels`, connections: half, seconds, warmupSeconds: 0, runs: 1,
					setupRequest: req => {
						const start = 2 + crypto.randomInt(690);
						return { ...req, path: `/api/v1/hotels/${hotels[crypto.randomInt(hotels.length)]}/availability?checkIn=${todayPlus(start)}&checkOut=${todayPlus(start + 30)}&guests=1` };
					},
				}),
				load({ url: `${benchUrl}/echo`, connections: 4, seconds, warmupSeconds: 0, runs: 1 }),
			]);
			clearTimeout(snap);
			const streamEvents = live.streams.reduce((n, st) => n + st.events.length, 0);
			live.close();
			if (book.non2xx || book.errors) log(`  bookings during the soak: status codes ${JSON.stringify(book.statusCodes)}, ${book.errors} errors (${book.timeouts} timeouts)`);
			// "After" is measured once the work the load caused is done: the emails of its bookings.
			const drainStart = Date.now();
			let queued = Infinity;
			while (Date.now() - drainStart < 600_000) {
				queued = await withPg(DB_MAIL, async c => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM mails WHERE status = 'queued'")).rows[0].n)).catch(() => NaN);
				if (!(queued > 0)) break;
				if ((Date.now() - drainStart) % 15_000 < 1000) log(`  waiting for the mail backlog: ${queued} emails queued…`);
				await sleep(1000);
			}
			drained = { seconds: (Date.now() - drainStart) / 1000, left: Number.isFinite(queued) ? queued : 0 };
			log(`  mail backlog ${drained.left ? `still ${drained.left} queued` : "drained"} after ${drained.seconds.toFixed(0)} s`);
			await sleep(5000); // timers settle
			clearInterval(sampler);
			for (const p of nodes) rss.push({ name: p.name, before: before.get(p.name) ?? null, after: rssMiB(p.child.pid), peak: peak.get(p.name) ?? null });
			for (const r of rss) log(`  ${r.name.padEnd(16)} ${r.before?.toFixed(0) ?? "?"} MiB → ${r.after?.toFixed(0) ?? "?"} MiB (peak ${r.peak?.toFixed(0) ?? "?"})`);
			await hook.close();
			log(`  ${live.streams.length} streams received ${streamEvents.toLocaleString("en-US")} availability events; the webhook received ${hook.received().toLocaleString("en-US")} deliveries`);
			soak = { warm, bookings: book.total, bookingErrors: book.errors + book.non2xx, bookingCodes: book.statusCodes, availability: avail.total, availabilityErrors: avail.errors + avail.non2xx, drained,
				streams: live.streams.length, streamEvents, webhookDeliveries: hook.received() };
		}

		// ---------------------------------------------------------------- report
		const ratios: string[] = [];
		if (s0 && s1) ratios.push(`S1/S0 = ${(s1.rps / s0.rps).toFixed(2)} (moleculer-web keeps ${(100 * s1.rps / s0.rps).toFixed(0)} % of raw Node http)`);
		if (s1 && s3) ratios.push(`S3/S1 = ${(s3.rps / s1.rps).toFixed(2)} (a hop over AMQP keeps ${(100 * s3.rps / s1.rps).toFixed(0)} % of the gateway alone)`);
		if (s7?.drainRate) ratios.push(`Mail node alone: ${s7.drainedAfter} emails of the S5 backlog sent after S5 stopped, at ${Math.round(s7.drainRate)} emails/s (S5 made ${Math.round(s5?.rps ?? 0)} bookings/s)`);
		if (s5 && s4) ratios.push(`S5/S4 = ${(s5.rps / s4.tps).toFixed(2)} (target ≥ 0.5: end-to-end bookings vs. pgbench running their SQL)`);
		const block = report(o, machine, rows, ratios, rss, s4, soak);
		console.log("\n" + block);
		fs.writeFileSync(path.join(workDir, "result.md"), block);
		fs.writeFileSync(path.join(workDir, "result.json"), JSON.stringify({ machine, rows, ratios, rss, s4, s7, s7paced, soak }, null, 2));

		if (o.profile) {
			await stopAll();
			writeProfiles(workDir);
		}
		if (o.write) {
			writeDoc(block);
			log("docs/benchmarks.md: figures block rewritten.");
		}
	} finally {
		await cleanupAll();
		if (!o.keep && !o.profile) fs.rmSync(workDir, { recursive: true, force: true });
		else log(`Kept ${workDir}`);
		log(`Done in ${((Date.now() - t0) / 60000).toFixed(1)} min.`);
	}
}

interface MailLatency { count: number; missing: number; p50: number; p99: number; max: number; drainedAfter: number; drainRate: number | null }

/**
 * Booking (the client's 201) → confirmation `sent_at`, once every email is sent. With `loadEnd`,
 * also how many were sent after the load stopped and at what rate (the mail node's capacity
 * when it has the machine to itself).
 */
async function mailLatency(bookedAt: Map<string, number>, loadEnd: number): Promise<MailLatency> {
	const codes = [...bookedAt.keys()];
	const deadline = Date.now() + 120_000;
	let sent: { code: string; sent: number }[] = [];
	let lastCount = -1;
	let stableSince = Date.now();
	while (Date.now() < deadline) {
		sent = await withPg(DB_MAIL, async c => (await c.query<{ code: string; sent_at: Date }>(
			`SELECT reservation_code AS code, sent_at FROM mails WHERE type = 'confirmation' AND status = 'sent' AND reservation_code = ANY($1)`, [codes])).rows
			.map(r => ({ code: r.code, sent: new Date(r.sent_at).getTime() })));
		if (sent.length >= codes.length) break;
		if (sent.length !== lastCount) {
			lastCount = sent.length;
			stableSince = Date.now();
		} else if (Date.now() - stableSince > 15_000) break;
		await sleep(1000);
	}
	const lat = sent.map(s => s.sent - (bookedAt.get(s.code) ?? s.sent)).sort((a, b) => a - b);
	const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
	// Emails that never arrived count as infinitely late.
	const missing = codes.length - sent.length;
	const after = sent.filter(s => s.sent > loadEnd).map(s => s.sent);
	const last = after.length ? Math.max(...after) : loadEnd;
	const drainRate = after.length >= 50 && last > loadEnd ? after.length / ((last - loadEnd) / 1000) : null;
	return { count: sent.length, missing, p50: q(0.5), p99: missing > codes.length * 0.01 ? Infinity : q(0.99), max: lat[lat.length - 1] ?? NaN, drainedAfter: after.length, drainRate };
}

interface RssRow { name: string; before: number | null; after: number | null; peak: number | null }
interface Soak {
	warm: number; bookings: number; bookingErrors: number; bookingCodes: Record<string, number>; availability: number; availabilityErrors: number; drained: { seconds: number; left: number } | null;
	streams: number; streamEvents: number; webhookDeliveries: number;
}

/** Live streams the soak keeps open on api-1 (their hotels get the soak's bookings). */
const SOAK_STREAMS = 200;

/**
 * A webhook for the soak: an HTTP receiver in the harness (answers 204, counts), subscribed by
 * the first owner to the reservation events of `hotelIds` (POST /api/v1/webhooks).
 */
async function webhookReceiver(cluster: Cluster, hotelIds: string[]): Promise<{ received(): number; close(): Promise<void> }> {
	let n = 0;
	const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { n++; res.writeHead(204).end(); }); });
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
	const port = (server.address() as { port: number }).port;
	const login = await fetch(`${cluster.apiUrl}/api/v1/auth/login`, {
		method: "POST", headers: { "content-type": "application/json" },
		body: JSON.stringify({ email: cluster.env.ADMIN_EMAIL || "admin@example.com", password: cluster.env.ADMIN_PASSWORD || "admin" }),
	});
	if (login.status !== 200) throw new Error(`soak: POST /auth/login answered ${login.status}`);
	const { token } = (await login.json()) as { token: string };
	const created = await fetch(`${cluster.apiUrl}/api/v1/webhooks`, {
		method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
		body: JSON.stringify({ url: `http://127.0.0.1:${port}/hook`, events: ["reservations.reservation.*"], hotelIds }),
	});
	if (created.status !== 201) throw new Error(`soak: POST /webhooks answered ${created.status}: ${await created.text()}`);
	return { received: () => n, close: () => new Promise<void>(resolve => server.close(() => resolve())) };
}

function report(o: Opts, m: Machine, rows: Row[], ratios: string[], rss: RssRow[], s4: PgbenchFigures | null, soak: Soak | null): string {
	const cmd = `npm run bench${process.argv.slice(2).length ? " -- " + process.argv.slice(2).join(" ") : ""}`;
	const lines = [
		`Run of ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC — \`${cmd}\``,
		"",
		`Machine: ${m.nproc} cores (${m.cpu}), ${m.memGiB.toFixed(1)} GiB RAM; Node ${m.node}; PostgreSQL ${m.postgres}; RabbitMQ ${m.rabbitmq}; ${m.pgbench}.`,
		`Conditions: load average before the run ${m.load}; other heavy work at start: ${m.others}.`,
		`Topology: ${Object.entries(o.topology).map(([k, v]) => `${k}×${v}`).join(", ")} (one broker per process, AMQP transporter), plus the bench gateway and echo nodes (S1, S3), the hello server (S0), an SMTP sink, and autocannon inside the harness — all on the same ${m.nproc} cores.`,
		`Each scenario: ${o.warmup} s warm-up, then ${o.runs} runs of ${o.seconds} s; the median run's figures (errors and non-2xx summed over the runs). Latencies are autocannon's (1 ms resolution).`,
		"",
		table(rows, ratios),
		"",
		"Cores used per process group during each scenario (CPU seconds / wall seconds; 2.00 = the whole machine):",
		"",
		cpuTable(rows.filter(r => Object.keys(r.cpu).length)),
		"",
		"Time each node spent runnable but waiting for a CPU (ms per second of the scenario; from /proc/<pid>/schedstat) — the cost of sharing the cores:",
		"",
		waitTable(rows.filter(r => Object.keys(r.cpu).length)),
	];
	if (s4) lines.push("", `S4: ${s4.transactions} transactions in the measured runs, ${s4.failed} failed; ${o.pgClients} clients, 2 threads, simple protocol (as the product's driver sends).`);
	if (rss.length) {
		const w = soak?.warm ?? 0;
		lines.push("", `Memory (RSS, MiB): after ${w} s of mixed load (bookings + availability + echo, ${Math.max(1, Math.floor(o.connections / 2))} + ${Math.max(1, Math.floor(o.connections / 2))} + 4 connections), then after ${o.soakSeconds} s more of it${soak ? ` (${soak.streams} live streams open throughout, ${soak.streamEvents.toLocaleString("en-US")} availability events received; a webhook on 50 hotels, ${soak.webhookDeliveries.toLocaleString("en-US")} deliveries; ${soak.bookings.toLocaleString("en-US")} bookings, ${soak.bookingErrors} not 201 — status codes ${JSON.stringify(soak.bookingCodes)}; ${soak.availability.toLocaleString("en-US")} availability reads, ${soak.availabilityErrors} failed)` : ""} and once the mail node had sent the emails of those bookings${soak?.drained ? ` (${soak.drained.seconds.toFixed(0)} s after the load stopped${soak.drained.left ? `, ${soak.drained.left} still queued` : ""})` : ""}; target: growth under 10 %.`, "", "| node | before | after | peak | growth |", "|---|---:|---:|---:|---:|");
		for (const r of rss) {
			const g = r.before && r.after ? (100 * (r.after - r.before)) / r.before : NaN;
			lines.push(`| ${r.name} | ${r.before?.toFixed(0) ?? "?"} | ${r.after?.toFixed(0) ?? "?"} | ${r.peak?.toFixed(0) ?? "?"} | ${Number.isFinite(g) ? g.toFixed(1) + " %" : "?"} |`);
		}
	}
	return lines.join("\n");
}

/** Which nodes matter for which scenario's profile. */
const PROFILED: Record<string, string[]> = {
	S1: ["bench-gateway"],
	S3: ["bench-gateway", "bench-echo"],
	S5: ["api-1", "reservations-1", "mail-1", "accounts-1", "webhooks-1"],
	S6: ["api-1", "reservations-1"],
	S8: ["api-1", "reservations-1"],
	S9: ["api-1", "reservations-1"],
	S10: ["api-1", "reservations-1"],
};

function writeProfiles(workDir: string): void {
	const dir = path.join(workDir, "profiles");
	const files = fs.readdirSync(dir).filter(f => f.endsWith(".cpuprofile"));
	if (!files.length) return;
	const out = path.join(ROOT, "docs", "profiles");
	fs.mkdirSync(out, { recursive: true });
	const parts = [
		`# CPU profiles — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`, "",
		`\`node --cpu-prof\` on every node during \`npm run bench -- ${process.argv.slice(2).join(" ")}\`, cut to each scenario's measured runs; self time per package and per function (% of the node's busy time in that window).`, "",
	];
	for (const w of windows) {
		const nodes = PROFILED[w.id];
		if (!nodes) continue;
		parts.push(`## ${w.id}`, "");
		for (const name of nodes) {
			const f = files.find(x => x === `${name}.cpuprofile`);
			if (f) parts.push(toMarkdown(summarise(path.join(dir, f), 25, w), `${w.id} — ${name}`));
		}
	}
	fs.writeFileSync(path.join(out, "latest.md"), parts.join("\n"));
	log(`Profile summaries: docs/profiles/latest.md (raw profiles in ${dir})`);
}

main().catch(err => {
	console.error(err instanceof Error ? err.stack ?? err.message : err);
	void stopAll().then(() => process.exit(1));
});
