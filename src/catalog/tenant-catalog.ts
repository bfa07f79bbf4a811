// The I/O shell around a tenant's catalog document (src/domain/catalog): load it (cached per
// isolate, so the launch path does not hit the store on every request) and change it with
// compare-and-set on its version. A tenant that never wrote one reads the default catalog at
// version 0.

import { defaultCatalog } from "../domain/catalog/defaults";
import { type TenantCatalog, TenantCatalogSchema } from "../domain/catalog/schema";
import { validateCatalog } from "../domain/catalog/validate";
import { ApiError, type FieldError } from "../http/errors";
import type { JsonObject, Store } from "../store/types";

export interface VersionedCatalog {
  version: number;
  catalog: TenantCatalog;
}

/** How long an isolate trusts its copy before re-reading the version (writes here apply at once). */
export const CATALOG_CACHE_TTL_MS = 15_000;
const MAX_CACHED_TENANTS = 1_000;
const MAX_ATTEMPTS = 3;

const cache = new Map<string, { entry: VersionedCatalog; fetchedAt: number }>();

function remember(tenantId: string, entry: VersionedCatalog, now = Date.now()): void {
  if (cache.size >= MAX_CACHED_TENANTS && !cache.has(tenantId)) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(tenantId, { entry, fetchedAt: now });
}

/** The tenant's catalog. Treat the result as read-only: it is shared by this isolate's requests. */
export async function loadCatalog(store: Store, tenantId: string, options: { fresh?: boolean } = {}): Promise<VersionedCatalog> {
  const cached = cache.get(tenantId);
  if (cached && !options.fresh && Date.now() - cached.fetchedAt < CATALOG_CACHE_TTL_MS) return cached.entry;
  const record = await store.getTenantConfig(tenantId);
  const version = record?.version ?? 0;
  // Same version: keep the parsed copy (and everything derived from it).
  const entry =
    cached && cached.entry.version === version
      ? cached.entry
      : { version, catalog: record ? TenantCatalogSchema.parse(record.document) : defaultCatalog() };
  remember(tenantId, entry);
  return entry;
}

export interface CatalogChange {
  /** Versions from If-Match (412 unless the current one is among them); null or "any": none. */
  ifMatch: number[] | "any" | null;
  /** Returns the next catalog from a private copy of the current one (may throw ApiError). */
  mutate(catalog: TenantCatalog): TenantCatalog;
  /** Maps a path in the next catalog to the request's field location (the item written → `body`). */
  locate?(path: (string | number)[], next: TenantCatalog): string;
}

/**
 * Read-modify-write with compare-and-set. Without If-Match a lost race is retried on the new
 * version; with it, the caller asked for that exact version, so a race is a 412.
 */
export async function changeCatalog(store: Store, tenantId: string, change: CatalogChange): Promise<VersionedCatalog> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await loadCatalog(store, tenantId, { fresh: true });
    requireMatch(change.ifMatch, current.version);
    const next = change.mutate(structuredClone(current.catalog));
    assertValid(next, (path) => change.locate?.(path, next) ?? `catalog.${path.join(".")}`);
    const result = await store.putTenantConfig(tenantId, next as unknown as JsonObject, current.version, new Date());
    if (result.ok) {
      const entry = { version: result.version, catalog: next };
      remember(tenantId, entry);
      return entry;
    }
    if (change.ifMatch !== null && change.ifMatch !== "any") requireMatch(change.ifMatch, result.currentVersion);
  }
  throw new ApiError("CONFLICT", "The configuration kept changing under this update; retry it.");
}

function requireMatch(ifMatch: number[] | "any" | null, version: number): void {
  if (ifMatch === null || ifMatch === "any" || ifMatch.includes(version)) return;
  throw new ApiError(
    "PRECONDITION_FAILED",
    `The configuration is at version ${version} (ETag "v${version}"); re-read it and retry.`,
    {
      headers: { ETag: `"v${version}"` },
    },
  );
}

/** Cross-reference checks: duplicates are 409, everything else 400, each naming its field. */
function assertValid(catalog: TenantCatalog, locate: (path: (string | number)[]) => string): void {
  const issues = validateCatalog(catalog);
  if (issues.length === 0) return;
  const errors: FieldError[] = issues.map((issue) => ({ location: locate(issue.path), message: issue.message }));
  const duplicate = issues.every((issue) => issue.kind === "duplicate");
  throw new ApiError(
    duplicate ? "CONFLICT" : "VALIDATION_FAILED",
    duplicate
      ? "The configuration would contain duplicate ids."
      : `The configuration would be inconsistent (${errors.length} problem(s)).`,
    { errors },
  );
}

/** Writes the default catalog for a new tenant (version 1). A tenant without one reads the default anyway. */
export async function seedCatalog(store: Store, tenantId: string): Promise<void> {
  await store.putTenantConfig(tenantId, defaultCatalog() as unknown as JsonObject, 0, new Date());
}
