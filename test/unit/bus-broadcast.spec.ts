/**
 * Broadcast subscriptions (SubscribeOptions.broadcast): every node gets every message, nothing
 * waits for them and nothing is retried for them. The in-process bus here; RabbitMQ's per-node
 * queues in test/integration/streams.spec.ts ("the broadcast bus").
 */
import { LocalBus } from "../../lib/bus";
import { makeMessage } from "../../lib/events";

const msg = () => makeMessage("reservations.reservation.confirmed", { n: 1 });

describe("broadcast subscriptions on the in-process bus", () => {
	it("a broadcast group not subscribed yet does not hold a message back", async () => {
		const bus = new LocalBus(() => [{ group: "api-live", patterns: ["reservations.reservation.*"], broadcast: true }]);
		await expect(bus.publish(msg())).resolves.toBeUndefined();
	});

	it("gets the message next to a durable group; its failure does not fail the publish", async () => {
		const bus = new LocalBus(() => [{ group: "mail", patterns: ["reservations.reservation.*"] }, { group: "api-live", patterns: ["reservations.#"], broadcast: true }]);
		const got: string[] = [];
		await bus.subscribe("mail", ["reservations.reservation.*"], async m => { got.push(`mail ${m.id}`); });
		await bus.subscribe("api-live", ["reservations.#"], async () => { got.push("live"); throw new Error("stream gone"); }, { broadcast: true });
		const m = msg();
		await expect(bus.publish(m)).resolves.toBeUndefined();
		expect(got.sort()).toEqual(["live", `mail ${m.id}`]);
	});
});
