import { ServiceBroker, type BrokerOptions, type Context, type ServiceSchema } from "moleculer";
import { jsonAnswer } from "../../lib/raw-json";
import { loadConfig } from "../../lib/config";

const answer = { hotelId: "h1", roomTypes: [{ roomTypeId: "double", nightly: [{ date: "2027-03-01", price: 14500 }] }] };
const reads: ServiceSchema = { name: "reads", actions: { get: { handler: (ctx: Context) => jsonAnswer(ctx, answer) } } };
/** Stands for the gateway: the caller name is what jsonAnswer looks at. */
const api: ServiceSchema = {
	name: "api",
	actions: { relay: { async handler(ctx: Context) { const data = await ctx.call("reads.get"); return { data, type: (ctx.meta as { $responseType?: string }).$responseType }; } } },
};

async function brokers(serializer: "CBOR" | "JSON" | null): Promise<ServiceBroker[]> {
	const opts: BrokerOptions = { logger: false, namespace: `raw-${Math.random()}`, ...(serializer ? { transporter: "Fake" as const, serializer } : {}) };
	if (!serializer) {
		const b = new ServiceBroker({ ...opts, nodeID: "one" });
		b.createService(reads);
		b.createService(api);
		await b.start();
		return [b];
	}
	const a = new ServiceBroker({ ...opts, nodeID: "gw" });
	const r = new ServiceBroker({ ...opts, nodeID: "svc" });
	a.createService(api);
	r.createService(reads);
	await Promise.all([a.start(), r.start()]);
	await a.waitForServices("reads");
	return [a, r];
}

describe("big read answers as bytes for the gateway (lib/raw-json.ts)", () => {
	let all: ServiceBroker[] = [];
	afterEach(async () => { await Promise.all(all.map(b => b.stop())); all = []; });

	it.each([["CBOR over a transporter", "CBOR"], ["one process", null]] as const)("%s: the gateway gets the JSON bytes and their type", async (_, serializer) => {
		all = await brokers(serializer);
		const r = await all[0].call<{ data: unknown; type?: string }>("api.relay");
		expect(Buffer.isBuffer(r.data)).toBe(true);
		expect(JSON.parse((r.data as Buffer).toString("utf8"))).toEqual(answer);
		expect(r.type).toBe("application/json; charset=utf-8");
	});

	it("JSON over a transporter (bytes would travel as an array of numbers): the gateway gets the object", async () => {
		all = await brokers("JSON");
		const r = await all[0].call<{ data: unknown; type?: string }>("api.relay");
		expect(r.data).toEqual(answer);
		expect(r.type).toBeUndefined();
	});

	it("any other caller (the REPL, a service) gets the object", async () => {
		all = await brokers("CBOR");
		expect(await all[0].call("reads.get")).toEqual(answer);
		expect(await all[1].call("reads.get")).toEqual(answer);
	});

	it("SERIALIZER is CBOR unless set, and a wrong value names the variable", () => {
		expect(loadConfig({} as NodeJS.ProcessEnv).serializer).toBe("CBOR");
		expect(loadConfig({ SERIALIZER: "json" } as NodeJS.ProcessEnv).serializer).toBe("JSON");
		expect(() => loadConfig({ SERIALIZER: "xml" } as NodeJS.ProcessEnv)).toThrow(/SERIALIZER/);
	});
});
