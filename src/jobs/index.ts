// The jobs by name (the scheduled handler, the job actor and POST /billing/check look them up here).
import { billingCheck } from "./billing-check";
import { idleSweep } from "./idle-sweep";
import { reconcile } from "./reconcile";
import type { JobName } from "./table";
import type { Job } from "./types";

export const JOBS: Readonly<Record<JobName, Job>> = {
  "billing-check": billingCheck,
  "idle-sweep": idleSweep,
  reconcile,
};
