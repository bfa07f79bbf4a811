// The catalog is cached per isolate: repeated reads do not hit the store, writes made here are
// seen at once, and other isolates' writes are picked up after CATALOG_CACHE_TTL_MS.
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CATALOG_CACHE_TTL_MS, changeCatalog, loadCatalog, seedCatalog } from "../../src/catalog/tenant-catalog";
import { defaultCatalog } from "../../src/domain/catalog/defaults";
import { newId } from "../../src/domain/ids";
import { D1Store } from "../../src/store/d1/d1-store";
import type { Store } from "../../src/store/types";

function countingStore(): { store: Store; reads: () => number } {
  const inner = new D1Store(env.DB);
  let reads = 0;
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === "getTenantConfig") {
        return (tenantId: string) => {
          reads++;
          return target.getTenantConfig(tenantId);
        };
      }
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { store, reads: () => reads };
}

afterEach(() => vi.useRealTimers());

describe("tenant catalog cache", () => {
  it("reads the store once for repeated reads within the TTL", async () => {
    const { store, reads } = countingStore();
    const tenantId = newId("ten");
    await seedCatalog(store, tenantId);
    const first = await loadCatalog(store, tenantId);
    const second = await loadCatalog(store, tenantId);
    expect(first.version).toBe(1);
    expect(second).toBe(first);
    expect(reads()).toBe(1);
  });

  it("serves the default catalog at version 0 to a tenant that has none", async () => {
    const { store } = countingStore();
    const entry = await loadCatalog(store, newId("ten"));
    expect(entry.version).toBe(0);
    expect(entry.catalog).toEqual(defaultCatalog());
  });

  it("sees its own writes at once and other writers after the TTL", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { store, reads } = countingStore();
    const tenantId = newId("ten");
    await seedCatalog(store, tenantId);
    await loadCatalog(store, tenantId);

    const changed = await changeCatalog(store, tenantId, {
      ifMatch: null,
      mutate: (catalog) => ({ ...catalog, policy: { ...catalog.policy, maxRttMs: 42 } }),
    });
    expect(changed.version).toBe(2);
    const before = reads();
    expect((await loadCatalog(store, tenantId)).catalog.policy.maxRttMs).toBe(42);
    expect(reads()).toBe(before);

    // Another isolate writes version 3 directly.
    const other = { ...changed.catalog, policy: { ...changed.catalog.policy, maxRttMs: 77 } };
    expect(await store.putTenantConfig(tenantId, other as never, 2, new Date())).toEqual({ ok: true, version: 3 });
    expect((await loadCatalog(store, tenantId)).version).toBe(2);
    vi.setSystemTime(Date.now() + CATALOG_CACHE_TTL_MS + 1);
    const refreshed = await loadCatalog(store, tenantId);
    expect(refreshed.version).toBe(3);
    expect(refreshed.catalog.policy.maxRttMs).toBe(77);
  });
});
