/**
 * The one place that extends Moleculer's types: action metadata used by the gateway
 * (`auth`, `openapi`) and moleculer-db's schema keys.
 */
import "moleculer";
import type { AccessLevel, AuthUser } from "../lib/auth";

declare module "moleculer" {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	interface ActionSchema<TThis> {
		/** moleculer-web alias, e.g. "GET /hotels/:id" (its own augmentation lacks the type parameter). */
		rest?: string | string[] | null;
		/** Who may call this action through the gateway. Missing means "admin". */
		auth?: AccessLevel;
		/** Extra OpenAPI facts the params cannot express. */
		openapi?: { summary?: string; status?: number; tags?: string[]; responses?: Record<string, unknown> };
	}

	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	interface ServiceSchema<TSettings, TMethods, TVars, TThis> {
		/** Moleculer's `merged` hook: change the schema after mixins are merged, before created(). */
		merged?: (this: any, schema: ServiceSchema<any, any, any, any>) => void;
		/** moleculer-db: the store adapter. */
		adapter?: unknown;
		/** moleculer-db-adapter-sequelize: the model definition. */
		model?: unknown;
		/** moleculer-db: called once the adapter is connected. */
		afterConnected?: (this: any) => Promise<void> | void;
		/** moleculer-db entity hooks. */
		entityCreated?: (this: any, json: any, ctx: Context) => Promise<void> | void;
		entityUpdated?: (this: any, json: any, ctx: Context) => Promise<void> | void;
		entityRemoved?: (this: any, json: any, ctx: Context) => Promise<void> | void;
	}
}

export interface AppMeta {
	user?: AuthUser | null;
	/** moleculer-web response controls. */
	$statusCode?: number;
	$responseHeaders?: Record<string, string>;
	$location?: string;
	/** Request headers the gateway passes on. */
	idempotencyKey?: string;
	clientIp?: string;
}
