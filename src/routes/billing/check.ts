// POST /billing/check: runs the scheduled jobs on demand. A tenant admin runs them for its own
// tenant, completely; the root credential runs one bounded scheduled run of each across all
// tenants (exactly what the Cron Trigger does), continuing from where the last run stopped.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { JOB_NAMES } from "../../jobs/table";
import type { JobReport } from "../../jobs/types";

const JobNameSchema = z.enum(JOB_NAMES).openapi({
  description:
    "`billing-check`: budget spend recomputed from the ledger, thresholds and actions, periods closed; `idle-sweep`: " +
    "idle, silent or over-long VMs stopped; `reconcile`: orphan instances terminated, vanished instances marked failed",
  example: "billing-check",
});

const CheckBody = z
  .strictObject({
    jobs: z
      .array(JobNameSchema)
      .min(1)
      .max(JOB_NAMES.length)
      .refine((j) => new Set(j).size === j.length, "must not repeat a job")
      .optional()
      .openapi({ description: "The jobs to run (default: all, in this order)", example: ["billing-check"] }),
  })
  .openapi("BillingCheckInput");

const JobReportSchema = z
  .object({
    job: JobNameSchema,
    startedAt: z.string().openapi({ example: "2026-11-27T10:00:00.000Z" }),
    durationMs: z.number().int().openapi({ example: 42 }),
    tenants: z.number().int().openapi({ description: "Tenants visited", example: 1 }),
    complete: z.boolean().openapi({ description: "False: more tenants remain for the next run", example: true }),
    counters: z
      .record(z.string(), z.number())
      .openapi({ description: "What the job did (e.g. orphansTerminated, stopped)", example: { checked: 1, corrected: 0 } }),
    errors: z.array(z.object({ tenantId: z.string(), message: z.string() })),
    skipped: z.string().optional().openapi({ description: "Why the run did not happen (another run in progress)" }),
  })
  .openapi("JobReport");

const checkRoute = createRoute({
  method: "post",
  path: "/billing/check",
  operationId: "runBillingCheck",
  tags: ["billing"],
  summary: "Run the scheduled jobs now",
  description:
    "Runs the billing check, the idle sweep and provider reconciliation (or the ones named) at once and reports what " +
    "each did. Each job is idempotent. A tenant admin's call covers its own tenant; the root credential's call is one " +
    "bounded run across all tenants, as the Cron Trigger makes. Scope `admin` (or root).",
  ...guarded({ scopes: ["admin"], allowRoot: true }),
  request: { body: { required: false, content: { "application/json": { schema: CheckBody } } } },
  responses: {
    200: {
      description: "One report per job",
      content: { "application/json": { schema: z.object({ reports: z.array(JobReportSchema) }).openapi("BillingCheckResult") } },
    },
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

export function registerCheck(router: OpenAPIHono<AppEnv>): void {
  router.openapi(checkRoute, async (c) => {
    const jobs = c.req.valid("json")?.jobs ?? [...JOB_NAMES];
    const principal = c.get("principal");
    // Root: one bounded run across tenants. A tenant admin: its own tenant, completely.
    const tenantId = principal?.kind === "root" ? null : tenantPrincipal(c).tenantId;
    const reports: (JobReport & { skipped?: string })[] = [];
    for (const job of jobs) {
      const report = await c.get("services").runJob(job, tenantId);
      // A failure for the caller's own tenant is the answer, not a footnote.
      if (tenantId !== null && report.errors.length > 0)
        throw new ApiError("SERVICE_UNAVAILABLE", `${job} failed: ${report.errors[0]?.message}`);
      reports.push(report);
    }
    return c.json({ reports }, 200);
  });
}
