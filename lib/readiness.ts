/**
 * Readiness of a node: transporter connected, every store of its local services up, and the
 * services it calls reachable. Used by the gateway's /api/ready and by HEALTH_PORT on nodes
 * without HTTP.
 */
import type { ServiceBroker } from "moleculer";
import type { StoreStatus } from "../mixins/db.mixin";

export interface Check { ok: boolean; detail?: string }
export interface Readiness { status: "up" | "down"; checks: Record<string, Check> }

export async function checkReadiness(broker: ServiceBroker, needs: string[], timeout = 2000): Promise<Readiness> {
	const checks: Record<string, Check> = {};
	// transit.connected stays true through an unexpected drop; the transporter's own flag does not.
	if (broker.transit) checks.transporter = broker.transit.connected && broker.transit.tx.connected ? { ok: true } : { ok: false, detail: "not connected to the message broker" };

	// This node's services that own a store: those with a `storeHealth` action (the db mixins').
	const withStore = broker.services.filter(s => typeof (s.actions as Record<string, unknown> | undefined)?.storeHealth === "function").map(s => s.name);
	const targets = [...new Set([...needs, ...withStore])];
	await Promise.all(targets.map(async name => {
		const endpoints = broker.registry.getActionEndpoints(`${name}.storeHealth`);
		if (!endpoints || !endpoints.hasAvailable()) {
			checks[`service:${name}`] = { ok: false, detail: "no node runs it" };
			return;
		}
		checks[`service:${name}`] = { ok: true };
		try {
			const st = await broker.call<StoreStatus, Record<string, never>>(`${name}.storeHealth`, {}, { timeout, retries: 0 });
			checks[`store:${name}`] = st.up ? { ok: true, detail: st.kind } : { ok: false, detail: `${st.kind}: ${st.error ?? "down"}` };
		} catch (err) {
			checks[`store:${name}`] = { ok: false, detail: (err as Error).message };
		}
	}));
	return { status: Object.values(checks).every(c => c.ok) ? "up" : "down", checks };
}
