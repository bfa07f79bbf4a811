// Identity and health: GET / , GET /health (dependency checks), GET /health/live (liveness).
import { createRoute, z } from "@hono/zod-openapi";
import { runHealthChecks } from "../health/checks";
import { createRouter } from "../http/factory";
import { errorResponses } from "../http/responses";
import { API_TITLE, SERVICE_NAME, VERSION } from "../version";

const IdentitySchema = z
  .object({
    message: z.string().openapi({ example: API_TITLE }),
    version: z.string().openapi({ description: "API version (semver)", example: "0.1.0" }),
  })
  .openapi("Identity");

const CheckResultSchema = z
  .object({
    status: z.enum(["pass", "fail"]).openapi({ example: "pass" }),
    required: z.boolean().openapi({ description: "A failing required check makes the service unhealthy", example: true }),
    latencyMs: z.number().openapi({ description: "Time the check took", example: 3.2 }),
    error: z.string().optional().openapi({ description: "Why the check failed", example: "timed out after 2000 ms" }),
    details: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ example: { backend: "d1" } }),
  })
  .openapi("HealthCheckResult");

const HealthSchema = z
  .object({
    status: z.enum(["healthy", "degraded", "unhealthy"]).openapi({
      description: "`unhealthy` when a required check fails (503), `degraded` when only optional ones do",
      example: "healthy",
    }),
    service: z.literal(SERVICE_NAME),
    version: z.string().openapi({ example: "0.1.0" }),
    checks: z.record(z.string(), CheckResultSchema).openapi({ description: "One entry per dependency check" }),
  })
  .openapi("Health");

const LivenessSchema = z.object({ status: z.literal("alive") }).openapi("Liveness");

const identity = createRoute({
  method: "get",
  path: "/",
  operationId: "getIdentity",
  tags: ["health"],
  summary: "API identity",
  description: "Name and version of the API. Needs no credential.",
  responses: {
    200: { description: "The API's name and version", content: { "application/json": { schema: IdentitySchema } } },
    ...errorResponses(),
  },
});

const health = createRoute({
  method: "get",
  path: "/health",
  operationId: "getHealth",
  tags: ["health"],
  summary: "Readiness with dependency checks",
  description:
    "Runs every registered dependency check (each with its own short timeout) and reports its status and latency. " +
    "Answers 503 when a required check fails; for load balancers and monitors. Needs no credential.",
  responses: {
    200: { description: "Healthy or degraded", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "A required dependency failed", content: { "application/json": { schema: HealthSchema } } },
    ...errorResponses(),
  },
});

const live = createRoute({
  method: "get",
  path: "/health/live",
  operationId: "getLiveness",
  tags: ["health"],
  summary: "Liveness",
  description: "Answers 200 without touching any dependency: the isolate is up. Needs no credential.",
  responses: {
    200: { description: "The Worker is running", content: { "application/json": { schema: LivenessSchema } } },
    ...errorResponses(),
  },
});

export const healthRoutes = createRouter()
  .openapi(identity, (c) => c.json({ message: API_TITLE, version: VERSION }, 200))
  .openapi(health, async (c) => {
    const result = await runHealthChecks(c.get("services").healthChecks);
    const body = { status: result.status, service: SERVICE_NAME, version: VERSION, checks: result.checks };
    return result.status === "unhealthy" ? c.json(body, 503) : c.json(body, 200);
  })
  .openapi(live, (c) => c.json({ status: "alive" as const }, 200));
