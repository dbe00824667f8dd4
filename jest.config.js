/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: "node",
	roots: ["<rootDir>/test"],
	transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
	testMatch: ["**/*.spec.ts"],
	testTimeout: 60000,
	setupFiles: ["<rootDir>/test/helpers/setup-env.ts"],
};
