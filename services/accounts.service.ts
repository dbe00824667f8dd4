/**
 * accounts: staff users, roles and hotel scopes, invitations and password resets, and the audit
 * log (SPEC §11). Its own database (ACCOUNTS_DB_URL PostgreSQL, SQLite under DATA_DIR otherwise).
 *
 * - Login issues short-lived staff tokens carrying the user's version; every change to a user
 *   raises it and announces `accounts.user.changed` (outbox), so gateways refuse older tokens at
 *   once, and within STAFF_SESSION_TTL_MS even when the announcement is lost (`session`).
 * - Invitation and reset emails go out through the mail service's durable path:
 *   `accounts.mail.requested` in this store's outbox, committed with the link's hash.
 * - Every service's `*.audit.recorded` messages are collected into the append-only `audit_log`.
 *
 * REPL: `call accounts.list`, `call accounts.invite --email a@b.c --name Ann --role manager --hotelIds htl_x`.
 */
import type { Context, Service, ServiceSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import { SqlDbMixin } from "../mixins/db.mixin";
import OutboxRelayMixin, { type RelayMethods } from "../mixins/outbox.mixin";
import ValidationMixin, { pageOf, paginationParams, rules, type Page } from "../mixins/validation.mixin";
import { listScope, permissionsOf, canSeeStaff, type Permission } from "../lib/access";
import { signStaffToken, STAFF_ROLES, STAFF_TOKEN_TTL_SECONDS, type StaffRole } from "../lib/auth";
import type { AuditEntry } from "../lib/audit";
import { Batcher } from "../lib/batcher";
import { loadConfig, type AppConfig } from "../lib/config";
import { appError, ErrorType, validationError } from "../lib/errors";
import type { DomainMessage } from "../lib/events";
import type { AppMeta } from "../types/moleculer";
import { auditProblem, insertEntries, listEntries, type AuditFilters, type AuditRecord } from "./accounts/audit-log";
import { hashLinkToken } from "./accounts/links";
import { migrations, usersModel } from "./accounts/migrations";
import { passwordProblem, verifyPassword, PASSWORD_MAX } from "./accounts/passwords";
import { AccountsStore, toPublic, type StaffUser, type UserRecord } from "./accounts/store";
import { bootstrapOwner, invite, requestReset, resetPassword, update, type InviteParams, type UpdateParams } from "./accounts/staff";

const WINDOW_MS = 15 * 60_000;
const FORGOT_ANSWER = { status: "accepted", message: "If an account exists for this email, a link to set a new password is on its way." };

interface Vars { cfg: AppConfig; store: AccountsStore; sequelize: Sequelize; audits: Batcher<DomainMessage<AuditEntry>>; pruner: NodeJS.Timeout | null }
type This = Service & Vars & Pick<RelayMethods, "wakeOutboxRelay"> & { limited(key: string): Promise<void> };
type Ctx<P> = Context<P, AppMeta>;

export interface Session { id: string; email: string; role: StaffRole; hotelIds: string[]; active: boolean; version: number }
export interface Me extends StaffUser { permissions: Permission[] }

const tokenOf = (u: UserRecord) => ({ token: signStaffToken(u, loadConfig().jwtSecret), expiresIn: STAFF_TOKEN_TTL_SECONDS });
const roleRule = { type: "enum", values: [...STAFF_ROLES], messages: { enumValue: `The 'role' field must be one of: ${STAFF_ROLES.join(", ")}` } };
const hotelIdsRule = { type: "array", items: { type: "string", min: 1, max: 64, pattern: "^(\\*|[A-Za-z0-9][A-Za-z0-9_-]{0,63})$" }, min: 1, max: 200 };
const passwordRule = { type: "string", min: 1, max: PASSWORD_MAX };

const AccountsService: ServiceSchema<Record<string, unknown>, Record<string, never>, Vars, This> = {
	name: "accounts",
	mixins: [
		OutboxRelayMixin(),
		SqlDbMixin({ name: "accounts", url: cfg => cfg.accountsDbUrl, model: usersModel, migrations }),
		ValidationMixin,
	],

	consumers: {
		audit: {
			events: ["*.audit.recorded"], group: "accounts-audit", dedupe: "handler", concurrency: 100,
			async handler(this: This, message: DomainMessage<AuditEntry>) {
				const problem = auditProblem(message);
				if (problem) return this.logger.warn(`Audit message ${message?.id} (${message?.event}) dropped: ${problem}`);
				await this.audits.add(message);
			},
		},
	},

	actions: {
		login: {
			rest: "POST /auth/login", auth: "public", rateLimit: "auth",
			openapi: { summary: "Staff login: a short-lived token (rate limited per client and per account)", tags: ["auth"] },
			params: { $$strict: true, email: rules.email, password: passwordRule },
			async handler(this: This, ctx: Ctx<{ email: string; password: string }>) {
				const email = ctx.params.email.toLowerCase();
				await this.limited(`login:${email}`);
				const u = await this.store.byEmail(email);
				const ok = await verifyPassword(u?.passwordHash ?? null, ctx.params.password);
				if (!u || !ok || !u.active) throw appError(ErrorType.UNAUTHORIZED, "Invalid email or password");
				await this.store.clearAttempts(`login:${email}`);
				await this.store.touchLogin(u.id);
				return tokenOf(u);
			},
		},

		refresh: {
			rest: "POST /auth/refresh", auth: "admin",
			openapi: { summary: "A fresh token for the signed-in staff user (before the current one expires)", tags: ["auth"] },
			params: { $$strict: true },
			async handler(this: This, ctx: Ctx<object>) {
				const u = await this.store.byId(ctx.meta.user?.sub ?? "");
				if (!u || !u.active || u.version !== ctx.meta.user?.ver) throw appError(ErrorType.UNAUTHORIZED, "Token has been revoked");
				return tokenOf(u);
			},
		},

		me: {
			rest: "GET /auth/me", auth: "admin",
			openapi: { summary: "The signed-in staff user, with the permissions of its role", tags: ["auth"] },
			params: { $$strict: true },
			async handler(this: This, ctx: Ctx<object>): Promise<Me> {
				const u = await this.store.byId(ctx.meta.user?.sub ?? "");
				if (!u || !u.active) throw appError(ErrorType.UNAUTHORIZED, "Token has been revoked");
				return { ...toPublic(u), permissions: permissionsOf(u.role ? { role: u.role, sub: u.id } : null) };
			},
		},

		forgot: {
			rest: "POST /auth/forgot", auth: "public", rateLimit: "auth",
			openapi: { summary: "Email a password-reset link; the same answer whether the email has an account or not", status: 202, tags: ["auth"] },
			params: { $$strict: true, email: rules.email },
			async handler(this: This, ctx: Ctx<{ email: string }>) {
				const email = ctx.params.email.toLowerCase();
				ctx.meta.$statusCode = 202;
				// Over the account's limit: the same answer, and no email.
				if (await this.store.attempt(`forgot:${email}`, this.cfg.accounts.attemptsPerAccount, WINDOW_MS)) {
					if (await requestReset(this.store, email, this.cfg.publicUrl)) this.wakeOutboxRelay();
				}
				return FORGOT_ANSWER;
			},
		},

		reset: {
			rest: "POST /auth/reset", auth: "public", rateLimit: "auth",
			openapi: { summary: "Set a password with an invitation or reset link's token (single use); answers a token", tags: ["auth"] },
			params: { $$strict: true, token: { type: "string", min: 20, max: 200 }, password: passwordRule },
			async handler(this: This, ctx: Ctx<{ token: string; password: string }>) {
				const userId = await this.store.linkUser(hashLinkToken(ctx.params.token));
				if (userId) await this.limited(`reset:${userId}`);
				const owner = userId ? await this.store.byId(userId) : null;
				const problem = passwordProblem(ctx.params.password, owner?.email ?? "");
				if (problem) throw validationError([{ field: "password", message: problem, type: "invalid" }]);
				const u = await resetPassword(this.store, ctx, ctx.params.token, ctx.params.password);
				this.wakeOutboxRelay();
				return tokenOf(u);
			},
		},

		invite: {
			rest: "POST /staff", auth: "admin", permission: "staff.manage",
			openapi: { summary: "Invite a staff user: 201 with the user, and an email with a single-use link (72 h) to set a password", status: 201, tags: ["staff"] },
			params: { $$strict: true, email: rules.email, name: { type: "string", trim: true, min: 1, max: 200 }, role: roleRule, hotelIds: { ...hotelIdsRule, optional: true }, locale: rules.locale },
			async handler(this: This, ctx: Ctx<InviteParams>): Promise<StaffUser> {
				const user = await invite(this.store, ctx, ctx.params, this.cfg.publicUrl);
				this.wakeOutboxRelay();
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/staff/${user.id}`;
				return user;
			},
		},

		list: {
			rest: "GET /staff", auth: "admin", permission: "staff.manage",
			openapi: { summary: "Staff users the caller may manage (owners: all; managers: their hotels')", tags: ["staff"] },
			params: { $$strict: true, hotelId: rules.optionalId, role: { ...roleRule, optional: true }, active: { type: "boolean", convert: true, optional: true }, q: rules.optionalText(100), ...paginationParams },
			async handler(this: This, ctx: Ctx<{ hotelId?: string; role?: StaffRole; active?: boolean; q?: string; page: number; pageSize: number }>): Promise<Page<StaffUser>> {
				const p = ctx.params;
				const actor = ctx.meta.user;
				const q = p.q?.toLowerCase();
				const rows = (await this.store.all()).filter(u =>
					(actor === undefined || canSeeStaff(actor, u)) && (!p.hotelId || u.hotelIds.includes(p.hotelId) || u.hotelIds.includes("*")) &&
					(!p.role || u.role === p.role) && (p.active === undefined || u.active === p.active) &&
					(!q || u.email.includes(q) || u.name.toLowerCase().includes(q)));
				const start = (p.page - 1) * p.pageSize;
				return pageOf(rows.slice(start, start + p.pageSize).map(toPublic), rows.length, p.page, p.pageSize);
			},
		},

		update: {
			rest: "PATCH /staff/:id", auth: "admin", permission: "staff.manage",
			openapi: { summary: "Change a staff user's role, hotels, name, or deactivate / reactivate it (its tokens stop working at once)", tags: ["staff"] },
			params: { $$strict: true, id: rules.id, role: { ...roleRule, optional: true }, hotelIds: { ...hotelIdsRule, optional: true }, active: { type: "boolean", optional: true }, name: { type: "string", trim: true, min: 1, max: 200, optional: true } },
			async handler(this: This, ctx: Ctx<UpdateParams>): Promise<StaffUser> {
				const { id: _id, ...changes } = ctx.params;
				if (Object.keys(changes).length === 0) throw validationError([{ field: "body", message: "Nothing to change: send at least one field", type: "required" }]);
				const user = await update(this.store, ctx, ctx.params);
				this.wakeOutboxRelay();
				return user;
			},
		},

		/** Internal (gateways): a user's current state, to accept or refuse its tokens. */
		session: {
			visibility: "public",
			params: { id: { type: "string", min: 1, max: 64 } },
			async handler(this: This, ctx: Context<{ id: string }>): Promise<Session | null> {
				const u = await this.store.byId(ctx.params.id);
				return u ? { id: u.id, email: u.email, role: u.role, hotelIds: u.hotelIds, active: u.active, version: u.version } : null;
			},
		},

		audit: {
			rest: "GET /audit", auth: "admin", permission: "audit.view",
			openapi: { summary: "The audit log, newest first (owners: everything; managers: their hotels')", tags: ["audit"] },
			params: {
				$$strict: true, hotelId: rules.optionalId, actorId: { type: "string", min: 1, max: 100, optional: true }, targetId: { type: "string", min: 1, max: 100, optional: true },
				action: { type: "string", min: 1, max: 80, pattern: "^[a-z_.]+$", optional: true },
				from: { type: "date", convert: true, optional: true }, to: { type: "date", convert: true, optional: true }, ...paginationParams,
			},
			async handler(this: This, ctx: Ctx<AuditFilters>): Promise<Page<AuditRecord>> {
				const p = ctx.params;
				const scope = ctx.meta.user === undefined ? (p.hotelId ? [p.hotelId] : null) : listScope(ctx.meta.user, "audit.view", p.hotelId);
				const iso = (d?: unknown) => (d instanceof Date ? d.toISOString() : (d as string | undefined));
				const { rows, total } = await listEntries(this.store, { ...p, hotelId: undefined, from: iso(p.from), to: iso(p.to) }, scope);
				return pageOf(rows, total, p.page, p.pageSize);
			},
		},
	},

	methods: {
		/** Per-account limit (shared by every accounts node): 429 past it. */
		async limited(this: This, key: string): Promise<void> {
			if (!(await this.store.attempt(key, this.cfg.accounts.attemptsPerAccount, WINDOW_MS)))
				throw appError(ErrorType.RATE_LIMITED, "Too many attempts for this account, try again later");
		},
	},

	created(this: This) {
		this.cfg = loadConfig();
		this.pruner = null;
		this.audits = new Batcher(messages => insertEntries(this.store, messages), { max: 200 });
	},

	async started(this: This) {
		this.store = new AccountsStore(this.sequelize);
		if (await bootstrapOwner(this.store, this.cfg.adminEmail, this.cfg.adminPassword)) {
			this.logger.info(`Accounts: first owner ${this.cfg.adminEmail} created from ADMIN_EMAIL / ADMIN_PASSWORD.`);
			this.wakeOutboxRelay();
		}
		this.pruner = setInterval(() => {
			this.store.pruneAttempts(new Date(Date.now() - WINDOW_MS)).catch(err => this.logger.warn("Pruning attempt counters:", (err as Error).message));
		}, WINDOW_MS).unref();
	},

	async stopped(this: This) {
		if (this.pruner) clearInterval(this.pruner);
	},
};

export default AccountsService;
