/** The API's shapes (SPEC §3), as the front end reads them. */
export interface Page<T> {
	rows: T[];
	total: number;
	page: number;
	pageSize: number;
	totalPages: number;
}

export interface RoomType {
	id: string;
	name: string;
	description?: string;
	capacity: number;
	totalRooms: number;
	pricePerNight: number;
	amenities?: string[];
}

export interface Hotel {
	id: string;
	name: string;
	description?: string;
	address: { line1: string; line2?: string; city: string; postalCode: string; country: string };
	location?: { lat: number; lng: number };
	stars: number;
	amenities: string[];
	photos: string[];
	email: string;
	timezone: string;
	currency: string;
	roomTypes: RoomType[];
	active: boolean;
	createdAt: string;
	updatedAt: string;
}

export interface RoomAvailability {
	roomTypeId: string;
	name: string;
	capacity: number;
	available: number;
	pricePerNight: number;
	totalPrice: number;
	currency: string;
}

export interface Availability {
	hotelId: string;
	checkIn: string;
	checkOut: string;
	nights: number;
	roomTypes: RoomAvailability[];
}

/** One row of GET /search: a hotel with the room types free for the whole stay. */
export interface SearchRow {
	hotelId?: string;
	id?: string;
	hotelName?: string;
	name?: string;
	hotel?: Partial<Hotel> & { id: string };
	nights?: number;
	currency?: string;
	roomTypes: RoomAvailability[];
	[key: string]: unknown;
}

export type ReservationStatus = "confirmed" | "cancelled" | "checked_in" | "checked_out" | "no_show";

export interface Reservation {
	id: string;
	code: string;
	status: ReservationStatus;
	hotelId: string;
	hotelName: string;
	roomTypeId: string;
	roomTypeName: string;
	checkIn: string;
	checkOut: string;
	nights: number;
	rooms: number;
	guests: number;
	guest: { name: string; email: string; phone?: string; locale?: string };
	totalPrice: number;
	currency: string;
	createdAt: string;
	updatedAt: string;
}

export interface OccupancyDay {
	date: string;
	occupancy: number;
	roomTypes: { roomTypeId: string; total: number; booked: number }[];
}

export interface Occupancy {
	hotelId: string;
	from: string;
	to: string;
	days: OccupancyDay[];
}

export interface Mail {
	id: string;
	reservationCode: string;
	type: string;
	to: string;
	subject: string;
	status: "queued" | "sent" | "failed";
	attempts: number;
	lastError: string | null;
	sentAt: string | null;
	createdAt: string;
}
