// API keys: looked up by primary key for authentication (any tenant), otherwise tenant-scoped.
import { normalizePage } from "../paging";
import type { ApiKeyRecord, Page, PageRequest, Scope } from "../types";
import { changed, json, ms, msOrNull, parseJson, selectPage, toDate, toDateOrNull, Where } from "./sql";

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  name: string;
  hash: string;
  prefix: string;
  scopes: string;
  player_id: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toApiKey = (row: ApiKeyRow): ApiKeyRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  hash: row.hash,
  prefix: row.prefix,
  scopes: parseJson<Scope[]>(row.scopes),
  playerId: row.player_id,
  createdAt: toDate(row.created_at),
  expiresAt: toDateOrNull(row.expires_at),
  lastUsedAt: toDateOrNull(row.last_used_at),
  revokedAt: toDateOrNull(row.revoked_at),
});

export async function createApiKey(db: D1Database, k: ApiKeyRecord): Promise<{ created: boolean }> {
  const insert = db
    .prepare(
      `INSERT INTO api_keys (id, tenant_id, name, hash, prefix, scopes, player_id, created_at, expires_at, last_used_at, revoked_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(
      k.id,
      k.tenantId,
      k.name,
      k.hash,
      k.prefix,
      json(k.scopes),
      k.playerId,
      ms(k.createdAt),
      msOrNull(k.expiresAt),
      msOrNull(k.lastUsedAt),
      msOrNull(k.revokedAt),
    );
  return { created: await changed(insert) };
}

/** Authentication only: the key id is embedded in the token, so there is no tenant yet. */
export async function findApiKey(db: D1Database, id: string): Promise<ApiKeyRecord | null> {
  const row = await db.prepare("SELECT * FROM api_keys WHERE id = ?").bind(id).first<ApiKeyRow>();
  return row ? toApiKey(row) : null;
}

export async function getApiKey(db: D1Database, tenantId: string, id: string): Promise<ApiKeyRecord | null> {
  const row = await db.prepare("SELECT * FROM api_keys WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first<ApiKeyRow>();
  return row ? toApiKey(row) : null;
}

export async function listApiKeys(db: D1Database, tenantId: string, page?: PageRequest): Promise<Page<ApiKeyRecord>> {
  const request = normalizePage<string>(page, "string");
  return selectPage(db, "api_keys", "id", new Where().and("tenant_id = ?", tenantId), request, toApiKey, (k) => k.id);
}

export async function revokeApiKey(db: D1Database, tenantId: string, id: string, at: Date): Promise<ApiKeyRecord | null> {
  // COALESCE keeps the first revocation time: revoking again is a no-op that still answers the key.
  const row = await db
    .prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ? AND id = ? RETURNING *")
    .bind(ms(at), tenantId, id)
    .first<ApiKeyRow>();
  return row ? toApiKey(row) : null;
}

/** Authentication only (like findApiKey): by id, and only ever forward in time. */
export async function touchApiKey(db: D1Database, id: string, at: Date): Promise<void> {
  await db
    .prepare("UPDATE api_keys SET last_used_at = ?1 WHERE id = ?2 AND (last_used_at IS NULL OR last_used_at < ?1)")
    .bind(ms(at), id)
    .run();
}
