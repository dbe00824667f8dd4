/** The project root, whether running from TypeScript sources or from dist/. */
import fs from "fs";
import path from "path";

function findRoot(start: string): string {
	let dir = start;
	while (!fs.existsSync(path.join(dir, "package.json"))) {
		const up = path.dirname(dir);
		if (up === dir) return process.cwd();
		dir = up;
	}
	return dir;
}

export const PROJECT_ROOT = findRoot(__dirname);
