// Development only (ENVIRONMENT=development): a demo tenant (with the default catalog) and the admin and player keys
// named in .dev.vars, so the README's curl examples work on a fresh `npm start`. Idempotent:
// every write is create-if-absent by id.

import { seedCatalog } from "../catalog/tenant-catalog";
import type { Config } from "../env";
import type { Store } from "../store/types";
import { apiKeyFromToken } from "./api-keys";

export const DEMO_TENANT_ID = "ten_demo";
export const DEMO_PLAYER_ID = "player-demo";

export async function seedDevelopmentTenant(store: Store, config: Config, now = new Date()): Promise<void> {
  const keys = [
    { token: config.DEV_ADMIN_API_KEY, name: "demo admin key", scopes: ["admin" as const], playerId: null },
    { token: config.DEV_PLAYER_API_KEY, name: "demo player key", scopes: ["player" as const], playerId: DEMO_PLAYER_ID },
  ];
  for (const key of keys) {
    if (!key.token) continue;
    const record = await apiKeyFromToken(key.token, { tenantId: DEMO_TENANT_ID, ...key, expiresAt: null, now });
    await store.createApiKey(record);
  }
  await store.createTenant({
    id: DEMO_TENANT_ID,
    name: "Demo tenant",
    status: "active",
    playerAuth: null,
    createdAt: now,
    updatedAt: now,
  });
  await seedCatalog(store, DEMO_TENANT_ID); // version 1 once; a later run changes nothing (compare-and-set)
}
