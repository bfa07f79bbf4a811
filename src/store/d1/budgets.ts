// Budgets: create-or-replace by id, but only within the tenant that owns the id.
import { normalizePage } from "../paging";
import type { BudgetAction, BudgetPeriod, BudgetRecord, Page, PageRequest } from "../types";
import { changed, json, ms, parseJson, selectPage, toDate, Where } from "./sql";

interface BudgetRow {
  id: string;
  tenant_id: string;
  name: string;
  player_id: string | null;
  period: string;
  limit_micros: number;
  thresholds: string;
  action: string;
  created_at: number;
  updated_at: number;
}

const toBudget = (row: BudgetRow): BudgetRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  name: row.name,
  playerId: row.player_id,
  period: row.period as BudgetPeriod,
  limitMicros: row.limit_micros,
  thresholds: parseJson<number[]>(row.thresholds),
  action: row.action as BudgetAction,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
});

export async function putBudget(db: D1Database, b: BudgetRecord): Promise<{ applied: boolean }> {
  const upsert = db
    .prepare(
      `INSERT INTO budgets (id, tenant_id, name, player_id, period, limit_micros, thresholds, action, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         name = excluded.name, player_id = excluded.player_id, period = excluded.period,
         limit_micros = excluded.limit_micros, thresholds = excluded.thresholds, action = excluded.action,
         created_at = excluded.created_at, updated_at = excluded.updated_at
       WHERE budgets.tenant_id = excluded.tenant_id`,
    )
    .bind(
      b.id,
      b.tenantId,
      b.name,
      b.playerId,
      b.period,
      b.limitMicros,
      json(b.thresholds),
      b.action,
      ms(b.createdAt),
      ms(b.updatedAt),
    );
  return { applied: await changed(upsert) };
}

export async function getBudget(db: D1Database, tenantId: string, id: string): Promise<BudgetRecord | null> {
  const row = await db.prepare("SELECT * FROM budgets WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first<BudgetRow>();
  return row ? toBudget(row) : null;
}

export async function listBudgets(db: D1Database, tenantId: string, page?: PageRequest): Promise<Page<BudgetRecord>> {
  const request = normalizePage<string>(page, "string");
  return selectPage(db, "budgets", "id", new Where().and("tenant_id = ?", tenantId), request, toBudget, (b) => b.id);
}

export async function deleteBudget(db: D1Database, tenantId: string, id: string): Promise<{ deleted: boolean }> {
  return { deleted: await changed(db.prepare("DELETE FROM budgets WHERE tenant_id = ? AND id = ?").bind(tenantId, id)) };
}
