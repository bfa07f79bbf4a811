// Usage segments: `_id` = segment id (deterministic, so a retried write never counts twice).
// Each document also stores `day` (UTC YYYY-MM-DD of startAt), derived at write time so that
// grouping by day is a plain $group on a field (no date operators needed at query time).
import { z } from "@hono/zod-openapi";
import type { AnyBulkWriteOperation, Db, Document } from "mongodb";
import { normalizePage } from "../paging";
import type { Page, PageRequest, UsageFilter, UsageGroupBy, UsageSegment, UsageSum } from "../types";
import { appendOnce } from "./append";
import { COLLECTIONS, Integer, NullableString, parseDocument, readPage, timeRange } from "./documents";

export const UsageDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  vmId: z.string(),
  playerId: NullableString,
  sessionId: NullableString,
  provider: z.string(),
  region: z.string(),
  instanceType: z.string(),
  kind: z.enum(["compute", "storage"]),
  startAt: z.date(),
  endAt: z.date(),
  /** UTC calendar day of startAt, YYYY-MM-DD (for sumUsage by day). */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  seconds: z.number(),
  unitPriceMicros: Integer,
  costMicros: Integer,
});
export type UsageDocument = z.output<typeof UsageDocument>;

/** The UTC day of a date as YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function usageToDocument(segment: UsageSegment): UsageDocument {
  return {
    _id: segment.id,
    tenantId: segment.tenantId,
    vmId: segment.vmId,
    playerId: segment.playerId,
    sessionId: segment.sessionId,
    provider: segment.provider,
    region: segment.region,
    instanceType: segment.instanceType,
    kind: segment.kind,
    startAt: segment.startAt,
    endAt: segment.endAt,
    day: utcDay(segment.startAt),
    seconds: segment.seconds,
    unitPriceMicros: segment.unitPriceMicros,
    costMicros: segment.costMicros,
  };
}

export function usageFromDocument(doc: unknown): UsageSegment {
  const d = parseDocument(UsageDocument, COLLECTIONS.usageSegments, doc);
  return {
    id: d._id,
    tenantId: d.tenantId,
    vmId: d.vmId,
    playerId: d.playerId,
    sessionId: d.sessionId,
    provider: d.provider,
    region: d.region,
    instanceType: d.instanceType,
    kind: d.kind,
    startAt: d.startAt,
    endAt: d.endAt,
    seconds: d.seconds,
    unitPriceMicros: d.unitPriceMicros,
    costMicros: d.costMicros,
  };
}

const usage = (db: Db) => db.collection<UsageDocument>(COLLECTIONS.usageSegments);

export async function appendUsage(db: Db, segments: UsageSegment[]): Promise<{ inserted: number }> {
  const operations: AnyBulkWriteOperation<UsageDocument>[] = segments.map((segment) => {
    const { _id, ...fields } = usageToDocument(segment);
    return { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } };
  });
  return appendOnce(usage(db), operations);
}

function usageQuery(tenantId: string, filter: UsageFilter | undefined): Document {
  const query: Document = { tenantId };
  if (filter?.vmId !== undefined) query.vmId = filter.vmId;
  if (filter?.playerId !== undefined) query.playerId = filter.playerId;
  const startAt = timeRange(filter);
  if (startAt) query.startAt = startAt;
  return query;
}

export async function listUsage(db: Db, tenantId: string, filter?: UsageFilter, page?: PageRequest): Promise<Page<UsageSegment>> {
  return readPage(
    usage(db),
    usageQuery(tenantId, filter),
    "_id",
    normalizePage<string>(page, "string"),
    usageFromDocument,
    (s) => s.id,
  );
}

/** The document field each grouping uses (`none` groups everything under null). */
const GROUP_FIELDS: Record<UsageGroupBy, string | null> = {
  none: null,
  provider: "$provider",
  region: "$region",
  player: "$playerId",
  vm: "$vmId",
  kind: "$kind",
  day: "$day",
};

const UsageSumRow = z.object({
  _id: z.string().nullable(),
  costMicros: z.number(),
  seconds: z.number(),
  segments: Integer,
});

/** One row per group ($group on a field), ordered by key with null first ($sort on _id). */
export async function sumUsage(db: Db, tenantId: string, groupBy: UsageGroupBy, filter?: UsageFilter): Promise<UsageSum[]> {
  const rows = await usage(db)
    .aggregate([
      { $match: usageQuery(tenantId, filter) },
      {
        $group: {
          _id: GROUP_FIELDS[groupBy],
          costMicros: { $sum: "$costMicros" },
          seconds: { $sum: "$seconds" },
          segments: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ])
    .toArray();
  return rows.map((row) => {
    const r = parseDocument(UsageSumRow, COLLECTIONS.usageSegments, row);
    return { key: r._id, costMicros: r.costMicros, seconds: r.seconds, segments: r.segments };
  });
}
