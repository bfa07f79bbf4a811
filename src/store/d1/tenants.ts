// Tenants: create-if-absent by id, patch, and the id-ordered list used by scheduled jobs.
import { normalizePage } from "../paging";
import type { Page, PageRequest, PlayerAuthConfig, TenantPatch, TenantRecord, TenantStatus } from "../types";
import { changed, json, ms, parseJsonOrNull, selectPage, toDate, Where } from "./sql";

interface TenantRow {
  id: string;
  name: string;
  status: string;
  player_auth: string | null;
  created_at: number;
  updated_at: number;
}

const toTenant = (row: TenantRow): TenantRecord => ({
  id: row.id,
  name: row.name,
  status: row.status as TenantStatus,
  playerAuth: parseJsonOrNull<PlayerAuthConfig>(row.player_auth),
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export async function createTenant(db: D1Database, t: TenantRecord): Promise<{ created: boolean }> {
  const insert = db
    .prepare(
      `INSERT INTO tenants (id, name, status, player_auth, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    )
    .bind(t.id, t.name, t.status, t.playerAuth === null ? null : json(t.playerAuth), ms(t.createdAt), ms(t.updatedAt));
  return { created: await changed(insert) };
}

export async function getTenant(db: D1Database, id: string): Promise<TenantRecord | null> {
  const row = await db.prepare("SELECT * FROM tenants WHERE id = ?").bind(id).first<TenantRow>();
  return row ? toTenant(row) : null;
}

export async function updateTenant(db: D1Database, id: string, patch: TenantPatch): Promise<TenantRecord | null> {
  // Only the fields present in the patch are set; playerAuth may be set to null explicitly.
  const sets = ["updated_at = ?"];
  const values: unknown[] = [ms(patch.updatedAt)];
  const set = (fragment: string, value: unknown) => {
    sets.push(fragment);
    values.push(value);
  };
  if (patch.name !== undefined) set("name = ?", patch.name);
  if (patch.status !== undefined) set("status = ?", patch.status);
  if (patch.playerAuth !== undefined) set("player_auth = ?", patch.playerAuth === null ? null : json(patch.playerAuth));
  const row = await db
    .prepare(`UPDATE tenants SET ${sets.join(", ")} WHERE id = ? RETURNING *`)
    .bind(...values, id)
    .first<TenantRow>();
  return row ? toTenant(row) : null;
}

export async function listTenants(db: D1Database, page?: PageRequest): Promise<Page<TenantRecord>> {
  const request = normalizePage<string>(page, "string");
  return selectPage(db, "tenants", "id", new Where(), request, toTenant, (t) => t.id);
}
