/** The webhooks' API shapes (SPEC §13). */
export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export type DeliveryKind = "event" | "replay" | "test";

export interface WebhookView {
	id: string;
	url: string;
	events: string[];
	hotelIds: string[];
	enabled: boolean;
	disabledReason: string | null;
	disabledAt: string | null;
	/** The first failure since the last success; null while healthy. */
	failingSince: string | null;
	createdAt: string;
	updatedAt: string;
}

export interface WebhookDelivery {
	id: string;
	webhookId: string;
	/** The §4 message id, sent as `webhook-id` (the same on every retry and replay). */
	messageId: string;
	event: string;
	kind: DeliveryKind;
	status: DeliveryStatus;
	attempts: number;
	responseStatus: number | null;
	latencyMs: number | null;
	error: string | null;
	createdAt: string;
	lastAttemptAt: string | null;
	nextAttemptAt: string | null;
	deliveredAt: string | null;
}
