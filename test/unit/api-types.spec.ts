/**
 * The web's API types (web/src/api-types.ts) are generated from the gateway's OpenAPI document
 * by scripts/api-types.ts: regenerated here in memory, they must equal the committed file.
 */
import fs from "fs";
import { API_TYPES_FILE, fetchOpenApiDocument, renderApiTypes } from "../../scripts/api-types";

/** The first line where the two texts part, for the failure message. */
function firstDifference(a: string, b: string): string {
	const x = a.split("\n");
	const y = b.split("\n");
	for (let i = 0; i < Math.max(x.length, y.length); i++)
		if (x[i] !== y[i]) return `line ${i + 1}: committed ${JSON.stringify(x[i] ?? null)}, generated ${JSON.stringify(y[i] ?? null)}`;
	return "";
}

it("web/src/api-types.ts is the one /api/openapi.json gives", async () => {
	const fresh = await renderApiTypes(await fetchOpenApiDocument());
	const committed = fs.existsSync(API_TYPES_FILE) ? fs.readFileSync(API_TYPES_FILE, "utf8") : "";
	if (committed !== fresh)
		throw new Error(`web/src/api-types.ts is stale (${firstDifference(committed, fresh) || "missing"}): run \`npm run gen:api-types\` and commit it`);
});
