// /billing/budgets (operator): budgets that act. Each budget covers the tenant or one player, for
// a UTC month or day, with alert thresholds and an action at the limit. Definitions live in the
// Store; the tenant's BudgetActor keeps the spend and is told of every change, so a lowered limit
// acts at once. Responses carry the budget's state in its current period.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { BudgetState } from "../../actors/budget/types";
import { budgetsChangedHere } from "../../billing/admission";
import { loadCatalog } from "../../catalog/tenant-catalog";
import { idPattern, newId } from "../../domain/ids";
import { ApiError } from "../../http/errors";
import { tenantPrincipal } from "../../http/middleware/auth";
import { PageQuerySchema, pageOf } from "../../http/pagination";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import type { BudgetRecord } from "../../store/types";
import { PlayerIdSchema } from "../config/schema";

/** Budgets per tenant. */
export const MAX_BUDGETS = 100;
/** $10 million: a limit beyond it is a typo, and keeps sums far inside the safe integer range. */
const MAX_LIMIT_MICROS = 10_000_000_000_000;

const Timestamp = z.string().openapi({ description: "RFC 3339 timestamp (UTC)", example: "2026-11-27T10:00:00.000Z" });

const BudgetBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ description: "A name people recognise", example: "Monthly GPU cap" }),
    playerId: PlayerIdSchema.nullable()
      .default(null)
      .openapi({ description: "Only this player's usage; null (default) for the whole tenant", example: null }),
    period: z
      .enum(["monthly", "daily"])
      .default("monthly")
      .openapi({ description: "The UTC calendar month or day the limit applies to", example: "monthly" }),
    limitMicros: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT_MICROS)
      .openapi({ description: "Spend limit per period in micro-dollars (1 USD = 1,000,000)", example: 500_000_000 }),
    thresholds: z
      .array(z.number().int().min(1).max(1000))
      .max(10)
      .default([50, 80, 100])
      .refine((t) => new Set(t).size === t.length, "must not repeat a threshold")
      .transform((t) => [...t].sort((a, b) => a - b))
      .openapi({
        description: "Percentages of the limit at which `budget.threshold` is sent, once each per period",
        example: [50, 80, 100],
      }),
    action: z
      .enum(["notify", "stop", "terminate"])
      .optional()
      .openapi({
        description:
          "At the limit: `notify` (webhook only), `stop` the running VMs in scope (disks kept), or `terminate` them. " +
          "Defaults to the tenant policy's `defaultBudgetAction`.",
        example: "stop",
      }),
  })
  .openapi("BudgetInput");

const BudgetStateSchema = z
  .object({
    periodKey: z.string().openapi({ description: "`M:YYYY-MM` or `D:YYYY-MM-DD`", example: "M:2026-11" }),
    periodStart: Timestamp,
    periodEnd: Timestamp,
    spentMicros: z.number().int().openapi({ description: "Metered spend in scope this period", example: 123_456_789 }),
    heldMicros: z
      .number()
      .int()
      .openapi({ description: "Projected cost of recent launches not metered yet (admission holds)", example: 0 }),
    remainingMicros: z.number().int().openapi({ description: "limit − spent − held, at least 0", example: 376_543_211 }),
    percent: z.number().openapi({ description: "Spent as a percentage of the limit", example: 24.7 }),
    thresholdsReached: z.array(z.number().int()).openapi({ description: "Thresholds announced this period", example: [] }),
    exceeded: z.boolean().openapi({ example: false }),
    actedAt: Timestamp.nullable().openapi({ description: "When the action was taken this period", example: null }),
  })
  .openapi("BudgetState");

export const BudgetSchema = z
  .object({
    id: z.string().openapi({ example: "bud_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
    name: z.string(),
    playerId: z.string().nullable(),
    period: z.enum(["monthly", "daily"]),
    limitMicros: z.number().int(),
    thresholds: z.array(z.number().int()),
    action: z.enum(["notify", "stop", "terminate"]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    state: BudgetStateSchema,
  })
  .openapi("Budget");

const IdParam = z.object({
  id: z
    .string()
    .regex(idPattern("bud"), "must be a budget id (bud_…)")
    .openapi({ param: { name: "id", in: "path" }, description: "Budget id", example: "bud_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
});

const access = guarded({ scopes: ["operator"] });
const json = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });

const listRoute = createRoute({
  operationId: "listBudgets",
  method: "get",
  path: "/billing/budgets",
  tags: ["billing"],
  summary: "List budgets",
  description: "The tenant's budgets, each with its state in the current period. Scope `operator`.",
  ...access,
  request: { query: PageQuerySchema },
  responses: {
    200: { description: "A page of budgets", content: json(pageOf(BudgetSchema, "BudgetPage")) },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

const createBudgetRoute = createRoute({
  operationId: "createBudget",
  method: "post",
  path: "/billing/budgets",
  tags: ["billing"],
  summary: "Create a budget",
  description:
    `A limit per UTC month or day for the tenant or one player (at most ${MAX_BUDGETS} per tenant). Thresholds are ` +
    "announced once per period (`budget.threshold`); at the limit `budget.exceeded` is sent, the action is taken on " +
    "the VMs in scope, and launches that would cost more than what remains are refused with 402. Scope `operator`.",
  ...access,
  request: { body: { required: true, content: json(BudgetBody) } },
  responses: {
    201: { description: "Created", content: json(BudgetSchema) },
    ...errorResponses(400, 401, 403, 409, 413, 415, 429, 503),
  },
});

const getRoute = createRoute({
  operationId: "getBudget",
  method: "get",
  path: "/billing/budgets/{id}",
  tags: ["billing"],
  summary: "Get a budget",
  description: "A budget and its state in the current period. Scope `operator`.",
  ...access,
  request: { params: IdParam },
  responses: {
    200: { description: "The budget", content: json(BudgetSchema) },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

const replaceRoute = createRoute({
  operationId: "replaceBudget",
  method: "put",
  path: "/billing/budgets/{id}",
  tags: ["billing"],
  summary: "Replace a budget",
  description:
    "Replaces the budget's definition. Spend so far in the period is kept; thresholds already announced this period are " +
    "not announced again; a limit lowered below the spend acts at once. Scope `operator`.",
  ...access,
  request: { params: IdParam, body: { required: true, content: json(BudgetBody) } },
  responses: {
    200: { description: "The budget", content: json(BudgetSchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
  },
});

const deleteRoute = createRoute({
  operationId: "deleteBudget",
  method: "delete",
  path: "/billing/budgets/{id}",
  tags: ["billing"],
  summary: "Delete a budget",
  description: "The budget stops counting and acting. VMs it stopped stay stopped. Scope `operator`.",
  ...access,
  request: { params: IdParam },
  responses: {
    204: { description: "Deleted" },
    ...errorResponses(400, 401, 403, 404, 429, 503),
  },
});

function budgetBody(budget: BudgetRecord, state: BudgetState | undefined) {
  return {
    id: budget.id,
    name: budget.name,
    playerId: budget.playerId,
    period: budget.period,
    limitMicros: budget.limitMicros,
    thresholds: budget.thresholds,
    action: budget.action,
    createdAt: budget.createdAt.toISOString(),
    updatedAt: budget.updatedAt.toISOString(),
    state: stateBody(budget, state),
  };
}

/** A budget's state as the API shows it (a budget the actor has not seen yet has spent nothing). */
export function stateBody(budget: BudgetRecord, state: BudgetState | undefined) {
  return {
    periodKey: state?.periodKey ?? "",
    periodStart: state?.periodStart ?? "",
    periodEnd: state?.periodEnd ?? "",
    spentMicros: state?.spentMicros ?? 0,
    heldMicros: state?.heldMicros ?? 0,
    remainingMicros: state?.remainingMicros ?? budget.limitMicros,
    percent: state?.percent ?? 0,
    thresholdsReached: state?.thresholdsReached ?? [],
    exceeded: state?.exceeded ?? false,
    actedAt: state?.actedAt ?? null,
  };
}

/** The states of the tenant's budgets by id (one call to its budget actor). */
async function statesOf(c: Context<AppEnv>, tenantId: string): Promise<Map<string, BudgetState>> {
  const states = await c.get("services").budgets(tenantId).states(tenantId);
  return new Map(states.map((s) => [s.budgetId, s]));
}

async function recordFrom(
  c: Context<AppEnv>,
  tenantId: string,
  id: string,
  input: z.output<typeof BudgetBody>,
  createdAt: Date,
): Promise<BudgetRecord> {
  const action = input.action ?? (await loadCatalog(c.get("services").store, tenantId)).catalog.policy.defaultBudgetAction;
  return { id, tenantId, ...input, action, createdAt, updatedAt: new Date() };
}

/** Tells the tenant's budget actor (a lowered limit acts at once) and this isolate's admission cache. */
async function budgetsChanged(c: Context<AppEnv>, tenantId: string): Promise<void> {
  await c.get("services").budgets(tenantId).budgetsChanged(tenantId);
  budgetsChangedHere(tenantId);
}

export function registerBudgets(router: OpenAPIHono<AppEnv>): void {
  router.openapi(listRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const page = await c.get("services").store.listBudgets(tenantId, c.req.valid("query"));
    const states = page.items.length > 0 ? await statesOf(c, tenantId) : new Map();
    return c.json({ items: page.items.map((b) => budgetBody(b, states.get(b.id))), nextCursor: page.nextCursor }, 200);
  });

  router.openapi(createBudgetRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const { store } = c.get("services");
    const existing = await store.listBudgets(tenantId, { limit: MAX_BUDGETS });
    if (existing.items.length >= MAX_BUDGETS)
      throw new ApiError("CONFLICT", `A tenant has at most ${MAX_BUDGETS} budgets; delete one first.`);
    const budget = await recordFrom(c, tenantId, newId("bud"), c.req.valid("json"), new Date());
    await store.putBudget(budget);
    await budgetsChanged(c, tenantId);
    const states = await statesOf(c, tenantId);
    return c.json(budgetBody(budget, states.get(budget.id)), 201, { Location: `/billing/budgets/${budget.id}` });
  });

  router.openapi(getRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const budget = await c.get("services").store.getBudget(tenantId, c.req.valid("param").id);
    if (!budget) throw new ApiError("NOT_FOUND", "No such budget in this tenant.");
    return c.json(budgetBody(budget, (await statesOf(c, tenantId)).get(budget.id)), 200);
  });

  router.openapi(replaceRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const { store } = c.get("services");
    const current = await store.getBudget(tenantId, c.req.valid("param").id);
    if (!current) throw new ApiError("NOT_FOUND", "No such budget in this tenant.");
    const budget = await recordFrom(c, tenantId, current.id, c.req.valid("json"), current.createdAt);
    await store.putBudget(budget);
    await budgetsChanged(c, tenantId);
    return c.json(budgetBody(budget, (await statesOf(c, tenantId)).get(budget.id)), 200);
  });

  router.openapi(deleteRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const { deleted } = await c.get("services").store.deleteBudget(tenantId, c.req.valid("param").id);
    if (!deleted) throw new ApiError("NOT_FOUND", "No such budget in this tenant.");
    await budgetsChanged(c, tenantId);
    return c.body(null, 204);
  });
}
