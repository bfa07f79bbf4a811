// Edge caches for authentication, so a request does not wait on the store for every call
// (DESIGN.md principle 1). Module scope holds plain data only, never I/O objects. Entries live
// CACHE_TTL_MS: a revocation made in another isolate takes effect within that bound; in the
// isolate that revokes, at once.
import type { ApiKeyRecord, TenantRecord } from "../store/types";

export const CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 2_000;

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, now = Date.now()): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expires: now + this.ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

/** Keys by id (null = known not to exist, so unknown ids do not hammer the store). */
export const apiKeyCache = new TtlCache<ApiKeyRecord | null>(CACHE_TTL_MS);
export const tenantCache = new TtlCache<TenantRecord | null>(CACHE_TTL_MS);
/** Keys whose lastUsedAt was written recently: it is written at most once a minute per key. */
export const recentlyTouched = new TtlCache<true>(60_000);
/** JWKS documents by URL. */
export const jwksCache = new TtlCache<JsonWebKeyWithKid[]>(10 * 60_000);

export type JsonWebKeyWithKid = JsonWebKey & { kid?: string; alg?: string };
