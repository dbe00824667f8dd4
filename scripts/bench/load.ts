/**
 * HTTP load with autocannon's programmatic API: a warm-up, then N measured runs; the figure
 * reported for each metric is the median over the runs (errors and non-2xx are summed: any is
 * too many).
 */
import autocannon from "autocannon";

export interface RunFigures {
	rps: number;
	/** 2xx answers per second. */
	okRps: number;
	p50: number;
	p99: number;
	max: number;
	errors: number;
	timeouts: number;
	non2xx: number;
	total: number;
	statusCodes: Record<string, number>;
}

export interface LoadFigures extends RunFigures {
	runs: RunFigures[];
}

export interface LoadSpec {
	url: string;
	connections: number;
	seconds: number;
	warmupSeconds: number;
	runs: number;
	method?: "GET" | "POST";
	headers?: Record<string, string>;
	/** Build each request (unique bodies, paths). */
	setupRequest?: (req: autocannon.Request) => autocannon.Request;
	/** Called with every response (status, body) — only when given, since it buffers bodies. */
	onResponse?: (status: number, body: string) => void;
	/** Requests per second over all connections (autocannon's overallRate): paced load instead of as fast as possible. */
	rate?: number;
	/** Between runs: e.g. let a queue drain. */
	between?: () => Promise<void>;
	log?: (line: string) => void;
}

export const median = (xs: number[]): number => {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function once(spec: LoadSpec, seconds: number): Promise<RunFigures> {
	const request: autocannon.Request = { method: spec.method ?? "GET", headers: spec.headers };
	if (spec.setupRequest) request.setupRequest = spec.setupRequest as autocannon.Request["setupRequest"];
	if (spec.onResponse) {
		const cb = spec.onResponse;
		request.onResponse = (status: number, body: string) => cb(status, body);
	}
	return new Promise((resolve, reject) => {
		autocannon({
			url: spec.url,
			connections: spec.connections,
			duration: seconds,
			timeout: 10,
			...(spec.rate ? { overallRate: spec.rate } : {}),
			requests: [request],
		}, (err, r) => {
			if (err) return reject(err);
			const statusCodes: Record<string, number> = {};
			for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = v.count ?? 0;
			const total = r["1xx"] + r["2xx"] + r["3xx"] + r["4xx"] + r["5xx"];
			resolve({
				rps: total / Math.max(r.duration, 0.001),
				okRps: r["2xx"] / Math.max(r.duration, 0.001),
				p50: r.latency.p50,
				p99: r.latency.p99,
				max: r.latency.max,
				errors: r.errors,
				timeouts: r.timeouts,
				non2xx: r.non2xx,
				total,
				statusCodes,
			});
		});
	});
}

export async function load(spec: LoadSpec): Promise<LoadFigures> {
	if (spec.warmupSeconds > 0) await once(spec, spec.warmupSeconds);
	const runs: RunFigures[] = [];
	for (let i = 0; i < spec.runs; i++) {
		if (spec.between) await spec.between();
		const r = await once(spec, spec.seconds);
		spec.log?.(`    run ${i + 1}/${spec.runs}: ${Math.round(r.rps)} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, errors ${r.errors}, non-2xx ${r.non2xx}`);
		runs.push(r);
	}
	const statusCodes: Record<string, number> = {};
	for (const r of runs) for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
	return {
		runs,
		rps: median(runs.map(r => r.rps)),
		okRps: median(runs.map(r => r.okRps)),
		p50: median(runs.map(r => r.p50)),
		p99: median(runs.map(r => r.p99)),
		max: median(runs.map(r => r.max)),
		errors: runs.reduce((a, r) => a + r.errors, 0),
		timeouts: runs.reduce((a, r) => a + r.timeouts, 0),
		non2xx: runs.reduce((a, r) => a + r.non2xx, 0),
		total: runs.reduce((a, r) => a + r.total, 0),
		statusCodes,
	};
}
