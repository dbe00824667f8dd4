/**
 * Guest journey in a real browser (Debian's Chromium via playwright-core), at phone and desktop
 * sizes: search → results → hotel → booking (with the API's 422 messages next to the fields)
 * → confirmation → manage (code + email) → change dates → cancel. Also the clear messages for
 * sold out (409), an expired guest token (401) and the French interface.
 * Any console error not declared by the test fails it.
 */
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, screenshot, startStack, useBrowser, type Stack, type ViewportName } from "./harness";

jest.setTimeout(120_000);

let stack: Stack;
beforeAll(async () => {
	if (RUN_BROWSER) stack = await startStack();
});
afterAll(async () => {
	await stack?.stop();
});

browserDescribe.each<[ViewportName, number]>([
	["phone", 20],
	["desktop", 40],
])("guest journey at %s size", (viewport, offset) => {
	const browser = useBrowser(viewport);

	const checkIn = isoDay(offset);
	const checkOut = isoDay(offset + 3);
	const email = `ada.${viewport}@example.com`;
	let code = "";

	it("searches a city with suggestions and dates, and lists hotels with photos, stars, free room types and total prices", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/`);
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Find your hotel");
		await screenshot(page, "home", viewport);

		await page.getByLabel("City").fill("Ann");
		// The suggestions come from the hotels list.
		await page.locator("datalist option[value='Annecy']").waitFor({ state: "attached" });
		await page.getByLabel("City").fill("Annecy");
		await page.getByLabel("Check-in").fill(checkIn);
		await page.getByLabel("Check-out").fill(checkOut);
		await page.getByLabel("Guests").fill("2");
		await page.getByLabel("Rooms").fill("1");
		await page.getByRole("button", { name: "Search" }).click();

		await page.waitForSelector("[data-testid=result]");
		const results = page.locator("[data-testid=result]");
		expect(await results.count()).toBeGreaterThanOrEqual(2);
		const first = results.first();
		await expect(first.locator(".stars").getAttribute("aria-label")).resolves.toMatch(/^\d stars?$/);
		await expect(first.locator("[data-testid=result-price]").textContent()).resolves.toMatch(/€\s?\d/);
		expect(await first.locator(".room-chips li").count()).toBeGreaterThanOrEqual(1);
		// Photos are served and decoded.
		await page.waitForFunction(allDecoded(".result__photo"));
		expect(page.url()).toContain(`checkIn=${checkIn}`);
		await screenshot(page, "results", viewport);
	});

	it("opens the hotel page with photos, amenities, address and the room types' availability", async () => {
		const { page } = browser();
		await page.locator("[data-testid=result]", { hasText: "Hôtel du Lac" }).getByRole("link", { name: "Hôtel du Lac", exact: true }).click();
		await page.waitForSelector("[data-testid=room] .badge");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Hôtel du Lac");
		expect(await page.locator(".gallery img").count()).toBe(2);
		await expect(page.locator(".tags").textContent()).resolves.toContain("spa");
		await expect(page.locator("address").textContent()).resolves.toContain("1 quai Napoléon III");
		await expect(page.locator("[data-room-type=std-double] .badge").textContent()).resolves.toBe("12 available");
		await page.waitForFunction(allDecoded(".gallery img"));
		await screenshot(page, "hotel", viewport);
	});

	it("shows the API's validation messages next to the booking fields, then books", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "Book Standard double" }).click();
		await page.waitForSelector(".book-form");
		await expect(page.locator("[data-testid=book-total]").textContent()).resolves.toMatch(/435/);

		browser().expectConsoleError(/status of 422/);
		await page.getByLabel("Email").fill("not-an-email");
		await page.getByRole("button", { name: "Confirm booking" }).click();
		const nameError = page.locator(".field--error", { has: page.getByLabel("Full name") }).locator(".error");
		const emailError = page.locator(".field--error", { has: page.getByLabel("Email") }).locator(".error");
		await expect(nameError.textContent()).resolves.toMatch(/name/i);
		await expect(emailError.textContent()).resolves.toMatch(/email/i);
		await expect(page.getByLabel("Email").getAttribute("aria-invalid")).resolves.toBe("true");
		await screenshot(page, "booking-errors", viewport);

		await page.getByLabel("Full name").fill("Ada Lovelace");
		await page.getByLabel("Email").fill(email);
		await page.getByLabel(/Phone/).fill("+33 6 12 34 56 78");
		await page.getByRole("button", { name: "Confirm booking" }).click();
		await page.waitForSelector("[data-testid=booking-code]");
		code = (await page.locator("[data-testid=booking-code]").textContent())!.trim();
		expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Booking confirmed");
		await expect(page.locator(".confirmation").textContent()).resolves.toContain(email);
		await screenshot(page, "confirmation", viewport);

		const list = await apiCall<{ rows: { code: string }[] }>(stack.baseUrl, "GET", `/api/v1/reservations?email=${encodeURIComponent(email)}`, undefined, await adminToken());
		expect(list.body.rows.map(r => r.code)).toEqual([code]);
	});

	it("finds the booking with code and email, changes its dates and cancels it", async () => {
		const { page } = browser();
		// A new visit: no token in the tab.
		await page.evaluate("sessionStorage.clear()");
		await page.goto(`${stack.baseUrl}/#/manage`);
		await page.getByLabel("Booking code").fill(code.toLowerCase());
		await page.getByLabel("Email").fill(email.toUpperCase());
		await page.getByRole("button", { name: "Find my booking" }).click();
		await page.waitForSelector("[data-testid=status]");
		await expect(page.locator("[data-testid=status]").textContent()).resolves.toBe("Confirmed");
		const totalBefore = await page.locator("[data-testid=total]").textContent();
		await screenshot(page, "manage", viewport);

		await page.getByRole("button", { name: "Change dates" }).click();
		await page.getByLabel("Check-out").fill(isoDay(offset + 4));
		await page.getByRole("button", { name: "Save new dates" }).click();
		await page.waitForSelector("[data-testid=alert-success]");
		await expect(page.locator("[data-testid=alert-success]").textContent()).resolves.toContain("now runs");
		await expect(page.locator("[data-testid=dates]").textContent()).resolves.toContain("4 nights");
		expect(await page.locator("[data-testid=total]").textContent()).not.toBe(totalBefore);

		await page.getByRole("button", { name: "Cancel booking" }).click();
		await page.getByRole("button", { name: "Yes, cancel it" }).click();
		await page.waitForFunction(`document.querySelector("[data-testid=status]")?.textContent === "Cancelled"`);
		await expect(page.getByRole("button", { name: "Change dates" }).count()).resolves.toBe(0);
		await screenshot(page, "cancelled", viewport);

		const r = await apiCall<{ status: string; nights: number }>(stack.baseUrl, "GET", `/api/v1/reservations/${code}`, undefined, await adminToken());
		expect(r.body).toMatchObject({ status: "cancelled", nights: 4 });
	});
});

browserDescribe("guest error messages (desktop)", () => {
	const browser = useBrowser("desktop");

	it("says a stay is sold out (409 NO_AVAILABILITY) and links back to the hotel", async () => {
		const { page } = browser();
		// Les Canaux has 4 singles: ask for 5.
		const stay = `checkIn=${isoDay(60)}&checkOut=${isoDay(62)}&guests=5&rooms=5`;
		await page.goto(`${stack.baseUrl}/#/book/demo-annecy-vieille-ville/single?${stay}`);
		await page.waitForSelector(".book-form");
		await page.getByLabel("Full name").fill("Grace Hopper");
		await page.getByLabel("Email").fill("grace@example.com");
		browser().expectConsoleError(/status of 409/);
		await page.getByRole("button", { name: "Confirm booking" }).click();
		const alert = page.locator("[data-testid=alert-error]");
		await expect(alert.textContent()).resolves.toContain("Sold out");
		await expect(alert.getByRole("link", { name: "Back to the hotel" }).getAttribute("href")).resolves.toContain("#/hotels/demo-annecy-vieille-ville");
	});

	it("sends a guest whose token expired back to the lookup with a clear message", async () => {
		const { page } = browser();
		const booked = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId: "demo-nice-port", roomTypeId: "double", checkIn: isoDay(70), checkOut: isoDay(71), rooms: 1, guests: 2,
			guest: { name: "Alan Turing", email: "alan@example.com", locale: "en" },
		});
		expect(booked.status).toBe(201);
		// A token the server refuses (signed with another key, so "invalid/expired").
		const fake = ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", btoa(JSON.stringify({ role: "guest", code: booked.body.code })).replace(/=+$/, ""), "c2lnbmF0dXJl"].join(".");
		await page.goto(`${stack.baseUrl}/`);
		await page.evaluate(`sessionStorage.setItem(${JSON.stringify(`hb.guest.${booked.body.code}`)}, ${JSON.stringify(JSON.stringify({ token: fake }))})`);
		browser().expectConsoleError(/status of 401/);
		await page.goto(`${stack.baseUrl}/#/manage/${booked.body.code}`);
		await page.waitForSelector("[data-testid=alert-warning]");
		await expect(page.locator("[data-testid=alert-warning]").textContent()).resolves.toContain("session has expired");
		await expect(page.getByLabel("Booking code").inputValue()).resolves.toBe(booked.body.code);
	});

	it("lists the API's messages for a search it refuses (a stay beyond 730 days)", async () => {
		const { page } = browser();
		browser().expectConsoleError(/status of 422/);
		await page.goto(`${stack.baseUrl}/#/search?city=Paris&checkIn=${isoDay(800)}&checkOut=${isoDay(802)}&guests=2&rooms=1`);
		const alert = page.locator("[data-testid=alert-error]");
		await expect(alert.locator("p").first().textContent()).resolves.toBe("Some values were not accepted:");
		await expect(alert.locator("li").first().textContent()).resolves.toMatch(/checkIn/);
	});

	it("says when the server cannot be reached", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/manage`);
		await page.route("**/api/v1/reservations/lookup", route => route.abort("connectionrefused"));
		browser().expectConsoleError(/ERR_CONNECTION_REFUSED|Failed to load resource/);
		await page.getByLabel("Booking code").fill("ABCDEFGH");
		await page.getByLabel("Email").fill("nobody@example.com");
		await page.getByRole("button", { name: "Find my booking" }).click();
		await expect(page.locator("[data-testid=alert-error]").textContent()).resolves.toContain("could not reach the server");
		await page.unroute("**/api/v1/reservations/lookup");
	});

	it("can be used with the keyboard alone: skip link, search form, results", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/`);
		await page.waitForSelector("h1");
		await page.keyboard.press("Tab");
		await expect(page.evaluate("document.activeElement.textContent")).resolves.toBe("Skip to content");
		await page.keyboard.press("Enter");
		await expect(page.evaluate("document.activeElement.id")).resolves.toBe("main");
		await page.keyboard.press("Tab");
		await expect(page.evaluate("document.activeElement.name")).resolves.toBe("city");
		await page.keyboard.type("Lyon");
		// Through the dates (one stop per date segment), guests and rooms, keeping their defaults, to the button.
		for (let i = 0; i < 15 && (await page.evaluate("document.activeElement.tagName")) !== "BUTTON"; i++) await page.keyboard.press("Tab");
		await expect(page.evaluate("document.activeElement.textContent")).resolves.toBe("Search");
		await page.keyboard.press("Enter");
		await page.waitForSelector("[data-testid=result]");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Hotels in Lyon");
	});

	it("opens the manage form with the code from an email's link", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/manage?code=K7Q2M9XD`);
		await expect(page.getByLabel("Booking code").inputValue()).resolves.toBe("K7Q2M9XD");
	});

	it("switches to French and keeps it", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/`);
		await page.getByRole("button", { name: /Language/ }).click();
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Trouvez votre hôtel");
		await expect(page.locator("html").getAttribute("lang")).resolves.toBe("fr");
		await page.getByLabel("Ville").fill("Nice");
		await page.getByRole("button", { name: "Rechercher" }).click();
		await page.waitForSelector("[data-testid=result]");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Hôtels à Nice");
		await screenshot(page, "results-fr", "desktop");
		await page.reload();
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Hôtels à Nice");
		await page.getByRole("button", { name: /Langue/ }).click();
	});
});

/** A page-side expression (a string: the tests compile without the DOM library): every image decoded. */
const allDecoded = (selector: string) => `[...document.querySelectorAll(${JSON.stringify(selector)})].every(i => i.complete && i.naturalWidth > 0)`;

let token: string | null = null;
async function adminToken(): Promise<string> {
	if (token) return token;
	const res = await apiCall<{ token: string }>(stack.baseUrl, "POST", "/api/v1/auth/login", { email: "admin@example.com", password: "admin" });
	token = res.body.token;
	return token;
}
