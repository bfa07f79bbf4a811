// What a scheduled job is: work done tenant by tenant, so a run can be bounded and continued.
import type { Config } from "../env";
import type { Logger } from "../logger";
import type { Store } from "../store/types";
import type { JobName } from "./table";

export interface JobContext {
  env: Env;
  config: Config;
  store: Store;
  log: Logger;
  now: number;
}

/** What a job did for one tenant: named counters (e.g. `{ stopped: 2 }`). */
export type JobCounters = Record<string, number>;

export interface Job {
  name: JobName;
  /** Tenants one scheduled run handles at most; the next run continues after them. */
  tenantsPerRun: number;
  runTenant(ctx: JobContext, tenantId: string): Promise<JobCounters>;
}

export interface JobReport {
  job: JobName;
  startedAt: string;
  durationMs: number;
  /** Tenants visited by this run. */
  tenants: number;
  /** True when the run reached the last tenant (the next run starts over). */
  complete: boolean;
  /** Sums of the per-tenant counters. */
  counters: JobCounters;
  /** Tenants whose work failed this run (it is retried next run). */
  errors: { tenantId: string; message: string }[];
}
