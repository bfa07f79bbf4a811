// /billing/webhooks (admin): the tenant's webhook endpoints and their delivery log. Endpoints and
// secrets live in the tenant's WebhookActor (src/actors/webhooks/); the signature scheme is in
// src/webhooks/signature.ts and described in SIGNING below, which the OpenAPI document shows.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { idPattern } from "../../domain/ids";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import {
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_RETRY_DELAYS_MS,
  WEBHOOK_TIMEOUT_MS,
  webhookUrlProblem,
} from "../../webhooks/events";

const SIGNING =
  "Each delivery is `POST <url>` with the JSON body `{id, type, at, data}` and the headers `X-GP-Webhook-Id` (the event " +
  "id, the same on every retry: dedupe on it), `X-GP-Webhook-Timestamp` (unix seconds) and `X-GP-Webhook-Signature: " +
  "v1=<hex HMAC-SHA256>` whose key is the endpoint's secret (its UTF-8 text) and whose message is " +
  "`<timestamp>.<raw body>`. Verify by recomputing it over the raw body, compare in constant time, and reject " +
  "timestamps more than 5 minutes old. A 2xx answer within " +
  `${WEBHOOK_TIMEOUT_MS / 1000} s is delivered; anything else is retried after ` +
  `${WEBHOOK_RETRY_DELAYS_MS.map(humanDelay).join(", ")} (at most ${WEBHOOK_MAX_ATTEMPTS} attempts), then marked failed.`;

function humanDelay(ms: number): string {
  if (ms < 60_000) return `${ms / 1000} s`;
  if (ms < 3_600_000) return `${ms / 60_000} min`;
  return `${ms / 3_600_000} h`;
}

const Timestamp = z.string().openapi({ description: "RFC 3339 timestamp (UTC)", example: "2026-11-27T10:00:00.000Z" });
const EndpointId = z.string().openapi({ description: "Webhook endpoint id", example: "whk_01jdz8k3m5q7r9t1v3x5z7b9d1" });

const EventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi({
  description:
    "`budget.threshold`: a budget crossed a warning threshold; `budget.exceeded`: a budget was exceeded; `vm.running`, " +
    "`vm.failed`, `vm.stopped`: a VM reached that state; `session.ended`: a player's session ended",
  example: "vm.running",
});

export const WebhookEndpointSchema = z
  .object({
    id: EndpointId,
    url: z.string().openapi({ description: "Where events are POSTed", example: "https://hooks.acme.example/gamer" }),
    events: z.array(EventTypeSchema).openapi({ description: "Event types delivered here", example: ["vm.running", "vm.failed"] }),
    description: z.string().nullable().openapi({ description: "A note for operators", example: "ops alerts" }),
    enabled: z.boolean().openapi({ description: "Whether events are delivered to it", example: true }),
    createdAt: Timestamp,
  })
  .openapi("WebhookEndpoint");

export const CreatedWebhookEndpointSchema = WebhookEndpointSchema.extend({
  secret: z.string().openapi({
    description:
      "The signing secret (32 random bytes, base64url). Shown only in this response: store it now; it is never listed.",
    example: "3q2-7wAAAAC6yEjwR1VN0S1tcm9vdC1zZWNyZXQtZXhhbXA",
  }),
}).openapi("CreatedWebhookEndpoint");

const CreateWebhookBody = z
  .strictObject({
    url: z
      .string()
      .max(2048)
      .superRefine((url, ctx) => {
        const problem = webhookUrlProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .openapi({
        description: "Endpoint URL: https (plain http only for 127.0.0.1 or localhost), no credentials",
        example: "https://hooks.acme.example/gamer",
      }),
    events: z
      .array(EventTypeSchema)
      .min(1)
      .max(WEBHOOK_EVENT_TYPES.length)
      .refine((e) => new Set(e).size === e.length, "must not repeat an event type")
      .openapi({ description: "Event types to deliver (at least one)", example: ["vm.running", "vm.failed"] }),
    description: z
      .string()
      .trim()
      .max(200)
      .optional()
      .openapi({ description: "A note for operators (at most 200 characters)", example: "ops alerts" }),
  })
  .openapi("CreateWebhookEndpoint");

export const DeliverySchema = z
  .object({
    id: z
      .string()
      .openapi({ description: "Delivery id (the same for every attempt of it)", example: "dlv_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
    endpointId: EndpointId,
    eventId: z.string().openapi({ description: "The event's id (`X-GP-Webhook-Id`)", example: "vm.running:vm_01jdz8k3m5q7:3" }),
    event: EventTypeSchema,
    attempt: z
      .number()
      .int()
      .openapi({ description: `Attempt number (1-${WEBHOOK_MAX_ATTEMPTS})`, example: 1 }),
    status: z.enum(["pending", "delivered", "failed"]).openapi({
      description:
        "The delivery after this attempt: `pending` (a retry is due at nextAttemptAt), `delivered`, `failed` (no more retries)",
      example: "delivered",
    }),
    httpStatus: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "The endpoint's HTTP status (null: no response)", example: 200 }),
    error: z.string().nullable().openapi({ description: "Why the attempt failed (null when delivered)", example: null }),
    at: Timestamp.openapi({ description: "When the attempt finished" }),
    nextAttemptAt: Timestamp.nullable().openapi({ description: "When the next attempt is due (pending only)", example: null }),
  })
  .openapi("WebhookDelivery");

const IdParam = z.object({
  id: z
    .string()
    .regex(idPattern("whk"), "must be a webhook endpoint id (whk_…)")
    .openapi({
      param: { name: "id", in: "path" },
      description: "Webhook endpoint id",
      example: "whk_01jdz8k3m5q7r9t1v3x5z7b9d1",
    }),
});

const DeliveriesQuery = z.object({
  endpoint: z
    .string()
    .regex(idPattern("whk"), "must be a webhook endpoint id (whk_…)")
    .optional()
    .openapi({ description: "Only this endpoint's attempts", example: "whk_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ description: "At most this many attempts, newest first (1-200)", example: 50 }),
});

const access = guarded({ scopes: ["admin"] });

export function registerWebhooks(router: OpenAPIHono<AppEnv>): void {
  const list = createRoute({
    operationId: "listWebhooks",
    method: "get",
    path: "/billing/webhooks",
    tags: ["billing"],
    summary: "List webhook endpoints",
    description: "The tenant's webhook endpoints, oldest first; secrets are never listed. Scope `admin`.",
    ...access,
    responses: {
      200: {
        description: "The endpoints",
        content: {
          "application/json": { schema: z.object({ items: z.array(WebhookEndpointSchema) }).openapi("WebhookEndpointList") },
        },
      },
      ...errorResponses(401, 403, 429, 503),
    },
  });
  router.openapi(list, async (c) => {
    const items = await c.get("services").webhooks(tenantPrincipal(c).tenantId).list();
    return c.json({ items }, 200);
  });

  const create = createRoute({
    operationId: "createWebhook",
    method: "post",
    path: "/billing/webhooks",
    tags: ["billing"],
    summary: "Register a webhook endpoint",
    description:
      "Registers an endpoint for the given event types and returns its signing secret, in this response only. " +
      `${SIGNING} Scope \`admin\`.`,
    ...access,
    request: { body: { required: true, content: { "application/json": { schema: CreateWebhookBody } } } },
    responses: {
      201: {
        description: "The endpoint and its secret (shown once)",
        content: { "application/json": { schema: CreatedWebhookEndpointSchema } },
      },
      ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
    },
  });
  router.openapi(create, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const body = c.req.valid("json");
    const answer = await c
      .get("services")
      .webhooks(tenantId)
      .register({ url: body.url, events: body.events, description: body.description || null });
    if (!answer.ok) throw new ApiError("CONFLICT", answer.message);
    c.get("log").info("webhook endpoint registered", { endpointId: answer.endpoint.id, events: answer.endpoint.events });
    return c.json({ ...answer.endpoint, secret: answer.secret }, 201, { Location: `/billing/webhooks/${answer.endpoint.id}` });
  });

  const remove = createRoute({
    operationId: "deleteWebhook",
    method: "delete",
    path: "/billing/webhooks/{id}",
    tags: ["billing"],
    summary: "Delete a webhook endpoint",
    description: "Deletes the endpoint; its queued deliveries are dropped (the log keeps their past attempts). Scope `admin`.",
    ...access,
    request: { params: IdParam },
    responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 429, 503) },
  });
  router.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    const removed = await c.get("services").webhooks(tenantPrincipal(c).tenantId).remove(id);
    if (!removed) throw new ApiError("NOT_FOUND", "No such webhook endpoint in this tenant.");
    c.get("log").info("webhook endpoint deleted", { endpointId: id });
    return c.body(null, 204);
  });

  const deliveries = createRoute({
    operationId: "listWebhookDeliveries",
    method: "get",
    path: "/billing/webhooks/deliveries",
    tags: ["billing"],
    summary: "List webhook delivery attempts",
    description:
      "Every delivery attempt, newest first (the tenant's last 200 are kept), optionally for one endpoint. Scope `admin`.",
    ...access,
    request: { query: DeliveriesQuery },
    responses: {
      200: {
        description: "The attempts",
        content: { "application/json": { schema: z.object({ items: z.array(DeliverySchema) }).openapi("WebhookDeliveryList") } },
      },
      ...errorResponses(400, 401, 403, 429, 503),
    },
  });
  router.openapi(deliveries, async (c) => {
    const { endpoint, limit } = c.req.valid("query");
    const items = await c
      .get("services")
      .webhooks(tenantPrincipal(c).tenantId)
      .deliveries(endpoint ?? null, limit);
    return c.json({ items }, 200);
  });
}
