// Admission control at the edge: a launch (or a VM create) whose projected cost — the hourly price
// times the policy's minimum session length — exceeds what remains of a budget in scope is refused
// with 402 BUDGET_EXCEEDED, naming the budget and what remains. The tenant's BudgetActor decides
// (and holds the projected cost until real usage is metered, so concurrent launches cannot all
// squeeze into the same remainder). Tenants without budgets never pay the actor round trip:
// whether a tenant has any is cached per isolate for BUDGETS_PRESENT_TTL_MS (a budget created
// through another isolate applies to launches here within that time; in this isolate at once).
import type { BudgetActors } from "../actors/budget/client";
import { projectedCostMicros } from "../domain/metering";
import { ApiError } from "../http/errors";
import type { Store } from "../store/types";

export const BUDGETS_PRESENT_TTL_MS = 15_000;
const MAX_CACHED = 1_000;
const present = new Map<string, { has: boolean; at: number }>();

/** Forget what this isolate knows about the tenant's budgets (after a budget change here). */
export function budgetsChangedHere(tenantId: string): void {
  present.delete(tenantId);
}

async function hasBudgets(store: Store, tenantId: string, now: number): Promise<boolean> {
  const cached = present.get(tenantId);
  if (cached && now - cached.at < BUDGETS_PRESENT_TTL_MS) return cached.has;
  const has = (await store.listBudgets(tenantId, { limit: 1 })).items.length > 0;
  if (present.size >= MAX_CACHED && !present.has(tenantId)) {
    const oldest = present.keys().next().value;
    if (oldest !== undefined) present.delete(oldest);
  }
  present.set(tenantId, { has, at: now });
  return has;
}

export interface AdmissionInput {
  store: Store;
  budgets: BudgetActors;
  tenantId: string;
  playerId: string | null;
  hourlyPriceMicros: number;
  minSessionMinutes: number;
}

/** Throws BUDGET_EXCEEDED when the launch does not fit; otherwise its projected cost is held. */
export async function admitLaunch(input: AdmissionInput): Promise<void> {
  const { store, budgets, tenantId, playerId } = input;
  if (!(await hasBudgets(store, tenantId, Date.now()))) return;
  const projected = projectedCostMicros(input.hourlyPriceMicros, input.minSessionMinutes);
  const answer = await budgets(tenantId).admit(tenantId, playerId, projected);
  if (answer.ok) return;
  throw new ApiError(
    "BUDGET_EXCEEDED",
    `Budget "${answer.budgetName}" (${answer.budgetId}) has ${dollars(answer.remainingMicros)} ` +
      `(${answer.remainingMicros} µ$) left of ${dollars(answer.limitMicros)} this period; this launch is projected to ` +
      `cost ${dollars(answer.projectedMicros)} (${answer.projectedMicros} µ$: ${input.minSessionMinutes} min at ` +
      `${dollars(input.hourlyPriceMicros)}/h).`,
  );
}

/** Dollars for people: cents, or micro-dollar precision below a cent. */
const dollars = (micros: number) => `$${(micros / 1_000_000).toFixed(micros > 0 && micros < 10_000 ? 6 : 2)}`;
