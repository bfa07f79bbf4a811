// The scheduled jobs and when they run. ONE table: the scheduled handler dispatches on it, and a
// test asserts its crons equal wrangler.toml's [triggers] crons (so neither drifts).
export const JOB_NAMES = ["billing-check", "idle-sweep", "reconcile"] as const;
export type JobName = (typeof JOB_NAMES)[number];

export const CRON_JOBS: Readonly<Record<string, readonly JobName[]>> = {
  // Spend from the ledger, budgets evaluated and acted on, periods closed at rollover.
  "*/5 * * * *": ["billing-check"],
  // Safety net behind each VM actor's own idle/lifetime alarm.
  "*/10 * * * *": ["idle-sweep"],
  // Provider listings against the records: orphans terminated, vanished instances marked.
  "*/15 * * * *": ["reconcile"],
};

/** The jobs a cron expression runs (none for an unknown one). */
export function jobsFor(cron: string): readonly JobName[] {
  return Object.hasOwn(CRON_JOBS, cron) ? (CRON_JOBS[cron] ?? []) : [];
}
