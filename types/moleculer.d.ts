/**
 * The one place that extends Moleculer's types: action metadata used by the gateway
 * (`auth`, `openapi`) and moleculer-db's schema keys.
 */
import "moleculer";
import type { Transaction } from "sequelize";
import type { AccessLevel, AuthUser } from "../lib/auth";
import type { Permission } from "../lib/access";
import type { DomainMessage } from "../lib/events";

/**
 * A durable consumer declared in a service schema (`consumers: { name: ConsumerSchema }`):
 * the bus gives its group a durable queue bound to `events`; each message reaches `handler`
 * at most once per group (de-duplicated by message id), is retried with the one back-off
 * policy, then dead-lettered. Implemented by lib/bus/consumers.ts (a broker middleware).
 */
export interface ConsumerSchema<TThis = any> {
	/** Topic patterns over SPEC §4 event names ("hotels.hotel.*"). */
	events: string[];
	/** Consumer group = durable queue (without the namespace). Default: the service name. */
	group?: string;
	/**
	 * How repeats are dropped: "transaction" (default) records the id in processed_messages in the
	 * transaction `t` the handler writes with; "record" checks the id, runs the handler (which opens
	 * its own transactions and is idempotent), then records it; "handler": the handler de-duplicates
	 * by itself (t is null).
	 */
	dedupe?: "transaction" | "record" | "handler";
	/** Deliveries before the message is dead-lettered (default: the retry policy's). */
	attempts?: number;
	/** false: drop after the last attempt instead of parking in `<group>.dlq`. Default true. */
	deadLetter?: boolean;
	/** Messages handled at once by one node (AMQP prefetch). */
	concurrency?: number;
	/**
	 * Every node of the service gets every message (one exclusive, auto-delete queue per node)
	 * instead of one node of the group: live feeds. No de-duplication, retry or dead-letter; a
	 * node that is down misses what is published meanwhile.
	 */
	broadcast?: boolean;
	handler(this: TThis, message: DomainMessage<any>, t: Transaction | null): Promise<void>;
}

declare module "moleculer" {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	interface ActionSchema<TThis> {
		/** moleculer-web alias, e.g. "GET /hotels/:id" (its own augmentation lacks the type parameter). */
		rest?: string | string[] | null;
		/** Who may call this action through the gateway. Missing means "admin". */
		auth?: AccessLevel;
		/** The §11 permission a staff caller needs (lib/access.ts); checked at the gateway and again in the service on the hotel concerned. */
		permission?: Permission;
		/** Extra OpenAPI facts the params cannot express. */
		openapi?: { summary?: string; status?: number; tags?: string[]; responses?: Record<string, unknown> };
		/** "auth": the gateway serves it on the brute-force limited route (AUTH_RATE_LIMIT_PER_MINUTE). */
		rateLimit?: "auth";
	}

	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	interface ServiceSchema<TSettings, TMethods, TVars, TThis> {
		/** Moleculer's `merged` hook: change the schema after mixins are merged, before created(). */
		merged?: (this: any, schema: ServiceSchema<any, any, any, any>) => void;
		/** Durable consumers of domain messages (see ConsumerSchema). */
		consumers?: Record<string, ConsumerSchema<TThis>>;
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
	$responseType?: string;
	$location?: string;
	/** Request headers the gateway passes on. */
	idempotencyKey?: string;
	clientIp?: string;
	/** The Accept header (reports answer CSV for text/csv). */
	accept?: string;
}
