// GET /config/api-keys/{id} (admin): one key of the tenant.
import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { apiKeyBody } from "./mappers";
import { ApiKeySchema, KeyIdParamSchema } from "./schema";

export const getApiKeyRoute = createRoute({
  method: "get",
  path: "/config/api-keys/{id}",
  operationId: "getApiKey",
  tags: ["config"],
  summary: "Get an API key",
  description: "One API key of the tenant, with its last use. Scope `admin`.",
  ...guarded({ scopes: ["admin"] }),
  request: { params: KeyIdParamSchema },
  responses: {
    200: { description: "The API key", content: { "application/json": { schema: ApiKeySchema } } },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

export const getApiKey: RouteHandler<typeof getApiKeyRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const key = await c.get("services").store.getApiKey(tenantId, c.req.valid("param").id);
  if (!key) throw new ApiError("NOT_FOUND", "No such API key in this tenant.");
  return c.json(apiKeyBody(key), 200);
};
