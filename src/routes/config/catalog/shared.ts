// Pieces every catalog route shares: the If-Match header, ETag responses, field locations.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { loadCatalog, type VersionedCatalog } from "../../../catalog/tenant-catalog";
import { etagOf } from "../../../http/etag";
import { tenantPrincipal } from "../../../http/middleware/auth";
import { guarded } from "../../../http/security";
import type { AppEnv } from "../../../http/types";

/** Catalog routes are for operators (and admins). */
export const catalogAccess = () => guarded({ scopes: ["operator"] });

export const IfMatchHeaderSchema = z.object({
  "if-match": z
    .string()
    .max(1024)
    .optional()
    .openapi({
      description:
        'The ETag you read (e.g. "v3"), a comma-separated list of them, or *: the write is refused with 412 if the ' +
        "configuration changed since (or if the value is not such an ETag)",
      // Documented, not enforced by the schema: parseIfMatch answers 412 to anything else.
      pattern: '^(\\*|"v\\d{1,15}"(\\s*,\\s*"v\\d{1,15}")*)$',
      example: '"v3"',
    }),
});

export const ETAG_HEADER = {
  ETag: { description: "The configuration version this response reflects", schema: { type: "string" as const, example: '"v3"' } },
};

export function tenantCatalog(c: Context<AppEnv>): Promise<VersionedCatalog> {
  return loadCatalog(c.get("services").store, tenantPrincipal(c).tenantId);
}

export function withEtag(c: Context<AppEnv>, version: number): void {
  c.header("ETag", etagOf(version));
}

/** A catalog path inside the item at `prefix` maps to `body.…`; anything else to `catalog.…`. */
export function locateWithin(prefix: (string | number)[]) {
  return (path: (string | number)[]) => {
    const inside = prefix.every((part, i) => path[i] === part);
    return inside ? ["body", ...path.slice(prefix.length)].join(".") : `catalog.${path.join(".")}`;
  };
}

export const SlugParamSchema = (name: string, example: string) =>
  z.object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, `must be ${name} id (a slug)`)
      .openapi({ param: { name: "id", in: "path" }, example }),
  });
