// Idempotency records, keyed by (tenant_id, scope, key). A claim is an insert that may replace
// only an expired record; the stored record is read in the same batch, so a lost claim always
// has the winner to return.
import type { ClaimResult, IdempotencyRecord, JsonValue } from "../types";
import { changed, json, ms, parseJsonOrNull, toDate } from "./sql";

interface IdempotencyRow {
  tenant_id: string;
  scope: string;
  key: string;
  request_hash: string;
  status: string;
  response: string | null;
  resource_id: string | null;
  created_at: number;
  expires_at: number;
}

const toRecord = (row: IdempotencyRow): IdempotencyRecord => ({
  tenantId: row.tenant_id,
  scope: row.scope,
  key: row.key,
  requestHash: row.request_hash,
  status: row.status as IdempotencyRecord["status"],
  response: parseJsonOrNull<IdempotencyRecord["response"]>(row.response),
  resourceId: row.resource_id,
  createdAt: toDate(row.created_at),
  expiresAt: toDate(row.expires_at),
});

const SELECT_ONE = "SELECT * FROM idempotency_records WHERE tenant_id = ? AND scope = ? AND key = ?";

export async function claimIdempotency(db: D1Database, r: IdempotencyRecord): Promise<ClaimResult> {
  const claim = db
    .prepare(
      `INSERT INTO idempotency_records (tenant_id, scope, key, request_hash, status, response, resource_id, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (tenant_id, scope, key) DO UPDATE SET
         request_hash = excluded.request_hash, status = excluded.status, response = excluded.response,
         resource_id = excluded.resource_id, created_at = excluded.created_at, expires_at = excluded.expires_at
       WHERE idempotency_records.expires_at <= excluded.created_at`,
    )
    .bind(
      r.tenantId,
      r.scope,
      r.key,
      r.requestHash,
      r.status,
      r.response === null ? null : json(r.response),
      r.resourceId,
      ms(r.createdAt),
      ms(r.expiresAt),
    );
  const read = db.prepare(SELECT_ONE).bind(r.tenantId, r.scope, r.key);
  const [claimed, stored] = await db.batch<IdempotencyRow>([claim, read]);
  if ((claimed?.meta.changes ?? 0) > 0) return { claimed: true };
  const row = stored?.results[0];
  if (!row) throw new Error("idempotency record vanished between claim and read");
  return { claimed: false, existing: toRecord(row) };
}

export async function completeIdempotency(
  db: D1Database,
  tenantId: string,
  scope: string,
  key: string,
  response: { status: number; body: JsonValue },
  resourceId: string | null,
): Promise<boolean> {
  return changed(
    db
      .prepare(
        `UPDATE idempotency_records SET status = 'completed', response = ?, resource_id = ?
         WHERE tenant_id = ? AND scope = ? AND key = ?`,
      )
      .bind(json(response), resourceId, tenantId, scope, key),
  );
}

export async function getIdempotency(
  db: D1Database,
  tenantId: string,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | null> {
  const row = await db.prepare(SELECT_ONE).bind(tenantId, scope, key).first<IdempotencyRow>();
  return row ? toRecord(row) : null;
}
