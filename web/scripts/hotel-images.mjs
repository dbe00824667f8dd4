#!/usr/bin/env node
/* global console, process */
/**
 * Generates the demo hotels' photos (services/hotels/demo-data.ts references
 * /img/hotels/<id>-1.svg and -2.svg): a façade with its surroundings and a room, as small SVG
 * illustrations, deterministic per hotel. Output: web/public/img/hotels/ (committed).
 * Run: node web/scripts/hotel-images.mjs
 */
import fs from "fs";
import path from "path";
import { fileURLToPath } from "url";

const here = path.dirname(fileURLToPath(import.meta.url));
const demo = fs.readFileSync(path.join(here, "../../services/hotels/demo-data.ts"), "utf8");
const hotels = [...demo.matchAll(/hotel\("([^"]+)", "([^"]+)", (\w+),[^\n]*?, (\d), \[/g)].map(m => ({ id: m[1], name: m[2], city: m[3], stars: Number(m[4]) }));
const out = path.join(here, "../public/img/hotels");
fs.mkdirSync(out, { recursive: true });

function rng(seed) {
	let h = 2166136261;
	for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
	return () => ((h = Math.imul(h ^ (h >>> 15), 2246822507) ^ Math.imul(h ^ (h >>> 13), 3266489909)) >>> 0) / 4294967296;
}
const esc = s => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

const scenery = {
	paris: { sky: ["#cfe3f7", "#f4f8fc"], ground: "#b9b2a6", walls: ["#efe6d6", "#e6dccb", "#f3ede2"], roof: "#59677a", extra: r => eiffel(80 + r() * 40) },
	lyon: { sky: ["#f8d9b8", "#fdf1e4"], ground: "#a9a08f", walls: ["#e9b88f", "#f0c9a0", "#dca47a"], roof: "#a8553a", extra: () => hill("#8aa17b") },
	annecy: { sky: ["#bfe0f2", "#eef7fb"], ground: "#6fa8c9", walls: ["#f5efe3", "#f1d7b8", "#e8e0cc"], roof: "#6b4c3b", extra: () => mountains() },
	nice: { sky: ["#9fd3f0", "#e6f5fc"], ground: "#3a8fc2", walls: ["#f6d7a7", "#f2c6a0", "#f8e3bd"], roof: "#c0603e", extra: () => palms() },
};
function eiffel(x) {
	return `<path d="M${x} 60 L${x - 14} 190 H${x - 6} L${x} 150 L${x + 6} 190 H${x + 14} Z" fill="#6b5f55" opacity=".55"/>`;
}
function hill(c) {
	return `<path d="M0 170 Q120 110 260 150 T520 140 T640 160 V200 H0Z" fill="${c}" opacity=".8"/>`;
}
function mountains() {
	return `<path d="M0 170 L90 80 L150 130 L240 50 L330 140 L420 70 L520 150 L600 90 L640 120 V200 H0Z" fill="#7f93a8"/><path d="M240 50 L262 72 L250 70 L240 80 L228 68Z M420 70 L440 90 L420 86 L404 86Z" fill="#fff"/>`;
}
function palms() {
	let s = "";
	for (const x of [40, 600]) s += `<path d="M${x} 300 q6-60 2-120" stroke="#6b4f2e" stroke-width="7" fill="none"/><path d="M${x + 2} 180 q-40-10-55 15 M${x + 2} 180 q40-12 55 12 M${x + 2} 180 q-20-35-45-35 M${x + 2} 180 q25-35 48-30" stroke="#3f7d3a" stroke-width="9" fill="none" stroke-linecap="round"/>`;
	return s;
}

function facade(h) {
	const r = rng(h.id + "-1");
	const sc = scenery[h.city.toLowerCase()] ?? scenery.paris;
	const wall = sc.walls[Math.floor(r() * sc.walls.length)];
	const floors = 3 + Math.min(h.stars, 4);
	const cols = 5 + Math.floor(r() * 3);
	const bw = 340, bx = 150, fh = 34, by = 360 - floors * fh - 20;
	let windows = "";
	const ww = (bw - 40) / cols;
	for (let f = 0; f < floors; f++)
		for (let c = 0; c < cols; c++) {
			const lit = r() < 0.35;
			const x = bx + 20 + c * ww + ww * 0.2, y = by + 14 + f * fh;
			windows += `<rect x="${x.toFixed(1)}" y="${y}" width="${(ww * 0.6).toFixed(1)}" height="20" rx="2" fill="${lit ? "#ffd873" : "#4d6b8a"}"/>`;
			if (f > 0 && r() < 0.5) windows += `<rect x="${(x - 3).toFixed(1)}" y="${y + 20}" width="${(ww * 0.6 + 6).toFixed(1)}" height="3" fill="#2f2f2f" opacity=".6"/>`;
		}
	const doorX = bx + bw / 2 - 22;
	const stars = "★".repeat(h.stars);
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 400" role="img" aria-label="${esc(h.name)}: façade">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sc.sky[0]}"/><stop offset="1" stop-color="${sc.sky[1]}"/></linearGradient></defs>
<rect width="640" height="400" fill="url(#sky)"/>
<circle cx="${520 + r() * 60}" cy="${60 + r() * 30}" r="26" fill="#fff3b0" opacity=".9"/>
<g transform="translate(0 60)">${sc.extra(r)}</g>
<rect y="340" width="640" height="60" fill="${sc.ground}"/>
<rect x="${bx}" y="${by}" width="${bw}" height="${360 - by}" fill="${wall}" stroke="#00000022"/>
<path d="M${bx - 12} ${by} L${bx + 20} ${by - 34} H${bx + bw - 20} L${bx + bw + 12} ${by}Z" fill="${sc.roof}"/>
${windows}
<rect x="${doorX}" y="312" width="44" height="48" rx="20" fill="#5b3a29"/>
<path d="M${doorX - 30} 304 h104 l-10 -10 h-84z" fill="#7a1f2b"/>
<rect x="${bx + bw / 2 - 70}" y="${by - 30}" width="140" height="22" rx="4" fill="#ffffffcc"/>
<text x="${bx + bw / 2}" y="${by - 14}" text-anchor="middle" font-family="Georgia,serif" font-size="13" fill="#7a1f2b">${esc(stars)}</text>
<text x="320" y="390" text-anchor="middle" font-family="Georgia,serif" font-size="18" fill="#fff" stroke="#0006" stroke-width=".6">${esc(h.name)}</text>
</svg>
`;
}

function room(h) {
	const r = rng(h.id + "-2");
	const hue = Math.floor(r() * 360);
	const wall = `hsl(${hue} 35% 88%)`, accent = `hsl(${(hue + 180) % 360} 45% 45%)`;
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 400" role="img" aria-label="${esc(h.name)}: a room">
<rect width="640" height="400" fill="${wall}"/>
<rect y="300" width="640" height="100" fill="#b08a64"/>
<path d="M0 300 H640" stroke="#8a6a4a" stroke-width="4"/>
<rect x="410" y="60" width="170" height="150" fill="#cfe8f7" stroke="#fff" stroke-width="10"/>
<path d="M495 60 V210 M410 135 H580" stroke="#fff" stroke-width="6"/>
<path d="M400 50 q20 90 0 175 h30 q-18 -85 0 -175z M590 50 q-20 90 0 175 h-30 q18 -85 0 -175z" fill="${accent}" opacity=".85"/>
<rect x="90" y="170" width="260" height="30" rx="6" fill="#6b4f2e"/>
<rect x="80" y="200" width="280" height="90" rx="10" fill="#ffffff"/>
<rect x="80" y="240" width="280" height="50" rx="8" fill="${accent}"/>
<rect x="100" y="180" width="80" height="36" rx="14" fill="#f4f1ea"/><rect x="190" y="180" width="80" height="36" rx="14" fill="#f4f1ea"/>
<rect x="80" y="288" width="12" height="22" fill="#4a3620"/><rect x="348" y="288" width="12" height="22" fill="#4a3620"/>
<rect x="372" y="236" width="56" height="64" rx="4" fill="#8a6a4a"/><path d="M385 236 l15 -40 l15 40z" fill="#f6e3a1"/><rect x="398" y="196" width="4" height="40" fill="#444"/>
<rect x="150" y="80" width="120" height="70" fill="#fff" stroke="#6b4f2e" stroke-width="5"/><path d="M160 140 l30 -35 l25 25 l15 -15 l30 25z" fill="${accent}" opacity=".7"/>
<text x="320" y="385" text-anchor="middle" font-family="Georgia,serif" font-size="18" fill="#fff" stroke="#0006" stroke-width=".6">${esc(h.name)}</text>
</svg>
`;
}

for (const h of hotels) {
	fs.writeFileSync(path.join(out, `${h.id}-1.svg`), facade(h));
	fs.writeFileSync(path.join(out, `${h.id}-2.svg`), room(h));
}
// A neutral picture for hotels without photos.
fs.writeFileSync(path.join(out, "placeholder.svg"), facade({ id: "placeholder", name: "", city: "paris", stars: 0 }));
console.log(`${hotels.length * 2 + 1} images written to ${path.relative(process.cwd(), out)}`);
