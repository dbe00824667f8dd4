/**
 * Single-use links (invitation, password reset): a random token goes into the email, only its
 * SHA-256 is stored. A token is good once, for 72 hours; a new link of the same kind replaces the
 * older ones of that user.
 */
import crypto from "crypto";

export const LINK_TTL_MS = 72 * 3_600_000;
export type LinkKind = "invite" | "reset";

export function newLinkToken(): string {
	return crypto.randomBytes(32).toString("base64url");
}

export function hashLinkToken(token: string): string {
	return crypto.createHash("sha256").update(token).digest("hex");
}

/** The page of the web app that takes the token (it posts it to /auth/reset). */
export function linkUrl(publicUrl: string, kind: LinkKind, token: string): string {
	const page = kind === "invite" ? "set-password" : "reset-password";
	return `${publicUrl.replace(/\/+$/, "")}/#/${page}?token=${encodeURIComponent(token)}`;
}
