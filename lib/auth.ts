/**
 * Tokens: staff access tokens from /auth/login (accounts service, SPEC §11) and guest tokens bound
 * to one reservation code. Both are HS256 JWTs signed with JWT_SECRET and carry an expiry.
 *
 * A staff token is short-lived and names the user's id, role, hotels and `ver`, the user's
 * version in the accounts store: every change to the user (role, hotels, deactivation, password)
 * raises the version, and the gateway refuses a token whose version is not the current one
 * (services/api/auth.ts), so a change reaches every node's tokens within the cache's bound.
 */
import jwt from "jsonwebtoken";
import crypto from "crypto";

export const STAFF_ROLES = ["owner", "manager", "revenue", "front_desk"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = StaffRole | "guest";
/** Who may call an action: everyone, the reservation's guest or staff, or staff only ("admin": staff with the action's permission). */
export type AccessLevel = "public" | "guest" | "admin";

export interface AuthUser {
	role: Role;
	/** Staff: the user id; guests: "guest:<code>". */
	sub: string;
	/** For guests: the one reservation code this token opens. */
	code?: string;
	/** Staff only. */
	email?: string;
	/** Staff only: the hotels the user works for, or ["*"] for all. */
	hotelIds?: string[];
	/** Staff only: the user's version when the token was issued. */
	ver?: number;
}

/** The staff fields a token carries. */
export interface StaffClaims { id: string; email: string; role: StaffRole; hotelIds: string[]; version: number }

export const STAFF_TOKEN_TTL_SECONDS = 15 * 60;
/** Kept for callers of the single-admin era: a staff token's lifetime. */
export const ADMIN_TOKEN_TTL_SECONDS = STAFF_TOKEN_TTL_SECONDS;
export const GUEST_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export function isStaffRole(role: unknown): role is StaffRole {
	return typeof role === "string" && (STAFF_ROLES as readonly string[]).includes(role);
}

/**
 * The secret as a KeyObject, made once: given a string, jsonwebtoken 9 first tries to parse it as
 * a private/public key (a thrown error each time) — ~50× the cost of the HMAC itself, on every
 * booking (guest token) and every authenticated request.
 */
const keys = new Map<string, crypto.KeyObject>();
function secretKey(secret: string): crypto.KeyObject {
	let key = keys.get(secret);
	if (!key) {
		key = crypto.createSecretKey(Buffer.from(secret));
		keys.set(secret, key);
	}
	return key;
}

/**
 * The owner created from ADMIN_EMAIL on an empty accounts store has an id derived from the email,
 * so every node (and every test) knows it without asking.
 */
export function bootstrapOwnerId(email: string): string {
	return `usr_${crypto.createHash("sha256").update(`owner:${email.toLowerCase()}`).digest("hex").slice(0, 16)}`;
}

export function signStaffToken(u: StaffClaims, secret: string, ttl = STAFF_TOKEN_TTL_SECONDS): string {
	return jwt.sign({ typ: "staff", role: u.role, email: u.email, hotelIds: u.hotelIds, ver: u.version }, secretKey(secret), { algorithm: "HS256", subject: u.id, expiresIn: ttl, issuer: "hotel-booking" });
}

/** A token of the first owner as the accounts store creates it (version 1): operators' scripts and tests. */
export function signAdminToken(email: string, secret: string, ttl = STAFF_TOKEN_TTL_SECONDS): string {
	return signStaffToken({ id: bootstrapOwnerId(email), email: email.toLowerCase(), role: "owner", hotelIds: ["*"], version: 1 }, secret, ttl);
}

export function signGuestToken(code: string, secret: string, ttl = GUEST_TOKEN_TTL_SECONDS): string {
	return jwt.sign({ role: "guest", code }, secretKey(secret), { algorithm: "HS256", subject: `guest:${code}`, expiresIn: ttl, issuer: "hotel-booking" });
}

export class TokenError extends Error {}

/** Verify a token's signature and shape (not yet its staff version: services/api/auth.ts); throws TokenError with a message fit for the client. */
export function verifyToken(token: string, secret: string): AuthUser {
	try {
		const p = jwt.verify(token, secretKey(secret), { algorithms: ["HS256"], issuer: "hotel-booking" }) as jwt.JwtPayload;
		if (p.typ === "staff" && isStaffRole(p.role) && typeof p.sub === "string" && typeof p.email === "string" && Array.isArray(p.hotelIds) && Number.isInteger(p.ver))
			return { role: p.role, sub: p.sub, email: p.email, hotelIds: p.hotelIds.map(String), ver: p.ver as number };
		if (p.role === "guest" && typeof p.code === "string" && typeof p.sub === "string") return { role: "guest", sub: p.sub, code: p.code };
		throw new TokenError("Token has an unknown role");
	} catch (err) {
		if (err instanceof TokenError) throw err;
		if (err instanceof jwt.TokenExpiredError) throw new TokenError("Token has expired");
		throw new TokenError("Token is invalid");
	}
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
	const ha = crypto.createHash("sha256").update(a).digest();
	const hb = crypto.createHash("sha256").update(b).digest();
	return crypto.timingSafeEqual(ha, hb);
}
