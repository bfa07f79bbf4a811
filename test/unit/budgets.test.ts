// Budgets, pure: periods, cumulative spend per period, thresholds, admission, forecast.
import { describe, expect, it } from "vitest";
import {
  admit,
  type BudgetSpend,
  cumulativeByPeriod,
  forecastMicros,
  isExceeded,
  periodWindow,
  previousWindow,
  reachedThresholds,
} from "../../src/domain/budgets";
import type { BudgetRecord, UsageSegment } from "../../src/store/types";

const at = (iso: string) => new Date(iso);

function budget(overrides: Partial<BudgetRecord> = {}): BudgetRecord {
  return {
    id: "bud_1",
    tenantId: "ten_1",
    name: "cap",
    playerId: null,
    period: "monthly",
    limitMicros: 1_000_000,
    thresholds: [50, 80, 100],
    action: "stop",
    createdAt: at("2026-01-01T00:00:00Z"),
    updatedAt: at("2026-01-01T00:00:00Z"),
    ...overrides,
  };
}

function segment(seq: number, startAt: string, costMicros: number): UsageSegment {
  return {
    id: `vm_1:${seq}`,
    tenantId: "ten_1",
    vmId: "vm_1",
    playerId: null,
    sessionId: null,
    provider: "simulated",
    region: "eu-central-1",
    instanceType: "g4dn.xlarge",
    kind: "compute",
    startAt: at(startAt),
    endAt: at(startAt),
    seconds: 60,
    unitPriceMicros: 526_000,
    costMicros,
  };
}

describe("periodWindow", () => {
  it.each([
    ["daily", "2026-11-27T13:45:00Z", "D:2026-11-27", "2026-11-27T00:00:00.000Z", "2026-11-28T00:00:00.000Z"],
    ["daily", "2026-12-31T23:59:59.999Z", "D:2026-12-31", "2026-12-31T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["monthly", "2026-11-27T13:45:00Z", "M:2026-11", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z"],
    ["monthly", "2026-12-15T00:00:00Z", "M:2026-12", "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z"],
    ["monthly", "2028-02-29T12:00:00Z", "M:2028-02", "2028-02-01T00:00:00.000Z", "2028-03-01T00:00:00.000Z"],
  ] as const)("%s at %s is %s", (period, time, key, start, end) => {
    const w = periodWindow(period, at(time));
    expect(w.key).toBe(key);
    expect(w.start.toISOString()).toBe(start);
    expect(w.end.toISOString()).toBe(end);
  });

  it("the start of a period belongs to it, the end to the next", () => {
    expect(periodWindow("monthly", at("2026-12-01T00:00:00Z")).key).toBe("M:2026-12");
    expect(periodWindow("daily", at("2026-11-28T00:00:00Z")).key).toBe("D:2026-11-28");
  });

  it("previousWindow steps back across a year boundary", () => {
    expect(previousWindow("monthly", at("2027-01-10T00:00:00Z")).key).toBe("M:2026-12");
    expect(previousWindow("daily", at("2027-01-01T00:30:00Z")).key).toBe("D:2026-12-31");
  });
});

describe("cumulativeByPeriod", () => {
  const segments = [
    segment(1, "2026-11-30T23:50:00Z", 100),
    segment(2, "2026-11-30T23:55:00Z", 200),
    segment(3, "2026-12-01T00:00:00Z", 400), // cut at midnight: the next day and month
    segment(4, "2026-12-01T00:05:00Z", 800),
  ];

  it("gives each touched period the VM's whole spend in it, not just the new segments", () => {
    expect(cumulativeByPeriod(segments, 3)).toEqual({ "D:2026-12-01": 1200, "M:2026-12": 1200 });
  });

  it("covers every period from the first new segment on", () => {
    expect(cumulativeByPeriod(segments, 1)).toEqual({
      "D:2026-11-30": 300,
      "M:2026-11": 300,
      "D:2026-12-01": 1200,
      "M:2026-12": 1200,
    });
  });

  it("is empty when nothing is new", () => {
    expect(cumulativeByPeriod(segments, 4)).toEqual({});
  });
});

describe("thresholds", () => {
  it("are reached exactly at the percentage, with integer arithmetic", () => {
    const b = budget({ limitMicros: 333, thresholds: [100, 50, 80] });
    expect(reachedThresholds(b, 166)).toEqual([]); // 49.8 %
    expect(reachedThresholds(b, 167)).toEqual([50]); // 50.15 %
    expect(reachedThresholds(b, 266)).toEqual([50]); // 79.88 %
    expect(reachedThresholds(b, 267)).toEqual([50, 80]);
    expect(reachedThresholds(b, 333)).toEqual([50, 80, 100]);
  });

  it("a budget is exceeded when spend reaches the limit", () => {
    expect(isExceeded(budget(), 999_999)).toBe(false);
    expect(isExceeded(budget(), 1_000_000)).toBe(true);
  });
});

describe("admit", () => {
  const tenantWide = budget({ id: "bud_t", name: "tenant", limitMicros: 10_000 });
  const alice = budget({ id: "bud_a", name: "alice", playerId: "alice", limitMicros: 1_000 });
  const spends = (tenantSpent: number, aliceSpent: number, held = 0): BudgetSpend[] => [
    { budget: tenantWide, spentMicros: tenantSpent, heldMicros: held },
    { budget: alice, spentMicros: aliceSpent, heldMicros: 0 },
  ];

  it("admits what fits in every budget in scope", () => {
    expect(admit(spends(0, 0), "alice", 1_000)).toEqual({ ok: true });
  });

  it("refuses naming the budget and what remains", () => {
    expect(admit(spends(0, 400), "alice", 700)).toEqual({
      ok: false,
      budgetId: "bud_a",
      budgetName: "alice",
      remainingMicros: 600,
      projectedMicros: 700,
      limitMicros: 1_000,
    });
  });

  it("a player budget does not hold back other players", () => {
    expect(admit(spends(0, 1_000), "bob", 700)).toEqual({ ok: true });
  });

  it("holds count against what remains, and an overspent budget has 0 left", () => {
    expect(admit(spends(9_000, 0, 500), "bob", 501)).toMatchObject({ ok: false, budgetId: "bud_t", remainingMicros: 500 });
    expect(admit(spends(12_000, 0), "bob", 1)).toMatchObject({ ok: false, remainingMicros: 0 });
  });

  it("no budgets, no refusal", () => {
    expect(admit([], "alice", Number.MAX_SAFE_INTEGER)).toEqual({ ok: true });
  });
});

describe("forecastMicros", () => {
  it("adds the burn rate over the hours left", () => {
    const end = at("2026-12-01T00:00:00Z");
    expect(forecastMicros(1_000, 3_600, at("2026-11-30T22:00:00Z").getTime(), end)).toBe(1_000 + 7_200);
  });

  it("is the spend itself at or after the end", () => {
    const end = at("2026-12-01T00:00:00Z");
    expect(forecastMicros(1_000, 3_600, at("2026-12-01T01:00:00Z").getTime(), end)).toBe(1_000);
  });
});
