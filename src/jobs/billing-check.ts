// Billing check: for each tenant with budgets, its budget actor recomputes the period spend from
// the ledger (the Store), corrects what usage reports missed, closes finished periods and acts on
// exceeded budgets. Tenants without budgets need nothing (reports read the ledger directly).
import { budgetActors } from "../actors/budget/client";
import type { Job, JobCounters } from "./types";

export const billingCheck: Job = {
  name: "billing-check",
  tenantsPerRun: 500,
  async runTenant(ctx, tenantId): Promise<JobCounters> {
    const budgets = await ctx.store.listBudgets(tenantId, { limit: 1 });
    if (budgets.items.length === 0) return { withoutBudgets: 1 };
    const report = await budgetActors(ctx.env.BUDGET_ACTOR)(tenantId).reconcile(tenantId, ctx.now);
    return {
      checked: 1,
      budgets: report.budgets,
      corrected: report.corrected,
      periodsClosed: report.closed.length,
      actionsQueued: report.actionsQueued,
    };
  },
};
