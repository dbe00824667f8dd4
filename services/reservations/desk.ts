/**
 * The front desk's day (SPEC §12 `GET /hotels/:id/today`): arrivals, in-house and departures of
 * the hotel's local today, each with the transitions the lifecycle allows (docs/reports.md).
 */
import type { SqlStore } from "./db";
import type { HotelCopy } from "./hotel-copies";
import { decide, type Action } from "./lifecycle";
import type { Status } from "./repository";

export interface DeskRow {
	code: string; status: Status; guestName: string; guestEmail: string; guestPhone: string | null;
	roomTypeId: string; roomTypeName: string; ratePlanName: string | null; rooms: number; guests: number;
	checkIn: string; checkOut: string; nights: number; totalPrice: number; currency: string;
	/** The transitions the lifecycle allows today (lifecycle.ts decide). */
	actions: Action[];
}
export interface Today { hotelId: string; date: string; timezone: string; arrivals: DeskRow[]; inHouse: DeskRow[]; departures: DeskRow[] }

const DESK_ACTIONS: Action[] = ["checkIn", "noShow", "checkOut"];
/** Each list offers its own moves: an arrival checked in is then in house, where its check-out is. */
const LIST_ACTIONS: Record<DeskList, Action[]> = { arrivals: ["checkIn", "noShow"], inHouse: ["checkOut"], departures: ["checkOut"] };
type DeskList = "arrivals" | "inHouse" | "departures";

interface DeskSql {
	code: string; status: Status; guest_name: string; guest_email: string; guest_phone: string | null;
	room_type_id: string; room_type_name: string; rate_plan_name: string | null; rooms: number | string; guests: number | string;
	check_in: string; check_out: string; nights: number | string; total_price: number | string; currency: string; list: DeskList;
}

/** What the desk may do with a stay today: the moves the lifecycle table allows (a cancel is not a desk action). */
export function deskActions(r: { status: Status; checkIn: string; checkOut: string }, today: string): Action[] {
	return DESK_ACTIONS.filter(a => decide(a, r as Parameters<typeof decide>[1], today).kind === "move");
}

/**
 * Arrivals (check-in today: still to come, arrived or no-show), in-house (checked in, leaving
 * later) and departures (checked in and due today or overdue, or checked out today), in one query.
 */
export async function deskDay(db: SqlStore, copy: HotelCopy, today: string): Promise<Today> {
	const cols = "code, status, guest_name, guest_email, guest_phone, room_type_id, room_type_name, rate_plan_name, rooms, guests, check_in, check_out, nights, total_price, currency";
	const rows = await db.select<DeskSql>(`
		SELECT ${cols}, 'arrivals' AS list FROM reservations WHERE hotel_id = :h AND check_in = :today AND status IN ('confirmed', 'checked_in', 'no_show')
		UNION ALL SELECT ${cols}, 'inHouse' AS list FROM reservations WHERE hotel_id = :h AND status = 'checked_in' AND check_out > :today
		UNION ALL SELECT ${cols}, 'departures' AS list FROM reservations WHERE hotel_id = :h
			AND ((status = 'checked_in' AND check_out <= :today) OR (status = 'checked_out' AND status_on = :today))
		ORDER BY list, guest_name, code`, { h: copy.id, today });
	const out: Today = { hotelId: copy.id, date: today, timezone: copy.hotel.timezone, arrivals: [], inHouse: [], departures: [] };
	for (const r of rows) {
		const row: DeskRow = {
			code: r.code, status: r.status, guestName: r.guest_name, guestEmail: r.guest_email, guestPhone: r.guest_phone,
			roomTypeId: r.room_type_id, roomTypeName: r.room_type_name, ratePlanName: r.rate_plan_name, rooms: Number(r.rooms), guests: Number(r.guests),
			checkIn: r.check_in, checkOut: r.check_out, nights: Number(r.nights), totalPrice: Number(r.total_price), currency: r.currency,
			actions: deskActions({ status: r.status, checkIn: r.check_in, checkOut: r.check_out }, today).filter(a => LIST_ACTIONS[r.list].includes(a)),
		};
		out[r.list].push(row);
	}
	return out;
}
