// GET /config/tenant (admin): the caller's own tenant.
import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { tenantBody } from "./mappers";
import { TenantSchema } from "./schema";

export const getTenantRoute = createRoute({
  method: "get",
  path: "/config/tenant",
  operationId: "getTenant",
  tags: ["config"],
  summary: "Get your tenant",
  description: "The tenant of the calling credential: name, status and player-token settings. Scope `admin`.",
  ...guarded({ scopes: ["admin"] }),
  responses: {
    200: { description: "The tenant", content: { "application/json": { schema: TenantSchema } } },
    ...errorResponses(401, 403, 404, 429, 503),
  },
});

export const getTenant: RouteHandler<typeof getTenantRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const tenant = await c.get("services").store.getTenant(tenantId);
  if (!tenant) throw new ApiError("NOT_FOUND", "The tenant no longer exists.");
  return c.json(tenantBody(tenant), 200);
};
