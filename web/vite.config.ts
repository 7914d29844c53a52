import { defineConfig } from "vite";

// Plain Vite: esbuild compiles the TSX with Preact's JSX runtime (tsconfig's jsxImportSource).
// `npm run dev` proxies the API and /config.json to a running gateway (make run: port 8080).
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8080";
const apiPrefixes = ["/auth", "/accounts", "/organization", "/organizations", "/streams", "/ping", "/leads",
  "/vin", "/socket", "/dashboard", "/chat", "/config.json"];

export default defineConfig({
  build: { outDir: "dist", assetsDir: "assets", sourcemap: false, target: "es2020" },
  server: { proxy: Object.fromEntries(apiPrefixes.map((prefix) => [prefix, gateway])) },
});
