import { assertProductionSafe, loadConfig, ConfigError } from "../../lib/config";
import { brokerOptions } from "../../moleculer.config";

describe("configuration", () => {
	it("has working development defaults", () => {
		const c = loadConfig({} as NodeJS.ProcessEnv);
		expect(c).toMatchObject({ port: 3000, transporter: "", authRateLimitPerMinute: 10, adminEmail: "admin@example.com", services: ["api", "hotels", "reservations", "mail", "webhooks", "accounts"] });
		expect(() => assertProductionSafe(c, {})).not.toThrow();
	});
	it("refuses to start in production with the default secret or password, naming the variables", () => {
		const env = { NODE_ENV: "production" } as NodeJS.ProcessEnv;
		const c = loadConfig(env);
		expect(() => assertProductionSafe(c, env)).toThrow(ConfigError);
		try {
			assertProductionSafe(c, env);
		} catch (err) {
			expect((err as Error).message).toMatch(/JWT_SECRET/);
			expect((err as Error).message).toMatch(/ADMIN_PASSWORD/);
			expect((err as Error).message).toMatch(/ADMIN_EMAIL/);
		}
	});
	it("starts in production with real secrets", () => {
		const env = { NODE_ENV: "production", JWT_SECRET: "x".repeat(40), ADMIN_EMAIL: "boss@hotel.example", ADMIN_PASSWORD: "a-long-passphrase" } as NodeJS.ProcessEnv;
		expect(() => assertProductionSafe(loadConfig(env), env)).not.toThrow();
	});
	it("reads the node's and gateway's settings too (HOST, HEALTH_HOST, NODE_ID, AMQP_PREFETCH, tracing)", () => {
		expect(loadConfig({} as NodeJS.ProcessEnv)).toMatchObject({ host: "0.0.0.0", healthHost: "0.0.0.0", nodeId: "", amqpPrefetch: 100, tracingSampleRate: 1, zipkinUrl: "" });
		const env = { HOST: "127.0.0.1", HEALTH_HOST: "::", NODE_ID: "api-1", AMQP_PREFETCH: "20", TRACING_SAMPLE_RATE: "0.1", ZIPKIN_URL: "http://zipkin:9411" } as NodeJS.ProcessEnv;
		expect(loadConfig(env)).toMatchObject({ host: "127.0.0.1", healthHost: "::", nodeId: "api-1", amqpPrefetch: 20, tracingSampleRate: 0.1, zipkinUrl: "http://zipkin:9411" });
	});
	it("the broker options come from them", () => {
		const opts = brokerOptions(loadConfig({ NODE_ID: "api-1", TRANSPORTER: "amqp://x", AMQP_PREFETCH: "7", TRACING_EXPORTER: "Zipkin", ZIPKIN_URL: "http://z:9411", TRACING_SAMPLE_RATE: "0.5" } as NodeJS.ProcessEnv));
		expect(opts.nodeID).toBe("api-1");
		expect((opts.transporter as { options: { prefetch: number } }).options.prefetch).toBe(7);
		expect(opts.tracing).toMatchObject({ sampling: { rate: 0.5 }, exporter: [{ type: "Zipkin", options: { baseURL: "http://z:9411" } }] });
	});
	it("names the variable that is wrong", () => {
		expect(() => loadConfig({ PORT: "abc" } as NodeJS.ProcessEnv)).toThrow(/PORT/);
		expect(() => loadConfig({ SERVICES: "api,billing" } as NodeJS.ProcessEnv)).toThrow(/billing/);
	});
});
