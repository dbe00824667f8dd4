/**
 * Rate plan and cancellation terms as plain functions (SPEC §9, §10): the fee a schedule asks at
 * an instant, instants shown in the hotel's time zone, a restriction's value. No imports, so the
 * unit tests load it in Node (test/unit/web-terms.spec.ts).
 */

export interface Step {
	from: string;
	to: string | null;
	fee: number;
}

/**
 * The fee of cancelling at `now` under a frozen schedule: the step whose [from, to) holds it;
 * before the first step nothing is due, after an open last step its fee.
 */
export function feeAt(schedule: Step[] | undefined, now: Date = new Date()): number {
	const at = now.getTime();
	let fee = 0;
	for (const s of schedule ?? []) {
		const from = Date.parse(s.from);
		const to = s.to === null ? Infinity : Date.parse(s.to);
		if (at >= from && at < to) return s.fee;
		if (at >= to) fee = s.fee;
	}
	return fee;
}

/** An instant in the hotel's zone, "Fri 27 Feb, 15:00" (en-GB) / "ven. 27 févr., 15:00" (fr-FR). */
export function zonedInstant(iso: string, timeZone: string, locale: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const opts: Intl.DateTimeFormatOptions = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
	try {
		return new Intl.DateTimeFormat(locale, { ...opts, timeZone }).format(d);
	} catch {
		return new Intl.DateTimeFormat(locale, opts).format(d);
	}
}

/** The dates YYYY-MM-DD of [from, to). */
export function datesBetween(from: string, to: string): string[] {
	const out: string[] = [];
	const d = new Date(`${from}T00:00:00Z`);
	const end = Date.parse(`${to}T00:00:00Z`);
	while (d.getTime() < end && out.length < 800) {
		out.push(d.toISOString().slice(0, 10));
		d.setUTCDate(d.getUTCDate() + 1);
	}
	return out;
}

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
/** The weekday name of a calendar date (the date is the hotel's, so no zone applies). */
export const weekdayOf = (date: string): (typeof WEEKDAYS)[number] => WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];

/** "HH:MM" 24 h, as checkInTime/checkOutTime take it. */
export const isClockTime = (s: string): boolean => /^([01]\d|2[0-3]):[0-5]\d$/.test(s);
