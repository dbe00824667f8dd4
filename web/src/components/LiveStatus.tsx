/** The live stream's state for the reader: empty while it works, a short notice while it reconnects. */
import { t } from "../i18n";
import type { LiveState } from "../live";

export function LiveStatus({ state }: { state: LiveState }) {
	// Always in the page, so screen readers announce the change when the text appears.
	return (
		<p class={`live-status${state === "reconnecting" ? " live-status--down" : ""}`} role="status" data-testid="live-status" data-live={state}>
			{state === "reconnecting" ? t("live.reconnecting") : ""}
		</p>
	);
}
