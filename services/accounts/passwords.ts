/**
 * Password hashing: argon2id through @node-rs/argon2 (its prebuilt binary ships inside the npm
 * package for each platform: nothing is downloaded or compiled at install). Hashing runs on
 * libuv's thread pool, not on the event loop. OWASP's minimum argon2id settings (19 MiB,
 * 2 passes) cost a login a few tens of milliseconds of one core.
 */
import { hash, verify, type Options } from "@node-rs/argon2";

// Algorithm.Argon2id (a const enum the build cannot import under isolatedModules).
const ARGON2ID = 2 as unknown as NonNullable<Options["algorithm"]>;
const OPTIONS: Options = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export function hashPassword(password: string): Promise<string> {
	return hash(password, OPTIONS);
}

/** A hash that matches nothing, so an unknown email costs the same time as a wrong password. */
let decoy: Promise<string> | null = null;

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
	if (!stored) {
		decoy ??= hashPassword("decoy-password-never-set");
		await verify(await decoy, password).catch(() => false);
		return false;
	}
	try {
		return await verify(stored, password);
	} catch {
		return false;
	}
}

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string, email: string): string | null {
	if (password.length < PASSWORD_MIN) return `The password must be at least ${PASSWORD_MIN} characters`;
	if (password.length > PASSWORD_MAX) return `The password must be at most ${PASSWORD_MAX} characters`;
	if (password.toLowerCase() === email.toLowerCase()) return "The password must not be the email address";
	return null;
}
