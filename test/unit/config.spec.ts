import { assertProductionSafe, loadConfig, ConfigError } from "../../lib/config";

describe("configuration", () => {
	it("has working development defaults", () => {
		const c = loadConfig({} as NodeJS.ProcessEnv);
		expect(c).toMatchObject({ port: 3000, transporter: "", authRateLimitPerMinute: 10, adminEmail: "admin@example.com", services: ["api", "hotels", "reservations", "mail"] });
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
	it("names the variable that is wrong", () => {
		expect(() => loadConfig({ PORT: "abc" } as NodeJS.ProcessEnv)).toThrow(/PORT/);
		expect(() => loadConfig({ SERVICES: "api,billing" } as NodeJS.ProcessEnv)).toThrow(/billing/);
	});
});
