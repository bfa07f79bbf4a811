// GET /launch/{id} (status) and DELETE /launch/{id} (end the session).
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { PlayerIdSchema } from "../config/schema";
import { SessionIdParamSchema, SessionSchema } from "./schema";
import { links, sessionActor } from "./session-lookup";

const PlayerQuery = z.object({
  player: PlayerIdSchema.optional().openapi({ description: "Operators: the session's player (saves a lookup)" }),
});

const getSession = createRoute({
  method: "get",
  path: "/launch/{id}",
  operationId: "getLaunchSession",
  tags: ["launch"],
  summary: "Get a launch session",
  description:
    "The session's state, VM, placement, the streaming endpoint once playable and the time to playable. Players see " +
    "their own sessions; operators any of the tenant's. Scopes `player`, `operator`.",
  ...guarded({ scopes: ["player", "operator"] }),
  request: { params: SessionIdParamSchema, query: PlayerQuery },
  responses: {
    200: { description: "The session", content: { "application/json": { schema: SessionSchema } } },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

const endSession = createRoute({
  method: "delete",
  path: "/launch/{id}",
  operationId: "endLaunchSession",
  tags: ["launch"],
  summary: "End a launch session",
  description:
    "Ends the session. Its VM is stopped and kept, so the player's next launch in an acceptable region is a fast warm " +
    "start (a VM that cannot be stopped is terminated). Ending an ended session is a no-op. Scopes `player`, `operator`.",
  ...guarded({ scopes: ["player", "operator"] }),
  request: { params: SessionIdParamSchema, query: PlayerQuery },
  responses: {
    200: { description: "The ended session", content: { "application/json": { schema: SessionSchema } } },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

export function registerSession(router: OpenAPIHono<AppEnv>): void {
  router.openapi(getSession, async (c) => {
    const { id } = c.req.valid("param");
    const actor = await sessionActor(c, id, c.req.valid("query").player);
    const view = await actor.get(tenantPrincipal(c).tenantId, id);
    if (!view) throw new ApiError("NOT_FOUND", "No such session in this tenant.");
    return c.json({ ...view, links: links(view.id, view.vmId) }, 200);
  });
  router.openapi(endSession, async (c) => {
    const { id } = c.req.valid("param");
    const actor = await sessionActor(c, id, c.req.valid("query").player);
    const answer = await actor.end(tenantPrincipal(c).tenantId, id);
    if (!answer.ok) throw new ApiError("NOT_FOUND", answer.message);
    return c.json({ ...answer.view, links: links(answer.view.id, answer.view.vmId) }, 200);
  });
}
