// A test-only router mounted on the real app, so error classes that need a body-accepting or
// failing route can be exercised through the exact production middleware stack.

import { env } from "cloudflare:test";
import { createRoute, z } from "@hono/zod-openapi";
import { type AppOptions, createApp } from "../../src/app";
import { createRouter } from "../../src/http/factory";
import { errorResponses } from "../../src/http/responses";
import { guarded } from "../../src/http/security";
import { BASE } from "./http";

const Body = z.strictObject({
  region: z.string().min(1),
  vcpu: z.number().int().positive(),
});

const echo = createRoute({
  method: "post",
  path: "/__probe/echo",
  request: {
    body: { required: true, content: { "application/json": { schema: Body } } },
    query: z.object({ limit: z.coerce.number().int().max(100).optional() }),
  },
  responses: {
    200: { description: "echo", content: { "application/json": { schema: Body } } },
    ...errorResponses(400, 413, 415),
  },
});

const boom = createRoute({
  method: "get",
  path: "/__probe/boom",
  responses: { 200: { description: "never" }, ...errorResponses() },
});

const whoami = createRoute({
  method: "get",
  path: "/__probe/whoami",
  ...guarded({ scopes: ["player", "operator"] }),
  responses: { 200: { description: "the principal" }, ...errorResponses(401, 403, 429) },
});

export const probeRoutes = createRouter()
  .openapi(whoami, (c) => c.json(c.get("principal") ?? null, 200))
  .openapi(echo, (c) => c.json(c.req.valid("json"), 200))
  .openapi(boom, () => {
    throw new Error("secret internal detail at db.example:27017");
  });

export function probeApp(options: AppOptions = {}) {
  const app = createApp({ ...options, extraRoutes: [probeRoutes] });
  return {
    fetch: async (path: string, init?: RequestInit, bindings: Record<string, unknown> = {}): Promise<Response> =>
      app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...bindings } as Env, undefined),
  };
}
