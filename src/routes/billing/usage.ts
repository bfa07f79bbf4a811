// GET /billing/usage (the metered ledger summed by day, provider, region, player, VM or kind, as
// JSON or CSV) and GET /billing/vms/{id} (one VM's cost, line by line). Players see only their
// own usage. Money is integer micro-dollars.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { tenantPrincipal } from "../../http/middleware/auth";
import { PageQuerySchema, pageOf } from "../../http/pagination";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { validationError } from "../../http/validation";
import type { UsageFilter, UsageSegment, UsageSum } from "../../store/types";
import { PlayerIdSchema } from "../config/schema";
import { VmIdParamSchema } from "../vms/schema";

const Timestamp = z.iso.datetime({ offset: true }).max(64);

const RangeQuery = z.object({
  from: Timestamp.optional().openapi({
    description: "Start of the range (segments starting at or after it)",
    example: "2026-11-01T00:00:00Z",
  }),
  to: Timestamp.optional().openapi({
    description: "End of the range (segments starting before it)",
    example: "2026-12-01T00:00:00Z",
  }),
});

const UsageRowSchema = z
  .object({
    key: z.string().nullable().openapi({
      description: "The group (a day, provider, region, player, VM or kind); null for `none`",
      example: "2026-11-27",
    }),
    costMicros: z.number().int().openapi({ example: 12_345_678 }),
    seconds: z.number().int().openapi({ description: "Billed seconds", example: 36_000 }),
    segments: z.number().int(),
  })
  .openapi("UsageRow");

const SegmentSchema = z
  .object({
    id: z.string().openapi({ example: "vm_01jdz8k3m5q7r9t1v3x5z7b9d1:3" }),
    vmId: z.string(),
    kind: z.enum(["compute", "storage"]),
    provider: z.string(),
    region: z.string(),
    instanceType: z.string(),
    playerId: z.string().nullable(),
    startAt: z.string(),
    endAt: z.string(),
    seconds: z.number().int(),
    unitPriceMicros: z
      .number()
      .int()
      .openapi({ description: "Per hour (compute) or per GB-month (storage), as in force when the run started" }),
    costMicros: z.number().int(),
  })
  .openapi("UsageSegment");

const usageRoute = createRoute({
  method: "get",
  path: "/billing/usage",
  operationId: "getUsage",
  tags: ["billing"],
  summary: "Usage and cost",
  description:
    "The metered ledger summed over a range, grouped by `day` (UTC), `provider`, `region`, `player`, `vm` or `kind` " +
    "(compute, storage), or not at all (`none`). `format=csv` answers text/csv. Players see only their own usage. " +
    "Scopes `operator`, `player`.",
  ...guarded({ scopes: ["operator", "player"] }),
  request: {
    query: RangeQuery.extend({
      groupBy: z.enum(["none", "day", "provider", "region", "player", "vm", "kind"]).default("day"),
      player: PlayerIdSchema.optional().openapi({ description: "Operators: only this player's usage" }),
      format: z.enum(["json", "csv"]).default("json"),
    }),
  },
  responses: {
    200: {
      description: "Totals per group",
      content: {
        "application/json": { schema: z.object({ groupBy: z.string(), items: z.array(UsageRowSchema) }).openapi("UsageReport") },
        "text/csv": { schema: z.string().openapi({ example: "key,costMicros,seconds,segments\n2026-11-27,1006000,3600,2\n" }) },
      },
    },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

const vmCostRoute = createRoute({
  method: "get",
  path: "/billing/vms/{id}",
  operationId: "getVmCost",
  tags: ["billing"],
  summary: "A VM's cost, line by line",
  description:
    "Every usage segment of the VM (compute while it ran, 60-second minimum per start; disk while it was stopped) with " +
    "its price and cost, and the total. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: { params: VmIdParamSchema, query: PageQuerySchema },
  responses: {
    200: {
      description: "The VM's cost lines",
      content: {
        "application/json": {
          schema: pageOf(SegmentSchema, "VmCostPage").extend({ totalCostMicros: z.number().int() }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

/** Players are held to their own usage; operators may narrow to one player. */
function scopedFilter(c: Context<AppEnv>, range: { from?: string; to?: string }, player: string | undefined): UsageFilter {
  const principal = tenantPrincipal(c);
  const own = principal.kind === "player-jwt" || principal.scopes.includes("player") ? principal.playerId : null;
  const from = range.from ? new Date(range.from) : undefined;
  const to = range.to ? new Date(range.to) : undefined;
  if (from && to && from >= to)
    throw validationError("query", [{ code: "custom", path: ["to"], message: "must be after from", input: range.to }]);
  return { from, to, playerId: own ?? player };
}

const csv = (rows: UsageSum[]) =>
  `${[
    "key,costMicros,seconds,segments",
    ...rows.map((r) => `${r.key === null ? "" : JSON.stringify(r.key)},${r.costMicros},${r.seconds},${r.segments}`),
  ].join("\n")}\n`;

const segmentBody = (s: UsageSegment) => ({
  id: s.id,
  vmId: s.vmId,
  kind: s.kind,
  provider: s.provider,
  region: s.region,
  instanceType: s.instanceType,
  playerId: s.playerId,
  startAt: s.startAt.toISOString(),
  endAt: s.endAt.toISOString(),
  seconds: s.seconds,
  unitPriceMicros: s.unitPriceMicros,
  costMicros: s.costMicros,
});

export function registerUsage(router: OpenAPIHono<AppEnv>): void {
  router.openapi(usageRoute, async (c) => {
    const { groupBy, format, player, from, to } = c.req.valid("query");
    const { tenantId } = tenantPrincipal(c);
    const rows = await c.get("services").store.sumUsage(tenantId, groupBy, scopedFilter(c, { from, to }, player));
    if (format === "csv") return c.body(csv(rows), 200, { "Content-Type": "text/csv; charset=utf-8" });
    return c.json({ groupBy, items: rows }, 200);
  });
  router.openapi(vmCostRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const vmId = c.req.valid("param").id;
    const { store } = c.get("services");
    const page = await store.listUsage(tenantId, { vmId }, c.req.valid("query"));
    const [total] = await store.sumUsage(tenantId, "none", { vmId });
    return c.json(
      { items: page.items.map(segmentBody), nextCursor: page.nextCursor, totalCostMicros: total?.costMicros ?? 0 },
      200,
    );
  });
}
