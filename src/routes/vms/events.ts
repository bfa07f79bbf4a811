// GET /vms/{id}/events: the VM's lifecycle events with timings, from its actor.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { PageQuerySchema } from "../../http/pagination";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { decodeCursor, encodeCursor } from "../../store/paging";
import { VmEventPageSchema, VmIdParamSchema } from "./schema";

const listEvents = createRoute({
  method: "get",
  path: "/vms/{id}/events",
  operationId: "listVmEvents",
  tags: ["vms"],
  summary: "List a VM's events",
  description:
    "Every lifecycle step of the VM in order (accepted, instance created, instance running, agent ready, stop, ...), each " +
    "with `data.sinceAcceptedMs`; provider errors and retries are events too. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: { params: VmIdParamSchema, query: PageQuerySchema },
  responses: {
    200: { description: "A page of events", content: { "application/json": { schema: VmEventPageSchema } } },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

export function registerEvents(router: OpenAPIHono<AppEnv>): void {
  router.openapi(listEvents, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const { cursor, limit } = c.req.valid("query");
    const after = cursor ? decodeCursor<number>(cursor, "number") : 0;
    const page = await c.get("services").vmActors(c.req.valid("param").id).events(tenantId, after, limit);
    if (!page) throw new ApiError("NOT_FOUND", "No such VM in this tenant.");
    const items = page.items.map((e) => ({
      seq: e.seq,
      type: e.type,
      at: new Date(e.at).toISOString(),
      fromState: e.fromState,
      toState: e.toState,
      data: e.data,
    }));
    return c.json({ items, nextCursor: page.nextCursor === null ? null : encodeCursor(page.nextCursor) }, 200);
  });
}
