/**
 * The email a webhook's owner gets when it is disabled after continuous failures (SPEC §13).
 * Sent by the webhooks service through this directory's transport (transport.ts); staff
 * have no locale yet, so it is written in English and French.
 */
export interface WebhookDisabledNotice {
	webhookId: string;
	url: string;
	reason: string;
	disabledAt: string;
	/** Link to the staff page of webhooks (PUBLIC_URL). */
	manageUrl: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

export function renderWebhookDisabled(n: WebhookDisabledNotice): { subject: string; text: string; html: string } {
	const subject = `Webhook disabled after repeated failures — ${n.url}`.slice(0, 300);
	const text = [
		`Your webhook ${n.url} (${n.webhookId}) was disabled on ${n.disabledAt}: ${n.reason}.`,
		"No event is sent to it any more. Fix the receiver, enable the webhook again and replay the events it missed from the delivery log:",
		n.manageUrl,
		"",
		`Votre webhook ${n.url} (${n.webhookId}) a été désactivé le ${n.disabledAt} : ${n.reason}.`,
		"Plus aucun événement ne lui est envoyé. Réparez le récepteur, réactivez le webhook puis rejouez les événements manqués depuis le journal des envois :",
		n.manageUrl,
	].join("\n");
	const html = `<!doctype html><html><body style="font-family:sans-serif">
<p>Your webhook <code>${escapeHtml(n.url)}</code> (${escapeHtml(n.webhookId)}) was disabled on ${escapeHtml(n.disabledAt)}: ${escapeHtml(n.reason)}.</p>
<p>No event is sent to it any more. Fix the receiver, enable the webhook again and replay the events it missed from the delivery log: <a href="${escapeHtml(n.manageUrl)}">${escapeHtml(n.manageUrl)}</a></p>
<hr>
<p lang="fr">Votre webhook <code>${escapeHtml(n.url)}</code> (${escapeHtml(n.webhookId)}) a été désactivé le ${escapeHtml(n.disabledAt)} : ${escapeHtml(n.reason)}.</p>
<p lang="fr">Plus aucun événement ne lui est envoyé. Réparez le récepteur, réactivez le webhook puis rejouez les événements manqués depuis le journal des envois : <a href="${escapeHtml(n.manageUrl)}">${escapeHtml(n.manageUrl)}</a></p>
</body></html>`;
	return { subject, text, html };
}
