// GET /config/tenants (root): every tenant, by id.
import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { PageQuerySchema } from "../../http/pagination";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { tenantBody } from "./mappers";
import { TenantPageSchema } from "./schema";

export const listTenantsRoute = createRoute({
  method: "get",
  path: "/config/tenants",
  operationId: "listTenants",
  tags: ["config"],
  summary: "List tenants",
  description: "Root credential only. Every tenant, ordered by id, cursor-paginated.",
  ...guarded({ root: true }),
  request: { query: PageQuerySchema },
  responses: {
    200: { description: "A page of tenants", content: { "application/json": { schema: TenantPageSchema } } },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

export const listTenants: RouteHandler<typeof listTenantsRoute, AppEnv> = async (c) => {
  const page = await c.get("services").store.listTenants(c.req.valid("query"));
  return c.json({ items: page.items.map(tenantBody), nextCursor: page.nextCursor }, 200);
};
