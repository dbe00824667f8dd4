/** Staff: the mail log (GET /mails) with filters and resend (POST /mails/:id/resend → 202). */
import { api } from "../../api";
import { dateTime } from "../../format";
import { t, type MessageKey } from "../../i18n";
import type { Route } from "../../router";
import { Alert, Field, PageTitle, Select, DataTable } from "../../components/ui";
import { PagedResult } from "./PagedResult";
import type { Mail, MailStatus, MailType } from "../../types";
import { token, useFilteredList } from "./common";

// Every type the log holds, in words, each one offered by the filter (its generated enum, so a new type fails tsc here).
const FILTER_LABELS: Record<MailType, MessageKey> = {
	confirmation: "mailType.confirmation", modification: "mailType.modification", cancellation: "mailType.cancellation", no_show: "mailType.no_show",
	staff_invitation: "mailType.staff_invitation", password_reset: "mailType.password_reset", webhook_disabled: "mailType.webhook_disabled",
};
const LABELS: Record<string, MessageKey> = FILTER_LABELS;
const TYPES = Object.keys(FILTER_LABELS) as MailType[];
const STATUSES: readonly MailStatus[] = ["queued", "sent", "failed"];
const typeLabel = (type: string) => (LABELS[type] ? t(LABELS[type]) : type);

export function AdminMails({ route }: { route: Route }) {
	const { filters, set, apply, setPage, data, error, setError, news, setNews, reload } = useFilteredList(
		{ reservationCode: route.query.get("reservationCode") ?? "", status: "", type: "" },
		(f, page) => api.mails({ ...f, page, pageSize: 20 }, token()));

	const resend = async (m: Mail) => {
		setError(null);
		setNews(null);
		try {
			await api.resendMail(m.id, token());
			setNews(t("adm.mail.resent", { to: m.to }));
			reload();
		} catch (err) {
			setError(err);
		}
	};
	const statusLabel = (s: Mail["status"]) => t(s === "sent" ? "adm.mail.sent" : s === "failed" ? "adm.mail.failed" : "adm.mail.queued");

	return (
		<div>
			<PageTitle>{t("adm.mail.title")}</PageTitle>
			<form class="filters" role="search" onSubmit={e => { e.preventDefault(); apply(f => ({ ...f, reservationCode: f.reservationCode.trim().toUpperCase() })); }}>
				<Field label={t("adm.mail.code")} name="reservationCode" value={filters.reservationCode} onValue={set("reservationCode")} input={{ type: "search" }} />
				<Select label={t("adm.mail.status")} name="status" value={filters.status} onValue={set("status")}
					options={[{ value: "", label: t("common.all") }, ...STATUSES.map(s => ({ value: s, label: statusLabel(s) }))]} />
				<Select label={t("adm.mail.type")} name="type" value={filters.type} onValue={set("type")}
					options={[{ value: "", label: t("common.all") }, ...TYPES.map(s => ({ value: s, label: typeLabel(s) }))]} />
				<button class="btn" type="submit">
					{t("common.filter")}
				</button>
			</form>
			{news && <Alert kind="success">{news}</Alert>}
			<PagedResult data={data} error={error} empty={t("adm.mail.none")} onPage={setPage}>
				{data => (
				<>
					<DataTable label={t("adm.mail.title")} columns={[t("adm.mail.subject"), t("adm.mail.code"), t("adm.mail.type"), t("adm.mail.to"), t("adm.mail.status"), t("adm.mail.attempts"), t("adm.mail.sentAt"), t("common.actions")]}>
					{data.rows.map(m => (
						<tr key={m.id} data-testid="mail-row" data-code={m.reservationCode} data-type={m.type}>
							<th scope="row" data-label={t("adm.mail.subject")} class="cell--wide">{m.subject}</th>
							<td data-label={t("adm.mail.code")} class="mono"><a href={`#/admin/reservations/${m.reservationCode}`}>{m.reservationCode}</a></td>
							<td data-label={t("adm.mail.type")}>{typeLabel(m.type)}</td>
							<td data-label={t("adm.mail.to")}>{m.to}</td>
							<td data-label={t("adm.mail.status")}>
								<span class={`status status--mail-${m.status}`} title={m.lastError ?? undefined}>
									{statusLabel(m.status)}
								</span>
							</td>
							<td data-label={t("adm.mail.attempts")}>{m.attempts}</td>
							<td data-label={t("adm.mail.sentAt")} class="nowrap">{dateTime(m.sentAt)}</td>
							<td data-label={t("common.actions")}>
								<button type="button" class="btn btn--small" onClick={() => resend(m)} aria-label={`${t("adm.mail.resend")}: ${m.subject}`}>
									{t("adm.mail.resend")}
								</button>
							</td>
						</tr>
					))}
					</DataTable>
				</>
				)}
			</PagedResult>
		</div>
	);
}
