// JobActor: one Durable Object per scheduled job, so a job's runs never overlap and each run
// continues where the previous one stopped (the tenant cursor is kept here). A run is bounded
// (src/jobs/runner.ts): a job over many tenants takes several runs, and says so in its report.
import { DurableObject } from "cloudflare:workers";
import { loadConfig } from "../../env";
import { JOBS } from "../../jobs";
import { runSlice } from "../../jobs/runner";
import type { JobName } from "../../jobs/table";
import type { JobReport } from "../../jobs/types";
import { createLogger } from "../../logger";
import { createStore } from "../../store/create-store";

interface JobMemory {
  cursor: string | null;
  last: JobReport | null;
  /** Runs since the cursor last started over (how many runs a full pass took). */
  runsThisPass: number;
  lastPassRuns: number | null;
}

export type RunAnswer = { ran: true; report: JobReport; runsThisPass: number } | { ran: false; reason: string };

export class JobActor extends DurableObject<Env> {
  #running = false;

  /** One bounded run of `job` (refused while another run of it is in progress). */
  async run(job: JobName, now: number = Date.now()): Promise<RunAnswer> {
    if (this.#running) return { ran: false, reason: "a run of this job is in progress" };
    this.#running = true;
    try {
      const config = loadConfig(this.env);
      if (!config.ok) throw new Error(`invalid settings: ${config.problems.map((p) => p.setting).join(", ")}`);
      const log = createLogger(config.config.LOG_LEVEL, { job });
      const memory = (await this.ctx.storage.get<JobMemory>("memory")) ?? {
        cursor: null,
        last: null,
        runsThisPass: 0,
        lastPassRuns: null,
      };
      const ctx = { env: this.env, config: config.config, store: createStore(this.env, config.config), log, now };
      const { report, cursor } = await runSlice(JOBS[job], ctx, memory.cursor);
      memory.runsThisPass++;
      const runsThisPass = memory.runsThisPass;
      if (report.complete) {
        memory.lastPassRuns = memory.runsThisPass;
        memory.runsThisPass = 0;
      }
      memory.cursor = report.complete ? null : cursor;
      memory.last = report;
      await this.ctx.storage.put("memory", memory);
      log.info("scheduled job run", { ...report, errors: report.errors.length, runsThisPass });
      return { ran: true, report, runsThisPass };
    } finally {
      this.#running = false;
    }
  }

  async last(): Promise<JobMemory | null> {
    return (await this.ctx.storage.get<JobMemory>("memory")) ?? null;
  }
}
