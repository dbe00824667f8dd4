/** One sentence for each kind of API failure (SPEC §3 error types). */
import { ApiError } from "./api";
import { t } from "./i18n";

export function errorMessage(err: unknown, context: "guest" | "admin" = "guest"): string {
	if (!(err instanceof ApiError)) return t("err.generic", { message: err instanceof Error ? err.message : String(err) });
	switch (err.type) {
		case "NETWORK_ERROR":
			return t("err.network");
		case "NO_AVAILABILITY":
			return t("err.soldOut");
		case "UNAUTHORIZED":
			return context === "admin" ? t("err.adminExpired") : t("err.expired");
		case "FORBIDDEN":
			return t("err.forbidden");
		case "VALIDATION_ERROR":
			return t("err.validation");
		case "RATE_LIMITED":
			return t("err.rateLimited");
		case "INVALID_STATE":
			return t("err.invalidState", { message: err.message });
		case "INVENTORY_CONFLICT":
			return t("err.inventory", { message: err.message });
		case "NOT_FOUND":
			return err.message || t("err.notFound");
		case "SERVICE_UNAVAILABLE":
			return t("err.unavailable");
		default:
			return err.status >= 500 ? t("err.unavailable") : t("err.generic", { message: err.message });
	}
}

/** Field messages of a 422 whose `field` starts with `prefix` ("guest." → "name"). */
export function fieldErrorsOf(err: unknown, prefix = ""): Record<string, string> {
	if (!(err instanceof ApiError)) return {};
	const all = err.fieldErrors();
	if (!prefix) return all;
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(all)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
	return out;
}
