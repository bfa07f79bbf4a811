// Tenant configuration: one versioned JSON document per tenant, written by compare-and-set on
// the version column (the primary key makes "must not exist yet" an insert that may conflict).
import type { JsonObject, PutConfigResult, TenantConfigRecord } from "../types";
import { changed, json, ms, parseJson, toDate } from "./sql";

interface TenantConfigRow {
  tenant_id: string;
  version: number;
  document: string;
  updated_at: number;
}

const toConfig = (row: TenantConfigRow): TenantConfigRecord => ({
  tenantId: row.tenant_id,
  version: row.version,
  document: parseJson(row.document),
  updatedAt: toDate(row.updated_at),
});

export async function getTenantConfig(db: D1Database, tenantId: string): Promise<TenantConfigRecord | null> {
  const row = await db.prepare("SELECT * FROM tenant_configs WHERE tenant_id = ?").bind(tenantId).first<TenantConfigRow>();
  return row ? toConfig(row) : null;
}

export async function putTenantConfig(
  db: D1Database,
  tenantId: string,
  document: JsonObject,
  expectedVersion: number,
  at: Date,
): Promise<PutConfigResult> {
  const write =
    expectedVersion === 0
      ? db
          .prepare(
            `INSERT INTO tenant_configs (tenant_id, version, document, updated_at) VALUES (?, 1, ?, ?)
             ON CONFLICT (tenant_id) DO NOTHING`,
          )
          .bind(tenantId, json(document), ms(at))
      : db
          .prepare(
            "UPDATE tenant_configs SET version = version + 1, document = ?, updated_at = ? WHERE tenant_id = ? AND version = ?",
          )
          .bind(json(document), ms(at), tenantId, expectedVersion);
  if (await changed(write)) return { ok: true, version: expectedVersion + 1 };
  // Lost the race (or never matched): report what is stored now, 0 when absent.
  const current = await db
    .prepare("SELECT version FROM tenant_configs WHERE tenant_id = ?")
    .bind(tenantId)
    .first<number>("version");
  return { ok: false, currentVersion: current ?? 0 };
}
