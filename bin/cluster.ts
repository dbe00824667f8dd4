/**
 * `npm run cluster`: the distributed shape as local processes, without Docker.
 *
 * One broker per process (dist/bin/start.js with SERVICES=<one service>) over the local RabbitMQ,
 * reservations and mail on local PostgreSQL, nginx in front of the api nodes when it is installed.
 *
 *   CLUSTER         replicas per service            api:2,hotels:1,reservations:2,mail:1,webhooks:1,accounts:1
 *   CLUSTER_PORT    entry point (nginx or api #1)   8080
 *   API_BASE_PORT   first api node's port behind nginx (others follow)   CLUSTER_PORT + 1
 *   HEALTH_BASE_PORT  first HEALTH_PORT of the nodes without HTTP        9100
 *   METRICS_BASE_PORT first METRICS_PORT (one per node), off when empty
 *   TRANSPORTER, NAMESPACE, RESERVATIONS_DB_URL, MAIL_DB_URL, MONGO_URI, DATA_DIR … as for a node
 *
 * Hotels keeps its data in NeDB files unless MONGO_URI is set: NeDB files cannot be shared, so
 * without MONGO_URI the launcher runs one hotels node whatever CLUSTER says.
 */
import { spawn, spawnSync, type ChildProcess } from "child_process";
import fs from "fs";
import net from "net";
import os from "os";
import path from "path";
import { Client } from "pg";
import { ALL_SERVICES, type ServiceName } from "../lib/config";
import { PROJECT_ROOT } from "../lib/paths";

export const DEFAULT_CLUSTER = "api:2,hotels:1,reservations:2,mail:1,webhooks:1,accounts:1";
export const DEFAULT_TRANSPORTER = "amqp://guest:guest@127.0.0.1:5672";
export const DEFAULT_RESERVATIONS_DB_URL = "postgres://postgres@127.0.0.1:5432/hotel_reservations";
export const DEFAULT_MAIL_DB_URL = "postgres://postgres@127.0.0.1:5432/hotel_mail";
export const DEFAULT_WEBHOOKS_DB_URL = "postgres://postgres@127.0.0.1:5432/hotel_webhooks";
export const DEFAULT_ACCOUNTS_DB_URL = "postgres://postgres@127.0.0.1:5432/hotel_accounts";

export type ReplicaSpec = Record<ServiceName, number>;

/** "api:2,hotels:1" → counts for every service (unnamed ones: 0). */
export function parseClusterSpec(spec: string): ReplicaSpec {
	const out = Object.fromEntries(ALL_SERVICES.map(name => [name, 0])) as ReplicaSpec;
	for (const part of spec.split(",").map(s => s.trim()).filter(Boolean)) {
		const m = /^([a-z]+)(?::(\d+))?$/.exec(part);
		if (!m) throw new Error(`CLUSTER: "${part}" is not <service>:<count>`);
		const name = m[1] as ServiceName;
		if (!ALL_SERVICES.includes(name)) throw new Error(`CLUSTER: unknown service "${m[1]}" (known: ${ALL_SERVICES.join(", ")})`);
		out[name] = m[2] === undefined ? 1 : Number(m[2]);
	}
	return out;
}

export interface NodePlan {
	name: string;
	service: ServiceName;
	env: Record<string, string>;
	/** What to print: where to reach it. */
	where: string;
}

export interface ClusterPlan {
	nodes: NodePlan[];
	entry: string;
	apiPorts: number[];
	clusterPort: number;
	warnings: string[];
}

/** Every node's environment, ports and data directory, from the launcher's environment. */
export function planCluster(env: NodeJS.ProcessEnv, withNginx: boolean): ClusterPlan {
	const replicas = parseClusterSpec(env.CLUSTER?.trim() || DEFAULT_CLUSTER);
	const warnings: string[] = [];
	if (replicas.hotels > 1 && !env.MONGO_URI) {
		warnings.push(`hotels: ${replicas.hotels} replicas asked, running 1 — without MONGO_URI each node would have its own NeDB file.`);
		replicas.hotels = 1;
	}
	if (replicas.api === 0) warnings.push("no api node: nothing answers HTTP.");
	const clusterPort = Number(env.CLUSTER_PORT || 8080);
	const apiBase = withNginx ? Number(env.API_BASE_PORT || clusterPort + 1) : clusterPort;
	const healthBase = Number(env.HEALTH_BASE_PORT || 9100);
	const metricsBase = env.METRICS_BASE_PORT ? Number(env.METRICS_BASE_PORT) : null;
	const dataRoot = path.resolve(env.DATA_DIR || path.join(PROJECT_ROOT, "data"), "cluster");
	const host = os.hostname();

	const common: Record<string, string> = {
		TRANSPORTER: env.TRANSPORTER || DEFAULT_TRANSPORTER,
		RESERVATIONS_DB_URL: env.RESERVATIONS_DB_URL || DEFAULT_RESERVATIONS_DB_URL,
		MAIL_DB_URL: env.MAIL_DB_URL || DEFAULT_MAIL_DB_URL,
		WEBHOOKS_DB_URL: env.WEBHOOKS_DB_URL || DEFAULT_WEBHOOKS_DB_URL,
		ACCOUNTS_DB_URL: env.ACCOUNTS_DB_URL || DEFAULT_ACCOUNTS_DB_URL,
		PUBLIC_URL: env.PUBLIC_URL || `http://localhost:${clusterPort}`,
	};
	const nodes: NodePlan[] = [];
	const apiPorts: number[] = [];
	let healthPort = healthBase;
	let index = 0;
	for (const service of ALL_SERVICES) {
		for (let i = 1; i <= replicas[service]; i++, index++) {
			const name = `${service}-${i}`;
			const nodeEnv: Record<string, string> = {
				...common,
				SERVICES: service,
				NODE_ID: `${host}-${env.NAMESPACE ? env.NAMESPACE + "-" : ""}${name}`,
				DATA_DIR: path.join(dataRoot, name),
			};
			let where: string;
			if (service === "api") {
				const port = apiBase + apiPorts.length;
				apiPorts.push(port);
				nodeEnv.PORT = String(port);
				nodeEnv.HEALTH_PORT = "";
				// The gateway believes X-Real-IP only from nginx on this machine.
				if (withNginx) nodeEnv.TRUSTED_PROXIES = env.TRUSTED_PROXIES || "127.0.0.1";
				where = `http://127.0.0.1:${port}/api/ready`;
			} else {
				nodeEnv.HEALTH_PORT = String(healthPort);
				where = `http://127.0.0.1:${healthPort}/ready`;
				healthPort++;
			}
			if (metricsBase) {
				nodeEnv.METRICS_PORT = String(metricsBase + index);
				where += `, metrics :${metricsBase + index}`;
			} else {
				nodeEnv.METRICS_PORT = "";
			}
			nodes.push({ name, service, env: nodeEnv, where });
		}
	}
	const entry = `http://localhost:${clusterPort}`;
	return { nodes, entry, apiPorts, clusterPort, warnings };
}

/** nginx configuration for the launcher: the repository's snippets, local upstreams and paths. */
export function nginxConfig(dir: string, clusterPort: number, apiPorts: number[], webRoot: string): string {
	const mime = fs.existsSync("/etc/nginx/mime.types") ? "include /etc/nginx/mime.types;" : "";
	return `# Generated by bin/cluster.ts — do not edit; the real configuration is nginx/.
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }
http {
    ${mime}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include snippets/http.conf;
    upstream api {
${apiPorts.map(p => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join("\n")}
        keepalive 32;
    }
    server {
        listen ${clusterPort};
        server_name localhost;
        root ${webRoot};
        include snippets/site.conf;
    }
}
`;
}

function nginxAvailable(): string | null {
	if (process.env.CLUSTER_NGINX === "0") return null;
	for (const p of [process.env.NGINX_BIN, "/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]) if (p && fs.existsSync(p)) return p;
	const which = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
	return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

function tcpOpen(url: string, defaultPort: number): Promise<boolean> {
	const u = new URL(url);
	return new Promise(resolve => {
		const s = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) });
		const done = (ok: boolean) => { s.destroy(); resolve(ok); };
		s.setTimeout(2000, () => done(false));
		s.once("connect", () => done(true));
		s.once("error", () => done(false));
	});
}

/** CREATE DATABASE when it does not exist yet (connecting to the server's `postgres` database). */
export async function ensureDatabase(url: string): Promise<boolean> {
	const name = decodeURIComponent(new URL(url).pathname.slice(1));
	if (!name) throw new Error(`no database name in ${url}`);
	const admin = new URL(url);
	admin.pathname = "/postgres";
	const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
	await client.connect();
	try {
		const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
		if (rowCount) return false;
		await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
		return true;
	} finally {
		await client.end();
	}
}

const COLORS = [36, 33, 35, 32, 34, 31, 96, 93, 95, 92];

/** Prefix every line of a child's output with its name. */
function pipeWithPrefix(child: ChildProcess, name: string, color: number): void {
	const tty = process.stdout.isTTY;
	const prefix = tty ? `\x1b[${color}m${name.padEnd(15)}\x1b[0m| ` : `${name.padEnd(15)}| `;
	for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
		let rest = "";
		stream?.setEncoding("utf8");
		stream?.on("data", (chunk: string) => {
			const lines = (rest + chunk).split("\n");
			rest = lines.pop() ?? "";
			for (const line of lines) out.write(prefix + line + "\n");
		});
		stream?.on("end", () => { if (rest) out.write(prefix + rest + "\n"); });
	}
}

function redact(url: string): string {
	return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

async function main(): Promise<void> {
	const startJs = path.join(__dirname, "start.js");
	if (!fs.existsSync(startJs)) {
		console.error(`${startJs} not found: run \`npm run build\` first (npm run cluster does).`);
		process.exit(1);
	}
	const nginxBin = nginxAvailable();
	const plan = planCluster(process.env, !!nginxBin);
	for (const w of plan.warnings) console.warn(`warning: ${w}`);

	const common = plan.nodes[0]?.env ?? {};
	if (!(await tcpOpen(common.TRANSPORTER, 5672))) {
		console.error(`RabbitMQ is not reachable at ${redact(common.TRANSPORTER)} (set TRANSPORTER, or start RabbitMQ).`);
		process.exit(1);
	}
	for (const [service, url] of [["reservations", common.RESERVATIONS_DB_URL], ["mail", common.MAIL_DB_URL], ["webhooks", common.WEBHOOKS_DB_URL], ["accounts", common.ACCOUNTS_DB_URL]] as const) {
		if (!plan.nodes.some(n => n.service === service)) continue;
		try {
			if (await ensureDatabase(url)) console.log(`Created database for ${service}: ${redact(url)}`);
		} catch (err) {
			console.error(`PostgreSQL for ${service} (${redact(url)}) is not usable: ${(err as Error).message}`);
			process.exit(1);
		}
	}

	const children: { name: string; proc: ChildProcess }[] = [];
	let stopping = false;
	const stopAll = (signal: NodeJS.Signals) => {
		if (stopping) {
			for (const c of children) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
			return;
		}
		stopping = true;
		console.log(`\n${signal}: stopping ${children.filter(c => c.proc.exitCode === null).length} process(es) gracefully (again to kill)...`);
		// nginx first (no new requests), then api nodes, then the rest once the api nodes are gone.
		const alive = () => children.filter(c => c.proc.exitCode === null && c.proc.signalCode === null);
		for (const c of alive()) if (c.name === "nginx" || c.name.startsWith("api-")) c.proc.kill(signal === "SIGINT" ? "SIGTERM" : signal);
		const rest = setInterval(() => {
			if (alive().some(c => c.name === "nginx" || c.name.startsWith("api-"))) return;
			clearInterval(rest);
			for (const c of alive()) c.proc.kill("SIGTERM");
		}, 100);
		const killer = setTimeout(() => {
			for (const c of alive()) c.proc.kill("SIGKILL");
		}, 40_000);
		killer.unref();
	};
	process.on("SIGINT", () => stopAll("SIGINT"));
	process.on("SIGTERM", () => stopAll("SIGTERM"));

	const onExit = () => {
		if (children.every(c => c.proc.exitCode !== null || c.proc.signalCode !== null)) {
			console.log("Every process has stopped.");
			process.exit(0);
		}
	};

	const spawnChild = (name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, color: number) => {
		// detached: Ctrl-C in the terminal reaches only the launcher, which stops children in order.
		const proc = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
		pipeWithPrefix(proc, name, color);
		proc.on("exit", (code, sig) => {
			const how = sig ? `signal ${sig}` : `code ${code}`;
			if (!stopping) console.error(`${name} exited (${how}).`);
			onExit();
		});
		children.push({ name, proc });
		return proc;
	};

	plan.nodes.forEach((node, i) => {
		spawnChild(node.name, process.execPath, [startJs], { ...process.env, FORCE_COLOR: process.stdout.isTTY ? "1" : "0", ...node.env }, COLORS[i % COLORS.length]);
	});

	let entryNote: string;
	if (nginxBin && plan.apiPorts.length) {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotel-nginx-"));
		// nginx workers run as an unprivileged user when started as root: they must reach their temp dirs.
		fs.chmodSync(dir, 0o755);
		const webDist = path.join(PROJECT_ROOT, "web", "dist");
		const webRoot = fs.existsSync(path.join(webDist, "index.html")) ? webDist : path.join(PROJECT_ROOT, "public");
		// The repository's snippets beside the generated file: nginx resolves includes from there.
		fs.cpSync(path.join(PROJECT_ROOT, "nginx", "snippets"), path.join(dir, "snippets"), { recursive: true });
		const conf = path.join(dir, "nginx.conf");
		fs.writeFileSync(conf, nginxConfig(dir, plan.clusterPort, plan.apiPorts, webRoot));
		const nginx = spawnChild("nginx", nginxBin, ["-e", "stderr", "-p", dir, "-c", conf, "-g", "daemon off;"], process.env, 37);
		// nginx stops gracefully on SIGQUIT (finishes open requests); SIGTERM is its fast stop.
		const kill = nginx.kill.bind(nginx);
		nginx.kill = (sig?: NodeJS.Signals | number) => kill(sig === "SIGTERM" ? "SIGQUIT" : sig);
		entryNote = `nginx on :${plan.clusterPort} → api nodes ${plan.apiPorts.map(p => ":" + p).join(", ")} (config ${conf})`;
	} else {
		entryNote = plan.apiPorts.length
			? `no nginx (apt-get install nginx): api-1 answers directly on :${plan.clusterPort}; other api nodes on ${plan.apiPorts.slice(1).map(p => ":" + p).join(", ") || "—"}`
			: "no api node";
	}

	const lines = [
		"",
		`Hotel booking — distributed shape, ${plan.nodes.length} node(s), namespace "${process.env.NAMESPACE || ""}"`,
		`  entry point     ${plan.entry}  (web UI, /api/v1, /api/docs, /api/ready)`,
		`  front         ${entryNote}`,
		`  transporter   ${redact(common.TRANSPORTER ?? "")}`,
		`  reservations  ${redact(common.RESERVATIONS_DB_URL ?? "")}`,
		`  mail          ${redact(common.MAIL_DB_URL ?? "")}`,
		`  webhooks      ${redact(common.WEBHOOKS_DB_URL ?? "")}`,
		`  accounts      ${redact(common.ACCOUNTS_DB_URL ?? "")}`,
		`  hotels        ${process.env.MONGO_URI ? redact(process.env.MONGO_URI) : "NeDB files under " + (plan.nodes.find(n => n.service === "hotels")?.env.DATA_DIR ?? "—")}`,
		...plan.nodes.map(n => `  ${n.name.padEnd(16)}node ${n.env.NODE_ID}  ${n.where}`),
		`  add a node:   SERVICES=mail TRANSPORTER=${redact(common.TRANSPORTER ?? "")}${process.env.NAMESPACE ? " NAMESPACE=" + process.env.NAMESPACE : ""} MAIL_DB_URL=… npm run node`,
		"  Ctrl-C stops every process.",
		"",
	];
	console.log(lines.join("\n"));
}

if (require.main === module) {
	main().catch(err => {
		console.error("cluster:", err instanceof Error ? err.message : err);
		process.exit(1);
	});
}
