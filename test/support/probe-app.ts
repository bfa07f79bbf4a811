// A test-only router mounted on the real app, so error classes that need a body-accepting or
// failing route can be exercised through the exact production middleware stack.

import { env } from "cloudflare:test";
import { createRoute, z } from "@hono/zod-openapi";
import { type AppOptions, createApp } from "../../src/app";
import { createRouter } from "../../src/http/factory";
import { errorResponses } from "../../src/http/responses";
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

export const probeRoutes = createRouter()
  .openapi(echo, (c) => c.json(c.req.valid("json"), 200))
  .openapi(boom, () => {
    throw new Error("secret internal detail at db.example:27017");
  });

export function probeApp(options: AppOptions = {}) {
  const app = createApp({ ...options, extraRoutes: [probeRoutes] });
  return {
    fetch: (path: string, init?: RequestInit, bindings: Partial<Env> = {}) =>
      app.fetch(new Request(`${BASE}${path}`, init), { ...env, ...bindings }, undefined),
  };
}
