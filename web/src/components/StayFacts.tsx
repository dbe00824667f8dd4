/** The stay's rows of a reservation's fact list (confirmation page, manage page): room, dates, guests. */
import { day } from "../format";
import { t } from "../i18n";
import type { Reservation } from "../types";

export function StayFacts({ r }: { r: Pick<Reservation, "roomTypeName" | "checkIn" | "checkOut" | "nights" | "guests" | "rooms"> }) {
	return (
		<>
			<dt>{t("res.room")}</dt>
			<dd>{r.roomTypeName}</dd>
			<dt>{t("res.dates")}</dt>
			<dd data-testid="dates">
				{day(r.checkIn)} → {day(r.checkOut)} ({t("common.nights", { n: r.nights })})
			</dd>
			<dt>{t("search.guests")}</dt>
			<dd>
				{t("common.guests", { n: r.guests })}, {t("common.rooms", { n: r.rooms })}
			</dd>
		</>
	);
}
