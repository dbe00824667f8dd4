/**
 * Browser tests' harness: builds the web app when its sources changed, starts the embedded
 * platform (every service, SQLite/NeDB/.eml under a temp DATA_DIR, a free port) and drives
 * Debian's Chromium (/usr/bin/chromium) through playwright-core — never a downloaded browser.
 * Any console error or uncaught page error fails the test unless the test says it expects it.
 */
import { execFileSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { ServiceBroker } from "moleculer";
import { ALL_SERVICES } from "../../lib/config";
import { startBrokerWithEnv } from "../helpers/app";
import { PROJECT_ROOT } from "../../lib/paths";
import { IN_CI, freePort } from "../helpers/infra";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/**
 * Browser suites run when Chromium is installed; in CI (which installs it) they always run, so a
 * missing browser fails there. Elsewhere they are skipped with a visible message, like the suites
 * that need PostgreSQL or RabbitMQ.
 */
export const RUN_BROWSER = IN_CI || fs.existsSync(CHROMIUM);
if (!RUN_BROWSER) console.warn(`SKIPPED LOCALLY — browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);
export const browserDescribe = RUN_BROWSER ? describe : describe.skip;
export const VIEWPORTS = {
	phone: { width: 375, height: 740 },
	desktop: { width: 1280, height: 800 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

const WEB = path.join(PROJECT_ROOT, "web");
const DIST_INDEX = path.join(WEB, "dist", "index.html");

function newestMtime(p: string): number {
	const st = fs.statSync(p);
	if (!st.isDirectory()) return st.mtimeMs;
	let max = st.mtimeMs;
	for (const e of fs.readdirSync(p)) if (e !== "dist" && e !== "node_modules") max = Math.max(max, newestMtime(path.join(p, e)));
	return max;
}

/** `vite build web` unless web/dist is newer than every source file. */
export function ensureWebBuilt(): void {
	const built = fs.existsSync(DIST_INDEX) ? fs.statSync(DIST_INDEX).mtimeMs : 0;
	if (built > newestMtime(WEB)) return;
	execFileSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "vite"), ["build", "web", "--logLevel", "warn"], { cwd: PROJECT_ROOT, stdio: "inherit" });
}

export interface Stack {
	broker: ServiceBroker;
	baseUrl: string;
	dataDir: string;
	stop(): Promise<void>;
}

/** The embedded shape of `npm start`, on a free port, with its stores in a temp dir. */
export async function startStack(): Promise<Stack> {
	ensureWebBuilt();
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hb-browser-"));
	const port = await freePort();
	const env: Record<string, string> = { DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", AUTH_RATE_LIMIT_PER_MINUTE: "1000", PUBLIC_URL: `http://127.0.0.1:${port}` };
	const { broker } = await startBrokerWithEnv(env, ALL_SERVICES);
	return {
		broker,
		baseUrl: `http://127.0.0.1:${port}`,
		dataDir,
		async stop() {
			await broker.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

export interface Browser {
	context: BrowserContext;
	page: Page;
	/** Console errors and page errors seen so far, minus the ones a test declared expected. */
	errors: string[];
	/** Declare console errors the next steps will cause on purpose (e.g. a 422 answer). */
	expectConsoleError(pattern: RegExp, times?: number): void;
	close(): Promise<void>;
}

/** A fresh profile (its own --user-data-dir) at the given viewport. */
/** Inside a describe: one browser for the block, closed after it; every test fails on a console error. */
export function useBrowser(viewport: ViewportName): () => Browser {
	let b: Browser;
	beforeAll(async () => {
		b = await openBrowser(viewport);
	});
	afterAll(async () => {
		await b?.close();
	});
	afterEach(() => {
		expect(b.errors.splice(0)).toEqual([]);
	});
	return () => b;
}

export async function openBrowser(viewport: ViewportName): Promise<Browser> {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), "hb-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: VIEWPORTS[viewport],
		deviceScaleFactor: 1,
		locale: "en-GB",
		timezoneId: "Europe/Paris",
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
	});
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(15_000);
	const errors: string[] = [];
	const expected: { pattern: RegExp; left: number }[] = [];
	const record = (text: string) => {
		const e = expected.find(x => x.left > 0 && x.pattern.test(text));
		if (e) e.left--;
		else errors.push(text);
	};
	page.on("console", msg => {
		if (msg.type() === "error") record(`console: ${msg.text()} @ ${msg.location().url}`);
	});
	page.on("pageerror", err => record(`pageerror: ${err.message}`));
	return {
		context,
		page,
		errors,
		expectConsoleError(pattern, times = 1) {
			expected.push({ pattern, left: times });
		},
		async close() {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_RUN = `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } })
	.then(r => r.violations.map(v => v.impact + " " + v.id + ": " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")))`;

/** axe-core's WCAG 2.1 A/AA rules on the page as it is now: the list of violations (empty when clean). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
	if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.addScriptTag({ content: AXE_SOURCE });
	return (await page.evaluate(AXE_RUN)) as string[];
}

/** Full-page screenshots: to docs/screenshots/ with SCREENSHOTS=1 (npm run screenshots), else a temp dir. */
const SHOTS = process.env.SCREENSHOTS === "1" ? path.join(PROJECT_ROOT, "docs", "screenshots") : path.join(os.tmpdir(), "hb-screenshots");
export async function screenshot(page: Page, name: string, viewport: ViewportName): Promise<void> {
	// Every page worth a picture is also checked for accessibility.
	const violations = await accessibilityViolations(page);
	if (violations.length) throw new Error(`${name} (${viewport}) has accessibility violations:\n${violations.join("\n")}`);
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.evaluate("document.activeElement?.blur()"); // no focus ring in the pictures
	await page.screenshot({ path: path.join(SHOTS, `${name}-${viewport}.png`), fullPage: true, animations: "disabled" });
}

/** YYYY-MM-DD, `days` from today (UTC; the demo hotels are in Europe/Paris, tests stay ≥ 1 week ahead). */
/** The calendar date `days` from today in `timeZone` (a hotel's "today" is its own, not UTC's). */
export function isoDay(days: number, timeZone = "UTC"): string {
	const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
	const d = new Date(`${today}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + days);
	return d.toISOString().slice(0, 10);
}

/** JSON over HTTP to the stack (Node's fetch). */
export async function apiCall<T>(baseUrl: string, method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
	const res = await fetch(baseUrl + url, {
		method,
		headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}
