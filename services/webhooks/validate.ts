/**
 * Checks of a webhook's URL and patterns beyond the params schema, all reported at once as one
 * 422 with the fields (SPEC §3): the URL's form and, unless WEBHOOK_ALLOW_PRIVATE, where it
 * resolves (ssrf.ts); each pattern's syntax and that it matches some event (patterns.ts).
 */
import { validationError, type FieldError } from "../../lib/errors";
import { patternProblem } from "./patterns";
import { parseTarget, resolveTarget, type Resolver } from "./ssrf";

export interface TargetCheck { allowPrivate: boolean; resolve?: Resolver }

export async function assertValidWebhook(input: { url?: string; events?: string[] }, check: TargetCheck): Promise<void> {
	const fields: FieldError[] = [];
	if (input.url !== undefined) {
		try {
			await resolveTarget(parseTarget(input.url), check);
		} catch (err) {
			fields.push({ field: "url", type: "url", message: `The 'url' field ${(err as Error).message}`, actual: input.url });
		}
	}
	(input.events ?? []).forEach((p, i) => {
		const problem = patternProblem(p);
		if (problem) fields.push({ field: `events[${i}]`, type: "pattern", message: `The 'events[${i}]' field ${problem}`, actual: p });
	});
	if (input.events && new Set(input.events).size !== input.events.length) fields.push({ field: "events", type: "unique", message: "The 'events' field lists a pattern twice" });
	if (fields.length) throw validationError(fields);
}
