// GET /config/{collection} and GET /config/{collection}/{id}.
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { errorResponses } from "../../../http/responses";
import type { AppEnv } from "../../../http/types";
import { aNoun, type CollectionSpec, indexOf, itemsOf, operationNames } from "./collection";
import { catalogAccess, ETAG_HEADER, SlugParamSchema, tenantCatalog, withEtag } from "./shared";

export function registerReads(router: OpenAPIHono<AppEnv>, spec: CollectionSpec): void {
  const list = createRoute({
    method: "get",
    path: `/config/${spec.key}`,
    operationId: `list${operationNames(spec).many}`,
    tags: ["config"],
    summary: `List ${spec.noun}s`,
    description: `Every ${spec.noun} of the tenant's configuration, in configuration order. Scope \`operator\`.`,
    ...catalogAccess(),
    responses: {
      200: {
        description: `The ${spec.noun}s`,
        headers: ETAG_HEADER,
        content: { "application/json": { schema: spec.listSchema } },
      },
      ...errorResponses(401, 403, 429, 503),
    },
  });
  router.openapi(list, async (c) => {
    const { version, catalog } = await tenantCatalog(c);
    withEtag(c, version);
    return c.json({ items: itemsOf(catalog, spec.key) }, 200);
  });

  const get = createRoute({
    method: "get",
    path: `/config/${spec.key}/{id}`,
    operationId: `get${operationNames(spec).one}`,
    tags: ["config"],
    summary: `Get ${aNoun(spec)}`,
    description: `One ${spec.noun}; its ETag is the configuration version, for If-Match on writes. Scope \`operator\`.`,
    ...catalogAccess(),
    request: { params: SlugParamSchema(aNoun(spec), spec.idExample) },
    responses: {
      200: {
        description: `The ${spec.noun}`,
        headers: ETAG_HEADER,
        content: { "application/json": { schema: spec.itemSchema } },
      },
      ...errorResponses(400, 401, 403, 404, 429, 503),
    },
  });
  router.openapi(get, async (c) => {
    const { version, catalog } = await tenantCatalog(c);
    const item = itemsOf(catalog, spec.key)[indexOf(catalog, spec, c.req.valid("param").id)];
    withEtag(c, version);
    return c.json(item, 200);
  });
}
