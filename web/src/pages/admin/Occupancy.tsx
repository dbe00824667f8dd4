/** Staff: GET /hotels/:id/occupancy over a date range, drawn as a chart; re-read live on the hotel's reservation events. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../../api";
import { isoDay } from "../../format";
import { t } from "../../i18n";
import { navigate, type Route } from "../../router";
import { OccupancyChart } from "../../components/OccupancyChart";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Field, Loading, PageTitle, Select } from "../../components/ui";
import type { Occupancy } from "../../types";
import { token, useHotels } from "./common";
import { LiveStatus } from "../../components/LiveStatus";
import { useLiveReservations } from "../../live";

export function AdminOccupancy({ route }: { route: Route }) {
	const { hotels, error: hotelsError } = useHotels(false);
	const q = route.query;
	const [form, setForm] = useState({ hotelId: q.get("hotelId") ?? "", from: q.get("from") ?? isoDay(0), to: q.get("to") ?? isoDay(31) });
	const [data, setData] = useState<Occupancy | null>(null);
	const [error, setError] = useState<unknown>(null);
	const hotelId = q.get("hotelId") || hotels?.[0]?.id || "";
	const from = q.get("from") || isoDay(0);
	const to = q.get("to") || isoDay(31);

	useEffect(() => {
		if (!form.hotelId && hotelId) setForm(f => ({ ...f, hotelId }));
	}, [hotelId]);

	// A re-read asked by the live stream keeps the chart on screen while it runs.
	const [refresh, setRefresh] = useState(0);
	const shown = useRef("");
	useEffect(() => {
		if (!hotelId) return;
		const key = `${hotelId}/${from}/${to}`;
		if (shown.current !== key) setData(null);
		shown.current = key;
		setError(null);
		api.occupancy(hotelId, from, to, token()).then(setData).catch(setError);
	}, [hotelId, from, to, refresh]);
	const live = useLiveReservations(token(), hotelId, data !== null, () => setRefresh(x => x + 1));

	const name = hotels?.find(h => h.id === hotelId)?.name ?? hotelId;
	return (
		<div>
			<PageTitle>{t("adm.occ.title")}</PageTitle>
			<form class="filters" onSubmit={e => { e.preventDefault(); navigate("/admin/occupancy", form); }}>
				<Select label={t("adm.occ.hotel")} name="hotelId" value={form.hotelId} onValue={v => setForm({ ...form, hotelId: v })}
					options={(hotels ?? []).map(h => ({ value: h.id, label: `${h.name} (${h.address.city})` }))} />
				<Field label={t("adm.occ.from")} name="from" value={form.from} onValue={v => setForm({ ...form, from: v })} input={{ type: "date" }} />
				<Field label={t("adm.occ.to")} name="to" value={form.to} onValue={v => setForm({ ...form, to: v })} input={{ type: "date" }} />
				<button class="btn btn--primary" type="submit">
					{t("adm.occ.show")}
				</button>
			</form>
			<LiveStatus state={live} />
			{hotelsError || error ? <ErrorAlert error={error ?? hotelsError} context="admin" /> : null}
			{!data || !hotels ? (
				!error && !hotelsError && <Loading />
			) : (
				<section class="card">
					<h2>{name}</h2>
					<OccupancyChart days={data.days} title={t("adm.occ.chart", { name, from: data.from, to: data.to })} />
				</section>
			)}
		</div>
	);
}
