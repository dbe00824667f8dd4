/**
 * Rate plans, the calendar and cancellation policies in a real browser (issues 12, 13), at phone
 * and desktop sizes, on a hotel of their own with three plans: Flexible (own prices, the default
 * policy), Bed and breakfast (derived +30 per night, a fee from booking on) and a non-refundable
 * saver (derived −12 %, bookable 60 days ahead at the earliest).
 * Staff: the calendar's bulk edit (a range picked in the grid, two room types, weekday masks, two
 * changes in one batch) and the policy editor of the hotel form. Guests: offers with their terms
 * and the "not offered" hint, booking the non-default plan, its plan and terms on the
 * confirmation, today's fee before cancelling; staff then see the fee and waive it.
 */
import type { Page } from "playwright-core";
import { waitFor } from "../helpers/wait";
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, screenshot, startStack, useBrowser, type Stack, type ViewportName } from "./harness";

jest.setTimeout(180_000);

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

interface Offer { ratePlanId: string; name: string; totalPrice: number; cancellation: { refundable: boolean; freeUntil: string | null } }
interface Avail { roomTypes: { roomTypeId: string; offers: Offer[]; restricted: { ratePlanId: string; reason: string }[] }[] }
interface CalDay { date: string; price: number; minStay: number | null }
interface Cal { rows: { roomTypeId: string; ratePlanId: string; days: CalDay[] }[] }

/** "Fri 27 Feb, 15:00" in the hotel's zone, as the page writes it (en-GB). */
const hotelClock = (iso: string) =>
	new Intl.DateTimeFormat("en-GB", { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: TZ }).format(new Date(iso));

/** The calendar date `n` days after `date`. */
function addDays(date: string, n: number): string {
	const d = new Date(`${date}T00:00:00Z`);
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

/** The instant of a local date and time in the hotel's zone. */
function hotelInstant(date: string, time: string): Date {
	const guess = new Date(`${date}T${time}:00Z`);
	const offset = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, timeZoneName: "longOffset" }).formatToParts(guess).find(p => p.type === "timeZoneName")!.value; // "GMT+01:00"
	const m = /GMT([+-])(\d{2}):(\d{2})/.exec(offset);
	const minutes = m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
	return new Date(guess.getTime() - minutes * 60_000);
}

async function createHotel(viewport: ViewportName): Promise<string> {
	const res = await apiCall<{ id: string }>(stack.baseUrl, "POST", "/api/v1/hotels", {
		name: `Hôtel des Tarifs ${viewport}`, address: { line1: "2 rue des Prix", city: `Tarifs ${viewport}`, postalCode: "38000", country: "FR" },
		stars: 3, amenities: ["wifi"], photos: [], email: `tarifs.${viewport}@example.com`, timezone: TZ, currency: "EUR",
		roomTypes: [
			{ id: "double", name: "Double room", capacity: 2, totalRooms: 5, pricePerNight: 10000, amenities: [] },
			{ id: "suite", name: "Suite", capacity: 3, totalRooms: 2, pricePerNight: 20000, amenities: [] },
		],
		ratePlans: [
			{ id: "flex", name: "Flexible" },
			{ id: "bb", name: "Bed and breakfast", includes: ["breakfast"], derivedFrom: { ratePlanId: "flex", amount: 3000 },
				cancellationPolicy: { refundable: true, tiers: [{ hoursBeforeArrival: 1440, fee: { nights: 1 } }], noShowFee: { percent: 100 } } },
			{ id: "saver", name: "Non-refundable saver", derivedFrom: { ratePlanId: "flex", percent: -12 }, cancellationPolicy: { refundable: false }, minAdvanceDays: 60 },
		],
	}, token);
	if (res.status !== 201) throw new Error(`hotel not created: ${res.status} ${JSON.stringify(res.body)}`);
	return res.body.id;
}

const cell = (page: Page, roomTypeId: string, row: number, col: number) => page.locator(`[data-testid=calendar-grid][data-room-type=${roomTypeId}] [data-cell="${row}:${col}"]`);

browserDescribe.each<[ViewportName]>([["phone"], ["desktop"]])("rates and policies at %s size", viewport => {
	const browser = useBrowser(viewport);
	let hotelId = "";
	// The staff edit a week of nights; guests stay later, outside it.
	const from = isoDay(10, TZ);
	const checkIn = isoDay(20, TZ);
	const checkOut = isoDay(22, TZ);
	const stay = `checkIn=${checkIn}&checkOut=${checkOut}&guests=2&rooms=1`;
	let code = "";

	beforeAll(async () => {
		if (!RUN_BROWSER) return;
		hotelId = await createHotel(viewport);
		// The new hotel reaches reservations by event.
		await waitFor("the hotel's availability", async () => (await apiCall(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}/availability?${stay}`)).status === 200, 10_000);
	});

	it("bulk-edits the calendar from a range picked in the grid: weekend prices and a Saturday minimum stay for two room types, one batch", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/login`);
		await page.getByLabel("Email").fill("admin@example.com");
		await page.getByLabel("Password").fill("admin");
		await page.getByRole("button", { name: "Log in" }).click();
		await page.getByRole("link", { name: "Calendar" }).waitFor();
		await page.goto(`${stack.baseUrl}/#/admin/calendar?hotelId=${hotelId}&from=${from}&days=7`);
		await page.waitForSelector("[data-testid=calendar-grid]");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Rates calendar");
		// A phone shows one room type at a time.
		expect(await page.locator("[data-testid=calendar-grid]").count()).toBe(viewport === "phone" ? 1 : 2);

		// Flexible row of the double room, the whole week: by keyboard on desktop, Shift+click on the phone.
		await cell(page, "double", 1, 0).click();
		if (viewport === "desktop") for (let i = 0; i < 6; i++) await page.keyboard.press("Shift+ArrowRight");
		else await cell(page, "double", 1, 6).click({ modifiers: ["Shift"] });
		await expect(cell(page, "double", 1, 6).getAttribute("aria-pressed")).resolves.toBe("true");
		const bulk = page.locator("[data-testid=bulk-edit]");
		await expect(bulk.getByLabel("First night").inputValue()).resolves.toBe(from);
		await expect(bulk.getByLabel("Last night").inputValue()).resolves.toBe(addDays(from, 6));
		await expect(bulk.getByLabel("Double room").isChecked()).resolves.toBe(true);
		await expect(bulk.getByLabel("Flexible", { exact: true }).isChecked()).resolves.toBe(true);

		await bulk.getByLabel("Suite").check();
		const onlyDays = async (keep: string[]) => {
			for (const d of ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]) await bulk.getByLabel(d, { exact: true }).setChecked(keep.includes(d));
		};
		await onlyDays(["Sat", "Sun"]);
		// A price on a derived plan is refused before it is sent.
		await bulk.getByLabel("Non-refundable saver (derived)").check();
		await bulk.getByLabel(/Price per night/).fill("180");
		await expect(bulk.locator(".field--error", { has: page.getByLabel(/Price per night/) }).locator(".error").textContent()).resolves.toContain("untick Non-refundable saver");
		await expect(bulk.getByRole("button", { name: "Add to the batch" }).isDisabled()).resolves.toBe(true);
		await bulk.getByLabel("Non-refundable saver (derived)").uncheck();
		await bulk.getByRole("button", { name: "Add to the batch" }).click();
		await bulk.locator("[data-testid=batch] li").first().waitFor();
		await expect(bulk.locator("[data-testid=batch] li").count()).resolves.toBe(1);
		await onlyDays(["Sat"]);
		await bulk.getByLabel("Minimum stay (nights)").fill("2");
		await screenshot(page, "rates-calendar-edit", viewport);
		await bulk.getByRole("button", { name: "Apply 2 changes" }).click();
		// 2 room types × 1 plan × 2 weekend nights, then × 1 Saturday.
		await bulk.locator("[data-testid=alert-success]", { hasText: "6 nights changed." }).waitFor();

		const sat = [0, 1, 2, 3, 4, 5, 6].map(i => addDays(from, i)).find(d => new Date(`${d}T00:00:00Z`).getUTCDay() === 6)!;
		const sun = [0, 1, 2, 3, 4, 5, 6].map(i => addDays(from, i)).find(d => new Date(`${d}T00:00:00Z`).getUTCDay() === 0)!;
		const satCol = [0, 1, 2, 3, 4, 5, 6].find(i => addDays(from, i) === sat)!;
		await page.waitForFunction(`document.querySelector('[data-testid=calendar-grid][data-room-type=double] [data-cell="1:${satCol}"]')?.textContent.includes("€180")`);
		await expect(cell(page, "double", 1, satCol).textContent()).resolves.toContain("min 2");
		// The saver follows Flexible: −12 % and its restriction.
		await expect(cell(page, "double", 3, satCol).textContent()).resolves.toMatch(/€158\.40.*min 2/);
		// The grid scrolls inside its region; the page itself never scrolls sideways.
		await expect(page.evaluate("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(viewport === "phone" ? 375 : 1280);
		await screenshot(page, "rates-calendar", viewport);

		const cal = await apiCall<Cal>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}/calendar?from=${from}&to=${addDays(from, 7)}`, undefined, token);
		const day = (rt: string, plan: string, date: string) => cal.body.rows.find(r => r.roomTypeId === rt && r.ratePlanId === plan)!.days.find(d => d.date === date)!;
		for (const rt of ["double", "suite"]) {
			expect(day(rt, "flex", sat)).toMatchObject({ price: 18000, minStay: 2 });
			expect(day(rt, "saver", sat)).toMatchObject({ price: 15840, minStay: 2 });
			expect(day(rt, "flex", sun)).toMatchObject({ price: 18000 });
			expect(day(rt, "flex", sun).minStay ?? null).toBeNull();
		}
		const weekday = [0, 1, 2, 3, 4, 5, 6].map(i => addDays(from, i)).find(d => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))!;
		expect(day("double", "flex", weekday).price).toBe(10000);
		expect(day("suite", "flex", weekday).price).toBe(20000);
	});

	it("clears a minimum stay back to no restriction from the bulk edit, on the nights and room type picked only", async () => {
		const { page } = browser();
		const sat = [0, 1, 2, 3, 4, 5, 6].map(i => addDays(from, i)).find(d => new Date(`${d}T00:00:00Z`).getUTCDay() === 6)!;
		const satCol = [0, 1, 2, 3, 4, 5, 6].find(i => addDays(from, i) === sat)!;
		await cell(page, "double", 1, satCol).click();
		const bulk = page.locator("[data-testid=bulk-edit]");
		await expect(bulk.getByLabel("First night").inputValue()).resolves.toBe(sat);
		await expect(bulk.getByLabel("Suite").isChecked()).resolves.toBe(false);
		await bulk.getByLabel("Minimum stay (nights)").fill("3");
		await bulk.getByLabel("No minimum stay").check();
		// The number typed is not sent once the field is cleared.
		await expect(bulk.getByLabel("Minimum stay (nights)").inputValue()).resolves.toBe("");
		await bulk.getByRole("button", { name: "Add to the batch" }).click();
		await expect(bulk.locator("[data-testid=batch] li").first().textContent()).resolves.toContain("minStay = —");
		await expect(bulk.getByLabel("No minimum stay").isChecked()).resolves.toBe(false);
		await expect(page.evaluate("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(viewport === "phone" ? 375 : 1280);
		await screenshot(page, "rates-calendar-clear", viewport);
		await bulk.getByRole("button", { name: "Apply 1 change" }).click();
		await bulk.locator("[data-testid=alert-success]", { hasText: "1 night changed." }).waitFor();
		await page.waitForFunction(`!document.querySelector('[data-testid=calendar-grid][data-room-type=double] [data-cell="1:${satCol}"]')?.textContent.includes("min 2")`);

		const cal = await apiCall<Cal>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}/calendar?from=${sat}&to=${addDays(sat, 1)}`, undefined, token);
		const day = (rt: string, plan: string) => cal.body.rows.find(r => r.roomTypeId === rt && r.ratePlanId === plan)!.days[0];
		expect(day("double", "flex")).toMatchObject({ price: 18000, minStay: null });
		// The other room type keeps its restriction.
		expect(day("suite", "flex")).toMatchObject({ price: 18000, minStay: 2 });
	});

	it("edits a plan's cancellation policy in the hotel form", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/hotels/${hotelId}`);
		await page.waitForSelector("[data-testid=plan-form]");
		expect(await page.locator("[data-testid=plan-form]").count()).toBe(3);
		const flex = page.locator("[data-testid=plan-form]").first();
		await expect(flex.getByLabel("Plan name").inputValue()).resolves.toBe("Flexible");
		await expect(page.locator("[data-testid=plan-form]").nth(1).getByLabel("Base plan").inputValue()).resolves.toBe("flex");
		await flex.getByLabel("Terms").selectOption("refundable");
		await flex.getByRole("button", { name: "Add a tier" }).click();
		await flex.getByRole("button", { name: "Add a tier" }).click();
		const tiers = flex.locator("[data-testid=tier]");
		// Tiers out of order first: the API's message sits under the tiers, nothing is saved.
		await tiers.nth(0).getByLabel("Hours before arrival").fill("0");
		browser().expectConsoleError(/status of 422/);
		await page.getByRole("button", { name: "Save" }).click();
		await flex.locator(".error", { hasText: "strictly decreasing" }).waitFor();
		await expect(flex.locator(".error", { hasText: "strictly decreasing" }).count()).resolves.toBe(1);
		const unchanged = await apiCall<{ ratePlans: { id: string; cancellationPolicy?: unknown }[] }>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}`, undefined, token);
		expect(unchanged.body.ratePlans.find(p => p.id === "flex")!.cancellationPolicy).toBeUndefined();
		await tiers.nth(0).getByLabel("Hours before arrival").fill("48");
		await expect(tiers.nth(1).getByLabel("Fee").inputValue()).resolves.toBe("percent");
		await flex.getByLabel("No-show fee").selectOption("percent");
		await flex.getByLabel("Value").last().fill("100");
		await screenshot(page, "policies-editor", viewport);
		await page.getByRole("button", { name: "Save" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: "Saved." }).waitFor();
		const h = await apiCall<{ ratePlans: { id: string; cancellationPolicy?: unknown }[] }>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}`, undefined, token);
		expect(h.body.ratePlans.find(p => p.id === "flex")!.cancellationPolicy).toEqual({
			refundable: true,
			tiers: [{ hoursBeforeArrival: 48, fee: { nights: 1 } }, { hoursBeforeArrival: 0, fee: { percent: 100 } }],
			noShowFee: { percent: 100 },
		});
		expect(h.body.ratePlans.find(p => p.id === "bb")!.cancellationPolicy).toEqual({ refundable: true, tiers: [{ hoursBeforeArrival: 1440, fee: { nights: 1 } }], noShowFee: { percent: 100 } });
	});

	it("shows each plan's offer with its terms and why the saver is not offered, then books the non-default plan", async () => {
		const { page } = browser();
		// Flexible's first tier (saved above) starts 48 h before arrival at 15:00 in Paris; the edit reaches reservations by event.
		const freeUntil = new Date(hotelInstant(checkIn, "15:00").getTime() - 48 * 3600_000).toISOString();
		await waitFor("the new policy on the offer", async () => {
			const avail = await apiCall<Avail>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}/availability?${stay}`);
			const flexOffer = avail.body.roomTypes.find(r => r.roomTypeId === "double")?.offers.find(o => o.ratePlanId === "flex");
			return !!flexOffer?.cancellation.freeUntil && Date.parse(flexOffer.cancellation.freeUntil) === Date.parse(freeUntil);
		}, 10_000);

		await page.goto(`${stack.baseUrl}/#/search?city=${encodeURIComponent(`Tarifs ${viewport}`)}&${stay}`);
		await page.waitForSelector("[data-testid=result]");
		await expect(page.locator("[data-testid=result] [data-room-type=double] [data-testid=result-plan]").textContent()).resolves.toBe(
			`Flexible · Free cancellation until ${hotelClock(freeUntil)}`);

		await page.goto(`${stack.baseUrl}/#/hotels/${hotelId}?${stay}`);
		const room = page.locator("[data-testid=room][data-room-type=double]");
		await room.locator("[data-testid=offer]").first().waitFor();
		expect(await room.locator("[data-testid=offer]").evaluateAll(os => os.map(o => o.getAttribute("data-rate-plan")))).toEqual(["flex", "bb"]);
		const flex = room.locator("[data-testid=offer][data-rate-plan=flex]");
		const bb = room.locator("[data-testid=offer][data-rate-plan=bb]");
		await expect(flex.locator("[data-testid=terms]").textContent()).resolves.toBe(`Free cancellation until ${hotelClock(freeUntil)}`);
		await expect(flex.locator("[data-testid=offer-total]").textContent()).resolves.toBe("€200");
		await expect(bb.locator("[data-testid=offer-total]").textContent()).resolves.toBe("€260");
		await expect(bb.textContent()).resolves.toContain("Includes: breakfast");
		await expect(bb.locator("[data-testid=terms]").textContent()).resolves.toBe("Cancelling now costs €130");
		await expect(room.locator("[data-testid=restricted]").textContent()).resolves.toBe("Non-refundable saver: not offered for these dates: book at least 60 days ahead");
		await bb.getByText("Price per night").click();
		await expect(bb.locator(".nightly__table tbody tr").count()).resolves.toBe(2);
		await expect(bb.locator(".nightly__table tbody").textContent()).resolves.toMatch(/€130.*€130/);
		await expect(page.evaluate("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(viewport === "phone" ? 375 : 1280);
		await screenshot(page, "rates-offers", viewport);
		if (viewport === "desktop") {
			// The same offers in French: terms, inclusions and the hint.
			await page.getByRole("button", { name: /Language/ }).click();
			await expect(flex.locator("[data-testid=terms]").textContent()).resolves.toMatch(/^Annulation gratuite jusqu'au .*15:00$/);
			await expect(bb.textContent()).resolves.toContain("Inclus : petit-déjeuner");
			await expect(bb.locator("[data-testid=terms]").textContent()).resolves.toMatch(/^Annuler maintenant coûte 130\s?€$/);
			await expect(room.locator("[data-testid=restricted]").textContent()).resolves.toBe("Non-refundable saver : non proposé pour ces dates : à réserver au moins 60 jours à l'avance");
			await screenshot(page, "rates-offers-fr", viewport);
			await page.getByRole("button", { name: /Langue/ }).click();
		}

		// A link to a plan not offered for the stay says why, and leads back.
		await page.goto(`${stack.baseUrl}/#/book/${hotelId}/double?${stay}&ratePlanId=saver`);
		await expect(page.locator("[data-testid=alert-warning]").textContent()).resolves.toContain("not offered for these dates: book at least 60 days ahead");
		await page.locator("[data-testid=alert-warning]").getByRole("link", { name: "Back to the hotel" }).click();
		await bb.getByRole("link", { name: "Book Double room, Bed and breakfast" }).click();
		await page.waitForSelector("[data-testid=book-plan]");
		await expect(page.locator("[data-testid=book-plan]").textContent()).resolves.toContain("Bed and breakfast");
		await expect(page.locator("[data-testid=book-total]").textContent()).resolves.toBe("€260");
		await expect(page.locator("[data-testid=book-terms]").textContent()).resolves.toBe("Cancelling now costs €130");
		await page.getByLabel("Full name").fill("Joan Clarke");
		await page.getByLabel("Email").fill(`joan.${viewport}@example.com`);
		await screenshot(page, "rates-book", viewport);
		await page.getByRole("button", { name: "Confirm booking" }).click();
		await page.waitForSelector("[data-testid=booking-code]");
		code = (await page.locator("[data-testid=booking-code]").textContent())!.trim();
		await expect(page.locator("[data-testid=res-plan]").textContent()).resolves.toBe("Bed and breakfast");
		await expect(page.locator("[data-testid=res-terms]").textContent()).resolves.toBe("Cancelling now costs €130");

		const r = await apiCall<{ ratePlanId: string; ratePlanName: string; totalPrice: number; nightly: { date: string; price: number }[] }>(
			stack.baseUrl, "GET", `/api/v1/reservations/${code}`, undefined, token);
		expect(r.body).toMatchObject({ ratePlanId: "bb", ratePlanName: "Bed and breakfast", totalPrice: 26000 });
		expect(r.body.nightly).toEqual([{ date: checkIn, price: 13000 }, { date: addDays(checkIn, 1), price: 13000 }]);
	});

	it("tells the guest today's fee before they confirm a cancel, and the fee charged after", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "Manage this booking" }).click();
		await page.waitForSelector("[data-testid=status]");
		await page.getByRole("button", { name: "Cancel booking" }).click();
		await expect(page.locator("[data-testid=cancel-fee]").textContent()).resolves.toBe("Cancelling now costs €130.");
		await screenshot(page, "policies-cancel-fee", viewport);
		await page.getByRole("button", { name: "Yes, cancel it" }).click();
		await page.waitForFunction(`document.querySelector("[data-testid=status]")?.textContent === "Cancelled"`);
		await expect(page.locator("[data-testid=alert-success]").textContent()).resolves.toContain("Fee charged: €130.");
		await expect(page.locator("[data-testid=res-fee]").textContent()).resolves.toBe("€130");
		const r = await apiCall<{ status: string; cancellationFee: number }>(stack.baseUrl, "GET", `/api/v1/reservations/${code}`, undefined, token);
		expect(r.body).toMatchObject({ status: "cancelled", cancellationFee: 13000 });
	});

	it("shows staff the fee on the reservation and lets them waive it with a reason", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/reservations?hotelId=${hotelId}`);
		const row = page.locator(`[data-testid=reservation-row][data-code="${code}"]`);
		await row.waitFor();
		await expect(row.locator("[data-testid=fee]").textContent()).resolves.toContain("Cancellation fee €130");
		await row.getByRole("button", { name: `Waive the fee of ${code}` }).click();
		await row.getByLabel("Reason for the waiver").fill("Flight cancelled by the airline");
		await row.getByRole("button", { name: `Confirm waiving the fee of ${code}` }).click();
		await page.locator("[data-testid=alert-success]", { hasText: "the fee is waived" }).waitFor();
		await page.waitForFunction(`document.querySelector('[data-code="${code}"] [data-testid=fee]')?.textContent.includes("Fee waived")`);
		await page.evaluate(`document.querySelectorAll(".table-wrap").forEach(w => (w.scrollLeft = 0))`);
		await screenshot(page, "policies-staff-fee", viewport);
		const r = await apiCall<{ feeWaived: boolean; waiveReason: string }>(stack.baseUrl, "GET", `/api/v1/reservations/${code}`, undefined, token);
		expect(r.body).toMatchObject({ feeWaived: true, waiveReason: "Flight cancelled by the airline" });
	});

	it("shows staff today's fee before they cancel, and cancels waiving it with a reason", async () => {
		const { page } = browser();
		const booked = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId, roomTypeId: "double", ratePlanId: "bb", checkIn, checkOut, rooms: 1, guests: 2, guest: { name: "Mary Jackson", email: `mary.${viewport}@example.com`, locale: "en" },
		});
		expect(booked.status).toBe(201);
		const other = booked.body.code;
		await page.getByRole("button", { name: "Filter" }).click();
		const row = page.locator(`[data-testid=reservation-row][data-code="${other}"]`);
		await row.waitFor();
		await row.getByRole("button", { name: `Cancel ${other}` }).click();
		await expect(row.locator("[data-testid=cancel-fee]").textContent()).resolves.toBe("Cancelling now costs €130.");
		const confirm = row.getByRole("button", { name: `Confirm cancelling ${other}` });
		await row.getByLabel("Waive the fee").check();
		// A waiver needs its reason.
		await expect(confirm.isDisabled()).resolves.toBe(true);
		await row.getByLabel("Reason for the waiver").fill("Goodwill: regular guest");
		await confirm.click();
		await page.locator("[data-testid=alert-success]", { hasText: `${other}: Cancelled. Fee waived.` }).waitFor();
		await page.waitForFunction(`document.querySelector('[data-code="${other}"] [data-testid=fee]')?.textContent.includes("Fee waived")`);
		const r = await apiCall<{ status: string; cancellationFee: number; feeWaived: boolean; waiveReason: string }>(stack.baseUrl, "GET", `/api/v1/reservations/${other}`, undefined, token);
		expect(r.body).toMatchObject({ status: "cancelled", cancellationFee: 0, feeWaived: true, waiveReason: "Goodwill: regular guest" });
	});

	it("marks a no-show: says a fee may apply, waives it with a required reason, or charges it", async () => {
		const { page } = browser();
		const today = isoDay(0, TZ);
		const book = async (name: string) => {
			const booked = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
				hotelId, roomTypeId: "double", ratePlanId: "bb", checkIn: today, checkOut: addDays(today, 1), rooms: 1, guests: 2,
				guest: { name, email: `${name.split(" ")[0].toLowerCase()}.${viewport}@example.com`, locale: "en" },
			});
			expect(booked.status).toBe(201);
			return booked.body.code;
		};
		const waived = await book("Dorothy Vaughan");
		const charged = await book("Katherine Johnson");
		await page.goto(`${stack.baseUrl}/#/admin/reservations?hotelId=${hotelId}`);
		const row = page.locator(`[data-testid=reservation-row][data-code="${waived}"]`);
		await row.waitFor();
		await row.getByRole("button", { name: `No-show ${waived}` }).click();
		await expect(row.locator("[data-testid=no-show-fee]").textContent()).resolves.toContain("a no-show fee may apply");
		const confirm = row.getByRole("button", { name: `Confirm no-show of ${waived}` });
		await row.getByLabel("Waive the fee").check();
		// A waiver needs its reason.
		await expect(confirm.isDisabled()).resolves.toBe(true);
		await row.getByLabel("Reason for the waiver").fill("Hospitalised on the way");
		await page.evaluate(`document.querySelectorAll(".table-wrap").forEach(w => (w.scrollLeft = w.scrollWidth))`);
		// The step and a long email fit their stacked cells: the page never scrolls sideways.
		await expect(page.evaluate("document.documentElement.scrollWidth")).resolves.toBeLessThanOrEqual(viewport === "phone" ? 375 : 1280);
		await screenshot(page, "policies-staff-no-show", viewport);
		await confirm.click();
		await page.locator("[data-testid=alert-success]", { hasText: `${waived}: No-show. Fee waived.` }).waitFor();
		const w = await apiCall<{ status: string; noShowFee: number; feeWaived: boolean; waiveReason: string }>(stack.baseUrl, "GET", `/api/v1/reservations/${waived}`, undefined, token);
		expect(w.body).toMatchObject({ status: "no_show", noShowFee: 0, feeWaived: true, waiveReason: "Hospitalised on the way" });

		// Without the waiver the plan's fee (100 % of the stay) is charged.
		const other = page.locator(`[data-testid=reservation-row][data-code="${charged}"]`);
		await other.getByRole("button", { name: `No-show ${charged}` }).click();
		await other.getByRole("button", { name: `Confirm no-show of ${charged}` }).click();
		await page.locator("[data-testid=alert-success]", { hasText: `${charged}: No-show. Fee charged: €130.` }).waitFor();
		const c = await apiCall<{ status: string; noShowFee: number; feeWaived: boolean }>(stack.baseUrl, "GET", `/api/v1/reservations/${charged}`, undefined, token);
		expect(c.body).toMatchObject({ status: "no_show", noShowFee: 13000, feeWaived: false });
	});
});
