/**
 * Staff login (POST /auth/login, then GET /auth/me for the role's pages) and "forgot password"
 * (POST /auth/forgot: 202 with the same answer whether the email is known or not, so the page
 * says the same thing either way).
 */
import { useState } from "preact/hooks";
import { accountsApi, api, ApiError } from "../../api";
import { errorMessage, fieldErrorsOf } from "../../errors";
import { t } from "../../i18n";
import { href, navigate } from "../../router";
import { loadStaffMe, staffLanding, startStaffSession } from "../../session";
import { Alert, Field, PageTitle } from "../../components/ui";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useSubmit } from "../../hooks";

export function Login({ next, notice }: { next?: string; notice?: string }) {
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const { submit, busy, error } = useSubmit(async () => {
		const res = await api.login(email.trim(), password);
		startStaffSession(res.token);
		const me = await loadStaffMe(true);
		navigate(next && next.startsWith("/admin/") && next !== "/admin/login" ? next : staffLanding(me), {}, true);
	});
	const fe = fieldErrorsOf(error);
	return (
		<div class="narrow">
			<PageTitle>{t("login.title")}</PageTitle>
			{notice && <Alert kind="warning">{notice}</Alert>}
			<form class="card" onSubmit={submit} noValidate>
				{error ? (
					<Alert kind="error" focus>
						{error instanceof ApiError && error.status === 401 ? t("login.failed") : errorMessage(error, "admin")}
					</Alert>
				) : null}
				<Field label={t("login.email")} name="email" value={email} onValue={setEmail} error={fe.email} input={{ type: "email", autoComplete: "username", required: true }} />
				<Field label={t("login.password")} name="password" value={password} onValue={setPassword} error={fe.password} input={{ type: "password", autoComplete: "current-password", required: true }} />
				<button class="btn btn--primary btn--wide" type="submit" disabled={busy}>
					{t("login.submit")}
				</button>
				<p class="form-foot">
					<a href={href("/admin/forgot")}>{t("pw.forgotLink")}</a>
				</p>
			</form>
		</div>
	);
}

export function ForgotPassword() {
	const [email, setEmail] = useState("");
	const [sentTo, setSentTo] = useState<string | null>(null);
	const { submit, busy, error } = useSubmit(async () => {
		await accountsApi.forgot(email.trim());
		setSentTo(email.trim());
	});
	const fe = fieldErrorsOf(error);
	return (
		<div class="narrow">
			<PageTitle>{t("pw.forgotTitle")}</PageTitle>
			{sentTo ? (
				<>
					<Alert kind="success" focus>{t("pw.forgotSent", { email: sentTo })}</Alert>
					<a href={href("/admin/login")}>← {t("login.title")}</a>
				</>
			) : (
				<>
					<p class="lead">{t("pw.forgotLead")}</p>
					<form class="card" onSubmit={submit} noValidate>
						{error ? <ErrorAlert error={error} context="admin" shown={["email"]} focus={!fe.email} /> : null}
						<Field label={t("login.email")} name="email" value={email} onValue={setEmail} error={fe.email} input={{ type: "email", autoComplete: "username", required: true }} />
						<button class="btn btn--primary btn--wide" type="submit" disabled={busy}>
							{t("pw.forgotSubmit")}
						</button>
						<p class="form-foot">
							<a href={href("/admin/login")}>← {t("login.title")}</a>
						</p>
					</form>
				</>
			)}
		</div>
	);
}
