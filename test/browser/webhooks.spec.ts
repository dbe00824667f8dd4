/**
 * Webhooks in a real browser at phone and desktop sizes (SPEC §13): create a webhook (the API's
 * refusal shown next to the URL first), see its secret once, send a test event to a local
 * receiver (WEBHOOK_ALLOW_PRIVATE=true) that verifies it with the Standard Webhooks library, and
 * read the delivery log with a booking's delivery in it; the page in French too.
 */
import { startReceiver, type Receiver } from "../integration/webhooks.fixtures";
import { RUN_BROWSER, apiCall, browserDescribe, isoDay, screenshot, startStack, useBrowser, type Stack, type ViewportName } from "./harness";

jest.setTimeout(120_000);

let stack: Stack;
let receiver: Receiver;
beforeAll(async () => {
	if (!RUN_BROWSER) return;
	receiver = await startReceiver();
	process.env.WEBHOOK_ALLOW_PRIVATE = "true";
	process.env.WEBHOOK_POLL_MS = "100";
	try {
		stack = await startStack();
	} finally {
		delete process.env.WEBHOOK_ALLOW_PRIVATE;
		delete process.env.WEBHOOK_POLL_MS;
	}
});
afterAll(async () => {
	await stack?.stop();
	await receiver?.close();
});

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
	const deadline = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise(r => setTimeout(r, 100));
	}
}

browserDescribe.each<[ViewportName]>([["phone"], ["desktop"]])("webhooks page at %s size", viewport => {
	const browser = useBrowser(viewport);
	const path = `/hooks/${viewport}`;
	let secret = "";

	it("logs in and opens the webhooks page from the menu", async () => {
		const { page } = browser();
		await page.goto(`${stack.baseUrl}/#/admin/webhooks`);
		await page.getByLabel("Email").fill("admin@example.com");
		await page.getByLabel("Password").fill("admin");
		await page.getByRole("button", { name: "Log in" }).click();
		await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
		await page.getByRole("heading", { name: "New webhook" }).waitFor();
		await expect(page.getByRole("link", { name: "Webhooks" }).getAttribute("aria-current")).resolves.toBe("page");
	});

	it("shows the API's refusal next to the URL, then creates the webhook and shows its secret once", async () => {
		const { page } = browser();
		const form = page.locator("[data-testid=webhook-form]");
		await form.getByLabel("Receiver URL").fill("ftp://files.example.com/drop");
		browser().expectConsoleError(/status of 422/);
		await form.getByRole("button", { name: "Create webhook" }).click();
		const urlError = form.locator(".field--error", { has: page.getByLabel("Receiver URL") }).locator(".error");
		await expect(urlError.textContent()).resolves.toMatch(/http or https/);

		await form.getByLabel("Receiver URL").fill(receiver.url(path));
		await form.getByLabel(/Hotels: created, updated, deactivated/).check();
		await form.getByRole("button", { name: "Create webhook" }).click();
		const shown = page.locator("[data-testid=webhook-secret]");
		secret = (await shown.textContent()) ?? "";
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
		await page.waitForSelector("[data-testid=webhook-row]");
		await screenshot(page, "webhooks-secret", viewport);

		await page.getByRole("button", { name: "I have stored it" }).click();
		await expect(shown.count()).resolves.toBe(0);
		await page.reload();
		await page.waitForSelector("[data-testid=webhook-row]");
		expect(await page.content()).not.toContain(secret);
	});

	it("sends a test event the receiver verifies with the library, and reads the delivery log", async () => {
		const { page } = browser();
		const row = page.locator("[data-testid=webhook-row]", { hasText: receiver.url(path) });
		await row.getByRole("button", { name: /Send test event/ }).click();
		await expect(page.locator("[data-testid=alert-success]").textContent()).resolves.toMatch(/Test event delivered: the receiver answered 200/);
		// (The demo hotels' creation may arrive too: the webhook follows hotels.hotel.*.)
		const got = receiver.on(path).find(r => r.event === "webhooks.webhook.tested")!;
		expect(receiver.verify(got, secret)).toMatchObject({ event: "webhooks.webhook.tested" });

		// A booking reaches the receiver by itself, and shows in the log.
		const hotels = await apiCall<{ rows: { id: string; roomTypes: { id: string; capacity: number }[] }[] }>(stack.baseUrl, "GET", "/api/v1/hotels?city=Annecy&pageSize=1");
		const hotel = hotels.body.rows[0];
		const res = await apiCall<{ code: string }>(stack.baseUrl, "POST", "/api/v1/reservations", {
			hotelId: hotel.id, roomTypeId: hotel.roomTypes[0].id, checkIn: isoDay(40 + (viewport === "phone" ? 0 : 3), "Europe/Paris"), checkOut: isoDay(41 + (viewport === "phone" ? 0 : 3), "Europe/Paris"),
			rooms: 1, guests: 1, guest: { name: "Grace Hopper", email: `grace.${viewport}@example.com`, locale: "en" },
		});
		expect(res.status).toBe(201);
		await until("the booking's webhook", () => receiver.on(path).some(r => r.event === "reservations.reservation.confirmed"));

		await row.getByRole("link", { name: /Delivery log/ }).click();
		const log = page.locator("[data-testid=webhook-deliveries]");
		await until("the test and the booking in the log", async () => {
			await log.getByRole("button", { name: "Refresh" }).click();
			const done = log.locator("[data-testid=delivery-row][data-status=succeeded]");
			return (await done.and(page.locator("[data-event='reservations.reservation.confirmed']")).count()) === 1
				&& (await done.and(page.locator("[data-event='webhooks.webhook.tested']")).count()) === 1;
		});
		const booking = log.locator("[data-testid=delivery-row][data-event='reservations.reservation.confirmed']");
		await expect(booking.locator("[data-testid=delivery-response]").textContent()).resolves.toBe("200");
		await expect(log.locator("[data-testid=delivery-row][data-event='webhooks.webhook.tested']").count()).resolves.toBe(1);
		await screenshot(page, "webhooks-log", viewport);

		// Resend from the booking: the receiver gets it again with the same webhook-id.
		const firstId = receiver.on(path).find(r => r.event === "reservations.reservation.confirmed")!.id;
		await booking.getByRole("button", { name: /Resend from here/ }).click();
		await expect(log.locator("[data-testid=alert-success]").textContent()).resolves.toMatch(/1 event\(s\) queued again/);
		await until("the replayed webhook", () => receiver.on(path).filter(r => r.id === firstId).length === 2);
	});

	it("reads in French", async () => {
		const { page } = browser();
		await page.getByRole("button", { name: /FR/ }).click();
		await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe("Webhooks");
		await page.getByRole("heading", { name: /Nouveau webhook/ }).waitFor();
		await expect(page.locator("[data-testid=webhook-deliveries] h2").textContent()).resolves.toMatch(/^Envois vers /);
		if (viewport === "desktop") await screenshot(page, "webhooks-fr", viewport);
		await page.getByRole("button", { name: /EN/ }).click();
	});
});
