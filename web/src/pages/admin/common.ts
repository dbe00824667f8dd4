/** Staff pages share the token and the hotels list (for the filters and the occupancy picker). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import { adminToken, inStaffScope } from "../../session";
import type { Hotel, Page } from "../../types";

export const token = (): string => adminToken() ?? "";

export function useHotels(includeInactive = true): { hotels: Hotel[] | null; error: unknown; reload: () => void } {
	const [hotels, setHotels] = useState<Hotel[] | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [n, setN] = useState(0);
	useEffect(() => {
		api.hotels({ includeInactive: includeInactive || undefined, pageSize: 100, sort: "name" }, token())
			.then(p => setHotels(p.rows.filter(h => inStaffScope(h.id))))
			.catch(setError);
	}, [n]);
	return { hotels, error, reload: () => setN(x => x + 1) };
}

/**
 * A filtered, paged staff list: the filters being edited, the ones applied (submitting the form
 * applies them and goes back to page 1), the page shown, its data or error, a success message,
 * and `reload()` after an action changed a row.
 */
export function useFilteredList<F extends Record<string, string>, T>(initial: F, fetch: (filters: F, page: number) => Promise<Page<T>>) {
	const [filters, setFilters] = useState(initial);
	const [applied, setApplied] = useState(initial);
	const [page, setPage] = useState(1);
	const [data, setData] = useState<Page<T> | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [news, setNews] = useState<string | null>(null);
	const [n, setN] = useState(0);

	useEffect(() => {
		setError(null);
		fetch(applied, page).then(setData).catch(setError);
	}, [applied, page, n]);

	return {
		filters, page, setPage, data, error, setError, news, setNews,
		/** onValue of the filter field `k`. */
		set: (k: keyof F) => (v: string) => setFilters({ ...filters, [k]: v }),
		/** Apply the filters being edited (normalised by `clean`), from page 1. */
		apply: (clean: (f: F) => F = f => f) => { setPage(1); setApplied(clean(filters)); },
		reload: () => setN(x => x + 1),
	};
}
