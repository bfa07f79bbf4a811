// Fleet and launch statistics: nearest-rank percentiles (worked out by hand), grouping per
// provider and region, warm versus cold, and the window.
import { describe, expect, it } from "vitest";
import {
  distribution,
  launchSample,
  launchStats,
  nearestRank,
  timeToPlayable,
  type VmSample,
  vmSample,
  vmStats,
} from "../../src/domain/stats";
import type { SessionRecord, VmRecord } from "../../src/store/types";

const T0 = Date.parse("2026-11-27T10:00:00.000Z");
const WINDOW = { from: T0, to: T0 + 3_600_000 };
const iso = (ms: number) => new Date(ms).toISOString();

describe("nearestRank", () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

  it("takes the value at rank ceil(p × n / 100)", () => {
    expect(nearestRank(ten, 50)).toBe(5); // ceil(5) = 5
    expect(nearestRank(ten, 95)).toBe(10); // ceil(9.5) = 10
    expect(nearestRank(ten, 99)).toBe(10); // ceil(9.9) = 10
    expect(nearestRank(ten, 10)).toBe(1); // ceil(1) = 1
    expect(nearestRank(ten, 11)).toBe(2); // ceil(1.1) = 2
    expect(nearestRank(ten, 100)).toBe(10);
  });

  it("is exact where floating point is not (95 % of 20 is rank 19, not 20)", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(nearestRank(twenty, 95)).toBe(19);
    expect(nearestRank(twenty, 50)).toBe(10);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 99)).toBe(99);
    expect(nearestRank(hundred, 29)).toBe(29); // 0.29 × 100 = 28.999… in floating point
  });

  it("answers the only value for one, null for none, and refuses p outside (0, 100]", () => {
    expect(nearestRank([42], 50)).toBe(42);
    expect(nearestRank([42], 99)).toBe(42);
    expect(nearestRank([], 50)).toBeNull();
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});

describe("distribution", () => {
  it("sorts, then reports count, p50/p95/p99, min and max", () => {
    expect(distribution([300, 100, 200, 400])).toEqual({ count: 4, p50: 200, p95: 400, p99: 400, min: 100, max: 400 });
  });

  it("is all null for no values", () => {
    expect(distribution([])).toEqual({ count: 0, p50: null, p95: null, p99: null, min: null, max: null });
  });
});

describe("timeToPlayable", () => {
  it("splits warm from cold and groups per provider and region, ordered", () => {
    const result = timeToPlayable([
      { provider: "simulated", region: "eu-west-3", warm: false, ms: 40 },
      { provider: "aws", region: "us-east-1", warm: false, ms: 90 },
      { provider: "simulated", region: "eu-central-1", warm: true, ms: 10 },
      { provider: "simulated", region: "eu-central-1", warm: false, ms: 50 },
      { provider: "simulated", region: "eu-central-1", warm: false, ms: 30 },
    ]);
    expect(result.all).toMatchObject({ count: 5, p50: 40, max: 90 }); // 10 30 40 50 90: rank 3
    expect(result.warm).toMatchObject({ count: 1, p50: 10, p99: 10 });
    expect(result.cold).toMatchObject({ count: 4, p50: 40, p95: 90 }); // 30 40 50 90: rank 2, rank 4
    expect(result.byRegion.map((g) => `${g.provider}:${g.region}`)).toEqual([
      "aws:us-east-1",
      "simulated:eu-central-1",
      "simulated:eu-west-3",
    ]);
    const frankfurt = result.byRegion[1];
    expect(frankfurt?.all).toMatchObject({ count: 3, p50: 30, p95: 50, min: 10 });
    expect(frankfurt?.warm.count).toBe(1);
    expect(frankfurt?.cold).toMatchObject({ count: 2, p50: 30, p99: 50 });
  });
});

function vmRecord(over: Partial<VmRecord> & { timings?: Record<string, unknown> }): VmRecord {
  const { timings, ...rest } = over;
  return {
    id: "vm_x",
    tenantId: "ten_x",
    state: "running",
    seq: 1,
    provider: "simulated",
    region: "eu-central-1",
    instanceType: "g4dn.xlarge",
    emulatorId: "pcsx2",
    playerId: null,
    sessionId: null,
    providerInstanceId: null,
    failureReason: null,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    data: timings ? { spot: false, timings: timings as VmRecord["data"] } : { spot: false },
    ...rest,
  };
}

describe("vmSample", () => {
  it("reads a first boot as cold: agent ready minus accepted equals the time to playable", () => {
    const sample = vmSample(
      vmRecord({ timings: { acceptedAt: iso(T0), agentReadyAt: iso(T0 + 41_250), timeToPlayableMs: 41_250 } }),
    );
    expect(sample.playable).toEqual({ at: T0 + 41_250, ms: 41_250, warm: false });
  });

  it("reads a restart as warm: the boot began after acceptance", () => {
    const sample = vmSample(
      vmRecord({ timings: { acceptedAt: iso(T0), agentReadyAt: iso(T0 + 600_000), timeToPlayableMs: 12_000 } }),
    );
    expect(sample.playable).toEqual({ at: T0 + 600_000, ms: 12_000, warm: true });
  });

  it("has no playable boot before the agent is ready, or with timings missing or malformed", () => {
    expect(
      vmSample(vmRecord({ timings: { acceptedAt: iso(T0), agentReadyAt: null, timeToPlayableMs: null } })).playable,
    ).toBeNull();
    expect(vmSample(vmRecord({})).playable).toBeNull();
    expect(vmSample(vmRecord({ timings: { agentReadyAt: "not a date", timeToPlayableMs: 5 } })).playable).toBeNull();
    expect(vmSample(vmRecord({ timings: { agentReadyAt: iso(T0), timeToPlayableMs: "5" } })).playable).toBeNull();
  });
});

describe("vmStats", () => {
  const vm = (over: Partial<VmSample>): VmSample => ({
    state: "running",
    provider: "simulated",
    region: "eu-central-1",
    createdAt: T0 + 1000,
    playable: null,
    ...over,
  });

  it("counts the whole fleet by state, provider and region, and what the window holds", () => {
    const stats = vmStats(
      [
        vm({ playable: { at: T0 + 5_000, ms: 4_000, warm: false } }),
        vm({ state: "stopped", createdAt: T0 - 86_400_000, playable: { at: T0 - 80_000_000, ms: 9_000, warm: false } }),
        vm({ state: "running", createdAt: T0 - 86_400_000, playable: { at: T0 + 60_000, ms: 2_000, warm: true } }),
        vm({ region: "eu-west-3", state: "failed" }),
        vm({ provider: "aws", region: "us-east-1", createdAt: WINDOW.to }), // the end is exclusive
      ],
      WINDOW,
    );
    expect(stats.total).toBe(5);
    expect(stats.byState).toEqual({ failed: 1, running: 3, stopped: 1 });
    expect(Object.keys(stats.byState)).toEqual(["failed", "running", "stopped"]);
    expect(stats.byProvider).toEqual({ aws: 1, simulated: 4 });
    expect(stats.byRegion).toEqual([
      { provider: "aws", region: "us-east-1", total: 1, byState: { running: 1 } },
      { provider: "simulated", region: "eu-central-1", total: 3, byState: { running: 2, stopped: 1 } },
      { provider: "simulated", region: "eu-west-3", total: 1, byState: { failed: 1 } },
    ]);
    expect(stats.created).toBe(2);
    // Only boots that became playable in the window: 4 000 (cold) and 2 000 (warm).
    expect(stats.timeToPlayable.all).toMatchObject({ count: 2, p50: 2_000, p99: 4_000 });
    expect(stats.timeToPlayable.warm).toMatchObject({ count: 1, p50: 2_000 });
    expect(stats.timeToPlayable.cold).toMatchObject({ count: 1, p50: 4_000 });
  });

  it("is empty and null for no VMs", () => {
    const stats = vmStats([], WINDOW);
    expect(stats).toMatchObject({ total: 0, byState: {}, byProvider: {}, byRegion: [], created: 0 });
    expect(stats.timeToPlayable.all.p50).toBeNull();
  });
});

function sessionRecord(over: Partial<SessionRecord>): SessionRecord {
  return {
    id: "ses_x",
    tenantId: "ten_x",
    playerId: "p1",
    state: "playable",
    version: 3,
    vmId: "vm_x",
    provider: "simulated",
    region: "eu-west-3",
    emulatorId: "pcsx2",
    createdAt: new Date(T0 + 1000),
    updatedAt: new Date(T0 + 1000),
    endedAt: null,
    data: { game: "Ico", warm: false, attempts: [], timeToPlayableMs: 30_000 },
    ...over,
  };
}

describe("launchStats", () => {
  it("counts the window's launches, playable, warm and cold, with time to playable per region", () => {
    const launches = [
      sessionRecord({}),
      sessionRecord({ data: { warm: true, timeToPlayableMs: 8_000 } }),
      sessionRecord({ state: "failed", data: { warm: false, timeToPlayableMs: null } }),
      sessionRecord({ state: "failed", provider: null, region: null, data: { warm: false, timeToPlayableMs: null } }),
      sessionRecord({ region: "eu-central-1", data: { warm: false, timeToPlayableMs: 50_000 } }),
      sessionRecord({ createdAt: new Date(T0 - 1) }), // before the window
    ].map(launchSample);
    const stats = launchStats(launches, WINDOW);
    expect(stats).toMatchObject({ total: 5, playable: 3, warm: 1, cold: 4, byState: { failed: 2, playable: 3 } });
    expect(stats.timeToPlayable.all).toMatchObject({ count: 3, p50: 30_000, p95: 50_000, min: 8_000 });
    expect(stats.timeToPlayable.warm).toMatchObject({ count: 1, p50: 8_000 });
    expect(stats.timeToPlayable.cold).toMatchObject({ count: 2, p50: 30_000, p99: 50_000 });
    expect(stats.timeToPlayable.byRegion.map((g) => [g.region, g.all.count])).toEqual([
      ["eu-central-1", 1],
      ["eu-west-3", 2],
    ]);
  });

  it("reads a session whose data lacks warm or time to playable as cold and not playable", () => {
    expect(launchSample(sessionRecord({ data: {} }))).toMatchObject({ warm: false, timeToPlayableMs: null });
  });
});
