// POST /vms/{id}/agent/ready and /heartbeat: called by the agent inside the VM with its per-VM
// token (from the VM's user data, stored hashed by the actor), never with an API key.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AgentAnswer } from "../../actors/agent-types";
import { unauthenticated } from "../../auth/unauthenticated";
import { ApiError } from "../../http/errors";
import { AGENT_SCHEME } from "../../http/openapi";
import { errorResponses } from "../../http/responses";
import type { AppEnv } from "../../http/types";
import { StreamingEndpointSchema, VmIdParamSchema } from "./schema";

const ActivitySchema = z
  .strictObject({
    connectedClients: z.number().int().min(0).max(1000).openapi({ example: 1 }),
    inputEvents: z
      .number()
      .int()
      .min(0)
      .max(1_000_000_000)
      .openapi({ description: "Input events since the last heartbeat", example: 5230 }),
    txBytes: z
      .number()
      .int()
      .min(0)
      .max(10_000_000_000_000)
      .openapi({ description: "Stream bytes sent since the last heartbeat", example: 187_000_000 }),
  })
  .openapi("AgentActivity");

const agentSecurity = { security: [{ [AGENT_SCHEME]: [] }] };

const ready = createRoute({
  method: "post",
  path: "/vms/{id}/agent/ready",
  operationId: "reportAgentReady",
  tags: ["vms"],
  summary: "Agent: streaming host ready",
  description:
    "Called once by the in-VM agent when the streaming host is up, with where clients connect and the pairing data. The VM " +
    "becomes `running` (playable). Authenticated with the VM's agent token (`Authorization: Bearer <token>`).",
  ...agentSecurity,
  request: {
    params: VmIdParamSchema,
    body: { required: true, content: { "application/json": { schema: StreamingEndpointSchema } } },
  },
  responses: { 204: { description: "Recorded" }, ...errorResponses(400, 401, 404, 409, 413, 415) },
});

const heartbeat = createRoute({
  method: "post",
  path: "/vms/{id}/agent/heartbeat",
  operationId: "reportAgentHeartbeat",
  tags: ["vms"],
  summary: "Agent: heartbeat with activity",
  description:
    "Sent by the agent every 30 s while the VM runs, with the activity since the previous one (connected clients, input, " +
    "traffic); a VM without activity is idle. Authenticated with the VM's agent token.",
  ...agentSecurity,
  request: { params: VmIdParamSchema, body: { required: true, content: { "application/json": { schema: ActivitySchema } } } },
  responses: { 204: { description: "Recorded" }, ...errorResponses(400, 401, 404, 409, 413, 415) },
});

function agentToken(c: Context<AppEnv>): string {
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,128})\s*$/.exec(c.req.header("Authorization") ?? "");
  if (!match?.[1]) throw unauthenticated("Send the VM's agent token: Authorization: Bearer <token>.", false);
  return match[1];
}

function answer(c: Context<AppEnv>, result: AgentAnswer) {
  if (result.ok) return c.body(null, 204);
  if (result.status === 401) throw unauthenticated(result.message);
  throw new ApiError(result.status === 404 ? "NOT_FOUND" : "CONFLICT", result.message);
}

export function registerAgent(router: OpenAPIHono<AppEnv>): void {
  router.openapi(ready, async (c) => {
    const token = agentToken(c);
    const result = await c.get("services").vmActors(c.req.valid("param").id).agentReady(token, c.req.valid("json"));
    return answer(c, result);
  });
  router.openapi(heartbeat, async (c) => {
    const token = agentToken(c);
    const result = await c.get("services").vmActors(c.req.valid("param").id).heartbeat(token, c.req.valid("json"));
    return answer(c, result);
  });
}
