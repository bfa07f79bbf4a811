// DELETE /config/api-keys/{id} (admin): revoke a key. Idempotent; the record stays for audit.
import { createRoute, type RouteHandler } from "@hono/zod-openapi";
import { forgetApiKey } from "../../auth/authenticate";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { KeyIdParamSchema } from "./schema";

export const revokeApiKeyRoute = createRoute({
  method: "delete",
  path: "/config/api-keys/{id}",
  operationId: "revokeApiKey",
  tags: ["config"],
  summary: "Revoke an API key",
  description:
    "Revokes the key: it answers 401 from then on (at once on this edge location, within 30 s everywhere, the bound of " +
    "the edge cache). Revoking again is a no-op. Scope `admin`.",
  ...guarded({ scopes: ["admin"] }),
  request: { params: KeyIdParamSchema },
  responses: {
    204: { description: "Revoked" },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

export const revokeApiKey: RouteHandler<typeof revokeApiKeyRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const { id } = c.req.valid("param");
  const revoked = await c.get("services").store.revokeApiKey(tenantId, id, new Date());
  if (!revoked) throw new ApiError("NOT_FOUND", "No such API key in this tenant.");
  forgetApiKey(id);
  c.get("log").info("api key revoked", { keyId: id });
  return c.body(null, 204);
};
