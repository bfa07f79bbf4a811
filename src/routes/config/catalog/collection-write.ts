// POST /config/{collection}, PUT, PATCH (JSON merge patch) and DELETE /config/{collection}/{id}.
// Every write is a compare-and-set of the whole catalog (If-Match honoured) validated as a
// whole, so a change that would break a reference elsewhere is refused, naming that place.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type CatalogChange, changeCatalog } from "../../../catalog/tenant-catalog";
import { applyMergePatch } from "../../../domain/merge-patch";
import { ApiError } from "../../../http/errors";
import { parseIfMatch } from "../../../http/etag";
import { tenantPrincipal } from "../../../http/middleware/auth";
import { errorResponses } from "../../../http/responses";
import type { AppEnv } from "../../../http/types";
import { validationError } from "../../../http/validation";
import { aNoun, type CollectionSpec, type Item, indexOf, itemsOf, operationNames } from "./collection";
import { catalogAccess, ETAG_HEADER, IfMatchHeaderSchema, locateWithin, SlugParamSchema, withEtag } from "./shared";

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const WRITE_ERRORS = [400, 401, 403, 404, 409, 412, 413, 415, 429, 503] as const;

/** Catalog items nest a few levels; a patch nested far deeper is refused before it is applied. */
const MAX_PATCH_DEPTH = 16;

/** Whether `value` nests objects and arrays at most `max` levels deep (iterative: no recursion to overflow). */
function nestsAtMost(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, depth] = next;
    if (typeof node !== "object" || node === null) continue;
    if (depth > max) return false;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return true;
}

const MergePatchSchema = z
  .record(z.string(), z.unknown())
  .refine((patch) => nestsAtMost(patch, MAX_PATCH_DEPTH), `must not nest deeper than ${MAX_PATCH_DEPTH} levels`)
  .openapi({ description: "A JSON Merge Patch (RFC 7396) of the item" });

/** Applies `mutate` to the tenant's catalog; problems inside the written item are `body.…`. */
async function write(c: Context<AppEnv>, spec: CollectionSpec, id: string, mutate: CatalogChange["mutate"]): Promise<void> {
  const result = await changeCatalog(c.get("services").store, tenantPrincipal(c).tenantId, {
    ifMatch: parseIfMatch(c.req.header("if-match")),
    mutate,
    locate: (path, next) => locateWithin([spec.key, itemsOf(next, spec.key).findIndex((item) => item.id === id)])(path),
  });
  withEtag(c, result.version);
}

export function registerWrites(router: OpenAPIHono<AppEnv>, spec: CollectionSpec): void {
  const params = SlugParamSchema(aNoun(spec), spec.idExample);
  const itemResponse = { headers: ETAG_HEADER, content: { "application/json": { schema: spec.itemSchema } } };

  const create = createRoute({
    method: "post",
    path: `/config/${spec.key}`,
    operationId: `create${operationNames(spec).one}`,
    tags: ["config"],
    summary: `Create ${aNoun(spec)}`,
    description: `Adds ${aNoun(spec)}; an existing id is a 409. The whole configuration is re-validated. Scope \`operator\`.`,
    ...catalogAccess(),
    request: {
      headers: IfMatchHeaderSchema,
      body: { required: true, content: { "application/json": { schema: spec.itemSchema } } },
    },
    responses: { 201: { description: `The ${spec.noun}`, ...itemResponse }, ...errorResponses(...WRITE_ERRORS) },
  });
  router.openapi(create, async (c) => {
    const item = c.req.valid("json") as Item;
    await write(c, spec, item.id, (catalog) => {
      if (itemsOf(catalog, spec.key).some((existing) => existing.id === item.id)) {
        throw new ApiError("CONFLICT", `${capitalize(aNoun(spec))} "${item.id}" already exists; use PUT or PATCH to change it.`);
      }
      itemsOf(catalog, spec.key).push(item);
      return catalog;
    });
    c.header("Location", `/config/${spec.key}/${item.id}`);
    return c.json(item, 201);
  });

  const replace = createRoute({
    method: "put",
    path: `/config/${spec.key}/{id}`,
    operationId: `replace${operationNames(spec).one}`,
    tags: ["config"],
    summary: `Replace ${aNoun(spec)}`,
    description: `Replaces the ${spec.noun} whole; the body's id must be the path's. Scope \`operator\`.`,
    ...catalogAccess(),
    request: {
      params,
      headers: IfMatchHeaderSchema,
      body: { required: true, content: { "application/json": { schema: spec.itemSchema } } },
    },
    responses: { 200: { description: `The ${spec.noun}`, ...itemResponse }, ...errorResponses(...WRITE_ERRORS) },
  });
  router.openapi(replace, async (c) => {
    const { id } = c.req.valid("param");
    const item = c.req.valid("json") as Item;
    if (item.id !== id) {
      throw validationError("body", [
        { code: "custom", path: ["id"], message: `must be "${id}", the id in the path`, input: item.id },
      ]);
    }
    await write(c, spec, id, (catalog) => {
      itemsOf(catalog, spec.key)[indexOf(catalog, spec, id)] = item;
      return catalog;
    });
    return c.json(item, 200);
  });

  const patch = createRoute({
    method: "patch",
    path: `/config/${spec.key}/{id}`,
    operationId: `update${operationNames(spec).one}`,
    tags: ["config"],
    summary: `Update ${aNoun(spec)}`,
    description:
      `Applies a JSON Merge Patch (RFC 7396) to the ${spec.noun}: members you send replace the stored ones, null removes ` +
      "an optional member (its default applies), arrays are replaced whole. The id cannot change. Scope `operator`.",
    ...catalogAccess(),
    request: {
      params,
      headers: IfMatchHeaderSchema,
      body: {
        required: true,
        content: {
          "application/merge-patch+json": { schema: MergePatchSchema },
          "application/json": { schema: MergePatchSchema },
        },
      },
    },
    responses: { 200: { description: `The updated ${spec.noun}`, ...itemResponse }, ...errorResponses(...WRITE_ERRORS) },
  });
  router.openapi(patch, async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json") as Record<string, unknown>;
    if ("id" in body && body.id !== id) {
      throw validationError("body", [
        { code: "custom", path: ["id"], message: "cannot change; create a new one instead", input: body.id },
      ]);
    }
    let updated: Item | undefined;
    await write(c, spec, id, (catalog) => {
      const index = indexOf(catalog, spec, id);
      const merged = spec.itemSchema.safeParse(applyMergePatch(itemsOf(catalog, spec.key)[index], body));
      if (!merged.success) throw validationError("body", merged.error.issues);
      updated = merged.data;
      itemsOf(catalog, spec.key)[index] = merged.data;
      return catalog;
    });
    return c.json(updated, 200);
  });

  const remove = createRoute({
    method: "delete",
    path: `/config/${spec.key}/{id}`,
    operationId: `delete${operationNames(spec).one}`,
    tags: ["config"],
    summary: `Delete ${aNoun(spec)}`,
    description: `Removes the ${spec.noun}; 409 while the configuration still references it. Scope \`operator\`.`,
    ...catalogAccess(),
    request: { params, headers: IfMatchHeaderSchema },
    responses: {
      204: { description: "Deleted", headers: ETAG_HEADER },
      ...errorResponses(400, 401, 403, 404, 409, 412, 429, 503),
    },
  });
  router.openapi(remove, async (c) => {
    const { id } = c.req.valid("param");
    await write(c, spec, id, (catalog) => {
      const index = indexOf(catalog, spec, id);
      spec.beforeDelete?.(catalog, id);
      itemsOf(catalog, spec.key).splice(index, 1);
      return catalog;
    });
    return c.body(null, 204);
  });
}
