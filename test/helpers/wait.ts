/**
 * Tests wait on conditions, not clocks: `waitFor` polls a check until it holds (a thrown check
 * counts as "not yet") and fails with what it waited for; `settled` waits until a value stops
 * changing, for the tests that assert nothing more happens (no second email, no duplicate).
 */
export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 50): Promise<void> {
	const until = Date.now() + timeoutMs;
	let last: unknown = null;
	for (;;) {
		try {
			if (await check()) return;
			last = null;
		} catch (err) {
			last = err;
		}
		if (Date.now() >= until) break;
		await sleep(everyMs);
	}
	const why = last ? ` (last error: ${(last as Error).message ?? String(last)})` : "";
	throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}${why}`);
}

/**
 * Resolves with `read()`'s value once it has stayed the same (JSON-equal) for `quietMs`:
 * "the relay and consumers have nothing more to do". Fails after `timeoutMs`.
 */
export async function settled<T>(what: string, read: () => T | Promise<T>, quietMs = 300, timeoutMs = 20_000, everyMs = 50): Promise<T> {
	const until = Date.now() + timeoutMs;
	let value = await read();
	let key = JSON.stringify(value);
	let since = Date.now();
	while (Date.now() < until) {
		await sleep(everyMs);
		value = await read();
		const k = JSON.stringify(value);
		if (k !== key) {
			key = k;
			since = Date.now();
		} else if (Date.now() - since >= quietMs) return value;
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} to settle (last: ${key})`);
}
