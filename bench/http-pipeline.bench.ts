// What the shared middleware stack costs per request: request id, access log, secure headers,
// settings, CORS, body limit, services, routing, and the problem+json error path.
import { bench, describe } from "vitest";
import { createApp } from "../src/app";

const app = createApp();
const env = {
  ENVIRONMENT: "production",
  ALLOWED_ORIGINS: "https://play.example.com",
  LOG_LEVEL: "error",
  MAX_BODY_BYTES: "65536",
};
const fetchPath = (path: string, init?: RequestInit) =>
  app.fetch(new Request(`http://bench.local${path}`, init), env as unknown as Env, undefined);

// Silence the access log (LOG_LEVEL=error keeps only 5xx lines) so I/O does not dominate.
describe("request pipeline", () => {
  bench("GET /health/live (200)", async () => {
    await fetchPath("/health/live");
  });
  bench("GET /health/live with a CORS origin", async () => {
    await fetchPath("/health/live", { headers: { origin: "https://play.example.com" } });
  });
  bench("GET /no/such/route (404 problem+json)", async () => {
    await fetchPath("/no/such/route");
  });
  bench("POST /health (405 with Allow)", async () => {
    await fetchPath("/health", { method: "POST" });
  });
});
