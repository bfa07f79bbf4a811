// What crosses the budget actor's RPC boundary (plain data: classes do not survive it).
import type { Admission } from "../../domain/budgets";
import type { BudgetAction, BudgetPeriod } from "../../store/types";

/** A VM's cumulative spend per period (see cumulativeByPeriod), sent after each usage flush. */
export interface UsageReport {
  vmId: string;
  playerId: string | null;
  /** Period key (`D:…`, `M:…`) → the VM's whole spend in that period so far, micro-dollars. */
  totals: Record<string, number>;
  /** The VM is being billed for compute now (a budget at its limit with `stop`/`terminate` acts on it). */
  computeOpen: boolean;
}

/** A budget as it stands in its current period. */
export interface BudgetState {
  budgetId: string;
  period: BudgetPeriod;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  limitMicros: number;
  spentMicros: number;
  /** Admission holds for launches whose usage has not been metered yet. */
  heldMicros: number;
  remainingMicros: number;
  /** Spent as a percentage of the limit, one decimal. */
  percent: number;
  /** Thresholds already announced this period. */
  thresholdsReached: number[];
  exceeded: boolean;
  action: BudgetAction;
  /** When the action was taken this period (null: not taken). */
  actedAt: string | null;
}

export interface ReconcileReport {
  budgets: number;
  /** VM-period totals the ledger had higher than the actor (missed reports), now corrected. */
  corrected: number;
  /** Periods closed out at rollover (`budgetId@periodKey`). */
  closed: string[];
  /** VMs queued for a budget's stop/terminate action by this check. */
  actionsQueued: number;
}

export type { Admission };
