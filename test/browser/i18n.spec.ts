/**
 * The web app's dictionaries (web/src/i18n.ts): French covers every English key and keeps its
 * placeholders and plural forms. Read as text: the web sources are ESM for the browser.
 */
import fs from "fs";
import path from "path";
import { PROJECT_ROOT } from "../../lib/paths";

const source = fs.readFileSync(path.join(PROJECT_ROOT, "web", "src", "i18n.ts"), "utf8");

function dictionary(name: "en" | "fr"): Map<string, string> {
	const start = source.indexOf(name === "en" ? "const en = {" : "const fr: Partial<Record<MessageKey, string>> = {");
	const end = source.indexOf("\n};", start);
	const body = source.slice(start, end);
	return new Map([...body.matchAll(/^\t"([\w.]+)": "((?:[^"\\]|\\.)*)",?$/gm)].map(m => [m[1], m[2]]));
}

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();

describe("web dictionaries", () => {
	const en = dictionary("en");
	const fr = dictionary("fr");

	it("parses both dictionaries", () => {
		expect(en.size).toBeGreaterThan(150);
		expect(fr.size).toBeGreaterThan(150);
	});

	it("has a French text for every English key, and no French key without an English one", () => {
		expect([...en.keys()].filter(k => !fr.has(k))).toEqual([]);
		expect([...fr.keys()].filter(k => !en.has(k))).toEqual([]);
	});

	it("keeps the same placeholders and plural forms in French", () => {
		const mismatches = [...en].filter(([k, v]) => fr.has(k) && (placeholders(v).join() !== placeholders(fr.get(k)!).join() || v.includes("|") !== fr.get(k)!.includes("|")));
		expect(mismatches).toEqual([]);
	});
});
