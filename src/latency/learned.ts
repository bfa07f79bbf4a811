// What the system has observed of real RTTs (pings sent with launches), fed back into
// placement as a correction per (geographic cell, provider, region). The launch path never
// waits for it: it uses what this isolate already holds and refreshes it in the background.
import { cellOf } from "../domain/placement";
import type { LatencySummary, Store } from "../store/types";

/** Observations older than this no longer count. */
export const LEARNING_WINDOW_MS = 30 * 24 * 3_600_000;
/** How long an isolate uses its copy before refreshing it (in the background). */
export const LEARNED_REFRESH_MS = 5 * 60_000;
const MAX_TENANTS = 1_000;

const cache = new Map<string, { summaries: LatencySummary[]; fetchedAt: number; refreshingSince: number | null }>();

/** The tenant's learned latencies as this isolate knows them; schedules a refresh when stale. */
export function learnedLatency(
  store: Store,
  tenantId: string,
  waitUntil: (p: Promise<unknown>) => void,
  now = Date.now(),
): LatencySummary[] {
  const entry = cache.get(tenantId);
  const stale = !entry || now - entry.fetchedAt >= LEARNED_REFRESH_MS;
  const busy = entry?.refreshingSince != null && now - entry.refreshingSince < LEARNED_REFRESH_MS;
  if (stale && !busy) {
    if (!entry && cache.size >= MAX_TENANTS) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    const current = entry ?? { summaries: [], fetchedAt: 0, refreshingSince: null };
    current.refreshingSince = now;
    cache.set(tenantId, current);
    waitUntil(
      store
        .summarizeLatency(tenantId, new Date(now - LEARNING_WINDOW_MS))
        .then((summaries) => cache.set(tenantId, { summaries, fetchedAt: Date.now(), refreshingSince: null }))
        .catch(() => {
          current.refreshingSince = null; // try again on a later launch
        }),
    );
  }
  return entry?.summaries ?? [];
}

export interface ObservedPing {
  provider: string;
  region: string;
  rttMs: number;
}

/** Records the pings a launch carried, after the response (idempotent per session and region). */
export function recordPings(
  store: Store,
  tenantId: string,
  sessionId: string,
  location: { lat: number | null; lon: number | null },
  pings: readonly ObservedPing[],
  waitUntil: (p: Promise<unknown>) => void,
): void {
  if (location.lat === null || location.lon === null || pings.length === 0) return;
  const cell = cellOf(location.lat, location.lon);
  const at = new Date();
  waitUntil(
    store
      .appendLatency(
        pings.map((ping) => ({
          id: `${sessionId}:${ping.provider}:${ping.region}`,
          tenantId,
          cell,
          provider: ping.provider,
          region: ping.region,
          rttMs: ping.rttMs,
          source: "client-ping" as const,
          at,
        })),
      )
      .catch(() => {}),
  );
}

/** For tests: forget what this isolate learned. */
export function forgetLearned(): void {
  cache.clear();
}
