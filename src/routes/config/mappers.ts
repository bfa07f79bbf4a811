// Store records → API bodies (dates as RFC 3339; hashes never leave the store layer).
import type { z } from "@hono/zod-openapi";
import type { ApiKeyRecord, TenantRecord } from "../../store/types";
import type { ApiKeySchema, TenantSchema } from "./schema";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function tenantBody(tenant: TenantRecord): z.infer<typeof TenantSchema> {
  return {
    id: tenant.id,
    name: tenant.name,
    status: tenant.status,
    playerAuth: tenant.playerAuth,
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
  };
}

export function apiKeyBody(key: ApiKeyRecord): z.infer<typeof ApiKeySchema> {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    playerId: key.playerId,
    createdAt: key.createdAt.toISOString(),
    expiresAt: iso(key.expiresAt),
    lastUsedAt: iso(key.lastUsedAt),
    revokedAt: iso(key.revokedAt),
  };
}
