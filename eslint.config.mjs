import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
	{ ignores: ["dist/**", "node_modules/**", "data/**", "coverage/**", "web/dist/**", "public/**", "jest.config.js"] },
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		rules: {
			"@typescript-eslint/no-explicit-any": "error",
			"@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
		},
	},
	{
		files: ["types/**/*.d.ts"],
		rules: { "@typescript-eslint/no-explicit-any": "off" },
	},
);
