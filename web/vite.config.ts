/**
 * The web front end (Preact + Vite). `npm run dev` serves it on :5173 with /api proxied to the
 * gateway on :3000; `vite build web` writes web/dist, which the gateway serves at "/".
 */
import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

const gateway = process.env.GATEWAY_URL || "http://localhost:3000";

export default defineConfig({
	plugins: [preact({ prefreshEnabled: true, devToolsEnabled: false })],
	build: { outDir: "dist", emptyOutDir: true, sourcemap: true, target: "es2020", chunkSizeWarningLimit: 300 },
	server: { port: 5173, proxy: { "/api": { target: gateway, changeOrigin: true } } },
	preview: { port: 4173, proxy: { "/api": { target: gateway, changeOrigin: true } } },
});
