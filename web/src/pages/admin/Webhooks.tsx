/**
 * Staff: webhooks (SPEC §13). Subscribe a URL to events of some hotels — the signing secret is
 * shown once, right after — send a test event, enable/disable, delete, and read (and replay) a
 * webhook's delivery log (./WebhookDeliveries.tsx).
 */
import { useEffect, useState } from "preact/hooks";
import { ApiError, webhooksApi } from "../../api";
import { t } from "../../i18n";
import type { Route } from "../../router";
import { Alert, DataTable, Field, PageTitle, useId } from "../../components/ui";
import { ErrorAlert } from "../../components/ErrorAlert";
import { navigate } from "../../router";
import { staffMe } from "../../session";
import type { Hotel, Page, Webhook, WebhookDelivery } from "../../types";
import { PagedResult } from "./PagedResult";
import { token, useHotels } from "./common";
import { deliveryStatusLabel, WebhookDeliveries } from "./WebhookDeliveries";

const ALL = "*";
/** The event families offered as checkboxes: one pattern each (SPEC §4 names). */
const FAMILIES = [
	{ pattern: "reservations.reservation.*", key: "adm.wh.evReservations" },
	{ pattern: "hotels.hotel.*", key: "adm.wh.evHotels" },
	{ pattern: "mail.message.*", key: "adm.wh.evMails" },
] as const;

function hotelNames(ids: string[], hotels: Hotel[] | null): string {
	if (ids.includes(ALL)) return t("adm.wh.allHotels");
	return ids.map(id => hotels?.find(h => h.id === id)?.name ?? id).join(", ");
}

function NewWebhook({ hotels, onCreated }: { hotels: Hotel[] | null; onCreated: (w: Webhook & { secret: string }) => void }) {
	const me = staffMe();
	const mayAll = !me || me.hotelIds.includes(ALL);
	const [url, setUrl] = useState("");
	const [events, setEvents] = useState<string[]>(["reservations.reservation.*"]);
	const [hotelIds, setHotelIds] = useState<string[]>(mayAll ? [ALL] : []);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState<unknown>(null);
	const id = useId("wh-new");
	const fields = error instanceof ApiError ? error.fieldErrors() : {};
	const eventsError = fields.events ?? Object.entries(fields).find(([k]) => k.startsWith("events["))?.[1];
	const hotelsError = fields.hotelIds ?? Object.entries(fields).find(([k]) => k.startsWith("hotelIds["))?.[1];
	const toggle = (list: string[], v: string, on: boolean) => (on ? [...list.filter(x => x !== v), v] : list.filter(x => x !== v));

	const submit = async (e: Event) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const created = await webhooksApi.create({ url: url.trim(), events, hotelIds }, token());
			setUrl("");
			onCreated(created);
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card" aria-labelledby={`${id}-h`} onSubmit={submit} noValidate data-testid="webhook-form">
			<h2 id={`${id}-h`}>{t("adm.wh.new")}</h2>
			{error ? <ErrorAlert error={error} context="admin" shown={["url", /^events/, /^hotelIds/]} /> : null}
			<Field label={t("adm.wh.url")} name="url" value={url} onValue={setUrl} error={fields.url} hint={t("adm.wh.urlHint")} input={{ type: "url", required: true, inputMode: "text", autoComplete: "off", spellcheck: false }} />
			<fieldset class={`subpanel hotel-picker${eventsError ? " field--error" : ""}`}>
				<legend>{t("adm.wh.events")}</legend>
				{FAMILIES.map(f => (
					<label class="check" key={f.pattern}>
						<input type="checkbox" name="events" value={f.pattern} checked={events.includes(f.pattern)} onChange={e => setEvents(toggle(events, f.pattern, e.currentTarget.checked))} />
						<span>{t(f.key)} <span class="muted small mono">{f.pattern}</span></span>
					</label>
				))}
				{eventsError && <p class="error" data-field="events">{eventsError}</p>}
			</fieldset>
			<fieldset class={`subpanel hotel-picker${hotelsError ? " field--error" : ""}`}>
				<legend>{t("adm.wh.hotels")}</legend>
				{mayAll && (
					<label class="check">
						<input type="checkbox" name="allHotels" checked={hotelIds.includes(ALL)} onChange={e => setHotelIds(e.currentTarget.checked ? [ALL] : [])} />
						{t("adm.wh.allHotels")}
					</label>
				)}
				{!hotelIds.includes(ALL) && (hotels ?? []).map(h => (
					<label class="check" key={h.id}>
						<input type="checkbox" name="hotelIds" value={h.id} checked={hotelIds.includes(h.id)} onChange={e => setHotelIds(toggle(hotelIds, h.id, e.currentTarget.checked))} />
						{h.name}
					</label>
				))}
				{hotelsError && <p class="error" data-field="hotelIds">{hotelsError}</p>}
			</fieldset>
			<div class="actions">
				<button class="btn btn--primary" type="submit" disabled={busy}>{t("adm.wh.create")}</button>
			</div>
		</form>
	);
}

/** The secret, right after creation: the only time the server gives it. */
function SecretOnce({ webhook, onDone }: { webhook: Webhook & { secret: string }; onDone: () => void }) {
	const [copied, setCopied] = useState(false);
	const copy = async () => {
		try {
			await navigator.clipboard.writeText(webhook.secret);
			setCopied(true);
		} catch {
			/* the text stays selectable */
		}
	};
	return (
		<Alert kind="warning" focus>
			<p><strong>{t("adm.wh.secretTitle")}</strong></p>
			<p style={{ overflowWrap: "anywhere" }}>{t("adm.wh.secretOnce", { url: webhook.url })}</p>
			<p><code class="mono" data-testid="webhook-secret" style={{ wordBreak: "break-all", userSelect: "all", fontSize: "1rem" }}>{webhook.secret}</code></p>
			<div class="actions">
				<button type="button" class="btn btn--small" onClick={() => void copy()}>{copied ? t("adm.wh.copied") : t("adm.wh.copy")}</button>
				<button type="button" class="btn btn--small" onClick={onDone}>{t("adm.wh.secretDone")}</button>
			</div>
		</Alert>
	);
}

export function AdminWebhooks({ route }: { route: Route }) {
	const { hotels } = useHotels();
	const [data, setData] = useState<Page<Webhook> | null>(null);
	const [page, setPage] = useState(1);
	const [error, setError] = useState<unknown>(null);
	const [news, setNews] = useState<{ kind: "success" | "error"; text: string } | null>(null);
	const [created, setCreated] = useState<(Webhook & { secret: string }) | null>(null);
	const [n, setN] = useState(0);
	const selectedId = route.query.get("id");
	const selected = data?.rows.find(w => w.id === selectedId) ?? null;

	useEffect(() => {
		webhooksApi.list({ page, pageSize: 20 }, token()).then(setData).catch(setError);
	}, [page, n]);

	const reload = () => setN(x => x + 1);
	const act = async (what: () => Promise<string | { kind: "error"; text: string }>) => {
		setNews(null);
		setError(null);
		try {
			const r = await what();
			setNews(typeof r === "string" ? { kind: "success", text: r } : r);
			reload();
		} catch (err) {
			setError(err);
		}
	};
	const test = (w: Webhook) => act(async () => {
		const d: WebhookDelivery = await webhooksApi.test(w.id, token());
		const answer = d.responseStatus ?? d.error ?? "—";
		return d.status === "succeeded" ? t("adm.wh.testOk", { status: String(answer), ms: d.latencyMs ?? 0 }) : { kind: "error", text: t("adm.wh.testFailed", { status: deliveryStatusLabel(d.status), error: String(answer) }) };
	});
	const setEnabled = (w: Webhook, enabled: boolean) => act(async () => {
		await webhooksApi.update(w.id, { enabled }, token());
		return t(enabled ? "adm.wh.enabledNow" : "adm.wh.disabledNow", { url: w.url });
	});
	const remove = (w: Webhook) => act(async () => {
		if (!confirm(t("adm.wh.confirmDelete", { url: w.url }))) return t("adm.wh.kept");
		await webhooksApi.remove(w.id, token());
		if (selectedId === w.id) navigate("/admin/webhooks");
		return t("adm.wh.deleted", { url: w.url });
	});

	return (
		<div>
			<PageTitle>{t("adm.wh.title")}</PageTitle>
			<p class="muted">{t("adm.wh.lead")}</p>
			{created && <SecretOnce webhook={created} onDone={() => setCreated(null)} />}
			<NewWebhook hotels={hotels} onCreated={w => { setCreated(w); setNews(null); reload(); }} />
			{news && <Alert kind={news.kind}>{news.text}</Alert>}
			{error && data ? <ErrorAlert error={error} context="admin" /> : null}
			<PagedResult data={data} error={data ? null : error} empty={t("adm.wh.none")} onPage={setPage}>
				{page => (
					<DataTable label={t("adm.wh.title")} columns={[t("adm.wh.url"), t("adm.wh.events"), t("adm.wh.hotels"), t("adm.wh.state"), t("common.actions")]}>
						{page.rows.map(w => (
							<tr key={w.id} data-testid="webhook-row" data-id={w.id} aria-current={w.id === selectedId ? "true" : undefined}>
								<th scope="row" data-label={t("adm.wh.url")} class="cell--wide"><span class="mono" style={{ overflowWrap: "anywhere" }}>{w.url}</span></th>
								<td data-label={t("adm.wh.events")} class="mono small" style={{ overflowWrap: "anywhere" }}>{w.events.join(", ")}</td>
								<td data-label={t("adm.wh.hotels")}>{hotelNames(w.hotelIds, hotels)}</td>
								<td data-label={t("adm.wh.state")}>
									<span class={`status ${w.enabled ? (w.failingSince ? "status--mail-queued" : "status--confirmed") : "status--cancelled"}`} title={w.disabledReason ?? undefined}>
										{t(w.enabled ? (w.failingSince ? "adm.wh.failing" : "adm.wh.on") : "adm.wh.off")}
									</span>
									{!w.enabled && w.disabledReason && <><br /><span class="muted small">{w.disabledReason}</span></>}
								</td>
								<td data-label={t("common.actions")}>
									<div class="row-actions">
										<a class="btn btn--small" href={`#/admin/webhooks?id=${encodeURIComponent(w.id)}`} aria-label={`${t("adm.wh.deliveries")}: ${w.url}`}>{t("adm.wh.deliveries")}</a>
										{w.enabled && <button type="button" class="btn btn--small" onClick={() => void test(w)} aria-label={`${t("adm.wh.test")}: ${w.url}`}>{t("adm.wh.test")}</button>}
										<button type="button" class="btn btn--small" onClick={() => void setEnabled(w, !w.enabled)}>{t(w.enabled ? "adm.wh.disable" : "adm.wh.enable")}</button>
										<button type="button" class="btn btn--small btn--danger" onClick={() => void remove(w)} aria-label={`${t("adm.wh.delete")}: ${w.url}`}>{t("adm.wh.delete")}</button>
									</div>
								</td>
							</tr>
						))}
					</DataTable>
				)}
			</PagedResult>
			{selected && <WebhookDeliveries key={selected.id} webhook={selected} refresh={n} />}
		</div>
	);
}
