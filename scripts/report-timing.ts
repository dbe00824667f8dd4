/**
 * How long the daily report takes for a year of a 200-room hotel (docs/reports.md, "Measured").
 *
 *   npx tsc -p tsconfig.build.json && node dist/scripts/report-timing.js [--store pg|sqlite] [--others 9] [--runs 30] [--trace] [--keep]
 *   node dist/scripts/report-timing.js --url <a kept database's URL> [--runs 30]   (time again without seeding)
 *
 * Builds its own store (PostgreSQL: a database `hb_report_timing_<pid>` on PG_ADMIN_URL or the
 * local server, dropped afterwards; SQLite: a temp file) with the reservations migrations, then
 * seeds the hotel and `--others` hotels like it: 5 room types (200 rooms), 730 nights of
 * inventory around today, stays of 1 to 4 nights filling each night to 55–90 %, some cancelled
 * with a fee, some no-shows, some checked out early. Then times reportSums + buildReport (the
 * SQL the route runs, in this process: no HTTP) and the CSV for the 365 days from a year ago.
 * Prints the figures; asserts nothing.
 */
import fs from "fs";
import os from "os";
import path from "path";
import { Client } from "pg";
import { Sequelize } from "sequelize";
import { migrations } from "../services/reservations/migrations";
import { SqlStore } from "../services/reservations/db";
import type { HotelCopy } from "../services/reservations/hotel-copies";
import { buildReport, reportCsv, reportSums } from "../services/reservations/reports";
import { addDays, localDate } from "../services/reservations/stay";

const arg = (name: string, fallback: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : fallback;
};
const STORE = arg("store", "pg");
const OTHERS = Number(arg("others", "9"));
const RUNS = Number(arg("runs", "30"));
const TZ = "Europe/Paris";
const TYPES: [string, number, number][] = [["single", 40, 8000], ["double", 80, 12000], ["twin", 40, 12500], ["family", 25, 21000], ["suite", 15, 35000]];

/** A deterministic generator: the same data set on every run. */
let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

async function insert(db: SqlStore, table: string, cols: string[], rows: unknown[][]): Promise<void> {
	for (let i = 0; i < rows.length; i += 400) {
		const chunk = rows.slice(i, i + 400);
		const rep: Record<string, unknown> = {};
		const values = chunk.map((r, j) => `(${r.map((v, k) => { rep[`v${j}_${k}`] = v; return `:v${j}_${k}`; }).join(", ")})`);
		await db.exec(`INSERT INTO ${table} (${cols.join(", ")}) VALUES ${values.join(", ")}`, rep);
	}
}

const RES_COLS = ["id", "code", "status", "hotel_id", "hotel_name", "room_type_id", "room_type_name", "check_in", "check_out", "nights", "rooms", "guests",
	"guest_name", "guest_email", "guest_locale", "total_price", "currency", "sequence", "created_at", "updated_at", "cancellation_fee", "no_show_fee", "fee_waived", "status_at", "status_on"];

let serial = 0;
async function seedHotel(db: SqlStore, hotelId: string, today: string): Promise<number> {
	const first = addDays(today, -365);
	const inventory: unknown[][] = [];
	const reservations: unknown[][] = [];
	const nights: unknown[][] = [];
	for (const [rt, size, price] of TYPES) {
		const booked = new Array<number>(730).fill(0);
		for (let d = 0; d < 730; d++) {
			inventory.push([hotelId, rt, addDays(first, d), size, 0]);
			const target = Math.floor(size * (0.55 + rnd() * 0.35));
			while (booked[d] < target) {
				const len = Math.min(1 + Math.floor(rnd() * 4), 730 - d);
				const rooms = rnd() < 0.1 ? 2 : 1;
				const checkIn = addDays(first, d);
				const checkOut = addDays(checkIn, len);
				const id = `r${++serial}`;
				const created = new Date(Date.parse(`${checkIn}T10:00:00Z`) - Math.floor(rnd() * 60) * 86_400_000 - Math.floor(rnd() * 86_400_000)).toISOString();
				const roll = rnd();
				const status = roll < 0.08 ? "cancelled" : roll < 0.11 ? "no_show" : checkOut <= today ? "checked_out" : checkIn <= today ? "checked_in" : "confirmed";
				const total = price * len * rooms;
				const statusOn = status === "cancelled" ? created.slice(0, 10) : status === "checked_out" ? (rnd() < 0.05 && len > 1 ? addDays(checkIn, 1) : checkOut) : status === "no_show" ? checkIn : null;
				reservations.push([id, `C${String(serial).padStart(7, "0")}`, status, hotelId, "Timing hotel", rt, rt, checkIn, checkOut, len, rooms, rooms,
					"Guest", "guest@example.com", "en", total, "EUR", 0, created, created,
					status === "cancelled" ? price * rooms : null, status === "no_show" ? price * rooms : null, false, statusOn ? `${statusOn}T10:00:00.000Z` : null, statusOn]);
				for (let n = 0; n < len; n++) nights.push([id, addDays(checkIn, n), hotelId, rt, rooms, price]);
				if (status !== "cancelled") for (let n = 0; n < len; n++) booked[d + n] += rooms;
			}
		}
	}
	await insert(db, "inventory", ["hotel_id", "room_type_id", "night", "total", "booked"], inventory);
	await insert(db, "reservations", RES_COLS, reservations);
	await insert(db, "reservation_nights", ["reservation_id", "night", "hotel_id", "room_type_id", "rooms", "price"], nights);
	return reservations.length;
}

async function main(): Promise<void> {
	let sequelize: Sequelize;
	let cleanup: () => Promise<void>;
	const reuse = arg("url", "");
	if (reuse) {
		// A database kept by an earlier run (--keep): time only.
		sequelize = new Sequelize(reuse, { logging: false });
		cleanup = () => sequelize.close();
	} else if (STORE === "pg") {
		const adminUrl = process.env.PG_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
		const name = `hb_report_timing_${process.pid}`;
		const admin = new Client({ connectionString: adminUrl });
		await admin.connect();
		await admin.query(`CREATE DATABASE "${name}"`);
		const u = new URL(adminUrl);
		u.pathname = `/${name}`;
		sequelize = new Sequelize(u.toString(), { logging: false });
		cleanup = async () => {
			await sequelize.close();
			if (process.argv.includes("--keep")) console.log(`kept ${u.toString()}`);
			else await admin.query(`DROP DATABASE "${name}"`);
			await admin.end();
		};
	} else {
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "hb-report-")), "reservations.sqlite");
		sequelize = new Sequelize({ dialect: "sqlite", storage: file, logging: false });
		cleanup = async () => {
			await sequelize.close();
			if (process.argv.includes("--keep")) console.log(`kept sqlite:${file}`);
			else fs.rmSync(path.dirname(file), { recursive: true, force: true });
		};
	}
	try {
		const db = new SqlStore(sequelize);
		const today = localDate(TZ);
		let t = Date.now();
		if (!reuse) {
			for (const m of migrations) await m.up({ context: sequelize.getQueryInterface() } as never);
			await db.tune();
			let count = 0;
			for (let h = 0; h <= OTHERS; h++) count += await seedHotel(db, h === 0 ? "timing-hotel" : `other-${h}`, today);
			if (db.pg) await db.exec("ANALYZE");
			console.log(`${db.dialect}: seeded ${OTHERS + 1} hotels × 200 rooms × 730 nights: ${count} reservations in ${((Date.now() - t) / 1000).toFixed(1)} s`);
		}
		const [n] = await db.select<{ n: string | number }>("SELECT COUNT(*) AS n FROM reservation_nights");
		console.log(`${n.n} reservation nights in the store`);

		if (process.argv.includes("--trace")) {
			const select = db.select.bind(db);
			db.select = (async (sql: string, rep?: Record<string, unknown>, tx?: never) => {
				const at = performance.now();
				const rows = await select(sql, rep, tx);
				console.log(`  ${(performance.now() - at).toFixed(1)} ms  ${sql.replace(/\s+/g, " ").slice(0, 90)}`);
				return rows;
			}) as typeof db.select;
		}
		const copy = { id: "timing-hotel", hotel: { id: "timing-hotel", currency: "EUR", timezone: TZ, roomTypes: TYPES.map(([id, totalRooms]) => ({ id, totalRooms })) } } as unknown as HotelCopy;
		const from = addDays(today, -365);
		const to = today;
		const times: number[] = [];
		let csvMs = 0;
		let occupancy = 0;
		for (let i = 0; i < RUNS + 3; i++) {
			t = performance.now();
			const report = buildReport(copy, from, to, await reportSums(db, copy.id, from, to, TZ));
			const ms = performance.now() - t;
			if (i >= 3) times.push(ms); // the first runs warm the caches and the connection pool
			t = performance.now();
			reportCsv(report);
			csvMs = performance.now() - t;
			occupancy = report.totals.occupancy;
		}
		times.sort((a, b) => a - b);
		const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
		console.log(`${db.dialect}: year report (${from} → ${to}, occupancy ${occupancy}) over ${RUNS} runs: min ${q(0)} ms, median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms; CSV ${csvMs.toFixed(1)} ms`);
	} finally {
		await cleanup();
	}
}

main().catch(err => {
	console.error(err);
	process.exit(1);
});
