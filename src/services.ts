// Per-request infrastructure. Built by one middleware and put on the context, so handlers never
// construct I/O objects and never read `c.env`. Nothing here may be cached at module scope:
// workerd cancels a request that touches another request's socket.
import { type BudgetActors, budgetActors } from "./actors/budget/client";
import { type PlayerActors, playerActors } from "./actors/player/client";
import { type VmActors, vmActors } from "./actors/vm/client";
import { type WebhookActors, webhookActors } from "./actors/webhooks/client";
import type { AuthDeps } from "./auth/authenticate";
import type { RateLimiters } from "./auth/rate-limit";
import type { Config } from "./env";
import type { HealthCheck } from "./health/checks";
import { JOBS } from "./jobs";
import { newReport, runForTenants } from "./jobs/runner";
import type { JobName } from "./jobs/table";
import type { JobReport } from "./jobs/types";
import type { Logger } from "./logger";
import { jobActor } from "./scheduled";
import { createStore, storeHealthCheck } from "./store/create-store";
import type { Store } from "./store/types";

export interface Services {
  store: Store;
  /** Dependency checks reported by GET /health. */
  healthChecks: HealthCheck[];
  /** What authentication needs (store, secrets, background work). */
  auth: AuthDeps;
  rateLimiters: RateLimiters;
  /** The VM actor for a VM id. */
  vmActors: VmActors;
  /** The player actor for a (tenant, player). */
  playerActors: PlayerActors;
  /** The tenant's budget actor (spend per period, thresholds, actions, admission). */
  budgets: BudgetActors;
  /** The tenant's webhook actor (endpoints, deliveries); emit through src/webhooks/emit.ts. */
  webhooks: WebhookActors;
  /**
   * Runs a scheduled job now: completely for one tenant, or (tenantId null) one bounded run
   * across all tenants in the job's actor, exactly as the Cron Trigger does.
   */
  runJob(job: JobName, tenantId: string | null): Promise<JobReport & { skipped?: string }>;
  /** Runs work after the response without delaying it. */
  waitUntil(promise: Promise<unknown>): void;
}

export interface ServiceContext {
  env: Env;
  config: Config;
  log: Logger;
  waitUntil(promise: Promise<unknown>): void;
}

export type ServicesFactory = (ctx: ServiceContext) => Services;

export const buildServices: ServicesFactory = ({ env, config, log, waitUntil }) => {
  const store = createStore(env, config);
  const secrets = env as unknown as Record<string, unknown>;
  return {
    store,
    healthChecks: [storeHealthCheck(store)],
    auth: {
      store,
      config,
      log,
      waitUntil,
      fetch: (input, init) => fetch(input, init),
      secret: (name) => {
        const value = secrets[name];
        return typeof value === "string" && value.length > 0 ? value : undefined;
      },
    },
    rateLimiters: { perCredential: env.KEY_RATE_LIMITER, perPlayer: env.PLAYER_RATE_LIMITER },
    vmActors: vmActors(env.VM_ACTOR),
    playerActors: playerActors(env.PLAYER_ACTOR),
    budgets: budgetActors(env.BUDGET_ACTOR),
    webhooks: webhookActors(env.WEBHOOK_ACTOR),
    runJob: async (job, tenantId) => {
      if (tenantId !== null) return runForTenants(JOBS[job], { env, config, store, log, now: Date.now() }, [tenantId]);
      const answer = await jobActor(env, job).run(job);
      if (answer.ran) return answer.report;
      return { ...newReport(job, Date.now(), false), skipped: answer.reason };
    },
    waitUntil,
  };
};
