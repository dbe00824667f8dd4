/**
 * The gateway's side of staff authentication (SPEC §11): a token's signature and expiry are
 * checked locally (lib/auth.ts), then its `ver` against the user's current state in the accounts
 * service, cached per node:
 *
 *  - a cached state is used for STAFF_SESSION_TTL_MS (default 30 s), then read again;
 *  - `accounts.user.changed` (a broadcast consumer: every api node gets it) drops the entry at
 *    once, so a deactivation or role change is usually refused everywhere within a round trip;
 *  - a token whose version is not the user's current one, or of a deactivated user, gets 401.
 *
 * When accounts cannot be reached, the last state read is used until STAFF_SESSION_MAX_STALE_MS
 * (default 60 s) after it was read, then staff routes answer 503 (fail closed: a lost
 * announcement plus an unreachable accounts never keeps a revoked token working past 60 s).
 * Public and guest routes do not depend on accounts.
 */
import { LRUCache } from "lru-cache";
import { hasPermission, hotelScope, isStaff, type Permission } from "../../lib/access";
import { isStaffRole, type AuthUser, type StaffRole } from "../../lib/auth";
import { appError, ErrorType, unavailableError } from "../../lib/errors";

export interface SessionState { id: string; email: string; role: StaffRole; hotelIds: string[]; active: boolean; version: number }

interface Entry { state: SessionState | null; at: number }

export class StaffSessions {
	private readonly cache = new LRUCache<string, Entry>({ max: 50_000 });
	private readonly inflight = new Map<string, Promise<Entry>>();

	constructor(
		private readonly fetch: (id: string) => Promise<SessionState | null>,
		private readonly opts: { ttlMs: number; maxStaleMs: number },
		private readonly now: () => number = Date.now,
	) {}

	/** accounts.user.changed: the next request of this user reads its state again. */
	evict(id: string): void {
		this.cache.delete(id);
	}

	clear(): void {
		this.cache.clear();
	}

	private load(id: string): Promise<Entry> {
		let p = this.inflight.get(id);
		if (!p) {
			p = this.fetch(id).then(state => {
				const e = { state: state && isStaffRole(state.role) ? state : null, at: this.now() };
				this.cache.set(id, e);
				return e;
			}).finally(() => this.inflight.delete(id));
			this.inflight.set(id, p);
		}
		return p;
	}

	private async state(id: string): Promise<SessionState | null> {
		const cached = this.cache.get(id);
		if (cached && this.now() - cached.at < this.opts.ttlMs) return cached.state;
		try {
			return (await this.load(id)).state;
		} catch {
			if (cached && this.now() - cached.at < this.opts.maxStaleMs) return cached.state;
			throw unavailableError();
		}
	}

	/** The staff user a verified token stands for now; 401 when revoked, 503 when that cannot be known. */
	async check(user: AuthUser): Promise<AuthUser> {
		const s = await this.state(user.sub);
		if (!s || !s.active) throw appError(ErrorType.UNAUTHORIZED, "This account is deactivated or no longer exists");
		if (s.version !== user.ver) throw appError(ErrorType.UNAUTHORIZED, "Token has been revoked (the account changed): sign in again");
		return { role: s.role, sub: s.id, email: s.email, hotelIds: s.hotelIds, ver: s.version };
	}
}

/** The gateway's check of an action's access level and `permission` metadata (the service checks the hotel again). */
export function authorizeAction(user: AuthUser | null | undefined, level: "public" | "guest" | "admin", permission: Permission | undefined, authError?: string): void {
	if (level === "public") return;
	if (!user) throw appError(ErrorType.UNAUTHORIZED, authError ?? "Authentication required: send 'Authorization: Bearer <token>'");
	if (level === "admin" && !isStaff(user)) throw appError(ErrorType.FORBIDDEN, "This route is for staff only");
	if (permission && isStaff(user) && !hasPermission(user, permission)) throw appError(ErrorType.FORBIDDEN, `Your role may not do this (needs ${permission})`);
	if (permission && !isStaff(user) && level === "admin") throw appError(ErrorType.FORBIDDEN, "This route is for staff only");
}

/** The hotels a staff stream may follow: null for all; the ids requested must be in scope (404 otherwise). */
export function staffStreamHotels(user: AuthUser, requested: string[]): string[] | null {
	const scope = hotelScope(user);
	if (scope === null) return requested.length ? requested : null;
	if (requested.some(h => !scope.includes(h))) throw appError(ErrorType.NOT_FOUND, "Hotel not found");
	return requested.length ? requested : scope;
}
