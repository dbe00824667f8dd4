/**
 * The email to a webhook's owner when it is disabled after continuous failures (SPEC §13): a
 * `webhooks.mail.requested` message written to this service's outbox in the transaction that
 * disables it, so the mail service sends it (mail log, retries, resend) once the relay has it.
 */
import { Events, makeMessage, type DomainMessage } from "../../lib/events";

/** webhooks.mail.requested's data: the mail service renders it (services/mail/staff-templates.ts). */
export interface WebhookMailData {
	type: "webhook_disabled";
	to: string;
	webhookId: string;
	url: string;
	reason: string;
	disabledAt: string;
}

/**
 * The notice for the owner of a disabled webhook; null without an owner address (nobody to tell).
 * The message's own time is the wall clock (the outbox relays in that order), the disable time
 * the service's.
 */
export function disabledNotice(w: { id: string; url: string; owner_email: string | null }, reason: string, disabledAt: Date): DomainMessage<WebhookMailData> | null {
	if (!w.owner_email) return null;
	return makeMessage(Events.WEBHOOKS_MAIL_REQUESTED, {
		type: "webhook_disabled", to: w.owner_email, webhookId: w.id, url: w.url, reason, disabledAt: disabledAt.toISOString(),
	});
}
