// The Cron Trigger handler: runs the jobs the cron expression maps to (src/jobs/table.ts), each
// in its own JobActor so runs of a job never overlap and continue from where the last stopped.
import type { JobActor, RunAnswer } from "./actors/jobs/job-actor";
import { loadConfig } from "./env";
import { type JobName, jobsFor } from "./jobs/table";
import { createLogger } from "./logger";

export function jobActor(env: Env, job: JobName): { run(job: JobName, now?: number): Promise<RunAnswer> } {
  const namespace = env.JOB_ACTOR as DurableObjectNamespace<JobActor>;
  return namespace.get(namespace.idFromName(job)) as unknown as { run(job: JobName, now?: number): Promise<RunAnswer> };
}

export async function scheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const jobs = jobsFor(controller.cron);
  if (jobs.length === 0) {
    const config = loadConfig(env);
    createLogger(config.ok ? config.config.LOG_LEVEL : "warn").warn("no job for this cron expression", { cron: controller.cron });
    return;
  }
  const runs = jobs.map((job) => jobActor(env, job).run(job, controller.scheduledTime));
  ctx.waitUntil(Promise.allSettled(runs));
  await Promise.all(runs);
}
