/**
 * Tokens: admin tokens from /auth/login, guest tokens bound to one reservation code.
 * Both are HS256 JWTs signed with JWT_SECRET and carry an expiry.
 */
import jwt from "jsonwebtoken";
import crypto from "crypto";

export type Role = "admin" | "guest";
/** Who may call an action: everyone, the reservation's guest or an admin, or an admin only. */
export type AccessLevel = "public" | "guest" | "admin";

export interface AuthUser {
	role: Role;
	sub: string;
	/** For guests: the one reservation code this token opens. */
	code?: string;
}

export const ADMIN_TOKEN_TTL_SECONDS = 8 * 3600;
export const GUEST_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

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

export function signAdminToken(email: string, secret: string, ttl = ADMIN_TOKEN_TTL_SECONDS): string {
	return jwt.sign({ role: "admin" }, secretKey(secret), { algorithm: "HS256", subject: email, expiresIn: ttl, issuer: "hotel-booking" });
}

export function signGuestToken(code: string, secret: string, ttl = GUEST_TOKEN_TTL_SECONDS): string {
	return jwt.sign({ role: "guest", code }, secretKey(secret), { algorithm: "HS256", subject: `guest:${code}`, expiresIn: ttl, issuer: "hotel-booking" });
}

export class TokenError extends Error {}

/** Verify a token; throws TokenError with a message fit for the client. */
export function verifyToken(token: string, secret: string): AuthUser {
	try {
		const p = jwt.verify(token, secretKey(secret), { algorithms: ["HS256"], issuer: "hotel-booking" }) as jwt.JwtPayload;
		if (p.role === "admin" && typeof p.sub === "string") return { role: "admin", sub: p.sub };
		if (p.role === "guest" && typeof p.code === "string" && typeof p.sub === "string") return { role: "guest", sub: p.sub, code: p.code };
		throw new TokenError("Token has an unknown role");
	} catch (err) {
		if (err instanceof TokenError) throw err;
		if (err instanceof jwt.TokenExpiredError) throw new TokenError("Token has expired");
		throw new TokenError("Token is invalid");
	}
}

/** Constant-time comparison of two strings (login). */
export function safeEqual(a: string, b: string): boolean {
	const ha = crypto.createHash("sha256").update(a).digest();
	const hb = crypto.createHash("sha256").update(b).digest();
	return crypto.timingSafeEqual(ha, hb);
}
