/**
 * An API failure as one alert: the sentence for its type and, for a 422, the messages of the
 * fields the page does not show next to an input (all of them when it shows none).
 */
import type { ComponentChildren } from "preact";
import { ApiError } from "../api";
import { errorMessage } from "../errors";
import { t } from "../i18n";
import { Alert } from "./ui";

export function ErrorAlert({ error, context = "guest", shown = [], focus = true, children }: {
	error: unknown;
	context?: "guest" | "admin";
	/** Field paths whose messages the page already shows under their inputs. */
	shown?: (string | RegExp)[];
	focus?: boolean;
	children?: ComponentChildren;
}) {
	const fields = error instanceof ApiError ? Object.entries(error.fieldErrors()) : [];
	const isShown = (k: string) => shown.some(s => (typeof s === "string" ? s === k : s.test(k)));
	const others = fields.filter(([k]) => !isShown(k));
	const headline = error instanceof ApiError && error.type === "VALIDATION_ERROR" && others.length === fields.length ? t("err.validationList") : errorMessage(error, context);
	return (
		<Alert kind="error" focus={focus}>
			<p>{headline}</p>
			{others.length > 0 && (
				<ul>
					{others.map(([k, v]) => (
						<li key={k}>{v}</li>
					))}
				</ul>
			)}
			{children}
		</Alert>
	);
}
