/** Staff: every hotel (active or not) with edit and deactivate. */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import { t } from "../../i18n";
import { href, type Route } from "../../router";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Alert, Field, Loading, PageTitle, Pager, Stars, DataTable } from "../../components/ui";
import type { Hotel, Page } from "../../types";
import { token } from "./common";
import { can, canOnHotel } from "../../session";

export function AdminHotels({ route }: { route: Route }) {
	const [page, setPage] = useState(1);
	const [q, setQ] = useState("");
	const [query, setQuery] = useState("");
	const [data, setData] = useState<Page<Hotel> | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [news, setNews] = useState<string | null>(route.query.get("created") ? t("adm.hotels.created", { name: route.query.get("created") ?? "" }) : null);
	const [confirming, setConfirming] = useState<string | null>(null);
	const [n, setN] = useState(0);

	useEffect(() => {
		api.hotels({ includeInactive: true, page, pageSize: 20, sort: "-createdAt", q: query || undefined }, token())
			.then(setData)
			.catch(setError);
	}, [page, query, n]);

	const deactivate = async (h: Hotel) => {
		setError(null);
		try {
			await api.deactivateHotel(h.id, token());
			setNews(t("adm.hotels.deactivated", { name: h.name }));
			setConfirming(null);
			setN(x => x + 1);
		} catch (err) {
			setError(err);
		}
	};

	const reactivate = async (h: Hotel) => {
		setError(null);
		try {
			await api.updateHotel(h.id, { active: true }, token());
			setNews(t("adm.hotels.reactivated", { name: h.name }));
			setN(x => x + 1);
		} catch (err) {
			setError(err);
		}
	};

	return (
		<div>
			<div class="page-head">
				<PageTitle>{t("adm.hotels.title")}</PageTitle>
				{can("hotels.create") && (
					<a class="btn btn--primary" href={href("/admin/hotels/new")}>
						{t("adm.hotels.new")}
					</a>
				)}
			</div>
			{news && <Alert kind="success">{news}</Alert>}
			{error ? <ErrorAlert error={error} context="admin" /> : null}
			<form class="filters" role="search" onSubmit={e => { e.preventDefault(); setPage(1); setQuery(q.trim()); }}>
				<Field label={t("adm.hotels.name")} name="q" value={q} onValue={setQ} input={{ type: "search" }} />
				<button class="btn" type="submit">
					{t("common.filter")}
				</button>
			</form>
			{!data ? (
				<Loading />
			) : (
				<>
					<DataTable label={t("adm.hotels.title")} columns={[t("adm.hotels.name"), t("adm.hotels.city"), t("adm.hotels.stars"), t("adm.hotels.rooms"), t("manage.status"), t("common.actions")]}>
					{data.rows.map(h => (
						<tr key={h.id} data-testid="hotel-row" data-hotel-id={h.id}>
							<th scope="row" data-label={t("adm.hotels.name")}>{h.name}</th>
							<td data-label={t("adm.hotels.city")}>{h.address.city}</td>
							<td data-label={t("adm.hotels.stars")}>
								<Stars n={h.stars} />
							</td>
							<td data-label={t("adm.hotels.rooms")}>{h.roomTypes.map(r => `${r.name} ×${r.totalRooms}`).join(", ")}</td>
							<td data-label={t("manage.status")}>
								<span class={`status ${h.active ? "status--confirmed" : "status--cancelled"}`}>{h.active ? t("adm.hotels.active") : t("adm.hotels.inactive")}</span>
							</td>
							<td data-label={t("common.actions")} class="row-actions">
								{canOnHotel("hotels.edit", h.id) && (<>
								<a class="btn btn--small" href={href(`/admin/hotels/${h.id}`)} aria-label={`${t("adm.hotels.edit")} ${h.name}`}>
									{t("adm.hotels.edit")}
								</a>
								{h.active && confirming !== h.id && (
									<button type="button" class="btn btn--small btn--danger" onClick={() => setConfirming(h.id)} aria-label={`${t("adm.hotels.deactivate")} ${h.name}`}>
										{t("adm.hotels.deactivate")}
									</button>
								)}
								{!h.active && (
									<button type="button" class="btn btn--small" onClick={() => reactivate(h)} aria-label={`${t("adm.hotels.reactivate")} ${h.name}`}>
										{t("adm.hotels.reactivate")}
									</button>
								)}
								{confirming === h.id && (
									<span role="group" aria-label={t("adm.hotels.deactivateConfirm", { name: h.name })} class="confirm">
										<span>{t("adm.hotels.deactivateConfirm", { name: h.name })}</span>
										<button type="button" class="btn btn--small btn--danger" onClick={() => deactivate(h)}>
											{t("common.yes")}
										</button>
										<button type="button" class="btn btn--small" onClick={() => setConfirming(null)}>
											{t("common.no")}
										</button>
									</span>
								)}
								</>)}
							</td>
						</tr>
					))}
					</DataTable>
					<Pager page={data.page} totalPages={data.totalPages} onPage={setPage} />
				</>
			)}
		</div>
	);
}
