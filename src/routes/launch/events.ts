// GET /launch/{id}/events: the session's progress as Server-Sent Events, so launchers do not poll.
// Each event is one session step (accepted, vm-requested, fallback, playable, ...) with the state
// after it. The stream ends after a final state, and in any case after STREAM_MAX_MS (clients
// reconnect with Last-Event-ID); a comment every HEARTBEAT_MS keeps proxies from closing it.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { streamSSE } from "hono/streaming";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { PlayerIdSchema } from "../config/schema";
import { SessionIdParamSchema } from "./schema";
import { sessionActor } from "./session-lookup";

export const POLL_MS = 250;
export const HEARTBEAT_MS = 15_000;
export const STREAM_MAX_MS = 5 * 60_000;
const FINAL = new Set(["ended", "failed"]);

const sessionEvents = createRoute({
  method: "get",
  path: "/launch/{id}/events",
  operationId: "followLaunchSession",
  tags: ["launch"],
  summary: "Follow a launch session (SSE)",
  description:
    "A `text/event-stream` of the session's steps: `event` is the step (accepted, vm-requested, warm-start, fallback, " +
    "playable, ended, failed), `data` the step as JSON with the session state after it, `id` its sequence number " +
    "(send `Last-Event-ID` to resume). The stream closes after a final state or 5 minutes. Scopes `player`, `operator`.",
  ...guarded({ scopes: ["player", "operator"] }),
  request: {
    params: SessionIdParamSchema,
    query: z.object({ player: PlayerIdSchema.optional() }),
    headers: z.object({
      "last-event-id": z
        .string()
        .regex(/^\d{1,9}$/)
        .optional(),
    }),
  },
  responses: {
    200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

export function registerEvents(router: OpenAPIHono<AppEnv>): void {
  router.openapi(sessionEvents, async (c) => {
    const { id } = c.req.valid("param");
    const { tenantId } = tenantPrincipal(c);
    const actor = await sessionActor(c, id, c.req.valid("query").player);
    let after = Number(c.req.valid("header")["last-event-id"] ?? 0);
    const first = await actor.events(tenantId, id, after);
    if (!first) throw new ApiError("NOT_FOUND", "No such session in this tenant.");
    return streamSSE(c, async (stream) => {
      const started = Date.now();
      let lastWrite = started;
      let page: typeof first | null = first;
      while (page && Date.now() - started < STREAM_MAX_MS) {
        for (const event of page.items) {
          await stream.writeSSE({ id: String(event.seq), event: event.type, data: JSON.stringify(event) });
          after = event.seq;
          lastWrite = Date.now();
        }
        if (FINAL.has(page.state)) break;
        if (Date.now() - lastWrite >= HEARTBEAT_MS) {
          await stream.write(": heartbeat\n\n");
          lastWrite = Date.now();
        }
        await stream.sleep(POLL_MS);
        page = await actor.events(tenantId, id, after);
      }
    });
  });
}
