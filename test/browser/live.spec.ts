/**
 * Live availability in a real browser (SPEC §13, issue 15), at phone and desktop sizes: two pages
 * on the same hotel and dates (results and hotel page); a booking through the API, then one made
 * on the second page, change "2 left" into "1 left" and "Sold out" on the first without a reload
 * (and a cancellation back); the staff reservations list and occupancy chart show a new booking
 * without a reload; the "reconnecting" notice while a stream is down, gone once it is back.
 * First, the merge rules (web/src/live-counts.ts).
 */
import type { Page, Route } from "playwright-core";
import type { StreamHub } from "../../services/api/streams";
import { applyEvent, liveAvailable, stayNights, type ToldCounts } from "../../web/src/live-counts";
import { waitFor } from "../helpers/wait";
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, screenshot, startStack, useBrowser, type Stack, type ViewportName } from "./harness";

jest.setTimeout(120_000);

describe("live counts (web/src/live-counts.ts)", () => {
	const nights = stayNights("2027-03-01", "2027-03-04");
	const inStay = new Set(nights);

	it("a stay's nights run from check-in to the night before check-out", () => {
		expect(nights).toEqual(["2027-03-01", "2027-03-02", "2027-03-03"]);
		expect(stayNights("2027-02-28", "2027-03-01")).toEqual(["2027-02-28"]);
		expect(stayNights("2027-03-01", "2027-03-01")).toEqual([]);
	});

	it("keeps the latest count of each night of the stay; a night outside it changes nothing", () => {
		const empty: ToldCounts = new Map();
		expect(applyEvent(empty, { hotelId: "h", roomTypeId: "r", nights: [{ date: "2027-03-04", available: 0 }] }, inStay)).toBe(empty);
		let told = applyEvent(empty, { hotelId: "h", roomTypeId: "r", nights: [{ date: "2027-03-02", available: 1 }, { date: "2027-03-09", available: 0 }] }, inStay);
		told = applyEvent(told, { hotelId: "h", roomTypeId: "r", nights: [{ date: "2027-03-02", available: 3 }] }, inStay);
		expect([...told.get("h/r")!]).toEqual([["2027-03-02", 3]]);
		expect(told.get("h/other")).toBeUndefined();
	});

	it("the stay's count is the minimum over its nights, merged with the loaded one", () => {
		// Nothing told: the loaded count.
		expect(liveAvailable(2, nights, undefined)).toEqual({ available: 2, exact: true });
		// A night fell below the loaded minimum: it is the new minimum.
		expect(liveAvailable(2, nights, new Map([["2027-03-02", 1]]))).toEqual({ available: 1, exact: true });
		expect(liveAvailable(2, nights, new Map([["2027-03-02", 2]]))).toEqual({ available: 2, exact: true });
		// Every night told: their minimum, up or down.
		expect(liveAvailable(1, nights, new Map([["2027-03-01", 4], ["2027-03-02", 3], ["2027-03-03", 5]]))).toEqual({ available: 3, exact: true });
		// A night rose while others are untold: the loaded count stands, and the page re-reads.
		expect(liveAvailable(1, nights, new Map([["2027-03-02", 2]]))).toEqual({ available: 1, exact: false });
		// Nights outside the stay are ignored.
		expect(liveAvailable(2, nights, new Map([["2027-03-09", 0]]))).toEqual({ available: 2, exact: true });
	});
});

let stack: Stack;
let admin = "";
beforeAll(async () => {
	if (!RUN_BROWSER) return;
	stack = await startStack();
	const res = await apiCall<{ token: string }>(stack.baseUrl, "POST", "/api/v1/auth/login", { email: "admin@example.com", password: "admin" });
	admin = res.body.token;
});
afterAll(async () => {
	await stack?.stop();
});

/** Every stream of the gateway ended from the server side, as a stopping node would (clients reconnect). */
function dropServerStreams(): void {
	const hub = (stack.broker.getLocalService("api") as unknown as { streams: StreamHub }).streams;
	for (const s of [...(hub as unknown as { streams: Set<Parameters<StreamHub["close"]>[0]> }).streams]) hub.close(s);
}

const liveOpen = (page: Page) => page.locator("[data-testid=live-status][data-live=open]").waitFor({ state: "attached" });

browserDescribe.each<[ViewportName, number, string]>([
	["phone", 50, "Valence"],
	["desktop", 60, "Grenoble"],
])("live availability at %s size", (viewport, offset, city) => {
	const browser = useBrowser(viewport);
	const checkIn = isoDay(offset);
	const checkOut = isoDay(offset + 2);
	const stayQuery = `checkIn=${checkIn}&checkOut=${checkOut}&guests=1&rooms=1`;
	let hotelId = "";
	let second: Page;
	let during = "";

	const book = async (from: string, to: string, email: string) => {
		const res = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId, roomTypeId: "twin", checkIn: from, checkOut: to, rooms: 1, guests: 1, guest: { name: "Grace Hopper", email, locale: "en" },
		});
		expect(res.status).toBe(201);
		return res.body.code;
	};

	beforeAll(async () => {
		if (!RUN_BROWSER) return;
		const res = await apiCall<{ id: string }>(stack.baseUrl, "POST", "/api/v1/hotels", {
			name: `Hôtel Direct ${viewport}`, address: { line1: "2 rue du Temps Réel", city, postalCode: "38000", country: "FR" }, stars: 3, email: "live@hotel.example",
			timezone: "Europe/Paris", currency: "EUR", roomTypes: [{ id: "twin", name: "Twin room", capacity: 2, totalRooms: 2, pricePerNight: 9000 }],
		}, admin);
		expect(res.status).toBe(201);
		hotelId = res.body.id;
		// The hotel reaches reservations by event: the search knows it a moment later.
		await waitFor(`hotel ${hotelId} searchable`, async () => {
			const s = await apiCall<{ rows: unknown[] }>(stack.baseUrl, "GET", `/api/v1/search?city=${city}&${stayQuery}`);
			return s.status === 200 && s.body.rows.length === 1;
		}, 10_000, 100);
	});
	afterAll(async () => {
		await second?.close();
	});

	it("a booking elsewhere turns \"2 left\" into \"1 left\" on the results and hotel pages without a reload", async () => {
		const { page, context } = browser();
		await page.goto(`${stack.baseUrl}/#/search?city=${city}&${stayQuery}`);
		const chip = page.locator("[data-testid=result] [data-room-type=twin] .badge");
		await expect(chip.textContent()).resolves.toBe("2 left");
		await liveOpen(page);

		second = await context.newPage();
		await second.goto(`${stack.baseUrl}/#/hotels/${hotelId}?${stayQuery}`);
		const badge = second.locator("[data-room-type=twin] .badge");
		await expect(badge.textContent()).resolves.toBe("2 available");
		await liveOpen(second);

		// A night after the stay: nothing changes; then a booking over the stay's last night.
		await book(checkOut, isoDay(offset + 3), `after.${viewport}@example.com`);
		during = await book(isoDay(offset + 1), checkOut, `during.${viewport}@example.com`);
		await waitFor("\"1 left\" on the results page", async () => (await chip.textContent()) === "1 left", 5_000, 25);
		await waitFor("\"1 available\" on the hotel page", async () => (await badge.textContent()) === "1 available", 5_000, 25);
	});

	it("says when the stream is reconnecting, and stops saying it once it is back", async () => {
		const { page } = browser();
		const held: Route[] = [];
		await page.route("**/api/v1/stream?**", route => { held.push(route); });
		dropServerStreams();
		const status = page.locator("[data-testid=live-status]");
		await page.locator("[data-testid=live-status][data-live=reconnecting]").waitFor({ state: "attached" });
		await expect(status.textContent()).resolves.toBe("Reconnecting to live updates…");
		await expect(status.getAttribute("role")).resolves.toBe("status");
		await screenshot(page, "live-reconnecting", viewport);

		await waitFor("the browser's reconnection", () => held.length > 0, 10_000, 25);
		for (const r of held.splice(0)) await r.continue();
		await page.unroute("**/api/v1/stream?**");
		await liveOpen(page);
		await expect(status.textContent()).resolves.toBe("");
	});

	it("a booking made on the second page shows \"Sold out\" on the first", async () => {
		const { page } = browser();
		await liveOpen(second);
		await second.getByRole("link", { name: "Book Twin room" }).click();
		await second.waitForSelector(".book-form");
		await second.getByLabel("Full name").fill("Alan Turing");
		await second.getByLabel("Email").fill(`alan.${viewport}@example.com`);
		await second.getByRole("button", { name: "Confirm booking" }).click();
		await second.waitForSelector("[data-testid=booking-code]");

		const chip = page.locator("[data-testid=result] [data-room-type=twin] .badge");
		await waitFor("\"Sold out\" on the results page", async () => (await chip.textContent()) === "Sold out", 5_000, 25);
		await screenshot(page, "live-results", viewport);

		// Up again: a cancellation frees the stay's last night.
		expect((await apiCall(stack.baseUrl, "POST", `/api/v1/reservations/${during}/cancel`, {}, admin)).status).toBe(200);
		await waitFor("\"1 left\" again", async () => (await chip.textContent()) === "1 left", 5_000, 25);
	});

	it("the staff reservations list and occupancy chart show a new booking without a reload", async () => {
		const { context } = browser();
		const staff = await context.newPage();
		try {
			await staff.goto(`${stack.baseUrl}/#/admin/login`);
			await staff.getByLabel("Email").fill("admin@example.com");
			await staff.getByLabel("Password").fill("admin");
			await staff.getByRole("button", { name: "Log in" }).click();
			await staff.waitForSelector("[data-testid=hotel-row]");
			await staff.getByRole("link", { name: "Reservations" }).click();
			await staff.waitForSelector("[data-testid=reservation-row]");
			await liveOpen(staff);

			const code = await book(isoDay(offset + 5), isoDay(offset + 6), `new.${viewport}@example.com`);
			await staff.locator(`[data-testid=reservation-row][data-code="${code}"]`).waitFor({ timeout: 5_000 });

			// The hotel's occupancy chart too.
			const night = isoDay(offset + 5);
			await staff.goto(`${stack.baseUrl}/#/admin/occupancy?hotelId=${hotelId}&from=${isoDay(offset)}&to=${isoDay(offset + 7)}`);
			const booked = staff.locator(`tr:has(th:text-is("${night}")) td`).nth(1);
			await expect(booked.textContent()).resolves.toBe("twin: 1/2");
			await liveOpen(staff);
			await book(night, isoDay(offset + 6), `more.${viewport}@example.com`);
			await waitFor("the occupancy table re-read", async () => (await booked.textContent()) === "twin: 2/2", 5_000, 25);
		} finally {
			await staff.close();
		}
	});
});
