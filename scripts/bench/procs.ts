/**
 * Child processes of the bench: spawn a node with its environment, wait until it is ready,
 * read its RSS, stop it (SIGTERM, then SIGKILL). Each child's stdout/stderr go to a log file
 * in the run's work directory, so a failing node can be diagnosed afterwards.
 */
import { spawn, type ChildProcess } from "child_process";
import fs from "fs";
import http from "http";
import path from "path";

export interface Proc {
	name: string;
	child: ChildProcess;
	logFile: string;
	spec: SpawnOpts;
}

export interface SpawnOpts {
	name: string;
	script: string;
	args?: string[];
	env: NodeJS.ProcessEnv;
	nodeFlags?: string[];
	logDir: string;
	/** The child signals readiness over IPC ({ ready: true }). */
	ipc?: boolean;
}

const procs: Proc[] = [];

export function spawnNode(o: SpawnOpts): Proc {
	const logFile = path.join(o.logDir, `${o.name}.log`);
	const out = fs.openSync(logFile, "a");
	const child = spawn(process.execPath, [...(o.nodeFlags ?? []), o.script, ...(o.args ?? [])], {
		env: o.env,
		stdio: ["ignore", out, out, ...(o.ipc ? ["ipc" as const] : [])],
	});
	fs.closeSync(out);
	const p: Proc = { name: o.name, child, logFile, spec: o };
	procs.push(p);
	return p;
}

export function tail(file: string, lines = 20): string {
	try {
		return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
	} catch {
		return "";
	}
}

/** Resolve when the child sends { ready: true } over IPC. */
export function waitIpcReady(p: Proc, timeoutMs = 60_000): Promise<void> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`${p.name} not ready after ${timeoutMs / 1000} s\n${tail(p.logFile)}`)), timeoutMs);
		p.child.once("exit", code => {
			clearTimeout(timer);
			reject(new Error(`${p.name} exited with code ${code} before it was ready\n${tail(p.logFile)}`));
		});
		p.child.on("message", (m: { ready?: boolean }) => {
			if (m?.ready) {
				clearTimeout(timer);
				resolve();
			}
		});
	});
}

export function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const req = http.get(url, { timeout: timeoutMs }, res => {
			let body = "";
			res.setEncoding("utf8");
			res.on("data", c => (body += c));
			res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
		});
		req.on("timeout", () => req.destroy(new Error("timeout")));
		req.on("error", reject);
	});
}

/** Poll `url` until it answers 200 (a readiness endpoint). */
export async function waitHttpReady(p: Proc, url: string, timeoutMs = 90_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last = "";
	while (Date.now() < deadline) {
		if (p.child.exitCode !== null) throw new Error(`${p.name} exited with code ${p.child.exitCode}\n${tail(p.logFile)}`);
		try {
			const r = await httpGet(url);
			if (r.status === 200) return;
			last = `${r.status} ${r.body.slice(0, 300)}`;
		} catch (err) {
			last = (err as Error).message;
		}
		await sleep(250);
	}
	throw new Error(`${p.name} not ready at ${url} after ${timeoutMs / 1000} s (last: ${last})\n${tail(p.logFile)}`);
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** Resident set size in MiB, from /proc (Linux). */
export function rssMiB(pid: number | undefined): number | null {
	if (!pid) return null;
	try {
		const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
		return m ? Number(m[1]) / 1024 : null;
	} catch {
		return null;
	}
}

export interface CpuStat { ppid: number; self: number; children: number }

/**
 * CPU time in seconds from /proc/<pid>/stat: the process's own (user + system) and that of its
 * children it has waited for (PostgreSQL's backends and pgbench runs end before a snapshot does).
 */
export function cpuStat(pid: number | undefined): CpuStat | null {
	if (!pid) return null;
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
		const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		// f[1] ppid; f[11..14] utime, stime, cutime, cstime in clock ticks (100 Hz)
		return { ppid: Number(f[1]), self: (Number(f[11]) + Number(f[12])) / 100, children: (Number(f[13]) + Number(f[14])) / 100 };
	} catch {
		return null;
	}
}

/** Seconds this process has spent runnable but waiting for a CPU (/proc/<pid>/schedstat). */
export function runQueueSeconds(pid: number | undefined): number | null {
	if (!pid) return null;
	try {
		return Number(fs.readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
	} catch {
		return null;
	}
}

export function cpuSeconds(pid: number | undefined): number | null {
	return cpuStat(pid)?.self ?? null;
}

export function running(): Proc[] {
	return procs.filter(p => p.child.exitCode === null && p.child.signalCode === null);
}

/** SIGTERM each child (the last started first), SIGKILL what is left after `graceMs`. */
export async function stopAll(graceMs = 15_000): Promise<void> {
	const live = running().reverse();
	await Promise.all(live.map(p => new Promise<void>(resolve => {
		if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
		const kill = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
		p.child.once("exit", () => {
			clearTimeout(kill);
			resolve();
		});
		p.child.kill("SIGTERM");
	})));
}

export async function stop(p: Proc, graceMs = 15_000): Promise<void> {
	if (p.child.exitCode !== null || p.child.signalCode !== null) return;
	await new Promise<void>(resolve => {
		const kill = setTimeout(() => p.child.kill("SIGKILL"), graceMs);
		p.child.once("exit", () => {
			clearTimeout(kill);
			resolve();
		});
		p.child.kill("SIGTERM");
	});
}
