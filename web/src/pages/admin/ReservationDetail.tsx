/**
 * Staff: one reservation (GET /reservations/:code) — the stay, the guest, plan, nightly prices,
 * frozen terms and fees; the emails sent for it (GET /mails?reservationCode=, mail.manage) and
 * its audit history (GET /audit?targetId=, audit.view). Reached from every staff list.
 */
import { useEffect, useState } from "preact/hooks";
import { reportsApi } from "../../api";
import { dateTime, money } from "../../format";
import { t } from "../../i18n";
import { can } from "../../session";
import { ErrorAlert } from "../../components/ErrorAlert";
import { StayFacts } from "../../components/StayFacts";
import { ReservationPlan, useHotel } from "../../components/Terms";
import { Loading, PageTitle } from "../../components/ui";
import type { AuditEntry, Mail, Reservation, ReservationRates } from "../../types";
import { token } from "./common";

/** A value of an audit change in words. */
const shown = (v: unknown) => (v === null || v === undefined ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v));

export function ReservationDetail({ code }: { code: string }) {
	const [r, setR] = useState<(Reservation & ReservationRates) | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [mails, setMails] = useState<Mail[] | null>(null);
	const [audit, setAudit] = useState<AuditEntry[] | null>(null);
	const [sideError, setSideError] = useState<unknown>(null);
	const hotel = useHotel(r?.hotelId);

	useEffect(() => {
		reportsApi.reservation(code, token()).then(setR).catch(setError);
		if (can("mail.manage")) reportsApi.mailsOf(code, token()).then(p => setMails(p.rows)).catch(setSideError);
		if (can("audit.view")) reportsApi.auditOf(code, token()).then(p => setAudit(p.rows)).catch(setSideError);
	}, [code]);

	if (error) return <ErrorAlert error={error} context="admin" />;
	if (!r) return <Loading />;
	const tz = hotel?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
	return (
		<div class="detail">
			<PageTitle>{t("detail.title", { code: r.code })}</PageTitle>
			<p><a href={`#/admin/reservations?hotelId=${encodeURIComponent(r.hotelId)}`}>{t("detail.back")}</a> · <a href={`#/admin/today?hotelId=${encodeURIComponent(r.hotelId)}`}>{t("nav.today")}</a></p>
			<section class="card" data-testid="detail-stay">
				<h2>{r.hotelName} <span class={`status status--${r.status}`}>{t(`status.${r.status}` as never)}</span></h2>
				<dl class="facts">
					<dt>{t("res.guest")}</dt>
					<dd>{r.guest.name}{r.guest.email ? ` · ${r.guest.email}` : ""}{r.guest.phone ? ` · ${r.guest.phone}` : ""}</dd>
					<StayFacts r={r} />
					<dt>{t("res.total")}</dt>
					<dd data-testid="detail-total">{money(r.totalPrice, r.currency)}</dd>
					<ReservationPlan r={r} timeZone={tz} />
					{r.feeWaived && (
						<>
							<dt>{t("detail.waived")}</dt>
							<dd>{r.waiveReason ?? ""}</dd>
						</>
					)}
					<dt>{t("detail.created")}</dt>
					<dd>{dateTime(r.createdAt)} · {t("detail.updated")} {dateTime(r.updatedAt)}</dd>
				</dl>
			</section>
			{sideError ? <ErrorAlert error={sideError} context="admin" /> : null}
			<section class="card" data-testid="detail-mails">
				<h2>{t("detail.mails")}</h2>
				{!can("mail.manage") ? <p class="hint">{t("detail.notForRole")}</p> : !mails ? <Loading /> : mails.length === 0 ? <p class="hint">{t("detail.noMails")}</p> : (
					<ul class="plain-list">
						{mails.map(m => (
							<li key={m.id}><strong>{m.type}</strong> → {m.to} · {t(`adm.mail.${m.status}` as never)} · {dateTime(m.sentAt ?? m.createdAt)}<br /><span class="hint">{m.subject}</span></li>
						))}
					</ul>
				)}
			</section>
			<section class="card" data-testid="detail-audit">
				<h2>{t("detail.history")}</h2>
				{!can("audit.view") ? <p class="hint">{t("detail.notForRole")}</p> : !audit ? <Loading /> : audit.length === 0 ? <p class="hint">{t("detail.noHistory")}</p> : (
					<ol class="plain-list">
						{audit.map(a => (
							<li key={a.id}>
								<strong>{a.action}</strong> · {dateTime(a.at)} · {a.actor.email ?? a.actor.type}{a.actor.role ? ` (${a.actor.role})` : ""}
								{a.changes && Object.keys(a.changes).length > 0 && (
									<ul>{Object.entries(a.changes).map(([f, [b, c]]) => <li key={f}>{f}: {shown(b)} → {shown(c)}</li>)}</ul>
								)}
							</li>
						))}
					</ol>
				)}
			</section>
		</div>
	);
}
