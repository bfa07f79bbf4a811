// Writes the OpenAPI document the app serves at GET /openapi.json to a file (or stdout), in Node,
// so tools that cannot run inside workerd (Spectral: `npm run lint:openapi`) can read it.
//   tsx scripts/openapi-export.ts [--out <file>] [--server <origin>]
// It asks the real app for the document (same middleware and code path as a deployment), with a
// minimal production environment: `src/app.ts` and what it imports at runtime have no
// `cloudflare:*` import, and serving the document touches no binding (no store, no actor).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { createApp } from "../src/app";

const { values } = parseArgs({
  options: {
    out: { type: "string" },
    // The document's `servers[0].url` is the origin it was requested from.
    server: { type: "string", default: "https://api.example.com" },
  },
});

const env = { ENVIRONMENT: "production", ALLOWED_ORIGINS: "", LOG_LEVEL: "error", MAX_BODY_BYTES: "1048576" };
const res = await createApp().request(new URL("/openapi.json", values.server).href, {}, env as unknown as Env);
const text = await res.text();
if (res.status !== 200) {
  console.error(`GET /openapi.json answered ${res.status}: ${text}`);
  process.exit(1);
}
const json = `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
if (values.out) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, json);
  console.error(`wrote ${values.out} (${Object.keys(JSON.parse(text).paths ?? {}).length} paths)`);
} else {
  process.stdout.write(json);
}
