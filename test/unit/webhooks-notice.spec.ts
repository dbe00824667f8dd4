/**
 * The disabled webhook's email: the message the webhooks service writes (services/webhooks/notice.ts)
 * is one the mail service's staff consumer accepts and renders, in English and French, escaped.
 */
import { Events } from "../../lib/events";
import { renderStaffMail, staffMailProblem, staffSubject, type StaffMailData } from "../../services/mail/staff-templates";
import { disabledNotice } from "../../services/webhooks/notice";

describe("webhook-disabled notice", () => {
	const at = new Date("2027-01-04T10:00:00Z");
	const webhook = { id: "w1", url: "https://hooks.example/in?a=1&b=<2>", owner_email: "owner@hotel.example" };

	it("is a webhooks.mail.requested message for the owner, none without an address", () => {
		const m = disabledNotice(webhook, "no successful delivery for 72 h (last error: HTTP 503)", at)!;
		expect(m.event).toBe(Events.WEBHOOKS_MAIL_REQUESTED);
		expect(m.data).toEqual({ type: "webhook_disabled", to: "owner@hotel.example", webhookId: "w1", url: webhook.url, reason: "no successful delivery for 72 h (last error: HTTP 503)", disabledAt: "2027-01-04T10:00:00.000Z" });
		expect(disabledNotice({ ...webhook, owner_email: null }, "x", at)).toBeNull();
	});

	it("is accepted and rendered in English and French with the staff page's link, the URL escaped", () => {
		const d = disabledNotice(webhook, "failing", at)!.data as StaffMailData;
		expect(staffMailProblem(d)).toBeNull();
		expect(staffSubject(d)).toBe(`Webhook disabled after repeated failures — ${webhook.url}`);
		const mail = renderStaffMail(d, { publicUrl: "https://hotels.example" });
		expect(mail.locale).toBe("en");
		expect(mail.text).toContain("Your webhook https://hooks.example/in?a=1&b=<2> (w1) was disabled on 2027-01-04T10:00:00.000Z: failing.");
		expect(mail.text).toContain("Votre webhook https://hooks.example/in?a=1&b=<2> (w1) a été désactivé");
		expect(mail.text).toContain("https://hotels.example/#/admin/webhooks");
		expect(mail.html).toContain("https://hooks.example/in?a=1&amp;b=&lt;2&gt;");
		expect(mail.html).not.toContain("<2>");
	});

	it("refuses a message that cannot make an email", () => {
		expect(staffMailProblem(null)).toMatch(/not an invitation/);
		expect(staffMailProblem({ type: "confirmation", to: "a@b.c" })).toMatch(/not an invitation/);
		expect(staffMailProblem({ type: "webhook_disabled", to: "nobody", webhookId: "w1", url: "u", disabledAt: "t" })).toMatch(/recipient/);
		expect(staffMailProblem({ type: "webhook_disabled", to: "a@b.c", url: "u" })).toMatch(/webhook/);
		expect(staffMailProblem({ type: "staff_invitation", to: "a@b.c", url: "https://x", expiresAt: "2027-01-01T00:00:00Z" })).toBeNull();
		expect(staffMailProblem({ type: "password_reset", to: "a@b.c" })).toMatch(/link/);
	});
});
