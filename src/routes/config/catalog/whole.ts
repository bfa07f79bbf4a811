// GET /config exports the tenant's whole configuration; PUT /config imports one, validated as a
// whole and written at once (all or nothing).
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { changeCatalog } from "../../../catalog/tenant-catalog";
import { TenantCatalogSchema } from "../../../domain/catalog/schema";
import { parseIfMatch } from "../../../http/etag";
import { tenantPrincipal } from "../../../http/middleware/auth";
import { errorResponses } from "../../../http/responses";
import type { AppEnv } from "../../../http/types";
import { catalogAccess, ETAG_HEADER, IfMatchHeaderSchema, locateWithin, tenantCatalog, withEtag } from "./shared";

const catalogResponse = { headers: ETAG_HEADER, content: { "application/json": { schema: TenantCatalogSchema } } };

const exportCatalog = createRoute({
  method: "get",
  path: "/config",
  operationId: "exportConfig",
  tags: ["config"],
  summary: "Export the configuration",
  description:
    "The tenant's whole configuration (emulator profiles, providers, policy) as one document; its ETag is the version. " +
    "A tenant that never changed it gets the default catalog at version 0. Scope `operator`.",
  ...catalogAccess(),
  responses: { 200: { description: "The configuration", ...catalogResponse }, ...errorResponses(401, 403, 429, 503) },
});

const importCatalog = createRoute({
  method: "put",
  path: "/config",
  operationId: "importConfig",
  tags: ["config"],
  summary: "Import a configuration",
  description:
    "Replaces the whole configuration with the body, validated as a whole (every problem named by its field); nothing is " +
    "written unless all of it is valid. Send If-Match with the ETag you exported to refuse overwriting a newer change. " +
    "Scope `operator`.",
  ...catalogAccess(),
  request: {
    headers: IfMatchHeaderSchema,
    body: { required: true, content: { "application/json": { schema: TenantCatalogSchema } } },
  },
  responses: {
    200: { description: "The configuration now in force", ...catalogResponse },
    ...errorResponses(400, 401, 403, 409, 412, 413, 415, 429, 503),
  },
});

export function registerWhole(router: OpenAPIHono<AppEnv>): void {
  router.openapi(exportCatalog, async (c) => {
    const { version, catalog } = await tenantCatalog(c);
    withEtag(c, version);
    return c.json(catalog, 200);
  });
  router.openapi(importCatalog, async (c) => {
    const incoming = c.req.valid("json");
    const result = await changeCatalog(c.get("services").store, tenantPrincipal(c).tenantId, {
      ifMatch: parseIfMatch(c.req.header("if-match")),
      mutate: () => incoming,
      locate: locateWithin([]),
    });
    withEtag(c, result.version);
    return c.json(result.catalog, 200);
  });
}
