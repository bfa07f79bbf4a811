// How the Worker, the VM actors and the scheduled jobs reach budget actors: one per tenant.
import type { Admission } from "../../domain/budgets";
import type { BudgetActor } from "./budget-actor";
import type { BudgetState, ReconcileReport, UsageReport } from "./types";

/** The actor's RPC surface, as callers use it. */
export interface BudgetActorClient {
  recordUsage(tenantId: string, report: UsageReport): Promise<void>;
  reconcile(tenantId: string, now?: number): Promise<ReconcileReport>;
  admit(tenantId: string, playerId: string | null, projectedMicros: number, now?: number): Promise<Admission>;
  states(tenantId: string, now?: number): Promise<BudgetState[]>;
  budgetsChanged(tenantId: string): Promise<void>;
}

export type BudgetActors = (tenantId: string) => BudgetActorClient;

export function budgetActors(namespace: DurableObjectNamespace<BudgetActor>): BudgetActors {
  // The stub's generated RPC types map results recursively; the interface above is the contract.
  return (tenantId) => namespace.get(namespace.idFromName(tenantId)) as unknown as BudgetActorClient;
}
