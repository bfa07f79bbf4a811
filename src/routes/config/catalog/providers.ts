// /config/providers: cloud providers with their regions, instance types, prices and quotas.
import { z } from "@hono/zod-openapi";
import { ProviderSchema } from "../../../domain/catalog/schema";
import { providerReferences } from "../../../domain/catalog/validate";
import { ApiError } from "../../../http/errors";
import type { CollectionSpec } from "./collection";

export const providers: CollectionSpec = {
  key: "providers",
  noun: "provider",
  idExample: "aws",
  itemSchema: ProviderSchema,
  listSchema: z.object({ items: z.array(ProviderSchema) }).openapi("ProviderList"),
  beforeDelete(catalog, id) {
    const references = providerReferences(catalog, id);
    if (references.length > 0) {
      throw new ApiError("CONFLICT", `Provider "${id}" is still referenced by ${references.join(", ")}; remove those first.`);
    }
  },
};
