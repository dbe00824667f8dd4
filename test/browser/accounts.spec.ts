/**
 * Staff accounts in a real browser at phone and desktop sizes (SPEC §11): the owner invites a
 * front-desk clerk for one hotel → the invitation email's link (read from the .eml outbox of the
 * embedded shape) → the clerk sets a password and is logged in → sees only the reservations of
 * that hotel and only the pages of the role → logs out and in again → the owner widens the
 * clerk's hotels and reads the audit log (before → after) → deactivates the clerk, whose session
 * ends → forgot password answers the same for an unknown email. The clerk uses its own browser.
 */
import fs from "fs";
import path from "path";
import { simpleParser } from "mailparser";
import type { Page } from "playwright-core";
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, openBrowser, screenshot, startStack, useBrowser, type Browser, type Stack, type ViewportName } from "./harness";
import { waitFor } from "../helpers/wait";
import { signAdminToken } from "../../lib/auth";
import { loadConfig } from "../../lib/config";

jest.setTimeout(180_000);

let stack: Stack;
beforeAll(async () => {
	if (RUN_BROWSER) stack = await startStack();
});
afterAll(async () => {
	await stack?.stop();
});

interface HotelRow { id: string; name: string; timezone: string; roomTypes: { id: string; capacity: number }[] }

/** The invitation or reset link sent to `to`, read from DATA_DIR/outbox once the mail service wrote it. */
async function linkFor(to: string, page: "set-password" | "reset-password"): Promise<string> {
	const dir = path.join(stack.dataDir, "outbox");
	const pattern = new RegExp(`https?://[^\\s"<>]+/#/${page}\\?token=[A-Za-z0-9_%-]+`);
	let link = "";
	await waitFor(`the ${page} email to ${to}`, async () => {
		for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter(x => x.endsWith(".eml")) : []) {
			const mail = await simpleParser(fs.readFileSync(path.join(dir, f)));
			const rcpt = Array.isArray(mail.to) ? mail.to.map(a => a.text).join() : mail.to?.text ?? "";
			const found = rcpt.includes(to) ? (mail.text ?? "").match(pattern) : null;
			if (found) {
				link = found[0];
				return true;
			}
		}
		return false;
	}, 20_000, 200);
	return link;
}

/** Book through the API as a guest; a hotel's copy may still be on its way, so retry briefly. */
async function book(h: HotelRow, email: string): Promise<string> {
	let code = "";
	await waitFor(`a booking at ${h.name}`, async () => {
		const res = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId: h.id, roomTypeId: h.roomTypes[0].id, checkIn: isoDay(0, h.timezone), checkOut: isoDay(2, h.timezone), rooms: 1, guests: 1,
			guest: { name: "Grace Hopper", email, locale: "en" },
		});
		code = res.body.code;
		return res.status === 201;
	}, 10_000, 250);
	return code;
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Main" });
const navLinks = (page: Page) => nav(page).getByRole("link").allTextContents();
const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
/** The pages a front desk must not be offered (SPEC §11's table). */
const NOT_FRONT_DESK = ["Hotels", "Occupancy", "Reports", "Calendar", "Mail log", "Webhooks", "Staff accounts", "Audit log"];
async function expectFrontDeskNav(page: Page): Promise<void> {
	const links = await navLinks(page);
	expect(links).toContain("Reservations");
	expect(links.filter(l => NOT_FRONT_DESK.includes(l))).toEqual([]);
}

browserDescribe.each<[ViewportName]>([["phone"], ["desktop"]])("staff accounts at %s size", viewport => {
	const owner = useBrowser(viewport);
	let clerk: Browser;
	const clerkEmail = `clerk.${viewport}@example.com`;
	const clerkPassword = `front-desk-${viewport}-pw`;
	let home: HotelRow;
	let other: HotelRow;
	let homeCode = "";
	let otherCode = "";
	let clerkId = "";

	beforeAll(async () => {
		if (!RUN_BROWSER) return;
		clerk = await openBrowser(viewport);
		const hotels = await apiCall<{ rows: HotelRow[] }>(stack.baseUrl, "GET", "/api/v1/hotels?pageSize=100&sort=name");
		// Each size its own pair of hotels: the two runs' bookings never meet.
		const i = viewport === "phone" ? 0 : 2;
		[home, other] = [hotels.body.rows[i], hotels.body.rows[i + 1]];
		homeCode = await book(home, `guest.${viewport}@example.com`);
		otherCode = await book(other, `guest.${viewport}@example.com`);
	});
	afterAll(async () => {
		await clerk?.close();
	});
	afterEach(() => {
		if (clerk) expect(clerk.errors.splice(0)).toEqual([]);
	});

	it("lets the owner invite a front-desk clerk for one hotel", async () => {
		const { page } = owner();
		await page.goto(`${stack.baseUrl}/#/admin/login`);
		await page.getByLabel("Email").fill("admin@example.com");
		await page.getByLabel("Password").fill("admin");
		await page.getByRole("button", { name: "Log in" }).click();
		await page.waitForSelector("[data-testid=hotel-row]");
		expect(await navLinks(page)).toEqual(expect.arrayContaining(["Hotels", "Reservations", "Occupancy", "Mail log", "Staff accounts", "Audit log"]));

		await nav(page).getByRole("link", { name: "Staff accounts" }).click();
		await page.locator("[data-testid=staff-row][data-email='admin@example.com']").waitFor();
		await page.getByRole("button", { name: "Invite a staff member" }).click();
		const form = page.locator("form.staff-form");
		await form.getByLabel("Email").fill(clerkEmail);
		await form.getByLabel("Name").fill(`Clerk ${viewport}`);
		await form.getByLabel("Role").selectOption("front_desk");
		// No hotel ticked: said next to the hotels, before any request.
		await form.getByRole("button", { name: "Send the invitation" }).click();
		const picker = form.locator("fieldset.hotel-picker");
		await expect(picker.getAttribute("aria-invalid")).resolves.toBe("true");
		await expect(picker.locator(".error").textContent()).resolves.toContain("Choose at least one hotel");
		await form.getByRole("checkbox", { name: new RegExp(`^${home.name}`) }).check();
		await screenshot(page, "accounts-invite", viewport);

		await form.getByRole("button", { name: "Send the invitation" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: `Invitation sent to ${clerkEmail}` }).waitFor();
		const row = page.locator(`[data-testid=staff-row][data-email="${clerkEmail}"]`);
		await row.waitFor();
		await expect(row.textContent()).resolves.toMatch(/Front desk/);
		await expect(row.textContent()).resolves.toContain(home.name);
		await expect(row.locator(".status").textContent()).resolves.toBe("Invited");
		clerkId = (await row.getAttribute("data-id"))!;
		// The owner's own row offers nothing: no one deactivates themselves here.
		await expect(page.locator("[data-testid=staff-row][data-email='admin@example.com'] button").count()).resolves.toBe(0);
		await screenshot(page, "accounts-staff", viewport);
	});

	it("sets the clerk's password from the invitation email's link, which then logs the clerk in", async () => {
		const link = await linkFor(clerkEmail, "set-password");
		expect(link.startsWith(`${stack.baseUrl}/#/set-password?token=`)).toBe(true);
		const { page } = clerk;
		await page.goto(link);
		await expect(heading(page)).resolves.toBe("Set your password");
		await page.getByLabel("New password").fill("short");
		await page.getByLabel("Repeat the password").fill("short");
		await page.getByRole("button", { name: "Save the password" }).click();
		const pw = page.getByLabel("New password");
		await expect(pw.getAttribute("aria-invalid")).resolves.toBe("true");
		const described = (await pw.getAttribute("aria-describedby")) ?? "";
		await expect(page.locator(`[id="${described.split(" ").pop()}"]`).textContent()).resolves.toContain("at least 10 characters");
		await expect(page.evaluate("document.activeElement?.name")).resolves.toBe("password");
		await screenshot(page, "accounts-set-password", viewport);

		await pw.fill(clerkPassword);
		await page.getByLabel("Repeat the password").fill(clerkPassword);
		await page.getByRole("button", { name: "Save the password" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: `logged in as ${clerkEmail}` }).waitFor();

		// The link is single use: opened again, it says so and offers a new one.
		await page.goto(`${stack.baseUrl}/#/`);
		await page.goto(link);
		await page.getByLabel("New password").fill(clerkPassword);
		await page.getByLabel("Repeat the password").fill(clerkPassword);
		clerk.expectConsoleError(/status of (4\d\d)/);
		await page.getByRole("button", { name: "Save the password" }).click();
		await expect(page.locator("[data-testid=alert-error]").textContent()).resolves.toContain("no longer works");
		await expect(page.getByRole("link", { name: "Ask for a new link" }).count()).resolves.toBe(1);
	});

	it("shows the clerk only the front desk's pages and the hotel's reservations", async () => {
		const { page } = clerk;
		await page.goto(`${stack.baseUrl}/#/admin`);
		await nav(page).getByRole("link", { name: "Reservations" }).click();
		await page.waitForSelector("[data-testid=reservation-row]");
		await expect(heading(page)).resolves.toBe("Reservations");
		await expectFrontDeskNav(page);
		const codes = await page.locator("[data-testid=reservation-row]").evaluateAll(rows => rows.map(r => r.getAttribute("data-code")));
		expect(codes).toContain(homeCode);
		expect(codes).not.toContain(otherCode);
		const hotelOptions = await page.getByLabel("Hotel").locator("option").allTextContents();
		expect(hotelOptions).toEqual(["All", home.name]);
		await screenshot(page, "accounts-front-desk", viewport);

		// The clerk checks the guest in: a write the audit log will show with the clerk as actor.
		const row = page.locator(`[data-testid=reservation-row][data-code="${homeCode}"]`);
		await row.getByRole("button", { name: `Check in ${homeCode}` }).click();
		await page.waitForFunction(`document.querySelector('[data-code="${homeCode}"] .status')?.textContent === "Checked in"`);

		// Pages outside the role say so, with no button that would only fail.
		for (const p of ["hotels", "hotels/new", "mails", "staff", "audit", "occupancy"]) {
			await page.goto(`${stack.baseUrl}/#/admin/${p}`);
			await expect(heading(page)).resolves.toBe("Not part of your role");
			await expect(page.locator("main button").count()).resolves.toBe(0);
		}
		await screenshot(page, "accounts-not-allowed", viewport);

		// Out and in again with the password just chosen.
		await page.getByRole("button", { name: "Log out" }).click();
		await page.getByLabel("Email").fill(clerkEmail);
		await page.getByLabel("Password").fill(clerkPassword);
		await page.getByRole("button", { name: "Log in" }).click();
		await nav(page).getByRole("link", { name: "Reservations" }).waitFor();
		await expectFrontDeskNav(page);
	});

	it("lets the owner widen the clerk's hotels and read who changed what, before and after", async () => {
		const { page } = owner();
		// Still on the staff page since the invitation: Filter reads the list again.
		await page.getByRole("button", { name: "Filter" }).click();
		const row = page.locator(`[data-testid=staff-row][data-email="${clerkEmail}"]`);
		await row.locator(".status", { hasText: /^Active$/ }).waitFor();
		await row.getByRole("button", { name: `Change Clerk ${viewport}` }).click();
		const form = page.locator("[data-testid=staff-edit]");
		await expect(page.evaluate("document.activeElement?.id")).resolves.toBe("edit-title");
		await form.getByRole("checkbox", { name: new RegExp(`^${other.name}`) }).check();
		await screenshot(page, "accounts-change", viewport);
		await form.getByRole("button", { name: "Save" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: `Clerk ${viewport} is updated` }).waitFor();
		await row.locator("td", { hasText: other.name }).waitFor();

		await nav(page).getByRole("link", { name: "Audit log" }).click();
		await page.getByLabel("Target id").fill(clerkId);
		// Entries reach the log through each service's outbox: filter until the last one is in.
		const update = page.locator("[data-testid=audit-row][data-action='staff.update']");
		const deadline = Date.now() + 15_000;
		for (;;) {
			await page.getByRole("button", { name: "Filter" }).click();
			await page.waitForSelector("[data-testid=audit-row], [data-testid=alert-info]");
			if ((await update.count()) > 0 || Date.now() > deadline) break;
			await page.waitForTimeout(300);
		}
		const hotels = update.first().locator("tr[data-field=hotelIds]");
		// Hotels and roles by their names.
		await expect(hotels.locator(".audit-value--before").textContent()).resolves.toBe(home.name);
		expect((await hotels.locator(".audit-value--after").textContent())!.split(", ").sort()).toEqual([home.name, other.name].sort());
		await expect(update.first().textContent()).resolves.toContain("by admin@example.com (Owner)");
		const invite = page.locator("[data-testid=audit-row][data-action='staff.invite']");
		await expect(invite.locator("tr[data-field=role] .audit-value--after").textContent()).resolves.toBe("Front desk");
		await expect(invite.locator("tr[data-field=email] .audit-value--after").textContent()).resolves.toBe(clerkEmail);
		// The password is in the log only as "changed", never its hash.
		const passwordSet = page.locator("[data-testid=audit-row]", { has: page.locator("tr[data-field=password]") }).first();
		await expect(passwordSet.locator("tr[data-field=password] .audit-value--after").textContent()).resolves.toBe("(secret, not recorded)");
		await screenshot(page, "accounts-audit", viewport);

		// The clerk's check-in, by the clerk, status before → after.
		await page.getByLabel("Target id").fill(homeCode);
		await page.getByLabel("Who").selectOption(clerkId);
		const checkIn = page.locator(`[data-testid=audit-row][data-target="${homeCode}"]`, { hasText: "check" });
		const until = Date.now() + 15_000;
		for (;;) {
			await page.getByRole("button", { name: "Filter" }).click();
			await page.waitForSelector("[data-testid=audit-row], [data-testid=alert-info]");
			if ((await checkIn.count()) > 0 || Date.now() > until) break;
			await page.waitForTimeout(300);
		}
		await expect(checkIn.first().locator("tr[data-field=status] .audit-value--before").textContent()).resolves.toBe("confirmed");
		await expect(checkIn.first().locator("tr[data-field=status] .audit-value--after").textContent()).resolves.toBe("checked_in");
		await expect(checkIn.first().textContent()).resolves.toContain(`by ${clerkEmail} (Front desk)`);
	});

	it("ends the clerk's session once the owner deactivates the account", async () => {
		const { page } = owner();
		await nav(page).getByRole("link", { name: "Staff accounts" }).click();
		const row = page.locator(`[data-testid=staff-row][data-email="${clerkEmail}"]`);
		await row.getByRole("button", { name: `Deactivate Clerk ${viewport}` }).click();
		await row.getByRole("button", { name: "Yes" }).click();
		await page.locator("[data-testid=alert-success]", { hasText: "is deactivated" }).waitFor();
		await row.locator(".status", { hasText: /^Deactivated$/ }).waitFor();
		await expect(row.getByRole("button", { name: `Reactivate Clerk ${viewport}` }).count()).resolves.toBe(1);

		const token = (await clerk.page.evaluate(`sessionStorage.getItem("hb.admin")`)) as string;
		await waitFor("the clerk's token refused", async () => (await apiCall(stack.baseUrl, "GET", "/api/v1/reservations", undefined, token)).status === 401, 60_000, 500);
		clerk.expectConsoleError(/status of 401/, 3);
		await nav(clerk.page).getByRole("link", { name: "Reservations" }).click();
		await expect(clerk.page.locator("[data-testid=alert-warning]").textContent()).resolves.toContain("session has expired");
		await expect(heading(clerk.page)).resolves.toBe("Staff login");
		await clerk.page.getByLabel("Email").fill(clerkEmail);
		await clerk.page.getByLabel("Password").fill(clerkPassword);
		await clerk.page.getByRole("button", { name: "Log in" }).click();
		await expect(clerk.page.locator("[data-testid=alert-error]").textContent()).resolves.toContain("Wrong email or password");
		clerk.errors.splice(0).forEach(e => expect(e).toMatch(/status of 401/));
	});

	it("answers forgot-password the same way for an unknown email", async () => {
		const { page } = clerk;
		await page.getByRole("link", { name: "Forgot your password?" }).click();
		await expect(heading(page)).resolves.toBe("Forgot your password");
		await screenshot(page, "accounts-forgot", viewport);
		const unknown = `nobody.${viewport}@example.com`;
		await page.getByLabel("Email").fill(unknown);
		await page.getByRole("button", { name: "Send the link" }).click();
		const answer = await page.locator("[data-testid=alert-success]").textContent();
		expect(answer).toBe(`If ${unknown} belongs to a staff account, a link to choose a new password is on its way. It works once, for 72 hours.`);
	});
});

/** A staff user with a password, made through the API as the owner would (invitation → link → password). */
async function staffUser(role: string, hotelIds: string[], email: string, password: string): Promise<void> {
	const owner = await apiCall<{ token: string }>(stack.baseUrl, "POST", "/api/v1/auth/login", { email: "admin@example.com", password: "admin" });
	const invited = await apiCall(stack.baseUrl, "POST", "/api/v1/staff", { email, name: `${role} user`, role, hotelIds, locale: "en" }, owner.body.token);
	expect(invited.status).toBe(201);
	const token = decodeURIComponent(new URL((await linkFor(email, "set-password")).replace("/#/", "/")).searchParams.get("token")!);
	expect((await apiCall(stack.baseUrl, "POST", "/api/v1/auth/reset", { token, password })).status).toBe(200);
}

browserDescribe("every staff page of each role", () => {
	const browser = useBrowser("desktop");

	it.each([["manager"], ["revenue"], ["front_desk"]])("opens every page a %s is offered without a refused request", async role => {
		const { page } = browser();
		const hotels = await apiCall<{ rows: HotelRow[] }>(stack.baseUrl, "GET", "/api/v1/hotels?pageSize=100&sort=name");
		const email = `${role}.pages@example.com`;
		await staffUser(role, [hotels.body.rows[4].id], email, `${role}-pages-password`);
		await page.goto(`${stack.baseUrl}/#/admin/login`);
		await page.evaluate("sessionStorage.clear()");
		await page.reload();
		await page.getByLabel("Email").fill(email);
		await page.getByLabel("Password").fill(`${role}-pages-password`);
		await page.getByRole("button", { name: "Log in" }).click();
		await page.waitForFunction(`!location.hash.startsWith("#/admin/login")`);
		await nav(page).getByRole("button", { name: "Log out" }).waitFor();
		const links = await navLinks(page);
		expect(links.length).toBeGreaterThan(0);
		// Any 4xx/5xx a page causes is a console error, which fails the test (the harness).
		for (const name of links) {
			await nav(page).getByRole("link", { name, exact: true }).click();
			// Loaded: nothing left saying "Loading…" (a page stuck on a refused read would stay so).
			const loaded = await page.waitForFunction(`!document.querySelector("main .loading")`, null, { timeout: 10_000 }).then(() => true, () => false);
			expect([name, loaded, await heading(page)]).toEqual([name, true, expect.not.stringMatching(/Not part of your role/)]);
		}
		if (role !== "manager") expect(links).not.toContain("Staff accounts");
		if (role === "manager") {
			expect(links).toEqual(expect.arrayContaining(["Hotels", "Staff accounts", "Audit log"]));
			// A manager edits its hotel but creates none, and invites no owner nor anyone for "all hotels".
			await nav(page).getByRole("link", { name: "Hotels", exact: true }).click();
			await page.waitForSelector("[data-testid=hotel-row]");
			await expect(page.getByRole("link", { name: "New hotel" }).count()).resolves.toBe(0);
			// Edit and deactivate only on its own hotel.
			const own = hotels.body.rows[4];
			await expect(page.locator("[data-testid=hotel-row] .row-actions a, [data-testid=hotel-row] .row-actions button").evaluateAll(els => els.map(e => e.getAttribute("aria-label"))))
				.resolves.toEqual([`Edit ${own.name}`, `Deactivate ${own.name}`]);
			await nav(page).getByRole("link", { name: "Staff accounts" }).click();
			await page.getByRole("button", { name: "Invite a staff member" }).click();
			const form = page.locator("form.staff-form");
			expect(await form.getByLabel("Role").locator("option").allTextContents()).toEqual(["Manager", "Revenue manager", "Front desk"]);
			await expect(form.getByRole("checkbox").allTextContents()).resolves.toHaveLength(1);
			await expect(form.getByRole("checkbox", { name: /All hotels/ }).count()).resolves.toBe(0);
		}
		await nav(page).getByRole("button", { name: "Log out" }).click();
	});
});

browserDescribe("a staff session longer than its token", () => {
	const browser = useBrowser("desktop");

	it("asks for a fresh token shortly before the current one ends, and carries on with it", async () => {
		const { page } = browser();
		// The owner's token as the accounts service signs it, but ending in about two minutes:
		// the app refreshes two minutes before the end, so at once.
		const short = signAdminToken("admin@example.com", loadConfig().jwtSecret, 125);
		await page.goto(`${stack.baseUrl}/#/admin/login`);
		await page.evaluate(`sessionStorage.clear(); sessionStorage.setItem("hb.admin", ${JSON.stringify(short)})`);
		await page.goto(`${stack.baseUrl}/#/admin/staff`);
		await page.reload();
		await page.waitForSelector("[data-testid=staff-row]");
		await page.waitForFunction(`sessionStorage.getItem("hb.admin") !== ${JSON.stringify(short)}`, null, { timeout: 20_000 });
		const fresh = (await page.evaluate(`sessionStorage.getItem("hb.admin")`)) as string;
		const exp = JSON.parse(Buffer.from(fresh.split(".")[1], "base64url").toString()).exp as number;
		expect(exp * 1000 - Date.now()).toBeGreaterThan(10 * 60_000);
		// The pages use the new token.
		await nav(page).getByRole("link", { name: "Audit log" }).click();
		await page.waitForSelector("[data-testid=audit-row]");
		expect((await apiCall(stack.baseUrl, "GET", "/api/v1/auth/me", undefined, fresh)).status).toBe(200);
	});
});
