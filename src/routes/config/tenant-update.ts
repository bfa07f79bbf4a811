// PATCH /config/tenant (admin): rename, or set how players authenticate with platform JWTs.
import { createRoute, type RouteHandler, z } from "@hono/zod-openapi";
import { forgetTenant } from "../../auth/authenticate";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { tenantBody } from "./mappers";
import { PlayerAuthSchema, TenantNameSchema, TenantSchema } from "./schema";

const UpdateTenantBody = z
  .strictObject({
    name: TenantNameSchema.optional(),
    playerAuth: PlayerAuthSchema.nullable().optional().openapi({ description: "null turns player tokens off" }),
  })
  .refine((v) => v.name !== undefined || v.playerAuth !== undefined, { message: "send name, playerAuth or both" })
  .openapi("UpdateTenant");

export const updateTenantRoute = createRoute({
  method: "patch",
  path: "/config/tenant",
  operationId: "updateTenant",
  tags: ["config"],
  summary: "Update your tenant",
  description: "Changes the tenant's name and/or its player-token settings (`playerAuth`). Scope `admin`.",
  ...guarded({ scopes: ["admin"] }),
  request: { body: { required: true, content: { "application/json": { schema: UpdateTenantBody } } } },
  responses: {
    200: { description: "The updated tenant", content: { "application/json": { schema: TenantSchema } } },
    ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

export const updateTenant: RouteHandler<typeof updateTenantRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const body = c.req.valid("json");
  const updated = await c.get("services").store.updateTenant(tenantId, { ...body, updatedAt: new Date() });
  if (!updated) throw new ApiError("NOT_FOUND", "The tenant no longer exists.");
  forgetTenant(tenantId);
  return c.json(tenantBody(updated), 200);
};
