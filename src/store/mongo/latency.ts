// Latency observations: `_id` = observation id (appended idempotently), summarised per
// (cell, provider, region) for placement.
import { z } from "@hono/zod-openapi";
import type { AnyBulkWriteOperation, Db, Document } from "mongodb";
import type { LatencyObservation, LatencySummary } from "../types";
import { appendOnce } from "./append";
import { COLLECTIONS, Integer, parseDocument } from "./documents";

export const LatencyDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  cell: z.string(),
  provider: z.string(),
  region: z.string(),
  rttMs: z.number(),
  source: z.enum(["client-ping", "agent"]),
  at: z.date(),
});
export type LatencyDocument = z.output<typeof LatencyDocument>;

export function latencyToDocument(observation: LatencyObservation): LatencyDocument {
  return {
    _id: observation.id,
    tenantId: observation.tenantId,
    cell: observation.cell,
    provider: observation.provider,
    region: observation.region,
    rttMs: observation.rttMs,
    source: observation.source,
    at: observation.at,
  };
}

export function latencyFromDocument(doc: unknown): LatencyObservation {
  const d = parseDocument(LatencyDocument, COLLECTIONS.latencyObservations, doc);
  return {
    id: d._id,
    tenantId: d.tenantId,
    cell: d.cell,
    provider: d.provider,
    region: d.region,
    rttMs: d.rttMs,
    source: d.source,
    at: d.at,
  };
}

const observations = (db: Db) => db.collection<LatencyDocument>(COLLECTIONS.latencyObservations);

export async function appendLatency(db: Db, items: LatencyObservation[]): Promise<{ inserted: number }> {
  const operations: AnyBulkWriteOperation<LatencyDocument>[] = items.map((observation) => {
    const { _id, ...fields } = latencyToDocument(observation);
    return { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } };
  });
  return appendOnce(observations(db), operations);
}

const LatencySummaryRow = z.object({
  cell: z.string(),
  provider: z.string(),
  region: z.string(),
  samples: Integer,
  meanRttMs: z.number(),
  minRttMs: z.number(),
});

export async function summarizeLatency(db: Db, tenantId: string, since: Date, cell?: string): Promise<LatencySummary[]> {
  const match: Document = { tenantId, at: { $gte: since } };
  if (cell !== undefined) match.cell = cell;
  const rows = await observations(db)
    .aggregate([
      { $match: match },
      {
        $group: {
          _id: { cell: "$cell", provider: "$provider", region: "$region" },
          samples: { $sum: 1 },
          meanRttMs: { $avg: "$rttMs" },
          minRttMs: { $min: "$rttMs" },
        },
      },
      // Flattened before sorting: plain top-level fields sort the same everywhere.
      {
        $project: {
          _id: 0,
          cell: "$_id.cell",
          provider: "$_id.provider",
          region: "$_id.region",
          samples: 1,
          meanRttMs: 1,
          minRttMs: 1,
        },
      },
      { $sort: { cell: 1, provider: 1, region: 1 } },
    ])
    .toArray();
  return rows.map((row) => parseDocument(LatencySummaryRow, COLLECTIONS.latencyObservations, row));
}
