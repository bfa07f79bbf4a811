// Runs a job over tenants: one named tenant (on demand), or a bounded slice of all active tenants
// from a saved cursor (scheduled). Tenants are handled a few at a time; one tenant's failure is
// reported and retried next run, never stops the others.
import type { Job, JobContext, JobCounters, JobReport } from "./types";

/** Tenants handled concurrently. */
const CONCURRENCY = 8;
/** A run stops taking new pages after this long (well inside an invocation's limits). */
export const RUN_TIME_BUDGET_MS = 20_000;
const PAGE = 50;

/** A report with nothing done yet. */
export function newReport(job: Job["name"], now: number, complete: boolean): JobReport {
  return { job, startedAt: new Date(now).toISOString(), durationMs: 0, tenants: 0, complete, counters: {}, errors: [] };
}

export async function runForTenants(job: Job, ctx: JobContext, tenantIds: string[]): Promise<JobReport> {
  const started = Date.now();
  const report = newReport(job.name, ctx.now, true);
  await visit(job, ctx, tenantIds, report);
  report.durationMs = Date.now() - started;
  return report;
}

/** One scheduled run: continues after `cursor` (null: from the first tenant); returns the next cursor. */
export async function runSlice(
  job: Job,
  ctx: JobContext,
  cursor: string | null,
): Promise<{ report: JobReport; cursor: string | null }> {
  const started = Date.now();
  const report = newReport(job.name, ctx.now, false);
  let next = cursor;
  while (report.tenants < job.tenantsPerRun && Date.now() - started < RUN_TIME_BUDGET_MS) {
    const page = await ctx.store.listTenants({ cursor: next, limit: Math.min(PAGE, job.tenantsPerRun - report.tenants) });
    const active = page.items.filter((t) => t.status === "active").map((t) => t.id);
    await visit(job, ctx, active, report);
    report.tenants += page.items.length - active.length; // suspended tenants count as visited
    next = page.nextCursor;
    if (!next) {
      report.complete = true;
      break;
    }
  }
  report.durationMs = Date.now() - started;
  return { report, cursor: next };
}

async function visit(job: Job, ctx: JobContext, tenantIds: string[], report: JobReport): Promise<void> {
  let index = 0;
  const worker = async () => {
    while (index < tenantIds.length) {
      const tenantId = tenantIds[index++] as string;
      try {
        add(report.counters, await job.runTenant(ctx, tenantId));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        report.errors.push({ tenantId, message: message.slice(0, 300) });
        ctx.log.warn("scheduled job failed for a tenant", { job: job.name, tenantId, error: message });
      }
      report.tenants++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, tenantIds.length) }, worker));
}

function add(into: JobCounters, from: JobCounters): void {
  for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
}
