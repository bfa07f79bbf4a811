// Budgets: `_id` = budget id, created or replaced within the owning tenant only.
import { z } from "@hono/zod-openapi";
import type { Db } from "mongodb";
import { normalizePage } from "../paging";
import type { BudgetRecord, Page, PageRequest } from "../types";
import { COLLECTIONS, Integer, NullableString, parseDocument, readPage, unlessDuplicate } from "./documents";

export const BudgetDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  playerId: NullableString,
  period: z.enum(["monthly", "daily"]),
  limitMicros: Integer,
  thresholds: z.array(z.number()),
  action: z.enum(["notify", "stop", "terminate"]),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type BudgetDocument = z.output<typeof BudgetDocument>;

export function budgetToDocument(budget: BudgetRecord): BudgetDocument {
  return {
    _id: budget.id,
    tenantId: budget.tenantId,
    name: budget.name,
    playerId: budget.playerId,
    period: budget.period,
    limitMicros: budget.limitMicros,
    thresholds: [...budget.thresholds],
    action: budget.action,
    createdAt: budget.createdAt,
    updatedAt: budget.updatedAt,
  };
}

export function budgetFromDocument(doc: unknown): BudgetRecord {
  const d = parseDocument(BudgetDocument, COLLECTIONS.budgets, doc);
  return {
    id: d._id,
    tenantId: d.tenantId,
    name: d.name,
    playerId: d.playerId,
    period: d.period,
    limitMicros: d.limitMicros,
    thresholds: d.thresholds,
    action: d.action,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

const budgets = (db: Db) => db.collection<BudgetDocument>(COLLECTIONS.budgets);

/**
 * Upsert (a whole-document replacement) filtered by `_id` and tenant. Another
 * tenant's id makes the insert fail on `_id`: not applied. One retry covers a concurrent
 * first insert of the same id.
 */
export async function putBudget(db: Db, budget: BudgetRecord): Promise<{ applied: boolean }> {
  const { _id, ...fields } = budgetToDocument(budget);
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await unlessDuplicate(() =>
      budgets(db).replaceOne({ _id, tenantId: budget.tenantId }, fields, { upsert: true }),
    );
    if (result !== "duplicate") return { applied: true };
  }
  return { applied: false };
}

export async function getBudget(db: Db, tenantId: string, id: string): Promise<BudgetRecord | null> {
  const doc = await budgets(db).findOne({ _id: id, tenantId });
  return doc ? budgetFromDocument(doc) : null;
}

export async function listBudgets(db: Db, tenantId: string, page?: PageRequest): Promise<Page<BudgetRecord>> {
  return readPage(budgets(db), { tenantId }, "_id", normalizePage<string>(page, "string"), budgetFromDocument, (b) => b.id);
}

export async function deleteBudget(db: Db, tenantId: string, id: string): Promise<{ deleted: boolean }> {
  const result = await budgets(db).deleteOne({ _id: id, tenantId });
  return { deleted: result.deletedCount > 0 };
}
