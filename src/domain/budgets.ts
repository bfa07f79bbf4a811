// Budgets, pure: which period a time falls in, how much of a budget is spent, which thresholds a
// spend crosses, and whether a launch fits in what remains. No I/O, no clock: the tenant's
// BudgetActor (src/actors/budget/) keeps the spend and calls these.
//
// Periods are UTC calendar days (`D:2026-11-27`) and months (`M:2026-11`). A usage segment counts
// in the period its start falls in; the VM actor cuts open runs at every UTC midnight, so a
// segment never straddles a day (or month) boundary by more than an alarm's delay.
import type { BudgetPeriod, BudgetRecord, UsageSegment } from "../store/types";

export interface PeriodWindow {
  /** `D:YYYY-MM-DD` or `M:YYYY-MM`. */
  key: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** The period of kind `period` containing `at`. */
export function periodWindow(period: BudgetPeriod, at: Date | number): PeriodWindow {
  const t = new Date(at);
  const y = t.getUTCFullYear();
  const m = t.getUTCMonth();
  if (period === "daily") {
    const start = new Date(Date.UTC(y, m, t.getUTCDate()));
    return { key: `D:${start.toISOString().slice(0, 10)}`, start, end: new Date(start.getTime() + 86_400_000) };
  }
  const start = new Date(Date.UTC(y, m, 1));
  return { key: `M:${start.toISOString().slice(0, 7)}`, start, end: new Date(Date.UTC(y, m + 1, 1)) };
}

/** The period just before the one containing `at`. */
export function previousWindow(period: BudgetPeriod, at: Date | number): PeriodWindow {
  return periodWindow(period, periodWindow(period, at).start.getTime() - 1);
}

/** Both period keys (daily and monthly) a segment counts in. */
export function periodKeysOf(startAt: Date): [string, string] {
  return [periodWindow("daily", startAt).key, periodWindow("monthly", startAt).key];
}

/**
 * A VM's cumulative spend per period, over all its segments, for the periods the segments from
 * index `fromIndex` on touch. Cumulative totals (not deltas) make a report idempotent and
 * order-free: the receiver keeps the larger of what it had and what it is told.
 */
export function cumulativeByPeriod(segments: UsageSegment[], fromIndex = 0): Record<string, number> {
  const touched = new Set<string>();
  for (const segment of segments.slice(fromIndex)) for (const key of periodKeysOf(segment.startAt)) touched.add(key);
  const totals: Record<string, number> = {};
  for (const key of touched) totals[key] = 0;
  for (const segment of segments) {
    for (const key of periodKeysOf(segment.startAt)) {
      const total = totals[key];
      if (total !== undefined) totals[key] = total + segment.costMicros;
    }
  }
  return totals;
}

/** Thresholds (percent of the limit) that `spentMicros` has reached, ascending. */
export function reachedThresholds(budget: Pick<BudgetRecord, "limitMicros" | "thresholds">, spentMicros: number): number[] {
  // Integer comparison (spent × 100 ≥ pct × limit) so 80 % of an odd limit is exact.
  return budget.thresholds.filter((pct) => spentMicros * 100 >= pct * budget.limitMicros).sort((a, b) => a - b);
}

export function isExceeded(budget: Pick<BudgetRecord, "limitMicros">, spentMicros: number): boolean {
  return spentMicros >= budget.limitMicros;
}

/** Whether a budget covers a VM or launch of `playerId` (tenant budgets cover every player). */
export function inScope(budget: Pick<BudgetRecord, "playerId">, playerId: string | null): boolean {
  return budget.playerId === null || budget.playerId === playerId;
}

export interface BudgetSpend {
  budget: BudgetRecord;
  spentMicros: number;
  /** Admission holds not yet matched by metered usage. */
  heldMicros: number;
}

export type Admission =
  | { ok: true }
  | { ok: false; budgetId: string; budgetName: string; remainingMicros: number; projectedMicros: number; limitMicros: number };

/**
 * Admission control: a launch costing `projectedMicros` is refused when any budget in the
 * player's scope has less than that remaining (limit − spent − held). The first such budget, in
 * the order given, is named.
 */
export function admit(spends: BudgetSpend[], playerId: string | null, projectedMicros: number): Admission {
  for (const { budget, spentMicros, heldMicros } of spends) {
    if (!inScope(budget, playerId)) continue;
    const remaining = budget.limitMicros - spentMicros - heldMicros;
    if (projectedMicros > remaining) {
      return {
        ok: false,
        budgetId: budget.id,
        budgetName: budget.name,
        remainingMicros: Math.max(0, remaining),
        projectedMicros,
        limitMicros: budget.limitMicros,
      };
    }
  }
  return { ok: true };
}

/**
 * Spend to the end of a period at a constant burn rate (micro-dollars per hour): what is spent
 * now plus the rate times the hours left. Rounded half up to a whole micro-dollar.
 */
export function forecastMicros(spentMicros: number, burnMicrosPerHour: number, now: number, periodEnd: Date): number {
  const hoursLeft = Math.max(0, periodEnd.getTime() - now) / 3_600_000;
  return spentMicros + Math.round(burnMicrosPerHour * hoursLeft);
}
