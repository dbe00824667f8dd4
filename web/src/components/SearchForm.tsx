/** City (with suggestions from the hotels list), dates, guests and rooms. */
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { isoDay, nightsBetween } from "../format";
import { t } from "../i18n";
import type { SearchQuery } from "../types";
import { Field, useId } from "./ui";

/** The stay the search form holds: GET /search's parameters, each filled in. */
export type StayQuery = Required<Pick<SearchQuery, "city" | "checkIn" | "checkOut" | "guests" | "rooms">>;

export function defaultStay(q?: URLSearchParams): StayQuery {
	const checkIn = q?.get("checkIn") || isoDay(14);
	return {
		city: q?.get("city") ?? "",
		checkIn,
		checkOut: q?.get("checkOut") || isoDay(2, checkIn),
		guests: Number(q?.get("guests")) || 2,
		rooms: Number(q?.get("rooms")) || 1,
	};
}

export function stayErrors(s: StayQuery, needCity: boolean): Record<string, string> {
	const e: Record<string, string> = {};
	if (needCity && !s.city.trim()) e.city = t("search.errCity");
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s.checkIn) || s.checkIn < isoDay(0)) e.checkIn = t("search.errPast");
	if (!/^\d{4}-\d{2}-\d{2}$/.test(s.checkOut) || s.checkOut <= s.checkIn) e.checkOut = t("search.errDates");
	else if (nightsBetween(s.checkIn, s.checkOut) > 30) e.checkOut = t("search.errTooLong");
	return e;
}

let cityCache: string[] | null = null;

function useCities(typed: string): string[] {
	const [cities, setCities] = useState<string[]>(cityCache ?? []);
	const timer = useRef<number | undefined>(undefined);
	useEffect(() => {
		window.clearTimeout(timer.current);
		const ctrl = new AbortController();
		timer.current = window.setTimeout(() => {
			const q = typed.trim();
			if (cityCache && !q) return setCities(cityCache);
			api.hotels({ q: q || undefined, pageSize: 100, sort: "name" })
				.then(page => {
					const names = [...new Set(page.rows.map(h => h.address.city))].sort((a, b) => a.localeCompare(b));
					if (!q) cityCache = names;
					setCities(q ? [...new Set([...names, ...(cityCache ?? [])])].filter(c => c.toLowerCase().includes(q.toLowerCase())) : names);
				})
				.catch(() => undefined); // suggestions are a convenience: the search still works
		}, 200);
		return () => {
			window.clearTimeout(timer.current);
			ctrl.abort();
		};
	}, [typed]);
	return cities;
}

export function SearchForm({ initial, withCity = true, submitLabel, onSearch, compact = false }: {
	initial: StayQuery;
	withCity?: boolean;
	submitLabel?: string;
	compact?: boolean;
	onSearch: (q: StayQuery) => void;
}) {
	const [s, setS] = useState<StayQuery>(initial);
	const [errors, setErrors] = useState<Record<string, string>>({});
	const cities = useCities(withCity ? s.city : "");
	const listId = useId("cities");
	const up = (k: keyof StayQuery) => (v: string) => setS(prev => ({ ...prev, [k]: k === "guests" || k === "rooms" ? Number(v) : v }));

	const submit = (e: Event) => {
		e.preventDefault();
		const errs = stayErrors(s, withCity);
		setErrors(errs);
		if (Object.keys(errs).length === 0) onSearch({ ...s, city: s.city.trim() });
		else (document.querySelector(".search-form [aria-invalid='true']") as HTMLElement | null)?.focus();
	};

	return (
		<form class={`search-form${compact ? " search-form--compact" : ""}`} onSubmit={submit} noValidate role="search">
			{withCity && (
				<>
					<Field label={t("search.city")} name="city" value={s.city} onValue={up("city")} error={errors.city} hint={compact ? undefined : t("search.cityHint")}
						input={{ type: "text", list: listId, autoComplete: "off", required: true }} class="field--city" />
					<datalist id={listId}>
						{cities.map(c => (
							<option key={c} value={c} />
						))}
					</datalist>
				</>
			)}
			<Field label={t("search.checkIn")} name="checkIn" value={s.checkIn} onValue={up("checkIn")} error={errors.checkIn} input={{ type: "date", min: isoDay(0), required: true }} />
			<Field label={t("search.checkOut")} name="checkOut" value={s.checkOut} onValue={up("checkOut")} error={errors.checkOut} input={{ type: "date", min: /^\d{4}-\d{2}-\d{2}$/.test(s.checkIn) ? isoDay(1, s.checkIn) : isoDay(1), required: true }} />
			<Field label={t("search.guests")} name="guests" value={s.guests} onValue={up("guests")} input={{ type: "number", min: 1, max: 20, inputMode: "numeric", required: true }} class="field--num" />
			<Field label={t("search.rooms")} name="rooms" value={s.rooms} onValue={up("rooms")} input={{ type: "number", min: 1, max: 10, inputMode: "numeric", required: true }} class="field--num" />
			<div class="search-form__submit">
				<button type="submit" class="btn btn--primary">
					{submitLabel ?? t("search.submit")}
				</button>
			</div>
		</form>
	);
}

export const stayQuery = (s: StayQuery) => ({ city: s.city || undefined, checkIn: s.checkIn, checkOut: s.checkOut, guests: s.guests, rooms: s.rooms });
