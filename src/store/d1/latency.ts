// Latency observations: idempotent appends by id and per (cell, provider, region) summaries.
import type { LatencyObservation, LatencySummary } from "../types";
import { insertAll, ms, Where } from "./sql";

interface LatencySummaryRow {
  cell: string;
  provider: string;
  region: string;
  samples: number;
  mean_rtt_ms: number;
  min_rtt_ms: number;
}

export async function appendLatency(db: D1Database, observations: LatencyObservation[]): Promise<{ inserted: number }> {
  return insertAll(
    db,
    `INSERT INTO latency_observations (id, tenant_id, cell, provider, region, rtt_ms, source, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
    observations.map((o) => [o.id, o.tenantId, o.cell, o.provider, o.region, o.rttMs, o.source, ms(o.at)]),
  );
}

export async function summarizeLatency(db: D1Database, tenantId: string, since: Date, cell?: string): Promise<LatencySummary[]> {
  const where = new Where().and("tenant_id = ?", tenantId).and("at >= ?", ms(since)).andIf(cell, "cell = ?");
  const { results } = await db
    .prepare(
      `SELECT cell, provider, region, COUNT(*) AS samples, AVG(rtt_ms) AS mean_rtt_ms, MIN(rtt_ms) AS min_rtt_ms
       FROM latency_observations${where.sql}
       GROUP BY cell, provider, region ORDER BY cell, provider, region`,
    )
    .bind(...where.values)
    .all<LatencySummaryRow>();
  return results.map((row) => ({
    cell: row.cell,
    provider: row.provider,
    region: row.region,
    samples: row.samples,
    meanRttMs: row.mean_rtt_ms,
    minRttMs: row.min_rtt_ms,
  }));
}
