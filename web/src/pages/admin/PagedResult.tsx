/** A staff list's states under its filters: the error, loading, "none found", or the rows and the pager. */
import type { ComponentChildren } from "preact";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Alert, Loading, Pager } from "../../components/ui";
import type { Page } from "../../types";

export function PagedResult<T>({ data, error, empty, onPage, children }: {
	data: Page<T> | null;
	error: unknown;
	/** Shown instead of the rows when there are none. */
	empty: string;
	onPage: (page: number) => void;
	children: (data: Page<T>) => ComponentChildren;
}) {
	return (
		<>
			{error ? <ErrorAlert error={error} context="admin" /> : null}
			{!data ? (
				!error && <Loading />
			) : data.rows.length === 0 ? (
				<Alert kind="info">{empty}</Alert>
			) : (
				<>
					{children(data)}
					<Pager page={data.page} totalPages={data.totalPages} onPage={onPage} />
				</>
			)}
		</>
	);
}
