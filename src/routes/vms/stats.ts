// GET /vms/stats: the fleet by state, provider and region, VMs created and launches in a window,
// and time to playable (p50/p95/p99, nearest rank) per provider and region, warm versus cold.
// Computed from the Store (src/domain/stats.ts): the route pages through the tenant's VM records
// and the window's sessions, up to STATS_MAX_ITEMS of each, and says when it stopped there.
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type LaunchSample, launchSample, launchStats, type VmSample, vmSample, vmStats } from "../../domain/stats";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { validationError } from "../../http/validation";
import { readAll } from "../../store/paging";
import { MAX_PAGE_LIMIT } from "../../store/types";

/** Records read at most per list (VMs, sessions) for one answer. */
export const STATS_MAX_ITEMS = 10_000;
const DEFAULT_WINDOW_MS = 24 * 3_600_000;

const Timestamp = z.iso.datetime({ offset: true }).max(64);

const StatsQuerySchema = z.object({
  from: Timestamp.optional().openapi({
    description: "Start of the window (inclusive). Default: 24 hours before `to`.",
    example: "2026-11-26T10:00:00Z",
  }),
  to: Timestamp.optional().openapi({
    description: "End of the window (exclusive). Default: now.",
    example: "2026-11-27T10:00:00Z",
  }),
});

const Ms = z.number().nullable();

const DistributionSchema = z
  .object({
    count: z.number().int().openapi({ example: 42 }),
    p50: Ms.openapi({ example: 38_200 }),
    p95: Ms.openapi({ example: 61_000 }),
    p99: Ms.openapi({ example: 74_500 }),
    min: Ms.openapi({ example: 21_100 }),
    max: Ms.openapi({ example: 80_300 }),
  })
  .openapi("TimeToPlayableDistribution", {
    description: "Milliseconds, nearest-rank percentiles (always an observed value); null when count is 0",
  });

const TimeToPlayableSchema = z
  .object({
    all: DistributionSchema,
    warm: DistributionSchema,
    cold: DistributionSchema,
    byRegion: z.array(
      z.object({
        provider: z.string().openapi({ example: "simulated" }),
        region: z.string().openapi({ example: "eu-central-1" }),
        all: DistributionSchema,
        warm: DistributionSchema,
        cold: DistributionSchema,
      }),
    ),
  })
  .openapi("TimeToPlayable");

const Counts = z.record(z.string(), z.number().int());

const VmStatsSchema = z
  .object({
    total: z.number().int().openapi({ description: "VMs in the Store now (all states, whatever the window)", example: 12 }),
    byState: Counts.openapi({ example: { running: 7, stopped: 3, terminated: 2 } }),
    byProvider: Counts.openapi({ example: { simulated: 12 } }),
    byRegion: z.array(
      z.object({
        provider: z.string().openapi({ example: "simulated" }),
        region: z.string().openapi({ example: "eu-central-1" }),
        total: z.number().int(),
        byState: Counts,
      }),
    ),
    created: z.number().int().openapi({ description: "VMs created in the window", example: 5 }),
    timeToPlayable: TimeToPlayableSchema.openapi({
      description:
        "Boots that became playable in the window (agent ready), from the create or start command; warm = a start of a " +
        "stopped VM. A VM record keeps only its latest boot.",
    }),
    capped: z.boolean().openapi({
      description: `True when the tenant has more than ${STATS_MAX_ITEMS} VMs: only the oldest ${STATS_MAX_ITEMS} were counted`,
    }),
  })
  .openapi("VmFleetStats");

const LaunchStatsSchema = z
  .object({
    total: z.number().int().openapi({ description: "Launches (sessions) created in the window", example: 9 }),
    byState: Counts.openapi({ example: { playable: 4, ended: 4, failed: 1 } }),
    playable: z.number().int().openapi({ description: "Of those, launches that became playable", example: 8 }),
    warm: z.number().int().openapi({ description: "Launches that started the player's stopped VM", example: 3 }),
    cold: z.number().int().openapi({ description: "Launches that created a VM (or none)", example: 6 }),
    timeToPlayable: TimeToPlayableSchema.openapi({
      description: "Launch accepted → playable, for the window's launches that became playable",
    }),
    capped: z.boolean().openapi({
      description: `True when the window holds more than ${STATS_MAX_ITEMS} launches: only the first ${STATS_MAX_ITEMS} were counted`,
    }),
  })
  .openapi("LaunchStats");

export const VmStatsResponseSchema = z
  .object({
    window: z.object({
      from: z.string().openapi({ example: "2026-11-26T10:00:00.000Z" }),
      to: z.string().openapi({ example: "2026-11-27T10:00:00.000Z" }),
    }),
    percentiles: z.literal("nearest-rank").openapi({
      description: "p-th percentile of n values = the value at rank ceil(p × n / 100), ascending",
    }),
    vms: VmStatsSchema,
    launches: LaunchStatsSchema,
  })
  .openapi("VmStats");

const statsRoute = createRoute({
  method: "get",
  path: "/vms/stats",
  operationId: "getVmStats",
  tags: ["vms"],
  summary: "Fleet and launch statistics",
  description:
    "The tenant's VMs by state, provider and region (now), VMs created and launches in the window, and time to playable " +
    "(p50/p95/p99, nearest rank) per provider and region, warm versus cold, for VM boots and for launches. Computed from " +
    `the Store, which trails the actors by a moment; at most ${STATS_MAX_ITEMS} VMs and ${STATS_MAX_ITEMS} launches are read ` +
    "(`capped` says when). Window: `from`/`to`, default the last 24 hours. Scope `operator`.",
  ...guarded({ scopes: ["operator"] }),
  request: { query: StatsQuerySchema },
  responses: {
    200: { description: "The statistics", content: { "application/json": { schema: VmStatsResponseSchema } } },
    ...errorResponses(400, 401, 403, 429, 503),
  },
});

/** Reads pages until the list ends or `cap` items are in hand. */
export function registerStats(router: OpenAPIHono<AppEnv>): void {
  router.openapi(statsRoute, async (c) => {
    const { tenantId } = tenantPrincipal(c);
    const query = c.req.valid("query");
    const to = query.to ? Date.parse(query.to) : Date.now();
    const from = query.from ? Date.parse(query.from) : to - DEFAULT_WINDOW_MS;
    if (from >= to)
      throw validationError("query", [{ code: "custom", path: ["to"], message: "must be after from", input: query.to }]);
    const { store } = c.get("services");
    const limit = MAX_PAGE_LIMIT;
    const [vms, sessions] = await Promise.all([
      readAll((cursor) => store.listVms(tenantId, {}, { cursor, limit }), STATS_MAX_ITEMS),
      readAll(
        (cursor) => store.listSessions(tenantId, { from: new Date(from), to: new Date(to) }, { cursor, limit }),
        STATS_MAX_ITEMS,
      ),
    ]);
    const window = { from, to };
    const vmSamples: VmSample[] = vms.items.map(vmSample);
    const launchSamples: LaunchSample[] = sessions.items.map(launchSample);
    return c.json(
      {
        window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
        percentiles: "nearest-rank" as const,
        vms: { ...vmStats(vmSamples, window), capped: vms.capped },
        launches: { ...launchStats(launchSamples, window), capped: sessions.capped },
      },
      200,
    );
  });
}
