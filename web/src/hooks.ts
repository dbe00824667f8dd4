/** Small hooks shared by pages. */
import { useState } from "preact/hooks";

/**
 * A form whose submit runs one request: `busy` while it runs (the button is disabled), the
 * request's error kept for the page to show next to the fields.
 */
export function useSubmit(action: () => Promise<void>): { submit: (e: Event) => Promise<void>; busy: boolean; error: unknown } {
	const [error, setError] = useState<unknown>(null);
	const [busy, setBusy] = useState(false);
	const submit = async (e: Event) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			await action();
		} catch (err) {
			setError(err);
		} finally {
			setBusy(false);
		}
	};
	return { submit, busy, error };
}
