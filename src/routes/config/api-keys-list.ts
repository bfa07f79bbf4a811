// GET /config/api-keys (admin): the tenant's keys (never their tokens or hashes).
import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { tenantPrincipal } from "../../http/middleware/auth";
import { PageQuerySchema } from "../../http/pagination";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { apiKeyBody } from "./mappers";
import { ApiKeyPageSchema } from "./schema";

export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/config/api-keys",
  operationId: "listApiKeys",
  tags: ["config"],
  summary: "List API keys",
  description: "The tenant's API keys, revoked ones included, ordered by id and cursor-paginated. Scope `admin`.",
  ...guarded({ scopes: ["admin"] }),
  request: { query: PageQuerySchema },
  responses: {
    200: { description: "A page of API keys", content: { "application/json": { schema: ApiKeyPageSchema } } },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

export const listApiKeys: RouteHandler<typeof listApiKeysRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const page = await c.get("services").store.listApiKeys(tenantId, c.req.valid("query"));
  return c.json({ items: page.items.map(apiKeyBody), nextCursor: page.nextCursor }, 200);
};
