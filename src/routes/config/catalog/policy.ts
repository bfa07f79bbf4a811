// GET/PUT /config/policy: the tenant's launch and session policy.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { changeCatalog } from "../../../catalog/tenant-catalog";
import { TenantPolicySchema } from "../../../domain/catalog/schema";
import { parseIfMatch } from "../../../http/etag";
import { tenantPrincipal } from "../../../http/middleware/auth";
import { errorResponses } from "../../../http/responses";
import type { AppEnv } from "../../../http/types";
import { catalogAccess, ETAG_HEADER, IfMatchHeaderSchema, locateWithin, tenantCatalog, withEtag } from "./shared";

const policyResponse = { headers: ETAG_HEADER, content: { "application/json": { schema: TenantPolicySchema } } };

const getPolicy = createRoute({
  method: "get",
  path: "/config/policy",
  operationId: "getPolicy",
  tags: ["config"],
  summary: "Get the tenant policy",
  description:
    "Allowed providers, session lengths, idle timeout, spot, maximum RTT and the default budget action. Scope `operator`.",
  ...catalogAccess(),
  responses: { 200: { description: "The policy", ...policyResponse }, ...errorResponses(401, 403, 429, 503) },
});

const putPolicy = createRoute({
  method: "put",
  path: "/config/policy",
  operationId: "replacePolicy",
  tags: ["config"],
  summary: "Replace the tenant policy",
  description: "Replaces the policy whole (If-Match honoured). Scope `operator`.",
  ...catalogAccess(),
  request: {
    headers: IfMatchHeaderSchema,
    body: { required: true, content: { "application/json": { schema: TenantPolicySchema } } },
  },
  responses: {
    200: { description: "The policy", ...policyResponse },
    ...errorResponses(400, 401, 403, 412, 413, 415, 429, 503),
  },
});

export function registerPolicy(router: OpenAPIHono<AppEnv>): void {
  router.openapi(getPolicy, async (c) => {
    const { version, catalog } = await tenantCatalog(c);
    withEtag(c, version);
    return c.json(catalog.policy, 200);
  });
  router.openapi(putPolicy, async (c) => {
    const policy = c.req.valid("json");
    const result = await changeCatalog(c.get("services").store, tenantPrincipal(c).tenantId, {
      ifMatch: parseIfMatch(c.req.header("if-match")),
      mutate: (catalog) => ({ ...catalog, policy }),
      locate: locateWithin(["policy"]),
    });
    withEtag(c, result.version);
    return c.json(result.catalog.policy, 200);
  });
}
