// What differs between the catalog's id-keyed collections (emulator profiles, providers); the
// collection-*.ts builders turn a spec into the six CRUD operations.
import type { z } from "@hono/zod-openapi";
import type { TenantCatalog } from "../../../domain/catalog/schema";
import { ApiError } from "../../../http/errors";

export type CollectionKey = "emulators" | "providers";
export type Item = { id: string };

export interface CollectionSpec {
  key: CollectionKey;
  /** For messages and docs: "emulator profile". */
  noun: string;
  idExample: string;
  itemSchema: z.ZodType<Item>;
  listSchema: z.ZodType;
  /** Throws 409 when the item is still referenced elsewhere in the catalog. */
  beforeDelete?(catalog: TenantCatalog, id: string): void;
}

/** Names for operationIds: `{ one: "Emulator", many: "Emulators" }` → listEmulators, getEmulator, ... */
export function operationNames(spec: CollectionSpec): { one: string; many: string } {
  const many = spec.key.charAt(0).toUpperCase() + spec.key.slice(1);
  return { one: many.replace(/s$/, ""), many };
}

/** "a provider", "an emulator profile". */
export function aNoun(spec: CollectionSpec): string {
  return `${/^[aeiou]/.test(spec.noun) ? "an" : "a"} ${spec.noun}`;
}

export function itemsOf(catalog: TenantCatalog, key: CollectionKey): Item[] {
  return catalog[key];
}

export function indexOf(catalog: TenantCatalog, spec: CollectionSpec, id: string): number {
  const index = itemsOf(catalog, spec.key).findIndex((item) => item.id === id);
  if (index < 0) throw new ApiError("NOT_FOUND", `No ${spec.noun} "${id}" in this tenant's configuration.`);
  return index;
}

/** Parses a whole item (after a PUT body or a merged PATCH) with the collection's schema. */
export function parseItem(spec: CollectionSpec, value: unknown): Item {
  return spec.itemSchema.parse(value);
}
