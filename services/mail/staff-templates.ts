/**
 * The staff emails: an invitation to set a password and a password-reset link (SPEC §11), in
 * the user's language (en, fr; en as fallback), from accounts.mail.requested; the notice to a
 * webhook's owner that it was disabled after continuous failures (SPEC §13), from
 * webhooks.mail.requested, in English and French at once (a webhook's owner has no language on
 * record). The mail service queues and sends them like the guests' emails (log, retries,
 * resend), without a calendar attachment.
 */
import Handlebars from "handlebars";
import { pickLocale } from "./i18n";
import { formatDate } from "./format";

export const STAFF_MAIL_TYPES = ["staff_invitation", "password_reset", "webhook_disabled"] as const;
export type StaffMailType = (typeof STAFF_MAIL_TYPES)[number];
type AccountMailType = Exclude<StaffMailType, "webhook_disabled">;

export function isStaffMailType(type: string): type is StaffMailType {
	return (STAFF_MAIL_TYPES as readonly string[]).includes(type);
}

/** accounts.mail.requested's data (the accounts service's contract, restated: the services share only the wire). */
export interface AccountMailData {
	type: AccountMailType; userId: string; to: string; name: string; locale: string; role: string;
	url: string; expiresAt: string; invitedBy: string | null;
}

/** webhooks.mail.requested's data (services/webhooks/notice.ts, restated likewise). */
export interface WebhookMailData { type: "webhook_disabled"; to: string; webhookId: string; url: string; reason: string; disabledAt: string; locale?: string }

export type StaffMailData = AccountMailData | WebhookMailData;

/** Why a message cannot make a staff email; null when it can. */
export function staffMailProblem(d: unknown): string | null {
	const m = d as Partial<Record<string, unknown>> | null;
	if (!m || typeof m.type !== "string" || !isStaffMailType(m.type)) return "not an invitation, a reset or a webhook notice";
	if (typeof m.to !== "string" || !m.to.includes("@")) return "no recipient";
	if (m.type === "webhook_disabled") return typeof m.webhookId === "string" && typeof m.url === "string" && typeof m.disabledAt === "string" ? null : "no webhook, URL or time";
	return typeof m.url === "string" && typeof m.expiresAt === "string" ? null : "no link";
}

interface Words { intl: string; subject: string; heading: string; greeting: string; intro: string; button: string; expiry: string; ignore: string; roles: Record<string, string> }

const STRINGS: Record<string, Record<AccountMailType, Words>> = {
	en: {
		staff_invitation: {
			intl: "en-GB", subject: "You are invited to the hotel staff site", heading: "Welcome aboard",
			greeting: "Hello {{name}},", intro: "{{#if invitedBy}}{{invitedBy}} has invited you{{else}}You have been invited{{/if}} to the staff site as {{role}}. Choose your password to sign in.",
			button: "Set my password", expiry: "This link works once, until {{expires}}.", ignore: "If you did not expect this invitation, you can ignore this email.",
			roles: { owner: "owner", manager: "manager", revenue: "revenue manager", front_desk: "front desk" },
		},
		password_reset: {
			intl: "en-GB", subject: "Reset your password", heading: "Reset your password",
			greeting: "Hello {{name}},", intro: "Someone (hopefully you) asked to reset the password of your staff account. Choose a new password with the link below.",
			button: "Choose a new password", expiry: "This link works once, until {{expires}}.", ignore: "If you did not ask for this, ignore this email: your password stays as it is.",
			roles: {},
		},
	},
	fr: {
		staff_invitation: {
			intl: "fr-FR", subject: "Vous êtes invité sur l'espace du personnel", heading: "Bienvenue",
			greeting: "Bonjour {{name}},", intro: "{{#if invitedBy}}{{invitedBy}} vous invite{{else}}Vous êtes invité{{/if}} sur l'espace du personnel en tant que {{role}}. Choisissez votre mot de passe pour vous connecter.",
			button: "Choisir mon mot de passe", expiry: "Ce lien ne sert qu'une fois, jusqu'au {{expires}}.", ignore: "Si vous n'attendiez pas cette invitation, ignorez cet e-mail.",
			roles: { owner: "propriétaire", manager: "directeur", revenue: "responsable des tarifs", front_desk: "réception" },
		},
		password_reset: {
			intl: "fr-FR", subject: "Réinitialisez votre mot de passe", heading: "Réinitialiser le mot de passe",
			greeting: "Bonjour {{name}},", intro: "Quelqu'un (vous, espérons-le) a demandé à réinitialiser le mot de passe de votre compte du personnel. Choisissez-en un nouveau avec le lien ci-dessous.",
			button: "Choisir un nouveau mot de passe", expiry: "Ce lien ne sert qu'une fois, jusqu'au {{expires}}.", ignore: "Si vous n'avez rien demandé, ignorez cet e-mail : votre mot de passe reste le même.",
			roles: {},
		},
	},
};

const HTML = Handlebars.compile(`<!doctype html>
<html lang="{{lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{subject}}</title></head>
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:Arial,Helvetica,sans-serif;color:#1c1917">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="font-size:22px;margin:0 0 16px">{{heading}}</h1>
<p>{{greeting}}</p>
<p>{{intro}}</p>
<p><a href="{{url}}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none">{{button}}</a></p>
<p style="color:#57534e;font-size:13px">{{expiry}}<br><a href="{{url}}">{{url}}</a></p>
<p style="color:#57534e;font-size:13px">{{ignore}}</p>
</div></body></html>
`);
const TEXT = Handlebars.compile(`{{heading}}

{{greeting}}

{{intro}}

{{button}}: {{url}}
{{expiry}}

{{ignore}}
`, { noEscape: true });

const phrase = (t: string, vars: Record<string, unknown>) => Handlebars.compile(t, { noEscape: true })(vars);

export function staffSubject(d: StaffMailData): string {
	return d.type === "webhook_disabled" ? webhookSubject(d) : STRINGS[pickLocale(d.locale)][d.type].subject;
}

export interface StaffMailOptions { /** PUBLIC_URL: the links to the staff site. */ publicUrl: string }

export function renderStaffMail(d: StaffMailData, opts: StaffMailOptions): { subject: string; html: string; text: string; locale: string } {
	if (d.type === "webhook_disabled") return { ...renderWebhookDisabled(d, `${opts.publicUrl}/#/admin/webhooks`), locale: pickLocale(d.locale) };
	const lang = pickLocale(d.locale);
	const w = STRINGS[lang][d.type];
	const expires = `${formatDate(d.expiresAt.slice(0, 10), w.intl)} ${d.expiresAt.slice(11, 16)} UTC`;
	const vars = { name: d.name || d.to, invitedBy: d.invitedBy, role: w.roles[d.role] ?? d.role, expires };
	const model = {
		lang, subject: w.subject, heading: w.heading, greeting: phrase(w.greeting, vars), intro: phrase(w.intro, vars),
		button: w.button, url: d.url, expiry: phrase(w.expiry, vars), ignore: w.ignore,
	};
	return { subject: w.subject, html: HTML(model), text: TEXT(model), locale: lang };
}

// ---------------------------------------------------------------- webhook disabled (SPEC §13)

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

const webhookSubject = (d: WebhookMailData) => `Webhook disabled after repeated failures — ${d.url}`.slice(0, 300);

function renderWebhookDisabled(d: WebhookMailData, manageUrl: string): { subject: string; text: string; html: string } {
	const reason = d.reason || "repeated failures";
	const text = [
		`Your webhook ${d.url} (${d.webhookId}) was disabled on ${d.disabledAt}: ${reason}.`,
		"No event is sent to it any more. Fix the receiver, enable the webhook again and replay the events it missed from the delivery log:",
		manageUrl,
		"",
		`Votre webhook ${d.url} (${d.webhookId}) a été désactivé le ${d.disabledAt} : ${reason}.`,
		"Plus aucun événement ne lui est envoyé. Réparez le récepteur, réactivez le webhook puis rejouez les événements manqués depuis le journal des envois :",
		manageUrl,
	].join("\n");
	const [url, id, at, why, link] = [d.url, d.webhookId, d.disabledAt, reason, manageUrl].map(escapeHtml);
	const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Your webhook <code>${url}</code> (${id}) was disabled on ${at}: ${why}.</p>
<p>No event is sent to it any more. Fix the receiver, enable the webhook again and replay the events it missed from the delivery log: <a href="${link}">${link}</a></p>
<hr>
<p lang="fr">Votre webhook <code>${url}</code> (${id}) a été désactivé le ${at} : ${why}.</p>
<p lang="fr">Plus aucun événement ne lui est envoyé. Réparez le récepteur, réactivez le webhook puis rejouez les événements manqués depuis le journal des envois : <a href="${link}">${link}</a></p>
</body></html>`;
	return { subject: webhookSubject(d), text, html };
}
