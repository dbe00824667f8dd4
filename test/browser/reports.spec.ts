/**
 * Reports and the front desk in a real browser at phone and desktop sizes: the report page draws
 * its charts and table with the server's figures and downloads the CSV (parsed back to the JSON);
 * "Today" lists an arriving guest and checks them in; a booking made for a guest by staff opens
 * its detail page (nightly prices, terms, emails). Screenshots: reports-*, today-*, desk-*.
 */
import fs from "fs";
import { parse } from "csv-parse/sync";
import { waitFor } from "../helpers/wait";
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, screenshot, startStack, useBrowser, type Stack, type ViewportName } from "./harness";

jest.setTimeout(120_000);
const TZ = "Europe/Paris";

let stack: Stack;
let token = "";
beforeAll(async () => {
	if (!RUN_BROWSER) return;
	stack = await startStack();
	const res = await apiCall<{ token: string }>(stack.baseUrl, "POST", "/api/v1/auth/login", { email: "admin@example.com", password: "admin" });
	token = res.body.token;
});
afterAll(async () => {
	await stack?.stop();
});

interface ReportDay { date: string; roomsSold: number; roomRevenue: number; occupancy: number; adr: number; revpar: number; bookingsMade: number }
interface Report { days: ReportDay[]; totals: Omit<ReportDay, "date"> }

async function createHotel(viewport: ViewportName): Promise<string> {
	const res = await apiCall<{ id: string }>(stack.baseUrl, "POST", "/api/v1/hotels", {
		name: `Hôtel des Chiffres ${viewport}`, address: { line1: "4 rue des Comptes", city: `Chiffres ${viewport}`, postalCode: "38000", country: "FR" },
		stars: 3, amenities: ["wifi"], photos: [], email: `chiffres.${viewport}@example.com`, timezone: TZ, currency: "EUR",
		roomTypes: [
			{ id: "double", name: "Double room", capacity: 2, totalRooms: 4, pricePerNight: 10000, amenities: [] },
			{ id: "suite", name: "Suite", capacity: 3, totalRooms: 2, pricePerNight: 22000, amenities: [] },
		],
		ratePlans: [{ id: "flex", name: "Flexible" }],
	}, token);
	if (res.status !== 201) throw new Error(`hotel not created: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.id;
}

/** Book as a guest would; the new hotel reaches reservations by event, so retry briefly. */
async function book(hotelId: string, roomTypeId: string, from: number, to: number, name: string): Promise<string> {
	let code = "";
	await waitFor(`booking for ${name}`, async () => {
		const res = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId, roomTypeId, checkIn: isoDay(from, TZ), checkOut: isoDay(to, TZ), rooms: 1, guests: 1, guest: { name, email: "desk@example.com", locale: "en" },
		});
		code = res.body.code;
		return res.status === 201;
	}, 10_000, 200);
	return code;
}

async function login(page: import("playwright-core").Page): Promise<void> {
	await page.goto(`${stack.baseUrl}/#/admin/login`);
	await page.getByLabel("Email").fill("admin@example.com");
	await page.getByLabel("Password").fill("admin");
	await page.getByRole("button", { name: "Log in" }).click();
	await page.getByRole("link", { name: "Reports" }).waitFor();
}

browserDescribe.each<[ViewportName]>([["phone"], ["desktop"]])("reports and the front desk at %s size", viewport => {
	const browser = useBrowser(viewport);
	let hotelId = "";
	let arriving = "";
	const guestName = `Grace Hopper ${viewport}`;

	beforeAll(async () => {
		hotelId = await createHotel(viewport);
		arriving = await book(hotelId, "double", 0, 2, guestName);
		await book(hotelId, "suite", 1, 4, `Alan Turing ${viewport}`);
		await book(hotelId, "double", 3, 6, `Ada Lovelace ${viewport}`);
	});

	it("draws the report's charts and table with the server's figures, and downloads the same figures as CSV", async () => {
		const { page } = browser();
		await login(page);
		const from = isoDay(0, TZ);
		const to = isoDay(14, TZ);
		await page.goto(`${stack.baseUrl}/#/admin/reports?hotelId=${hotelId}&from=${from}&to=${to}`);
		await page.waitForSelector("[data-testid=report-chart] path[data-series=occupancy]");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Reports");
		expect(await page.locator("[data-testid=report-chart] circle").count()).toBe(14);
		expect(await page.locator("[data-testid=pickup-chart] rect.bar").count()).toBe(14);
		expect(await page.locator("[data-testid=report-table] tbody tr").count()).toBe(14);

		const api = await apiCall<Report>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}/reports/daily?from=${from}&to=${to}`, undefined, token);
		expect(api.body.totals).toMatchObject({ roomsSold: 2 + 3 + 3, roomRevenue: 2 * 10000 + 3 * 22000 + 3 * 10000, bookingsMade: 3 });
		const totals = page.locator("[data-testid=report-totals] td");
		await expect(totals.nth(1).textContent()).resolves.toBe("8"); // rooms sold
		await expect(totals.nth(3).textContent()).resolves.toContain("1,160");
		await expect(page.locator("[data-testid=report-kpis]").textContent()).resolves.toMatch(/Occupancy9\.5 %ADR€145(\.00)?RevPAR/); // ADR = 116000 / 8
		await expect(page.locator("[data-testid=report-chart]").getAttribute("aria-label")).resolves.toMatch(/ADR €145(\.00)?,/);
		await screenshot(page, "reports-page", viewport);

		const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-download").click()]);
		expect(download.suggestedFilename()).toBe(`report-${hotelId}-${from}-${to}.csv`);
		const csv = fs.readFileSync((await download.path()) as string, "utf8");
		const rows = parse(csv, { columns: true, cast: (v, ctx) => (ctx.header || ctx.column === "date" ? v : Number(v)) }) as Record<string, unknown>[];
		expect(rows.slice(0, -1)).toEqual(api.body.days);
		expect(rows[rows.length - 1]).toEqual({ date: "total", ...api.body.totals });

		// The presets: the same period a year before (nothing sold then).
		await page.getByRole("button", { name: "Same period last year" }).click();
		const lastYear = `from=${Number(from.slice(0, 4)) - 1}${from.slice(4)}`;
		await page.waitForURL(url => url.hash.includes(lastYear));
		// Rooms sold (the third cell of the totals row) back to 0 once the year-old range is read.
		await page.locator("[data-testid=report-totals] > :nth-child(3)", { hasText: /^0$/ }).waitFor();
	});

	it("'Today' is the desk's page: the arriving guest is checked in from it and moves in house", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/today?hotelId=${hotelId}`);
		const arrivals = page.getByTestId("desk-arrivals");
		await arrivals.locator(`[data-code="${arriving}"]`).waitFor();
		await expect(arrivals.textContent()).resolves.toContain(guestName);
		await screenshot(page, "today-arrivals", viewport);
		await arrivals.getByRole("button", { name: `Check in ${guestName} ${arriving}` }).click();
		await page.getByTestId("desk-inhouse").locator(`[data-code="${arriving}"]`).waitFor();
		await expect(page.locator("[data-testid=alert-success]").textContent()).resolves.toContain(arriving);
		const r = await apiCall<{ status: string }>(stack.baseUrl, "GET", `/api/v1/reservations/${arriving}`, undefined, token);
		expect(r.body.status).toBe("checked_in");
		// Checked in: the arrival now offers no move, in house offers the check-out.
		expect(await arrivals.locator(`[data-code="${arriving}"] button`).count()).toBe(0);
		await page.getByTestId("desk-inhouse").getByRole("button", { name: `Check out ${guestName} ${arriving}` }).waitFor();
		await screenshot(page, "today-checked-in", viewport);
	});

	it("books a walk-in guest with a plan and opens the reservation's detail page", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "New booking" }).click();
		await page.getByTestId("staff-booking").waitFor();
		await page.getByLabel("Check-out").fill(isoDay(1, TZ));
		const offer = page.getByTestId("staff-offers").getByRole("radio").first();
		await offer.waitFor();
		await offer.check();
		await page.locator("input[name='guest.name']").fill(`Walk-in ${viewport}`);
		await page.locator("input[name='guest.email']").fill(`walkin.${viewport}@example.com`);
		await page.getByLabel("Phone").fill("+33 6 12 34 56 78");
		await screenshot(page, "desk-new-booking", viewport);
		await page.getByTestId("staff-book").click();
		await page.getByTestId("detail-stay").waitFor();
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toMatch(/^Reservation [A-Z0-9]{8}$/);
		await expect(page.getByTestId("detail-stay").textContent()).resolves.toContain(`Walk-in ${viewport}`);
		await expect(page.getByTestId("res-plan").textContent()).resolves.toBe("Flexible");
		// The confirmation is recorded by the mail service a moment after the booking: the page read again until it lists it.
		const mails = page.getByTestId("detail-mails");
		await waitFor("the confirmation on the detail page", async () => {
			if ((await mails.textContent())?.includes("confirmation")) return true;
			await page.reload();
			await page.getByTestId("detail-stay").waitFor();
			await mails.locator("li, p.hint").first().waitFor();
			return false;
		}, 15_000, 250);
		await screenshot(page, "desk-reservation-detail", viewport);
	});
	it("books a guest who has no email: nothing is sent, the detail page says so", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/book?hotelId=${hotelId}`);
		await page.getByLabel("Check-out").fill(isoDay(1, TZ));
		const offer = page.getByTestId("staff-offers").getByRole("radio").first();
		await offer.waitFor();
		await offer.check();
		await page.locator("input[name='guest.name']").fill(`No email ${viewport}`);
		await expect(page.locator("input[name='guest.email']").getAttribute("aria-describedby").then(id => page.locator(`#${id}`).textContent())).resolves.toContain("without it the guest gets no email");
		await page.getByTestId("staff-book").click();
		await page.getByTestId("detail-stay").waitFor();
		const code = (await page.getByRole("heading", { level: 1 }).textContent())!.replace("Reservation ", "");
		// Its confirmed message delivered (the mail service consumed it), and no email recorded for it.
		const db = (stack.broker.getLocalService("reservations") as unknown as { db: { select<T>(sql: string, r: Record<string, unknown>): Promise<T[]> } }).db;
		await waitFor("the confirmed message consumed", async () => {
			const rows = await db.select<{ d: string | null }>("SELECT delivered_at AS d FROM outbox WHERE event = 'reservations.reservation.confirmed' AND payload LIKE :p", { p: `%${code}%` });
			return rows.length === 1 && rows[0].d !== null;
		}, 10_000, 100);
		const mails = await apiCall<{ total: number }>(stack.baseUrl, "GET", `/api/v1/mails?reservationCode=${code}`, undefined, token);
		expect(mails.body.total).toBe(0);
		await page.reload();
		await page.getByTestId("detail-mails").getByText("No email for this reservation.").waitFor();
	});
});
