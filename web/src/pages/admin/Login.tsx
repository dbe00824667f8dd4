import { useState } from "preact/hooks";
import { api, ApiError } from "../../api";
import { errorMessage, fieldErrorsOf } from "../../errors";
import { t } from "../../i18n";
import { navigate } from "../../router";
import { setAdminToken } from "../../session";
import { Alert, Field, PageTitle } from "../../components/ui";
import { useSubmit } from "../../hooks";

export function Login({ next, notice }: { next?: string; notice?: string }) {
	const [email, setEmail] = useState("");
	const [password, setPassword] = useState("");
	const { submit, busy, error } = useSubmit(async () => {
		const res = await api.login(email.trim(), password);
		setAdminToken(res.token);
		navigate(next && next.startsWith("/admin") && next !== "/admin/login" ? next : "/admin/hotels", {}, true);
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
			</form>
		</div>
	);
}
