/**
 * The audit log (SPEC §11, GET /audit): who changed what, when, filtered by hotel, actor, action,
 * target and a date range, newest first, in pages. Each entry's `changes` is shown field by field
 * as before → after; a value the server redacted stays redacted.
 */
import { useEffect, useState } from "preact/hooks";
import { accountsApi } from "../../api";
import { dateTime } from "../../format";
import { t } from "../../i18n";
import type { Route } from "../../router";
import { Field, PageTitle, Select } from "../../components/ui";
import { can } from "../../session";
import type { AuditEntry, Hotel, StaffUser } from "../../types";
import { PagedResult } from "./PagedResult";
import { token, useFilteredList, useHotels } from "./common";
import { roleLabel } from "./Staff";
import { auditValue, dayStart } from "../../staff-rules";

const LONG_JSON_LINES = 8;

function Value({ v, kind }: { v: unknown; kind: "before" | "after" }) {
	const a = auditValue(v);
	const cls = `audit-value audit-value--${kind}`;
	switch (a.kind) {
		case "empty":
			return <span class="muted" title={t("audit.empty")}>—<span class="visually-hidden">{t("audit.empty")}</span></span>;
		case "redacted":
			return <span class={cls}>{t("audit.redacted")}</span>;
		case "boolean":
			return <span class={cls}>{a.value ? t("common.yes") : t("common.no")}</span>;
		case "json": {
			// A whole object (a created hotel's room types) folds away, so the log stays readable.
			const lines = a.text.split("\n").length;
			if (lines <= LONG_JSON_LINES) return <pre class={cls}>{a.text}</pre>;
			return (
				<details class="audit-json">
					<summary>{t("audit.showValue", { n: lines })}</summary>
					<pre class={cls}>{a.text}</pre>
				</details>
			);
		}
		default:
			return <span class={cls}>{a.text}</span>;
	}
}

/** Ids that have a name on screen: a role's label, a hotel's name (the id where the hotel is not known). */
function readable(field: string, v: unknown, hotels: Hotel[] | null): unknown {
	const hotelName = (id: unknown) => (typeof id === "string" ? (id === "*" ? t("acc.allHotels") : hotels?.find(h => h.id === id)?.name ?? id) : id);
	if (field === "role" && typeof v === "string") return roleLabel(v);
	if (field === "hotelIds" && Array.isArray(v)) return v.map(hotelName);
	if (field === "hotelId") return hotelName(v);
	return v;
}

function actorText(a: AuditEntry["actor"]): string {
	if (a.type === "system") return t("audit.system");
	if (a.type === "guest") return a.email ? t("audit.guestEmail", { email: a.email }) : a.id ? t("audit.guestCode", { code: a.id }) : t("audit.guest");
	const who = a.email ?? a.id ?? "?";
	return a.role ? `${who} (${roleLabel(a.role)})` : who;
}

function Entry({ e, hotels }: { e: AuditEntry; hotels: Hotel[] | null }) {
	const changes = Object.entries(e.changes ?? {});
	const hotel = e.target.hotelId ? hotels?.find(h => h.id === e.target.hotelId)?.name ?? e.target.hotelId : null;
	return (
		<li class="card audit-entry" data-testid="audit-row" data-action={e.action} data-target={e.target.id}>
			<h2 class="audit-entry__title">
				<span class="mono">{e.action}</span> <span class="muted">·</span> {e.target.type}{" "}
				{e.target.type === "reservation" ? <a class="mono small" href={`#/admin/reservations/${e.target.id}`}>{e.target.id}</a> : <span class="mono small">{e.target.id}</span>}
			</h2>
			<p class="audit-entry__meta small">
				<time dateTime={e.at}>{dateTime(e.at)}</time>
				{" · "}
				{t("audit.by", { actor: actorText(e.actor) })}
				{hotel && <> · {hotel}</>}
				{e.ip && <> · <span class="mono">{e.ip}</span></>}
			</p>
			{changes.length === 0 ? (
				<p class="muted small">{t("audit.noChanges")}</p>
			) : (
				<table class="table table--stack table--compact audit-diff">
					<caption class="visually-hidden">{t("audit.changesOf", { action: e.action, id: e.target.id })}</caption>
					<thead>
						<tr>
							<th scope="col">{t("audit.field")}</th>
							<th scope="col">{t("audit.before")}</th>
							<th scope="col">{t("audit.after")}</th>
						</tr>
					</thead>
					<tbody>
						{changes.map(([field, pair]) => {
							const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
							return (
								<tr key={field} data-field={field}>
									<th scope="row" data-label={t("audit.field")} class="mono">{field}</th>
									<td data-label={t("audit.before")}><Value v={readable(field, before, hotels)} kind="before" /></td>
									<td data-label={t("audit.after")}><Value v={readable(field, after, hotels)} kind="after" /></td>
								</tr>
							);
						})}
					</tbody>
				</table>
			)}
		</li>
	);
}


export function AdminAudit({ route }: { route: Route }) {
	const q = route.query;
	const { hotels } = useHotels();
	const [staff, setStaff] = useState<StaffUser[] | null>(null);
	useEffect(() => {
		if (can("staff.manage")) accountsApi.staff({ pageSize: 100 }, token()).then(p => setStaff(p.rows)).catch(() => setStaff(null));
	}, []);
	const { filters, set, apply, setPage, data, error } = useFilteredList(
		{ hotelId: q.get("hotelId") ?? "", actorId: q.get("actorId") ?? "", action: q.get("action") ?? "", targetId: q.get("targetId") ?? "", from: "", to: "" },
		// The day range is whole days in the browser's zone: `to` is sent as the next day's start (exclusive).
		(f, page) => accountsApi.audit({ ...f, from: dayStart(f.from), to: f.to ? dayStart(f.to, 1) : undefined, page, pageSize: 20 }, token()));

	return (
		<div>
			<PageTitle>{t("audit.title")}</PageTitle>
			<form class="filters" role="search" onSubmit={e => { e.preventDefault(); apply(f => ({ ...f, action: f.action.trim(), targetId: f.targetId.trim(), actorId: f.actorId.trim() })); }}>
				<Select label={t("audit.hotel")} name="hotelId" value={filters.hotelId} onValue={set("hotelId")}
					options={[{ value: "", label: t("common.all") }, ...(hotels ?? []).map(h => ({ value: h.id, label: h.name }))]} />
				{staff ? (
					<Select label={t("audit.actor")} name="actorId" value={filters.actorId} onValue={set("actorId")}
						options={[{ value: "", label: t("common.all") }, ...staff.map(u => ({ value: u.id, label: `${u.name || u.email} (${roleLabel(u.role)})` }))]} />
				) : (
					<Field label={t("audit.actorId")} name="actorId" value={filters.actorId} onValue={set("actorId")} input={{ type: "search" }} />
				)}
				<Field label={t("audit.action")} name="action" value={filters.action} onValue={set("action")} hint={t("audit.actionHint")} input={{ type: "search", list: "audit-actions" }} />
				<datalist id="audit-actions">
					{[...new Set((data?.rows ?? []).map(r => r.action))].map(a => <option key={a} value={a} />)}
				</datalist>
				<Field label={t("audit.target")} name="targetId" value={filters.targetId} onValue={set("targetId")} input={{ type: "search" }} />
				<Field label={t("audit.from")} name="from" value={filters.from} onValue={set("from")} input={{ type: "date" }} />
				<Field label={t("audit.to")} name="to" value={filters.to} onValue={set("to")} input={{ type: "date" }} />
				<button class="btn" type="submit">
					{t("common.filter")}
				</button>
			</form>
			<PagedResult data={data} error={error} empty={t("audit.none")} onPage={setPage}>
				{data => (
					<>
						<p role="status">{t("audit.count", { n: data.total })}</p>
						<ol class="audit-list">
							{data.rows.map(e => <Entry key={e.id} e={e} hotels={hotels} />)}
						</ol>
					</>
				)}
			</PagedResult>
		</div>
	);
}
