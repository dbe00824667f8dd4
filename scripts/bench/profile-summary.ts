/**
 * Summarise V8 CPU profiles (node --cpu-prof) as markdown: self time by function and by package
 * (node_modules/<pkg>, node:internal, the project's own files, GC, idle). Used by run.ts with
 * --profile, and on its own: `node dist/scripts/bench/profile-summary.js <file.cpuprofile>...`.
 */
import fs from "fs";
import path from "path";

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; hitCount?: number }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] }

export interface Summary {
	file: string;
	totalMs: number;
	busyMs: number;
	byFunction: { name: string; ms: number; pct: number }[];
	byPackage: { name: string; ms: number; pct: number }[];
}

function packageOf(url: string, fn: string): string {
	if (fn === "(garbage collector)") return "(gc)";
	if (fn === "(idle)") return "(idle)";
	if (fn === "(program)") return "(program: native, not attributed)";
	if (!url) return "(native/builtin)";
	if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
	const nm = url.lastIndexOf("node_modules/");
	if (nm >= 0) {
		const rest = url.slice(nm + "node_modules/".length).split("/");
		return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	const dist = url.indexOf("/dist/");
	if (dist >= 0) return `project: ${url.slice(dist + 6).replace(/^file:\/\//, "")}`;
	return url.replace(/^file:\/\//, "");
}

/** A window of the monotonic clock (µs, as process.hrtime and V8's profiler count it). */
export interface Window { fromUs: number; toUs: number }

/** node_modules/<pkg>/<file>, node:<module>, or the project-relative compiled file. */
function shortUrl(url: string): string {
	const nm = url.lastIndexOf("node_modules/");
	if (nm >= 0) return url.slice(nm + "node_modules/".length);
	const dist = url.indexOf("/dist/");
	if (dist >= 0) return url.slice(dist + 1);
	return url.replace(/^file:\/\//, "");
}

export function summarise(file: string, top = 25, window?: Window): Summary {
	const prof = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
	const byId = new Map(prof.nodes.map(n => [n.id, n]));
	const selfUs = new Map<number, number>();
	if (prof.samples && prof.timeDeltas) {
		let at = prof.startTime;
		for (let i = 0; i < prof.samples.length; i++) {
			at += prof.timeDeltas[i];
			if (window && (at < window.fromUs || at > window.toUs)) continue;
			selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0));
		}
	} else {
		const interval = (prof.endTime - prof.startTime) / Math.max(1, prof.nodes.reduce((a, n) => a + (n.hitCount ?? 0), 0));
		for (const n of prof.nodes) selfUs.set(n.id, (n.hitCount ?? 0) * interval);
	}
	const fnMs = new Map<string, number>();
	const pkgMs = new Map<string, number>();
	let total = 0;
	let idle = 0;
	for (const [id, us] of selfUs) {
		const n = byId.get(id);
		if (!n) continue;
		const cf = n.callFrame;
		const ms = us / 1000;
		total += ms;
		if (cf.functionName === "(idle)") idle += ms;
		const pkg = packageOf(cf.url, cf.functionName);
		const where = cf.url ? ` ${shortUrl(cf.url)}:${cf.lineNumber + 1}` : "";
		const name = `${cf.functionName || "(anonymous)"}${where}`;
		fnMs.set(name, (fnMs.get(name) ?? 0) + ms);
		pkgMs.set(pkg, (pkgMs.get(pkg) ?? 0) + ms);
	}
	const busy = total - idle;
	const rank = (m: Map<string, number>) => [...m.entries()]
		.filter(([k]) => k !== "(idle)" && !k.startsWith("(idle)"))
		.sort((a, b) => b[1] - a[1]).slice(0, top)
		.map(([name, ms]) => ({ name, ms, pct: busy > 0 ? (100 * ms) / busy : 0 }));
	return { file, totalMs: total, busyMs: busy, byFunction: rank(fnMs), byPackage: rank(pkgMs) };
}

export function toMarkdown(s: Summary, title = path.basename(s.file)): string {
	const lines = [`### ${title}`, "", `Profiled ${(s.totalMs / 1000).toFixed(1)} s, busy (not idle) ${(s.busyMs / 1000).toFixed(1)} s. Self time, % of busy time.`, ""];
	lines.push("| package | self ms | % |", "|---|---:|---:|");
	for (const p of s.byPackage.slice(0, 12)) lines.push(`| ${p.name} | ${p.ms.toFixed(0)} | ${p.pct.toFixed(1)} |`);
	lines.push("", "| function | self ms | % |", "|---|---:|---:|");
	for (const f of s.byFunction.slice(0, 20)) lines.push(`| \`${f.name.replace(/\|/g, "\\|")}\` | ${f.ms.toFixed(0)} | ${f.pct.toFixed(1)} |`);
	return lines.join("\n") + "\n";
}

if (require.main === module) {
	for (const f of process.argv.slice(2)) process.stdout.write(toMarkdown(summarise(f)) + "\n");
}
