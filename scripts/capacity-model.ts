/**
 * `npm run capacity -- --bookings 500 --availability 3000 --streams 20000 --cores-per-node 8`:
 * turns the measured CPU one request costs each process (docs/benchmarks.md) into the cores and
 * nodes a target load needs, per process kind. `--check` compares the model with the measured
 * points it can be checked against (1 and 2 reservations nodes). docs/scaling.md explains the use.
 *
 * The model is linear on purpose: cores = Σ rate × µs per request ÷ utilisation ceiling. It has no
 * contention term; docs/scaling.md says why that holds for bookings of different hotels and where
 * it stops holding (one PostgreSQL server).
 */
import fs from "fs";
import path from "path";

export type ProcessKind = "gateway" | "reservations" | "postgresql" | "rabbitmq" | "mail" | "accounts" | "webhooks" | "hotels";
export type Workload = "booking" | "availability" | "search" | "streamEvent";

export interface Figure {
	/** CPU µs per request of each process kind; missing kinds cost nothing measurable */
	perProcessUs: Partial<Record<ProcessKind, number>> | null;
	/** where the figures come from; "measured" or "estimated split" says how far to trust them */
	source: string;
	split: "measured" | "estimated" | "missing";
	/** the command that measures it when the figure is missing or estimated */
	measureWith?: string;
}

/** docs/benchmarks.md, the full run's figures block unless said otherwise. Edit here when a newer run prints other figures. */
export const FIGURES: Record<Workload, Figure> = {
	booking: {
		perProcessUs: { gateway: 909, reservations: 1579, postgresql: 2297, rabbitmq: 1100, mail: 1962, accounts: 335, webhooks: 287 },
		source: "S5 at 50 connections, per process per booking, full run of 2026-12-02 07:31 (docs/benchmarks.md; a host where S0 costs 124 µs)",
		split: "measured",
	},
	availability: {
		perProcessUs: { gateway: 587, reservations: 1103, postgresql: 925, rabbitmq: 249 },
		source: "S6 (30 nights, 3 plans, 1,000 hotels) at 50 connections, per process per read, full run of 2026-12-02 07:31",
		split: "measured",
	},
	search: {
		perProcessUs: { gateway: 4348, reservations: 24348, postgresql: 26522, rabbitmq: 1739 },
		source: "S9 (a city of 100 hotels × 7 nights) at 1 connection, per process per search, full run of 2026-12-02 07:31",
		split: "measured",
	},
	streamEvent: {
		perProcessUs: { gateway: 192 },
		source: "S8 (2026-12-01): 192 µs of gateway CPU per availability event delivered to one open stream (AVAILABILITY_FLUSH_MS 100)",
		split: "measured",
	},
};

/** The final build's whole-machine S5 figure (µs per booking, load generator included) and its bookings/s, 2 cores, 1 reservations node */
export const MEASURED_S5 = {
	oneReservationsNode: { us: 8968, perSecond: 209, source: "docs/benchmarks.md, full run of 2026-12-02 07:31 (1,000 hotels), 50 connections" },
	twoReservationsNodes: { us: 16755, perSecond: 111, source: "docs/benchmarks.md 2026-12-02 (second session), --quick (100 hotels), 50 connections; the same --quick run with 1 node: 171/s at 11,000 µs" } as null | { us: number; perSecond: number; source: string },
	/** the load generator's CPU per booking (the full run's S5 row), only in --check: it shares the bench's cores */
	loadGeneratorUs: 287,
	machineCores: 2,
};

export interface Target {
	bookingsPerSecond: number;
	availabilityPerSecond: number;
	searchPerSecond: number;
	/** open streams × availability events each receives per second */
	streams: number;
	eventsPerStreamPerSecond: number;
}

export interface Assumptions {
	/** fraction of a node's cores the model lets the load take (headroom for bursts and GC) */
	utilisationCeiling: number;
	coresPerNode: number;
	/** nodes of each kind never fewer than this (redundancy; RabbitMQ quorum queues need 3) */
	minNodes: Partial<Record<ProcessKind, number>>;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
	utilisationCeiling: 0.7,
	coresPerNode: 8,
	minNodes: { gateway: 2, reservations: 2, postgresql: 1, rabbitmq: 3, mail: 1, accounts: 1, webhooks: 1, hotels: 2 },
};

export const KINDS: ProcessKind[] = ["gateway", "reservations", "postgresql", "rabbitmq", "mail", "accounts", "webhooks", "hotels"];

export interface KindNeed { kind: ProcessKind; busyCores: number; cores: number; nodes: number }
/** replicaPgCores: the PostgreSQL cores (at the ceiling) spent on reads a replica may serve (availability, search) */
export interface Plan { needs: KindNeed[]; totalCores: number; totalNodes: number; notCounted: Workload[]; replicaPgCores: number }

function ratesOf(t: Target): Record<Workload, number> {
	return { booking: t.bookingsPerSecond, availability: t.availabilityPerSecond, search: t.searchPerSecond, streamEvent: t.streams * t.eventsPerStreamPerSecond };
}

/** CPU cores each kind is busy with at the target load, before any headroom */
export function busyCores(target: Target, figures: Record<Workload, Figure> = FIGURES): { cores: Record<ProcessKind, number>; notCounted: Workload[] } {
	const cores = Object.fromEntries(KINDS.map(k => [k, 0])) as Record<ProcessKind, number>;
	const notCounted: Workload[] = [];
	for (const [workload, rate] of Object.entries(ratesOf(target)) as [Workload, number][]) {
		if (rate <= 0) continue;
		const us = figures[workload].perProcessUs;
		if (!us) { notCounted.push(workload); continue; }
		for (const [kind, perRequest] of Object.entries(us) as [ProcessKind, number][]) cores[kind] += rate * perRequest / 1e6;
	}
	return { cores, notCounted };
}

export function plan(target: Target, assumptions: Assumptions = DEFAULT_ASSUMPTIONS, figures: Record<Workload, Figure> = FIGURES): Plan {
	if (!(assumptions.utilisationCeiling > 0 && assumptions.utilisationCeiling <= 1)) throw new Error("utilisation ceiling must be in (0, 1]");
	if (!(assumptions.coresPerNode > 0)) throw new Error("cores per node must be positive");
	const { cores, notCounted } = busyCores(target, figures);
	const needs = KINDS.map(kind => {
		const needed = cores[kind] / assumptions.utilisationCeiling;
		const nodes = Math.max(assumptions.minNodes[kind] ?? 1, Math.ceil(needed / assumptions.coresPerNode - 1e-9));
		return { kind, busyCores: cores[kind], cores: needed, nodes };
	});
	return {
		needs,
		totalCores: needs.reduce((a, n) => a + n.cores, 0),
		totalNodes: needs.reduce((a, n) => a + n.nodes, 0),
		notCounted,
		replicaPgCores: (["availability", "search"] as const).reduce((a, w) =>
			a + ratesOf(target)[w] * (figures[w].perProcessUs?.postgresql ?? 0) / 1e6, 0) / assumptions.utilisationCeiling,
	};
}

/** bookings/s a machine of `cores` can sustain when every process shares it, at full use (the bench's shape) */
export function sharedMachineBookingsPerSecond(cores: number, perBookingUs: number): number {
	return cores * 1e6 / perBookingUs;
}

export function bookingMachineUs(figures: Record<Workload, Figure> = FIGURES): number {
	return Object.values(figures.booking.perProcessUs ?? {}).reduce((a, b) => a + (b ?? 0), 0);
}

export interface CheckLine { label: string; predicted: number; measured: number | null; errorPct: number | null; note: string }

/**
 * 1 vs 2 reservations nodes on the bench's 2 shared cores. The model predicts the same bookings/s
 * for both: the work per booking does not change with the number of nodes, and on one machine the
 * cores, not the node count, bound it. Only on separate machines does a second node add cores.
 */
export function check(measured = MEASURED_S5, figures: Record<Workload, Figure> = FIGURES): CheckLine[] {
	const perBooking = bookingMachineUs(figures) + measured.loadGeneratorUs;
	const predicted = sharedMachineBookingsPerSecond(measured.machineCores, perBooking);
	const line = (label: string, point: null | { perSecond: number; source: string }, missingNote: string): CheckLine => ({
		label,
		predicted,
		measured: point ? point.perSecond : null,
		errorPct: point ? (predicted - point.perSecond) / point.perSecond * 100 : null,
		note: point ? point.source : missingNote,
	});
	return [
		line("S5, 1 reservations node", measured.oneReservationsNode, "no measured figure"),
		line("S5, 2 reservations nodes", measured.twoReservationsNodes,
			"no measured 2-node figure in docs/benchmarks.md; measure it with BENCH_TOPOLOGY=api:1,hotels:1,reservations:2,mail:1,accounts:1,webhooks:1 npm run bench -- --only=S5"),
	];
}

function num(args: string[], name: string, fallback: number): number {
	const i = args.indexOf(`--${name}`);
	if (i < 0) return fallback;
	const v = Number(args[i + 1]);
	if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} needs a non-negative number`);
	return v;
}

function fmt(n: number, digits = 2): string { return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }); }

function printPlan(target: Target, a: Assumptions): void {
	const p = plan(target, a);
	console.log(`Target: ${target.bookingsPerSecond} bookings/s, ${target.availabilityPerSecond} availability reads/s, ${target.searchPerSecond} searches/s, ${target.streams} streams × ${target.eventsPerStreamPerSecond} events/s`);
	console.log(`Assumptions: utilisation ceiling ${a.utilisationCeiling * 100} %, ${a.coresPerNode} cores per node, minimum nodes ${JSON.stringify(a.minNodes)}; linear in load (no contention term); every process kind on its own nodes\n`);
	console.log("| process | busy cores | cores at ceiling | nodes |\n|---|---:|---:|---:|");
	for (const n of p.needs) console.log(`| ${n.kind} | ${fmt(n.busyCores)} | ${fmt(n.cores)} | ${n.nodes} |`);
	console.log(`| total | | ${fmt(p.totalCores)} | ${p.totalNodes} |\n`);
	for (const w of p.notCounted) console.log(`NOT COUNTED: ${w} — ${FIGURES[w].source}; measure with ${FIGURES[w].measureWith}`);
	console.log("Figures used:");
	for (const [w, f] of Object.entries(FIGURES)) console.log(`- ${w} (${f.split}): ${f.source}`);
	const pg = p.needs.find(n => n.kind === "postgresql");
	if (pg && pg.cores > 0) console.log(`\nOf PostgreSQL's ${fmt(pg.cores)} cores, ${fmt(p.replicaPgCores)} are availability/search reads a read replica may serve; bookings and their calendar read stay on the primary.`);
	const primaryCores = pg ? pg.cores - p.replicaPgCores : 0;
	const shards = Math.ceil(primaryCores / a.coresPerNode - 1e-9);
	if (shards > 1) console.log(`The primary's share (${fmt(primaryCores)} cores) needs ${shards} servers of ${a.coresPerNode} cores: one primary cannot be split, so ${shards} shards by hotel (docs/scaling.md), or bigger servers.`);
}

function printCheck(): number {
	console.log(`Model: ${fmt(bookingMachineUs(), 0)} µs per booking over the services + ${MEASURED_S5.loadGeneratorUs} µs load generator, ${MEASURED_S5.machineCores} shared cores at full use\n`);
	console.log("| point | predicted bookings/s | measured | error | source |\n|---|---:|---:|---:|---|");
	let failed = 0;
	for (const l of check()) {
		console.log(`| ${l.label} | ${fmt(l.predicted, 0)} | ${l.measured === null ? "missing" : fmt(l.measured, 0)} | ${l.errorPct === null ? "–" : `${fmt(l.errorPct, 0)} %`} | ${l.note} |`);
		if (l.errorPct !== null && Math.abs(l.errorPct) > 20) failed++;
	}
	const benchmarks = path.join(__dirname, "..", "..", "docs", "benchmarks.md");
	const alt = path.join(__dirname, "..", "docs", "benchmarks.md");
	const file = fs.existsSync(benchmarks) ? benchmarks : alt;
	if (fs.existsSync(file)) {
		const lines = fs.readFileSync(file, "utf8").split("\n").filter(l => /reservations:2/.test(l));
		if (lines.length) { console.log("\ndocs/benchmarks.md mentions a 2-reservations-node topology (copy its figure into MEASURED_S5.twoReservationsNodes):"); for (const l of lines) console.log(`  ${l.trim()}`); }
	}
	console.log(`\nWithin ±20 %: ${failed === 0 ? "yes" : "no"} (run-to-run spread on the bench host is about ±15 %)`);
	return failed === 0 ? 0 : 1;
}

function main(args: string[]): number {
	if (args.includes("--check")) return printCheck();
	const target: Target = {
		bookingsPerSecond: num(args, "bookings", 100),
		availabilityPerSecond: num(args, "availability", 1000),
		searchPerSecond: num(args, "search", 0),
		streams: num(args, "streams", 1000),
		eventsPerStreamPerSecond: num(args, "events-per-stream", 1),
	};
	const assumptions: Assumptions = {
		...DEFAULT_ASSUMPTIONS,
		utilisationCeiling: num(args, "ceiling", DEFAULT_ASSUMPTIONS.utilisationCeiling * 100) / 100,
		coresPerNode: num(args, "cores-per-node", DEFAULT_ASSUMPTIONS.coresPerNode),
	};
	printPlan(target, assumptions);
	return 0;
}

if (require.main === module) {
	try { process.exitCode = main(process.argv.slice(2)); } catch (err) { console.error((err as Error).message); process.exitCode = 2; }
}
