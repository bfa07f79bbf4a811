// GET /billing/summary (operator): spend in the current UTC month or day from the ledger, a
// forecast to the period's end at the current burn rate, and each budget's state.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { loadCatalog } from "../../catalog/tenant-catalog";
import { forecastMicros, periodWindow } from "../../domain/budgets";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { BudgetSchema, stateBody } from "./budgets";
import { burnRate } from "./burn-rate";

const Timestamp = z.string().openapi({ description: "RFC 3339 timestamp (UTC)", example: "2026-11-01T00:00:00.000Z" });

const SummarySchema = z
  .object({
    period: z.enum(["monthly", "daily"]),
    periodKey: z.string().openapi({ example: "M:2026-11" }),
    periodStart: Timestamp,
    periodEnd: Timestamp,
    asOf: Timestamp,
    spentMicros: z.number().int().openapi({ description: "Metered spend this period (the ledger)", example: 81_250_000 }),
    computeMicros: z.number().int().openapi({ example: 80_000_000 }),
    storageMicros: z.number().int().openapi({ example: 1_250_000 }),
    burnRateMicrosPerHour: z.number().int().openapi({
      description: "What the tenant's VMs cost per hour now (compute of starting/running VMs, disk of stopped ones)",
      example: 1_052_000,
    }),
    vmsBilling: z.number().int().openapi({ description: "VMs counted in the burn rate", example: 2 }),
    forecastMicros: z
      .number()
      .int()
      .openapi({ description: "Spend at the period's end if the burn rate holds", example: 160_000_000 }),
    budgets: z.array(
      BudgetSchema.pick({ id: true, name: true, playerId: true, period: true, limitMicros: true, action: true }).extend({
        state: BudgetSchema.shape.state,
      }),
    ),
  })
  .openapi("BillingSummary");

const summaryRoute = createRoute({
  method: "get",
  path: "/billing/summary",
  operationId: "getBillingSummary",
  tags: ["billing"],
  summary: "Spend, forecast and budgets",
  description:
    "Period-to-date spend from the ledger (segments are cut every 5 minutes while a VM runs, so it trails real time by " +
    "at most that), the burn rate of the VMs now billing, the forecast to the period's end at that rate, and each " +
    "budget's state in its own current period. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: {
    query: z.object({
      period: z
        .enum(["monthly", "daily"])
        .default("monthly")
        .openapi({ description: "The UTC month or day", example: "monthly" }),
    }),
  },
  responses: {
    200: { description: "The summary", content: { "application/json": { schema: SummarySchema } } },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

export function registerSummary(router: OpenAPIHono<AppEnv>): void {
  router.openapi(summaryRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const { period } = c.req.valid("query");
    const { store, budgets } = c.get("services");
    const now = Date.now();
    const window = periodWindow(period, now);
    const range = { from: window.start, to: window.end };
    const [{ catalog }, byKind, budgetList, states] = await Promise.all([
      loadCatalog(store, tenantId),
      store.sumUsage(tenantId, "kind", range),
      store.listBudgets(tenantId, { limit: 200 }),
      budgets(tenantId).states(tenantId, now),
    ]);
    const rate = await burnRate(store, tenantId, catalog);
    const compute = byKind.find((r) => r.key === "compute")?.costMicros ?? 0;
    const storage = byKind.find((r) => r.key === "storage")?.costMicros ?? 0;
    const stateById = new Map(states.map((s) => [s.budgetId, s]));
    return c.json(
      {
        period,
        periodKey: window.key,
        periodStart: window.start.toISOString(),
        periodEnd: window.end.toISOString(),
        asOf: new Date(now).toISOString(),
        spentMicros: compute + storage,
        computeMicros: compute,
        storageMicros: storage,
        burnRateMicrosPerHour: rate.microsPerHour,
        vmsBilling: rate.vmsBilling,
        forecastMicros: forecastMicros(compute + storage, rate.microsPerHour, now, window.end),
        budgets: budgetList.items.map((b) => ({
          id: b.id,
          name: b.name,
          playerId: b.playerId,
          period: b.period,
          limitMicros: b.limitMicros,
          action: b.action,
          state: stateBody(b, stateById.get(b.id)),
        })),
      },
      200,
    );
  });
}
