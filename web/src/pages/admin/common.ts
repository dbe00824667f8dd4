/** Staff pages share the token and the hotels list (for the filters and the occupancy picker). */
import { useEffect, useState } from "preact/hooks";
import { api } from "../../api";
import { adminToken } from "../../session";
import type { Hotel } from "../../types";

export const token = (): string => adminToken() ?? "";

export function useHotels(includeInactive = true): { hotels: Hotel[] | null; error: unknown; reload: () => void } {
	const [hotels, setHotels] = useState<Hotel[] | null>(null);
	const [error, setError] = useState<unknown>(null);
	const [n, setN] = useState(0);
	useEffect(() => {
		api.hotels({ includeInactive: includeInactive || undefined, pageSize: 100, sort: "name" }, token())
			.then(p => setHotels(p.rows))
			.catch(setError);
	}, [n]);
	return { hotels, error, reload: () => setN(x => x + 1) };
}
