/**
 * Who may read the reports and the desk's day through the gateway (SPEC §11, §12), with real
 * staff accounts (invited by email, password set from the link): another hotel's manager gets
 * 404 like an unknown hotel, the front desk 403 on reports but its hotel's day, revenue the
 * reports (and the day: reservations.view), a guest token 403.
 */
import request from "supertest";
import { signGuestToken } from "../../lib/auth";
import { loadConfig } from "../../lib/config";
import { startApp, type TestApp } from "../helpers/app";
import { waitFor } from "../helpers/wait";
import { startSmtp, type TestSmtp } from "./mail.fixtures";

const PASSWORD = "correct horse battery";
const hotel = (name: string) => ({
	name, address: { line1: "1 rue", city: "Annecy", postalCode: "74000", country: "FR" }, stars: 3, email: "h@example.com",
	timezone: "Europe/Paris", currency: "EUR", roomTypes: [{ id: "double", name: "Double", capacity: 2, totalRooms: 5, pricePerNight: 10000 }],
});
const isoDay = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

describe("reports and the desk's day by role, through the gateway", () => {
	let app: TestApp;
	let smtp: TestSmtp;
	let owner = "";
	let h1 = "";
	let h2 = "";
	const tokens: Record<string, string> = {};
	const http = () => request(app.server);
	const as = (token: string) => ({ Authorization: `Bearer ${token}` });

	/** Invite, take the emailed link, set a password: the new user's token. */
	async function onboard(email: string, role: string, hotelIds: string[]): Promise<string> {
		const res = await http().post("/api/v1/staff").set(as(owner)).send({ email, name: email, role, hotelIds });
		expect(res.status).toBe(201);
		let link = "";
		await waitFor(`the invitation to ${email}`, () => {
			const mail = [...smtp.received].reverse().find(r => r.to.includes(email) && r.type === "staff_invitation");
			const m = mail && /token=([A-Za-z0-9_-]+)/.exec(mail.mail.text ?? "");
			if (m) link = m[1];
			return !!m;
		}, 10_000);
		const set = await http().post("/api/v1/auth/reset").send({ token: link, password: PASSWORD });
		expect(set.status).toBe(200);
		return set.body.token as string;
	}

	beforeAll(async () => {
		smtp = await startSmtp();
		app = await startApp({ SMTP_URL: smtp.url, MAIL_POLL_MS: "50", OUTBOX_POLL_MS: "50", SEED_DEMO: "false", AUTH_RATE_LIMIT_PER_MINUTE: "1000", PUBLIC_URL: "https://hotels.example" },
			["api", "hotels", "reservations", "mail", "accounts"]);
		owner = await app.adminToken();
		h1 = (await http().post("/api/v1/hotels").set(as(owner)).send(hotel("One"))).body.id;
		h2 = (await http().post("/api/v1/hotels").set(as(owner)).send(hotel("Two"))).body.id;
		for (const id of [h1, h2]) await app.broker.call("reservations.syncHotel", { id });
		tokens.manager1 = await onboard("manager1@example.com", "manager", [h1]);
		tokens.manager2 = await onboard("manager2@example.com", "manager", [h2]);
		tokens.desk1 = await onboard("desk1@example.com", "front_desk", [h1]);
		tokens.revenue1 = await onboard("revenue1@example.com", "revenue", [h1]);
	}, 90_000);

	afterAll(async () => {
		await app?.stop();
		await smtp?.close();
	});

	const report = (token: string, id = h1) => http().get(`/api/v1/hotels/${id}/reports/daily`).query({ from: isoDay(1), to: isoDay(8) }).set(as(token));
	const today = (token: string, id = h1) => http().get(`/api/v1/hotels/${id}/today`).set(as(token));

	it("reports: the hotel's manager and revenue read them, another hotel's manager 404 (as an unknown hotel), front desk 403, guest 403", async () => {
		const answers = async (token: string) => (await report(token)).status;
		expect({
			owner: await answers(owner), manager1: await answers(tokens.manager1), revenue1: await answers(tokens.revenue1),
			manager2: await answers(tokens.manager2), desk1: await answers(tokens.desk1), guest: await answers(signGuestToken("ABCDEFGH", loadConfig().jwtSecret)),
		}).toEqual({ owner: 200, manager1: 200, revenue1: 200, manager2: 404, desk1: 403, guest: 403 });
		const unknown = await report(tokens.manager2, "no-such-hotel");
		const other = await report(tokens.manager2);
		expect([other.status, other.body.type]).toEqual([unknown.status, unknown.body.type]);
		// CSV the same way: scoped before anything is written.
		expect((await report(tokens.manager2).set("Accept", "text/csv")).status).toBe(404);
		expect((await report(tokens.manager1).set("Accept", "text/csv")).headers["content-type"]).toMatch(/^text\/csv/);
	});

	it("the desk's day: front desk, revenue and manager of the hotel read it; another hotel's staff get 404", async () => {
		const answers = async (token: string, id = h1) => (await today(token, id)).status;
		expect({ desk1: await answers(tokens.desk1), revenue1: await answers(tokens.revenue1), manager1: await answers(tokens.manager1), manager2: await answers(tokens.manager2), desk1OnH2: await answers(tokens.desk1, h2) })
			.toEqual({ desk1: 200, revenue1: 200, manager1: 200, manager2: 404, desk1OnH2: 404 });
	});
});
