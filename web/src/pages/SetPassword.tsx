/**
 * Set a password from an invitation or a reset email (SPEC §11): the link carries a single-use
 * token (`#/set-password?token=…` for invitations, `#/reset-password?token=…` for resets);
 * POST /auth/reset { token, password } spends it and answers a staff token, so the user is then
 * logged in. A link that is unknown, used or past its 72 h says so and offers a new one.
 */
import { useState } from "preact/hooks";
import { accountsApi, ApiError } from "../api";
import { fieldErrorsOf } from "../errors";
import { t } from "../i18n";
import { href, type Route } from "../router";
import { ErrorAlert } from "../components/ErrorAlert";
import { Alert, Field, PageTitle } from "../components/ui";
import { loadStaffMe, staffLanding, staffMe, startStaffSession } from "../session";

/** The smallest password the form accepts before asking the server (which has the last word). */
export const MIN_PASSWORD = 10;

/** An answer about the link rather than the password: the token is spent, expired or unknown. */
const linkRefused = (err: unknown): boolean =>
	err instanceof ApiError && (err.status === 401 || err.status === 404 || err.status === 410 || (err.status === 422 && "token" in err.fieldErrors()));

export function SetPassword({ route, reset = false }: { route: Route; reset?: boolean }) {
	const linkToken = route.query.get("token") ?? "";
	const [password, setPassword] = useState("");
	const [confirm, setConfirm] = useState("");
	const [local, setLocal] = useState<Record<string, string>>({});
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const [done, setDone] = useState(false);
	const fe = { ...fieldErrorsOf(error), ...local };
	const title = t(reset ? "pw.resetTitle" : "pw.title");

	const submit = async (e: Event) => {
		e.preventDefault();
		setError(null);
		const problems: Record<string, string> = {};
		if (password.length < MIN_PASSWORD) problems.password = t("pw.errShort", { n: MIN_PASSWORD });
		else if (confirm !== password) problems.confirm = t("pw.errMismatch");
		setLocal(problems);
		if (Object.keys(problems).length) {
			requestAnimationFrame(() => (document.querySelector(".password-form [aria-invalid='true']") as HTMLElement | null)?.focus());
			return;
		}
		setBusy(true);
		try {
			// The answer is a staff token: the user is logged in with the password just chosen.
			const res = await accountsApi.reset(linkToken, password);
			startStaffSession(res.token);
			await loadStaffMe(true);
			setDone(true);
		} catch (err) {
			setError(err);
			if (err instanceof ApiError && "password" in err.fieldErrors()) requestAnimationFrame(() => (document.querySelector(".password-form [aria-invalid='true']") as HTMLElement | null)?.focus());
		} finally {
			setBusy(false);
		}
	};

	if (!linkToken)
		return (
			<div class="narrow">
				<PageTitle>{title}</PageTitle>
				<Alert kind="error">{t("pw.noToken")}</Alert>
				<a href={href("/admin/forgot")}>{t("pw.askNew")}</a>
			</div>
		);

	if (done)
		return (
			<div class="narrow">
				<PageTitle>{t("pw.doneTitle")}</PageTitle>
				<Alert kind="success" focus>{t("pw.done", { email: staffMe()?.email ?? "" })}</Alert>
				<a class="btn btn--primary" href={href(staffLanding())}>
					{t("acc.goHome")}
				</a>
			</div>
		);

	return (
		<div class="narrow">
			<PageTitle>{title}</PageTitle>
			<p class="lead">{t("pw.lead")}</p>
			<form class="card password-form" onSubmit={submit} noValidate>
				{error && linkRefused(error) ? (
					<Alert kind="error" focus>
						<p>{t("pw.linkRefused")}</p>
						<a href={href("/admin/forgot")}>{t("pw.askNew")}</a>
					</Alert>
				) : error ? (
					<ErrorAlert error={error} context="admin" shown={["password"]} focus={!fe.password} />
				) : null}
				<Field label={t("pw.new")} name="password" value={password} onValue={setPassword} error={fe.password} hint={t("pw.hint", { n: MIN_PASSWORD })}
					input={{ type: "password", autoComplete: "new-password", required: true }} />
				<Field label={t("pw.confirm")} name="confirm" value={confirm} onValue={setConfirm} error={fe.confirm} input={{ type: "password", autoComplete: "new-password", required: true }} />
				<button class="btn btn--primary btn--wide" type="submit" disabled={busy}>
					{t("pw.submit")}
				</button>
			</form>
		</div>
	);
}
