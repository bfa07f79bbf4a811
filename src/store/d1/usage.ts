// Usage segments (metered billing lines): idempotent appends by id, filtered lists and sums.
import { normalizePage } from "../paging";
import type { Page, PageRequest, UsageFilter, UsageGroupBy, UsageKind, UsageSegment, UsageSum } from "../types";
import { insertAll, ms, msIfGiven, selectPage, toDate, Where } from "./sql";

interface UsageRow {
  id: string;
  tenant_id: string;
  vm_id: string;
  player_id: string | null;
  session_id: string | null;
  provider: string;
  region: string;
  instance_type: string;
  kind: string;
  start_at: number;
  end_at: number;
  day: string;
  seconds: number;
  unit_price_micros: number;
  cost_micros: number;
}

interface UsageSumRow {
  key: string | null;
  cost_micros: number;
  seconds: number;
  segments: number;
}

/** The column each grouping reads; "none" groups everything into one row with a null key. */
const GROUP_COLUMN: Record<UsageGroupBy, string | null> = {
  none: null,
  provider: "provider",
  region: "region",
  player: "player_id",
  vm: "vm_id",
  kind: "kind",
  day: "day",
};

const toSegment = (row: UsageRow): UsageSegment => ({
  id: row.id,
  tenantId: row.tenant_id,
  vmId: row.vm_id,
  playerId: row.player_id,
  sessionId: row.session_id,
  provider: row.provider,
  region: row.region,
  instanceType: row.instance_type,
  kind: row.kind as UsageKind,
  startAt: toDate(row.start_at),
  endAt: toDate(row.end_at),
  seconds: row.seconds,
  unitPriceMicros: row.unit_price_micros,
  costMicros: row.cost_micros,
});

/** UTC calendar day of the segment's start, stored so sums by day are a plain GROUP BY. */
const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

function filterWhere(tenantId: string, filter: UsageFilter): Where {
  return new Where()
    .and("tenant_id = ?", tenantId)
    .andIf(filter.vmId, "vm_id = ?")
    .andIf(filter.playerId, "player_id = ?")
    .andIf(msIfGiven(filter.from), "start_at >= ?")
    .andIf(msIfGiven(filter.to), "start_at < ?");
}

export async function appendUsage(db: D1Database, segments: UsageSegment[]): Promise<{ inserted: number }> {
  return insertAll(
    db,
    `INSERT INTO usage_segments (id, tenant_id, vm_id, player_id, session_id, provider, region, instance_type, kind,
                                 start_at, end_at, day, seconds, unit_price_micros, cost_micros)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
    segments.map((s) => [
      s.id,
      s.tenantId,
      s.vmId,
      s.playerId,
      s.sessionId,
      s.provider,
      s.region,
      s.instanceType,
      s.kind,
      ms(s.startAt),
      ms(s.endAt),
      utcDay(s.startAt),
      s.seconds,
      s.unitPriceMicros,
      s.costMicros,
    ]),
  );
}

export async function listUsage(
  db: D1Database,
  tenantId: string,
  filter: UsageFilter = {},
  page?: PageRequest,
): Promise<Page<UsageSegment>> {
  const request = normalizePage<string>(page, "string");
  return selectPage(db, "usage_segments", "id", filterWhere(tenantId, filter), request, toSegment, (s) => s.id);
}

export async function sumUsage(
  db: D1Database,
  tenantId: string,
  groupBy: UsageGroupBy,
  filter: UsageFilter = {},
): Promise<UsageSum[]> {
  // The column name is spliced into SQL, so only a key of the constant map may choose it.
  if (!Object.hasOwn(GROUP_COLUMN, groupBy)) throw new TypeError(`Unknown usage grouping: ${String(groupBy)}`);
  const column = GROUP_COLUMN[groupBy];
  const where = filterWhere(tenantId, filter);
  const grouping = column === null ? "" : ` GROUP BY ${column} ORDER BY ${column}`; // ASC puts NULL first
  const { results } = await db
    .prepare(
      `SELECT ${column ?? "NULL"} AS key, SUM(cost_micros) AS cost_micros, SUM(seconds) AS seconds, COUNT(*) AS segments
       FROM usage_segments${where.sql}${grouping}`,
    )
    .bind(...where.values)
    .all<UsageSumRow>();
  // Without GROUP BY an aggregate always yields one row; no matching segment means no group.
  return results
    .filter((row) => row.segments > 0)
    .map((row) => ({ key: row.key, costMicros: row.cost_micros, seconds: row.seconds, segments: row.segments }));
}
