/**
 * Reservation codes: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a
 * guest can read one over the phone. 31^8 ≈ 8.5 × 10^11 codes: guessing one is hopeless, and
 * the lookup route is rate limited besides. Uniqueness is enforced by a unique index; a clash
 * makes the caller draw again.
 */
import crypto from "crypto";

export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 8;

export function newCode(): string {
	let out = "";
	for (let i = 0; i < CODE_LENGTH; i++) out += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
	return out;
}

/** Codes as typed by people: trimmed and upper-cased. */
export function normalizeCode(raw: string): string {
	return raw.trim().toUpperCase();
}

export function isCode(s: string): boolean {
	return s.length === CODE_LENGTH && [...s].every(c => CODE_ALPHABET.includes(c));
}
