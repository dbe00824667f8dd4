/**
 * Staff journey in a real browser at phone and desktop sizes: log in → create a hotel with a
 * room type → see a booking of it in the reservations list and check it in → occupancy chart
 * drawn → mail log shows the booking's mails, resend → edit and deactivate the hotel.
 * Any console error not declared by the test fails it.
 */
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, screenshot, startStack, useBrowser, type Stack, type ViewportName } from "./harness";

jest.setTimeout(120_000);

/** The time zone the hotel form proposes (web/src/pages/admin/HotelForm.tsx); the test keeps it. */
const HOTEL_TZ = "Europe/Paris";

let stack: Stack;
beforeAll(async () => {
	if (RUN_BROWSER) stack = await startStack();
});
afterAll(async () => {
	await stack?.stop();
});

/** Book through the API as a guest would; the new hotel reaches reservations by event, so retry briefly. */
async function bookVia(hotelId: string, roomTypeId: string, checkIn: string, checkOut: string, email: string): Promise<string> {
	const deadline = Date.now() + 10_000;
	for (;;) {
		const res = await apiCall<{ code: string; message?: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId, roomTypeId, checkIn, checkOut, rooms: 2, guests: 3, guest: { name: "Katherine Johnson", email, locale: "fr" },
		});
		if (res.status === 201) return res.body.code;
		if (Date.now() > deadline) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
		await new Promise(r => setTimeout(r, 250));
	}
}

browserDescribe.each<[ViewportName]>([["phone"], ["desktop"]])("staff journey at %s size", viewport => {
	const browser = useBrowser(viewport);

	const hotelName = `Hôtel Test ${viewport}`;
	const email = `katherine.${viewport}@example.com`;
	let hotelId = "";
	let code = "";

	it("asks for a login, refuses a wrong password, then opens the hotels list", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/hotels`);
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Staff login");
		await page.getByLabel("Email").fill("admin@example.com");
		await page.getByLabel("Password").fill("wrong");
		browser().expectConsoleError(/status of 401/);
		await page.getByRole("button", { name: "Log in" }).click();
		await expect(page.locator("[data-testid=alert-error]").textContent()).resolves.toContain("Wrong email or password");
		await screenshot(page, "staff-login", viewport);

		await page.getByLabel("Password").fill("admin");
		await page.getByRole("button", { name: "Log in" }).click();
		await page.waitForSelector("[data-testid=hotel-row]");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Hotels");
		expect(await page.locator("[data-testid=hotel-row]").count()).toBeGreaterThanOrEqual(13);
		await screenshot(page, "staff-hotels", viewport);
	});

	it("creates a hotel with a room type, showing the API's messages next to the fields first", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "New hotel" }).click();
		await page.getByLabel("Name").first().fill(hotelName);
		await page.getByLabel("Contact email").fill("not-an-email");
		await page.getByLabel("Street address").fill("3 place Grenette");
		await page.getByLabel("Postal code").fill("38000");
		await page.getByLabel(/^City/).fill("Grenoble");
		await page.getByLabel("Latitude").fill("45.1905");
		await page.getByLabel("Longitude").fill("5.7263");
		const room = page.locator("[data-testid=room-form]").first();
		await room.getByLabel("Name").fill("Family room");
		await room.getByLabel("Capacity").fill("2");
		await room.getByLabel("Number of rooms").fill("4");
		await room.getByLabel(/Price per night/).fill("120");

		browser().expectConsoleError(/status of 422/);
		await page.getByRole("button", { name: "Save" }).click();
		const emailError = page.locator(".field--error", { has: page.getByLabel("Contact email") }).locator(".error");
		await expect(emailError.textContent()).resolves.toMatch(/email/i);
		await screenshot(page, "staff-hotel-form", viewport);

		await page.getByLabel("Contact email").fill(`contact@${viewport}.example`);
		await page.getByRole("button", { name: "Save" }).click();
		await page.waitForSelector("[data-testid=alert-success]");
		await expect(page.locator("[data-testid=alert-success]").textContent()).resolves.toContain(`${hotelName} is created`);
		const row = page.locator("[data-testid=hotel-row]", { hasText: hotelName });
		hotelId = (await row.getAttribute("data-hotel-id"))!;
		expect(hotelId).toBeTruthy();
		await expect(row.textContent()).resolves.toContain("Family room ×4");
	});

	it("lists a booking of the new hotel, filtered by hotel, and checks it in", async () => {
		const { page } = browser();
		const hotel = await apiCall<{ roomTypes: { id: string }[] }>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}`);
		// Check-in is allowed on the stay's first day in the hotel's time zone (the form's default, Paris).
		code = await bookVia(hotelId, hotel.body.roomTypes[0].id, isoDay(0, HOTEL_TZ), isoDay(3, HOTEL_TZ), email);

		await page.getByRole("link", { name: "Reservations" }).click();
		await page.waitForSelector("[data-testid=reservation-row]");
		await page.getByLabel("Hotel").selectOption(hotelId);
		await page.getByRole("button", { name: "Filter" }).click();
		await page.waitForFunction(`[...document.querySelectorAll("[data-testid=reservation-row]")].map(r => r.getAttribute("data-code")).join() === ${JSON.stringify(code)}`);
		const row = page.locator(`[data-testid=reservation-row][data-code="${code}"]`);
		await expect(row.textContent()).resolves.toContain("Katherine Johnson");
		await expect(row.locator(".status").textContent()).resolves.toBe("Confirmed");
		await screenshot(page, "staff-reservations", viewport);

		await row.getByRole("button", { name: `Check in ${code}` }).click();
		await page.waitForFunction(`document.querySelector('[data-code="${code}"] .status')?.textContent === "Checked in"`);
		await expect(row.getByRole("button", { name: `Check out ${code}` }).count()).resolves.toBe(1);
	});

	it("draws the occupancy chart of the hotel over a date range", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "Occupancy" }).click();
		await page.waitForSelector("[data-testid=occupancy-chart]");
		await page.getByLabel("Hotel").selectOption(hotelId);
		await page.getByLabel("From", { exact: true }).fill(isoDay(0, HOTEL_TZ));
		await page.getByLabel("To (exclusive)").fill(isoDay(14, HOTEL_TZ));
		await page.getByRole("button", { name: "Show" }).click();
		await page.waitForFunction(`document.querySelectorAll("[data-testid=occupancy-chart] rect.bar").length === 14`);
		await expect(page.locator("section.card h2").textContent()).resolves.toBe(hotelName);
		// 2 of 4 rooms booked on the first three nights, nothing after.
		const heights = await page.locator("[data-testid=occupancy-chart] rect.bar").evaluateAll(bars => bars.map(r => Number(r.getAttribute("height"))));
		expect(heights.slice(0, 3).every(h => h > 50)).toBe(true);
		expect(heights.slice(3).every(h => h < 1)).toBe(true);
		await expect(page.locator("[data-testid=occupancy-chart]").getAttribute("aria-label")).resolves.toMatch(/Peak 50%/);
		await screenshot(page, "staff-occupancy", viewport);
	});

	it("shows the booking's mail in the mail log and queues a resend", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "Mail log" }).click();
		await page.getByLabel("Booking code").fill(code);
		const deadline = Date.now() + 10_000;
		// The mail is sent asynchronously after the booking: filter until it is there.
		for (;;) {
			await page.getByRole("button", { name: "Filter" }).click();
			await page.waitForSelector("[data-testid=mail-row], [data-testid=alert-info]");
			if ((await page.locator("[data-testid=mail-row]").count()) > 0 || Date.now() > deadline) break;
			await page.waitForTimeout(300);
		}
		const row = page.locator(`[data-testid=mail-row][data-code="${code}"]`).first();
		await expect(row.textContent()).resolves.toContain(email);
		await expect(row.getAttribute("data-type")).resolves.toBe("confirmation");
		await screenshot(page, "staff-mails", viewport);

		await row.getByRole("button", { name: /Resend/ }).click();
		await page.locator("[data-testid=alert-success]", { hasText: `The mail to ${email} is queued again` }).waitFor();
	});

	it("labels every mail type of the log, the staff emails included, and filters by each of them", async () => {
		const { page } = browser();
		// Every type the log's filter takes, no-show included, in words.
		const typeFilter = page.getByLabel("Type");
		expect(await typeFilter.locator("option").allTextContents()).toEqual(["All", "Confirmation", "Change", "Cancellation", "No-show", "Staff invitation", "Password reset", "Webhook disabled"]);
		// An invitation lands in the same log, without a booking code.
		const login = await apiCall<{ token: string }>(stack.baseUrl, "POST", "/api/v1/auth/login", { email: "admin@example.com", password: "admin" });
		const invitee = `dorothy.${viewport}@example.com`;
		const invited = await apiCall(stack.baseUrl, "POST", "/api/v1/staff", { email: invitee, name: "Dorothy Vaughan", role: "front_desk", hotelIds: [hotelId], locale: "en" }, login.body.token);
		expect(invited.status).toBe(201);
		await page.getByLabel("Booking code").fill("");
		const invitation = page.locator("[data-testid=mail-row][data-type=staff_invitation]", { hasText: invitee });
		const deadline = Date.now() + 10_000;
		for (;;) {
			await page.getByRole("button", { name: "Filter" }).click();
			await page.waitForSelector("[data-testid=mail-row]");
			if ((await invitation.count()) > 0 || Date.now() > deadline) break;
			await page.waitForTimeout(300);
		}
		await expect(invitation.locator("td", { hasText: "Staff invitation" }).count()).resolves.toBe(1);
		await page.getByRole("button", { name: /Language/ }).click();
		await invitation.locator("td", { hasText: "Invitation d'un membre du personnel" }).waitFor();
		expect(await page.getByLabel("Type").locator("option").evaluateAll(os => os.map(o => o.textContent))).toEqual(["Tous", "Confirmation", "Modification", "Annulation", "Non-présentation", "Invitation d'un membre du personnel", "Réinitialisation du mot de passe", "Webhook désactivé"]);
		await page.getByRole("button", { name: /Langue/ }).click();
		await page.getByRole("link", { name: "Hotels" }).waitFor();
		// The staff types are filters the server takes too: the invitation is listed under its own.
		await typeFilter.selectOption("staff_invitation");
		await page.getByRole("button", { name: "Filter" }).click();
		await page.waitForFunction('document.querySelectorAll("[data-testid=mail-row]:not([data-type=staff_invitation])").length === 0', undefined, { timeout: 5000 });
		await invitation.waitFor();
		// The no-show filter is one the server takes: the booking's confirmation is not listed under it.
		await page.getByLabel("Booking code").fill(code);
		await typeFilter.selectOption("no_show");
		await page.getByRole("button", { name: "Filter" }).click();
		await page.locator("[data-testid=alert-info]").waitFor();
		expect(await page.locator("[data-testid=mail-row]").count()).toBe(0);
		await typeFilter.selectOption("");
	});

	it("edits the hotel, deactivates it and reactivates it", async () => {
		const { page } = browser();
		await page.getByRole("link", { name: "Hotels" }).click();
		const row = page.locator(`[data-testid=hotel-row][data-hotel-id="${hotelId}"]`);
		await row.getByRole("link", { name: `Edit ${hotelName}` }).click();
		await page.getByLabel("Stars").fill("4");
		await page.getByRole("button", { name: "Save" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: "Saved." }).waitFor();
		const after = await apiCall<{ stars: number }>(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}`);
		expect(after.body.stars).toBe(4);

		await page.getByRole("link", { name: "← Hotels" }).click();
		await row.getByRole("button", { name: `Deactivate ${hotelName}` }).click();
		await row.getByRole("button", { name: "Yes" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: "is deactivated" }).waitFor();
		await row.locator(".status", { hasText: /^Inactive$/ }).waitFor();
		const gone = await apiCall(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}`);
		expect(gone.status).toBe(404);
		browser().errors.splice(0); // the 404 above was from Node, not the page

		await row.getByRole("button", { name: `Reactivate ${hotelName}` }).click();
		await page.locator("[data-testid=alert-success]", { hasText: "is active again" }).waitFor();
		await row.locator(".status", { hasText: /^Active$/ }).waitFor();
		expect((await apiCall(stack.baseUrl, "GET", `/api/v1/hotels/${hotelId}`)).status).toBe(200);
	});

	it("sends staff back to the login when their session has expired", async () => {
		const { page } = browser();
		await page.evaluate(`sessionStorage.setItem("hb.admin", "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWRtaW4ifQ.c2ln")`);
		browser().expectConsoleError(/status of 401/, 2);
		await page.getByRole("link", { name: "Reservations" }).click();
		await expect(page.locator("[data-testid=alert-warning]").textContent()).resolves.toContain("session has expired");
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Staff login");
		browser().errors.splice(0).forEach(e => expect(e).toMatch(/status of 401/));
	});
});
