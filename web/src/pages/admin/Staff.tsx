/**
 * Staff accounts (SPEC §11): the list, an invitation (role + hotels; the invitee gets an email
 * with a single-use link), changing a user's role and hotels, deactivating and reactivating.
 * Only the actions the caller's role allows on that user are offered: never an owner unless the
 * caller is one, never a user with hotels outside the caller's, never the caller itself.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import { accountsApi, ApiError } from "../../api";
import { dateTime } from "../../format";
import { fieldErrorsOf } from "../../errors";
import { getLocale, t } from "../../i18n";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Alert, DataTable, Field, PageTitle, Select, useId } from "../../components/ui";
import { useStaffMe } from "../../session";
import { STAFF_ROLES, type Hotel, type StaffMe, type StaffRole, type StaffUser } from "../../types";
import { PagedResult } from "./PagedResult";
import { grantableRoles, mayManage } from "../../staff-rules";
import { token, useFilteredList, useHotels } from "./common";

const ALL = "*";

const hasAll = (ids: string[]) => ids.includes(ALL);

export const roleLabel = (role: string): string => (STAFF_ROLES as string[]).includes(role) ? t(`acc.role.${role as StaffRole}`) : role;

/** Hotel names of a user's scope, "All hotels" for `*`. */
function hotelNames(ids: string[], hotels: Hotel[] | null): string {
	if (hasAll(ids)) return t("acc.allHotels");
	if (!ids.length) return t("common.none");
	return ids.map(id => hotels?.find(h => h.id === id)?.name ?? id).join(", ");
}

/** Hotels as checkboxes in a fieldset; "All hotels" (present and future) only for a caller who has them all. */
function HotelPicker({ value, onValue, hotels, me, error, disabled }: {
	value: string[];
	onValue: (ids: string[]) => void;
	hotels: Hotel[] | null;
	me: StaffMe | null;
	error?: string;
	disabled?: boolean;
}) {
	const id = useId("hotels");
	const all = hasAll(value);
	const toggle = (h: string, on: boolean) => onValue(on ? [...value.filter(x => x !== h), h] : value.filter(x => x !== h));
	return (
		<fieldset class={`subpanel hotel-picker${error ? " field--error" : ""}`} aria-describedby={error ? `${id}-err` : undefined} aria-invalid={error ? "true" : undefined}>
			<legend>{t("acc.hotels")}</legend>
			{me && hasAll(me.hotelIds) && (
				<label class="check">
					<input type="checkbox" checked={all} disabled={disabled} onChange={e => onValue(e.currentTarget.checked ? [ALL] : [])} />
					{t("acc.allHotelsFuture")}
				</label>
			)}
			{!all && (hotels ?? []).map(h => (
				<label class="check" key={h.id}>
					<input type="checkbox" name="hotelIds" value={h.id} checked={value.includes(h.id)} disabled={disabled} onChange={e => toggle(h.id, e.currentTarget.checked)} />
					{h.name} <span class="muted small">({h.address.city})</span>
				</label>
			))}
			{error && (
				<p class="error" id={`${id}-err`}>
					{error}
				</p>
			)}
		</fieldset>
	);
}

interface Draft {
	email: string;
	name: string;
	role: StaffRole;
	hotelIds: string[];
}

/** An owner covers every hotel: its scope is always `*`. */
const scopeFor = (role: StaffRole, ids: string[]) => (role === "owner" ? [ALL] : ids);

function InviteForm({ me, hotels, onDone, onCancel }: { me: StaffMe | null; hotels: Hotel[] | null; onDone: (u: StaffUser) => void; onCancel: () => void }) {
	const [f, setF] = useState<Draft>({ email: "", name: "", role: "front_desk", hotelIds: me && !hasAll(me.hotelIds) && me.hotelIds.length === 1 ? [...me.hotelIds] : [] });
	const [error, setError] = useState<unknown>(null);
	const [local, setLocal] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);
	const fe = { ...fieldErrorsOf(error), ...local };

	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		const hotelIds = scopeFor(f.role, f.hotelIds);
		// The API would refuse it too; said here, next to the field, before a round trip.
		const problems: Record<string, string> = hotelIds.length ? {} : { hotelIds: t("acc.errNoHotel") };
		setLocal(problems);
		if (Object.keys(problems).length) {
			focusInvalid();
			return;
		}
		setBusy(true);
		try {
			onDone(await accountsApi.invite({ email: f.email.trim(), name: f.name.trim(), role: f.role, hotelIds, locale: getLocale() }, token()));
		} catch (err) {
			setError(err);
			focusInvalid();
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card staff-form" onSubmit={submit} noValidate aria-labelledby="invite-title">
			<h2 id="invite-title">{t("acc.invite")}</h2>
			<p class="hint">{t("acc.inviteLead")}</p>
			{error ? <StaffError error={error} shown={["email", "name", "role", "hotelIds", /^hotelIds\[/]} focus={Object.keys(fe).length === 0} /> : null}
			<div class="grid2">
				<Field label={t("acc.email")} name="email" value={f.email} onValue={v => setF({ ...f, email: v })} error={fe.email} input={{ type: "email", autoComplete: "off", required: true }} />
				<Field label={t("acc.name")} name="name" value={f.name} onValue={v => setF({ ...f, name: v })} error={fe.name} input={{ autoComplete: "off", required: true }} />
			</div>
			<Select label={t("acc.role")} name="role" value={f.role} onValue={v => setF({ ...f, role: v as StaffRole })} error={fe.role}
				options={grantableRoles(me).map(r => ({ value: r, label: roleLabel(r) }))} />
			<p class="hint">{t(`acc.roleHint.${f.role}`)}</p>
			{f.role === "owner" ? (
				<p class="muted">{t("acc.ownerAll")}</p>
			) : (
				<HotelPicker value={f.hotelIds} onValue={ids => setF({ ...f, hotelIds: ids })} hotels={hotels} me={me} error={fe.hotelIds ?? firstOf(fe, "hotelIds[")} />
			)}
			<div class="actions">
				<button class="btn btn--primary" type="submit" disabled={busy}>
					{t("acc.sendInvite")}
				</button>
				<button class="btn" type="button" onClick={onCancel}>
					{t("common.cancel")}
				</button>
			</div>
		</form>
	);
}

function EditForm({ me, user, hotels, onDone, onCancel }: { me: StaffMe | null; user: StaffUser; hotels: Hotel[] | null; onDone: (u: StaffUser) => void; onCancel: () => void }) {
	const [role, setRole] = useState<StaffRole>(user.role);
	const [hotelIds, setHotelIds] = useState<string[]>(user.hotelIds);
	const [error, setError] = useState<unknown>(null);
	const [local, setLocal] = useState<Record<string, string>>({});
	const [busy, setBusy] = useState(false);
	const fe = { ...fieldErrorsOf(error), ...local };
	// The form opens above the list: take the focus there, so the keyboard follows the click.
	const title = useRef<HTMLHeadingElement>(null);
	useEffect(() => title.current?.focus(), []);

	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		const ids = scopeFor(role, hotelIds);
		const problems: Record<string, string> = ids.length ? {} : { hotelIds: t("acc.errNoHotel") };
		setLocal(problems);
		if (Object.keys(problems).length) {
			focusInvalid();
			return;
		}
		const changes = {
			...(role !== user.role ? { role } : {}),
			...(JSON.stringify([...ids].sort()) !== JSON.stringify([...user.hotelIds].sort()) ? { hotelIds: ids } : {}),
		};
		if (!Object.keys(changes).length) {
			onCancel();
			return;
		}
		setBusy(true);
		try {
			onDone(await accountsApi.changeStaff(user.id, changes, token()));
		} catch (err) {
			setError(err);
			focusInvalid();
		} finally {
			setBusy(false);
		}
	};

	return (
		<form class="card staff-form" onSubmit={submit} noValidate aria-labelledby="edit-title" data-testid="staff-edit">
			<h2 id="edit-title" tabIndex={-1} ref={title}>{t("acc.editTitle", { name: user.name || user.email })}</h2>
			{error ? <StaffError error={error} shown={["role", "hotelIds", /^hotelIds\[/]} focus={Object.keys(fe).length === 0} /> : null}
			<Select label={t("acc.role")} name="role" value={role} onValue={v => setRole(v as StaffRole)} error={fe.role}
				options={grantableRoles(me).map(r => ({ value: r, label: roleLabel(r) }))} />
			<p class="hint">{t(`acc.roleHint.${role}`)}</p>
			{role === "owner" ? (
				<p class="muted">{t("acc.ownerAll")}</p>
			) : (
				<HotelPicker value={hotelIds.filter(h => h !== ALL || hasAll(me?.hotelIds ?? []))} onValue={setHotelIds} hotels={hotels} me={me} error={fe.hotelIds ?? firstOf(fe, "hotelIds[")} />
			)}
			<div class="actions">
				<button class="btn btn--primary" type="submit" disabled={busy}>
					{t("common.save")}
				</button>
				<button class="btn" type="button" onClick={onCancel}>
					{t("common.cancel")}
				</button>
			</div>
		</form>
	);
}

/**
 * An API refusal on this page: a 409 is about the account (the last active owner, one's own
 * role), said with the server's reason; the rest as everywhere.
 */
function StaffError({ error, shown, focus = true }: { error: unknown; shown?: (string | RegExp)[]; focus?: boolean }) {
	if (error instanceof ApiError && error.status === 409) return <Alert kind="error" focus={focus}>{t("acc.refused", { message: error.message })}</Alert>;
	return <ErrorAlert error={error} context="admin" shown={shown} focus={focus} />;
}

const firstOf = (fe: Record<string, string>, prefix: string) => Object.entries(fe).find(([k]) => k.startsWith(prefix))?.[1];
const focusInvalid = () => requestAnimationFrame(() => (document.querySelector(".staff-form [aria-invalid='true'] input, .staff-form input[aria-invalid='true'], .staff-form select[aria-invalid='true']") as HTMLElement | null)?.focus());

export function AdminStaff() {
	const me = useStaffMe();
	const { hotels } = useHotels(false);
	const [actionError, setActionError] = useState<unknown>(null);
	const { filters, set, apply, setPage, data, error, news, setNews, reload } = useFilteredList(
		{ q: "", role: "", active: "" },
		(f, page) => accountsApi.staff({ q: f.q || undefined, role: (f.role || undefined) as StaffRole | undefined, active: f.active ? f.active === "true" : undefined, page, pageSize: 50 }, token()));
	const [panel, setPanel] = useState<"invite" | StaffUser | null>(null);
	const [confirming, setConfirming] = useState<string | null>(null);
	const [busy, setBusy] = useState<string | null>(null);

	const setActive = async (u: StaffUser, active: boolean) => {
		setActionError(null);
		setNews(null);
		setBusy(u.id);
		try {
			await accountsApi.changeStaff(u.id, { active }, token());
			setNews(t(active ? "acc.reactivated" : "acc.deactivated", { name: u.name || u.email }));
			setConfirming(null);
			reload();
		} catch (err) {
			setActionError(err);
		} finally {
			setBusy(null);
		}
	};
	const done = (message: string) => {
		setPanel(null);
		setNews(message);
		reload();
	};

	return (
		<div class="staff-page">
			<div class="page-head">
				<PageTitle>{t("acc.title")}</PageTitle>
				{panel !== "invite" && (
					<button type="button" class="btn btn--primary" onClick={() => { setNews(null); setActionError(null); setPanel("invite"); }}>
						{t("acc.invite")}
					</button>
				)}
			</div>
			{news && <Alert kind="success">{news}</Alert>}
			{actionError ? <StaffError error={actionError} /> : null}
			{panel === "invite" && (
				<InviteForm me={me} hotels={hotels} onCancel={() => setPanel(null)} onDone={u => done(t("acc.invited", { email: u.email }))} />
			)}
			{panel && panel !== "invite" && (
				<EditForm key={panel.id} me={me} user={panel} hotels={hotels} onCancel={() => setPanel(null)} onDone={u => done(t("acc.changed", { name: u.name || u.email }))} />
			)}
			<form class="filters" role="search" onSubmit={e => { e.preventDefault(); apply(f => ({ ...f, q: f.q.trim() })); }}>
				<Field label={t("acc.search")} name="q" value={filters.q} onValue={set("q")} input={{ type: "search" }} />
				<Select label={t("acc.role")} name="role" value={filters.role} onValue={set("role")}
					options={[{ value: "", label: t("common.all") }, ...STAFF_ROLES.map(r => ({ value: r, label: roleLabel(r) }))]} />
				<Select label={t("acc.showInactive")} name="active" value={filters.active} onValue={set("active")}
					options={[{ value: "", label: t("common.all") }, { value: "true", label: t("acc.activeOnly") }, { value: "false", label: t("acc.inactiveOnly") }]} />
				<button class="btn" type="submit">
					{t("common.filter")}
				</button>
			</form>
			<PagedResult data={data} error={error} empty={t("acc.none")} onPage={setPage}>
				{data => (
					<DataTable label={t("acc.title")} columns={[t("acc.name"), t("acc.role"), t("acc.hotels"), t("manage.status"), t("acc.lastLogin"), t("common.actions")]}>
						{data.rows.map(u => {
							const label = u.name || u.email;
							const manageable = mayManage(me, u);
							return (
								<tr key={u.id} data-testid="staff-row" data-email={u.email} data-id={u.id}>
									<th scope="row" data-label={t("acc.name")}>
										{u.name}
										{u.id === me?.id && <span class="badge">{t("acc.you")}</span>}
										<br />
										<span class="small muted">{u.email}</span>
									</th>
									<td data-label={t("acc.role")}>{roleLabel(u.role)}</td>
									<td data-label={t("acc.hotels")}>{hotelNames(u.hotelIds, hotels)}</td>
									<td data-label={t("manage.status")}>
										<span class={`status ${!u.active ? "status--cancelled" : u.invitationPending ? "status--invited" : "status--confirmed"}`}>{u.active ? (u.invitationPending ? t("acc.invitedStatus") : t("acc.active")) : t("acc.inactive")}</span>
									</td>
									<td data-label={t("acc.lastLogin")} class="nowrap">{dateTime(u.lastLoginAt)}</td>
									<td data-label={t("common.actions")}>
										<div class="staff-actions">
										{!manageable ? (
											<span class="muted small">—</span>
										) : confirming === u.id ? (
											<span role="group" aria-label={t("acc.deactivateConfirm", { name: label })} class="confirm">
												<span>{t("acc.deactivateConfirm", { name: label })}</span>
												<button type="button" class="btn btn--small btn--danger" disabled={busy !== null} onClick={() => setActive(u, false)}>
													{t("common.yes")}
												</button>
												<button type="button" class="btn btn--small" onClick={() => setConfirming(null)}>
													{t("common.no")}
												</button>
											</span>
										) : (
											<>
												{u.active && (
													<button type="button" class="btn btn--small" onClick={() => { setNews(null); setActionError(null); setPanel(u); }} aria-label={`${t("acc.change")} ${label}`}>
														{t("acc.change")}
													</button>
												)}
												{u.active ? (
													<button type="button" class="btn btn--small btn--danger" onClick={() => setConfirming(u.id)} aria-label={`${t("acc.deactivate")} ${label}`}>
														{t("acc.deactivate")}
													</button>
												) : (
													<button type="button" class="btn btn--small" disabled={busy !== null} onClick={() => setActive(u, true)} aria-label={`${t("acc.reactivate")} ${label}`}>
														{t("acc.reactivate")}
													</button>
												)}
											</>
										)}
										</div>
									</td>
								</tr>
							);
						})}
					</DataTable>
				)}
			</PagedResult>
		</div>
	);
}
