// Fleet and launch statistics (GET /vms/stats), computed from the Store's VM records and launch
// sessions. Pure: the route pages the records in, these functions count and rank them.
//
// Percentiles use the nearest-rank rule: the p-th percentile of n ascending values is the value
// at rank ceil(p × n / 100) (1-based). It is always a value that was observed (no
// interpolation), p100 is the maximum, and with one value every percentile is that value.
import type { SessionRecord, VmRecord } from "../store/types";

/** A half-open time window [from, to), epoch milliseconds. */
export interface StatsWindow {
  from: number;
  to: number;
}

export interface Distribution {
  count: number;
  /** Null when count is 0. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  min: number | null;
  max: number | null;
}

/** Nearest-rank percentile (0 < p ≤ 100) of values sorted ascending; null when there are none. */
export function nearestRank(sorted: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (sorted.length === 0) return null;
  // p × n first: both are integers in practice, so the division is exact (0.95 × 20 is not).
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    min: sorted[0] ?? null,
    max: sorted[sorted.length - 1] ?? null,
  };
}

// --- time to playable --------------------------------------------------------------------------

/** One observed time to playable. */
export interface PlayableSample {
  provider: string;
  region: string;
  warm: boolean;
  ms: number;
}

export interface TimeToPlayable {
  all: Distribution;
  warm: Distribution;
  cold: Distribution;
  /** Per (provider, region), ordered by provider then region. */
  byRegion: Array<{ provider: string; region: string; all: Distribution; warm: Distribution; cold: Distribution }>;
}

export function timeToPlayable(samples: readonly PlayableSample[]): TimeToPlayable {
  const split = (list: readonly PlayableSample[]) => ({
    all: distribution(list.map((s) => s.ms)),
    warm: distribution(list.filter((s) => s.warm).map((s) => s.ms)),
    cold: distribution(list.filter((s) => !s.warm).map((s) => s.ms)),
  });
  const groups = new Map<string, { provider: string; region: string; samples: PlayableSample[] }>();
  for (const sample of samples) {
    const key = `${sample.provider}\u0000${sample.region}`;
    const group = groups.get(key) ?? { provider: sample.provider, region: sample.region, samples: [] };
    group.samples.push(sample);
    groups.set(key, group);
  }
  const byRegion = [...groups.values()]
    .sort((a, b) => compare(a.provider, b.provider) || compare(a.region, b.region))
    .map((g) => ({ provider: g.provider, region: g.region, ...split(g.samples) }));
  return { ...split(samples), byRegion };
}

// --- VMs ---------------------------------------------------------------------------------------

/** What the statistics need from a VM record. */
export interface VmSample {
  state: string;
  provider: string;
  region: string;
  createdAt: number;
  /** The latest boot that reached playable (the record keeps only the latest), or null. */
  playable: { at: number; ms: number; warm: boolean } | null;
}

/**
 * Reads a VM record (`data.timings` as the VM actor writes it, src/actors/vm/state.ts). A boot is
 * warm (a start of a stopped VM) when it began after the VM was accepted: then agent-ready minus
 * accepted exceeds the time to playable, which counts from the start command. A first boot counts
 * from acceptance, so the two are equal.
 */
export function vmSample(record: VmRecord): VmSample {
  const timings = asObject(record.data.timings);
  const acceptedAt = time(timings?.acceptedAt) ?? record.createdAt.getTime();
  const readyAt = time(timings?.agentReadyAt);
  const ms = timings?.timeToPlayableMs;
  return {
    state: record.state,
    provider: record.provider,
    region: record.region,
    createdAt: record.createdAt.getTime(),
    playable:
      readyAt !== null && typeof ms === "number" && Number.isFinite(ms) && ms >= 0
        ? { at: readyAt, ms, warm: readyAt - acceptedAt > ms }
        : null,
  };
}

export interface RegionCount {
  provider: string;
  region: string;
  total: number;
  byState: Record<string, number>;
}

export interface VmStats {
  /** Every VM given (the fleet as the Store knows it now, whatever the window). */
  total: number;
  byState: Record<string, number>;
  byProvider: Record<string, number>;
  /** Per (provider, region), ordered by provider then region. */
  byRegion: RegionCount[];
  /** VMs created in the window. */
  created: number;
  /** Boots that became playable in the window (each VM's latest boot). */
  timeToPlayable: TimeToPlayable;
}

export function vmStats(vms: readonly VmSample[], window: StatsWindow): VmStats {
  const byRegion = new Map<string, { provider: string; region: string; vms: VmSample[] }>();
  for (const vm of vms) {
    const key = `${vm.provider}\u0000${vm.region}`;
    const group = byRegion.get(key) ?? { provider: vm.provider, region: vm.region, vms: [] };
    group.vms.push(vm);
    byRegion.set(key, group);
  }
  return {
    total: vms.length,
    byState: countBy(vms, (vm) => vm.state),
    byProvider: countBy(vms, (vm) => vm.provider),
    byRegion: [...byRegion.values()]
      .sort((a, b) => compare(a.provider, b.provider) || compare(a.region, b.region))
      .map((g) => ({ provider: g.provider, region: g.region, total: g.vms.length, byState: countBy(g.vms, (vm) => vm.state) })),
    created: vms.filter((vm) => within(vm.createdAt, window)).length,
    timeToPlayable: timeToPlayable(
      vms.flatMap((vm) =>
        vm.playable && within(vm.playable.at, window)
          ? [{ provider: vm.provider, region: vm.region, warm: vm.playable.warm, ms: vm.playable.ms }]
          : [],
      ),
    ),
  };
}

// --- launches ----------------------------------------------------------------------------------

/** What the statistics need from a launch session. */
export interface LaunchSample {
  state: string;
  /** Where its latest attempt went (null when no attempt was made). */
  provider: string | null;
  region: string | null;
  warm: boolean;
  createdAt: number;
  timeToPlayableMs: number | null;
}

/** Reads a session record (`data` as the player actor writes it, src/actors/player/state.ts). */
export function launchSample(record: SessionRecord): LaunchSample {
  const ms = record.data.timeToPlayableMs;
  return {
    state: record.state,
    provider: record.provider,
    region: record.region,
    warm: record.data.warm === true,
    createdAt: record.createdAt.getTime(),
    timeToPlayableMs: typeof ms === "number" && Number.isFinite(ms) && ms >= 0 ? ms : null,
  };
}

export interface LaunchStats {
  /** Launches (sessions) created in the window. */
  total: number;
  byState: Record<string, number>;
  /** Of those, how many reached playable, and how many started a stopped VM (warm) or a new one. */
  playable: number;
  warm: number;
  cold: number;
  /** Accepted → playable, for the launches created in the window that became playable. */
  timeToPlayable: TimeToPlayable;
}

export function launchStats(launches: readonly LaunchSample[], window: StatsWindow): LaunchStats {
  const inWindow = launches.filter((l) => within(l.createdAt, window));
  const samples = inWindow.flatMap((l) =>
    l.timeToPlayableMs !== null && l.provider !== null && l.region !== null
      ? [{ provider: l.provider, region: l.region, warm: l.warm, ms: l.timeToPlayableMs }]
      : [],
  );
  return {
    total: inWindow.length,
    byState: countBy(inWindow, (l) => l.state),
    playable: inWindow.filter((l) => l.timeToPlayableMs !== null).length,
    warm: inWindow.filter((l) => l.warm).length,
    cold: inWindow.filter((l) => !l.warm).length,
    timeToPlayable: timeToPlayable(samples),
  };
}

// --- helpers -----------------------------------------------------------------------------------

const within = (at: number, window: StatsWindow) => at >= window.from && at < window.to;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return sortedRecord(Object.fromEntries(counts));
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function time(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
