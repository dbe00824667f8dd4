/**
 * One webhook's delivery log (GET /webhooks/:id/deliveries): each delivery's status, the
 * receiver's answer, latency and attempts, newest first, in pages; "Resend from here" replays
 * that event and every later one the webhook matches (POST /webhooks/:id/replay).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { webhooksApi } from "../../api";
import { dateTime } from "../../format";
import { t } from "../../i18n";
import { Alert, DataTable, Select } from "../../components/ui";
import { ErrorAlert } from "../../components/ErrorAlert";
import type { DeliveryStatus, Page, Webhook, WebhookDelivery } from "../../types";
import { PagedResult } from "./PagedResult";
import { token } from "./common";

const STATUSES: readonly DeliveryStatus[] = ["pending", "succeeded", "failed"];
/** The staff lists' status colours: green done, orange waiting, red given up. */
const STATUS_CLASS: Record<DeliveryStatus, string> = { succeeded: "status--confirmed", pending: "status--mail-queued", failed: "status--cancelled" };

export const deliveryStatusLabel = (s: DeliveryStatus) => t(`adm.wh.st.${s}`);
const kindLabel = (k: WebhookDelivery["kind"]) => t(`adm.wh.kind.${k}`);

export function WebhookDeliveries({ webhook, refresh }: { webhook: Webhook; refresh: number }) {
	const [status, setStatus] = useState<"" | DeliveryStatus>("");
	const [page, setPage] = useState(1);
	const [data, setData] = useState<Page<WebhookDelivery> | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [news, setNews] = useState<string | null>(null);
	const [n, setN] = useState(0);
	const heading = useRef<HTMLHeadingElement>(null);

	// Opened from a row of the list above: bring the log into view and move the focus to it.
	useEffect(() => {
		heading.current?.scrollIntoView({ block: "start" });
		heading.current?.focus();
	}, [webhook.id]);

	useEffect(() => {
		setError(null);
		webhooksApi.deliveries(webhook.id, { status: status || undefined, page, pageSize: 20 }, token()).then(setData).catch(setError);
	}, [webhook.id, status, page, n, refresh]);

	const replay = async (d: WebhookDelivery) => {
		setNews(null);
		setError(null);
		try {
			const { replayed } = await webhooksApi.replay(webhook.id, { fromMessageId: d.messageId }, token());
			setNews(t("adm.wh.replayed", { n: replayed }));
			setPage(1);
			setN(x => x + 1);
		} catch (err) {
			setError(err);
		}
	};

	return (
		// clip: a stacked table's hidden header row still widens the page at 375 px otherwise.
		<section class="card" aria-labelledby="wh-log-h" data-testid="webhook-deliveries" style={{ overflowX: "clip" }}>
			<h2 id="wh-log-h" ref={heading} tabIndex={-1} style={{ overflowWrap: "anywhere" }}>{t("adm.wh.logTitle", { url: webhook.url })}</h2>
			<div class="filters">
				<Select label={t("adm.wh.status")} name="deliveryStatus" value={status} onValue={v => { setPage(1); setStatus(v as "" | DeliveryStatus); }}
					options={[{ value: "", label: t("common.all") }, ...STATUSES.map(s => ({ value: s, label: deliveryStatusLabel(s) }))]} />
				<button type="button" class="btn" onClick={() => setN(x => x + 1)}>{t("adm.wh.refresh")}</button>
			</div>
			{news && <Alert kind="success">{news}</Alert>}
			{error && data ? <ErrorAlert error={error} context="admin" /> : null}
			<PagedResult data={data} error={data ? null : error} empty={t("adm.wh.noDeliveries")} onPage={setPage}>
				{page => (
					<DataTable label={t("adm.wh.logTitle", { url: webhook.url })} columns={[t("adm.wh.event"), t("adm.wh.when"), t("adm.wh.status"), t("adm.wh.response"), t("adm.wh.latency"), t("adm.wh.attempts"), t("adm.wh.error"), t("common.actions")]}>
						{page.rows.map(d => (
							<tr key={d.id} data-testid="delivery-row" data-status={d.status} data-event={d.event}>
								<th scope="row" data-label={t("adm.wh.event")} class="cell--wide" style={{ overflowWrap: "anywhere" }}>
									<span class="mono">{d.event}</span>
									<br />
									<span class="muted small">{kindLabel(d.kind)} · <span class="mono" title={t("adm.wh.messageId")}>{d.messageId}</span></span>
								</th>
								<td data-label={t("adm.wh.when")} class="nowrap">{dateTime(d.lastAttemptAt ?? d.createdAt)}</td>
								<td data-label={t("adm.wh.status")}>
									<span class={`status ${STATUS_CLASS[d.status]}`}>{deliveryStatusLabel(d.status)}</span>
									{d.nextAttemptAt && <><br /><span class="muted small">{t("adm.wh.nextAt", { at: dateTime(d.nextAttemptAt) })}</span></>}
								</td>
								<td data-label={t("adm.wh.response")} data-testid="delivery-response">{d.responseStatus ?? "—"}</td>
								<td data-label={t("adm.wh.latency")} class="nowrap">{d.latencyMs == null ? "—" : t("adm.wh.ms", { n: d.latencyMs })}</td>
								<td data-label={t("adm.wh.attempts")}>{d.attempts}</td>
								<td data-label={t("adm.wh.error")} class="small" style={{ overflowWrap: "anywhere" }}>{d.error ?? "—"}</td>
								<td data-label={t("common.actions")}>
									{d.kind !== "test" && (
										<button type="button" class="btn btn--small" onClick={() => void replay(d)} aria-label={`${t("adm.wh.replay")}: ${d.event} ${d.messageId}`}>
											{t("adm.wh.replay")}
										</button>
									)}
								</td>
							</tr>
						))}
					</DataTable>
				)}
			</PagedResult>
		</section>
	);
}
