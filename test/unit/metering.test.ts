// Metering: exact costs of scripted billing timelines. Every expected number is worked out by hand
// in the comments (µ$ = micro-dollars; "round" = half up to a whole µ$), not taken from the code.
import { describe, expect, it } from "vitest";
import {
  BILLING_RULES,
  type BillingEvent,
  type BillingPrice,
  computeCost,
  HOURS_PER_MONTH,
  type MeterInput,
  meterTimeline,
  projectedCostMicros,
} from "../../src/domain/metering";
import type { UsageSegment } from "../../src/store/types";

// g5.xlarge-like prices: $1.006/h, disk $0.08/GB-month, 64 GB.
const PRICE: BillingPrice = { hourlyMicros: 1_006_000, diskGbMonthMicros: 80_000, diskGb: 64 };

const T0 = Date.parse("2026-11-02T10:00:00.000Z");
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const MIN = 60;

const ev = (seconds: number, kind: BillingEvent["kind"], price?: BillingPrice): BillingEvent =>
  price ? { at: at(seconds), kind, price } : { at: at(seconds), kind };

const meter = (events: BillingEvent[], over: Partial<MeterInput> = {}): UsageSegment[] =>
  meterTimeline({
    vmId: "vm_1",
    tenantId: "ten_1",
    playerId: "player_1",
    sessionId: "ses_1",
    provider: "aws",
    providerKind: "aws",
    region: "eu-central-1",
    instanceType: "g5.xlarge",
    events,
    ...over,
  });

/** The parts of a segment a timeline decides (the rest is copied from the input). */
const brief = (s: UsageSegment) => ({
  id: s.id,
  kind: s.kind,
  startAt: s.startAt.toISOString(),
  endAt: s.endAt.toISOString(),
  seconds: s.seconds,
  unitPriceMicros: s.unitPriceMicros,
  costMicros: s.costMicros,
});
const total = (segments: UsageSegment[]) => segments.reduce((sum, s) => sum + s.costMicros, 0);
const totalSeconds = (segments: UsageSegment[]) => segments.reduce((sum, s) => sum + s.seconds, 0);

describe("BILLING_RULES", () => {
  it("bills aws and simulated per second with a 60 s minimum per start, and a 730-hour month", () => {
    for (const kind of ["aws", "simulated"] as const) {
      expect(BILLING_RULES[kind]).toEqual({ computeMinimumSeconds: 60, storageMinimumSeconds: 0, hoursPerMonth: 730 });
    }
    expect(HOURS_PER_MONTH).toBe(730);
    expect(Object.isFrozen(BILLING_RULES.aws)).toBe(true);
  });
});

describe("computeCost", () => {
  it("prices compute per hour: price × seconds / 3600", () => {
    // 1,006,000 × 1800 / 3600 = 503,000 exactly.
    expect(computeCost(1_006_000, 1800, "hour")).toBe(503_000);
    // 1,006,000 × 600 / 3600 = 167,666.67 → 167,667.
    expect(computeCost(1_006_000, 600, "hour")).toBe(167_667);
    expect(computeCost(1_006_000, 0, "hour")).toBe(0);
  });

  it("prices storage per GB-month over a 730-hour month", () => {
    // 64 GB × 80,000 µ$/GB-month for 1 hour = 64 × 80,000 / 730 = 7,013.6986 → 7,014.
    expect(computeCost(80_000, 3600, "gb-month", 64)).toBe(7014);
    // A full 730-hour month costs exactly the monthly price: 64 × 80,000 = 5,120,000.
    expect(computeCost(80_000, 730 * 3600, "gb-month", 64)).toBe(5_120_000);
  });

  it("rounds half up exactly at .5, and down below it", () => {
    // 3 µ$/h × 600 s = 0.5 µ$ → 1; 1 µ$/h × 1799 s = 0.4997 µ$ → 0; 1 µ$/h × 5400 s = 1.5 → 2.
    expect(computeCost(3, 600, "hour")).toBe(1);
    expect(computeCost(1, 1799, "hour")).toBe(0);
    expect(computeCost(1, 5400, "hour")).toBe(2);
    // 365 µ$/GB-month × 1 GB × 3600 s / (730 × 3600) = 0.5 → 1; one second less → 0.4998 → 0.
    expect(computeCost(365, 3600, "gb-month", 1)).toBe(1);
    expect(computeCost(365, 3599, "gb-month", 1)).toBe(0);
  });

  it("stays exact when the intermediate product passes 2^53", () => {
    // 9,000,000 × 65,536 GB × 2,628,000 s ≈ 1.55e18 > 2^53; / (730 × 3600 = 2,628,000) = 589,824,000,000.
    expect(computeCost(9_000_000, 2_628_000, "gb-month", 65_536)).toBe(589_824_000_000);
    // One second less: 589,824,000,000 − 9,000,000 × 65,536 / 2,628,000 = … − 224,438.36 = 589,823,775,561.64 → …562.
    expect(computeCost(9_000_000, 2_627_999, "gb-month", 65_536)).toBe(589_823_775_562);
  });

  it("rejects misuse", () => {
    expect(() => computeCost(-1, 60, "hour")).toThrow(/unitPriceMicros must be a non-negative whole number/);
    expect(() => computeCost(1.5, 60, "hour")).toThrow(/unitPriceMicros/);
    expect(() => computeCost(100, -1, "hour")).toThrow(/seconds/);
    expect(() => computeCost(100, 0.5, "hour")).toThrow(/seconds/);
    expect(() => computeCost(100, 60, "gb-month")).toThrow(/needs gb/);
    expect(() => computeCost(100, 60, "hour", 64)).toThrow(/only to the 'gb-month'/);
    expect(() => computeCost(100, 60, "gb-month", -64)).toThrow(/gb must be/);
    expect(() => computeCost(100, 60, "day" as never)).toThrow(/unknown unit/);
    expect(() => computeCost(Number.MAX_SAFE_INTEGER, 7200, "hour")).toThrow(/safe integer/);
  });
});

describe("projectedCostMicros", () => {
  it("is the hourly price for the policy's minimum session, rounded half up once", () => {
    // 1,006,000 × 30 / 60 = 503,000.
    expect(projectedCostMicros(1_006_000, 30)).toBe(503_000);
    // 1,006,000 × 7 / 60 = 117,366.67 → 117,367.
    expect(projectedCostMicros(1_006_000, 7)).toBe(117_367);
    // 1 µ$/h × 30 min = 0.5 → 1.
    expect(projectedCostMicros(1, 30)).toBe(1);
    expect(() => projectedCostMicros(1_006_000, -5)).toThrow(/minutes/);
    expect(() => projectedCostMicros(-1, 5)).toThrow(/unitPriceMicros/);
  });
});

describe("meterTimeline", () => {
  it("start / stop / start / terminate: compute while running, disk while stopped", () => {
    const segments = meter([
      ev(0, "compute-start", PRICE), // instance running
      ev(1800, "compute-stop"), // observed stopped after 30 min …
      ev(1800, "disk-start"), // … from then only the disk is billed
      ev(5400, "disk-stop"), // started again 1 h later
      ev(5400, "compute-start"),
      ev(6000, "compute-stop"), // terminated 10 min later: nothing more is billed
    ]);
    expect(segments.map(brief)).toEqual([
      // 1,006,000 × 1800 / 3600 = 503,000.
      {
        id: "vm_1:1",
        kind: "compute",
        startAt: "2026-11-02T10:00:00.000Z",
        endAt: "2026-11-02T10:30:00.000Z",
        seconds: 1800,
        unitPriceMicros: 1_006_000,
        costMicros: 503_000,
      },
      // 64 × 80,000 × 3600 / (730 × 3600) = 7,013.70 → 7,014.
      {
        id: "vm_1:2",
        kind: "storage",
        startAt: "2026-11-02T10:30:00.000Z",
        endAt: "2026-11-02T11:30:00.000Z",
        seconds: 3600,
        unitPriceMicros: 80_000,
        costMicros: 7014,
      },
      // 1,006,000 × 600 / 3600 = 167,666.67 → 167,667.
      {
        id: "vm_1:3",
        kind: "compute",
        startAt: "2026-11-02T11:30:00.000Z",
        endAt: "2026-11-02T11:40:00.000Z",
        seconds: 600,
        unitPriceMicros: 1_006_000,
        costMicros: 167_667,
      },
    ]);
    // 503,000 + 7,014 + 167,667 = 677,681.
    expect(total(segments)).toBe(677_681);
  });

  it("copies the VM's identity onto every segment", () => {
    const [segment] = meter([ev(0, "compute-start", PRICE), ev(60, "compute-stop")]);
    expect(segment).toMatchObject({
      tenantId: "ten_1",
      vmId: "vm_1",
      playerId: "player_1",
      sessionId: "ses_1",
      provider: "aws",
      region: "eu-central-1",
      instanceType: "g5.xlarge",
    });
    const [anonymous] = meter([ev(0, "compute-start", PRICE), ev(60, "compute-stop")], { playerId: null, sessionId: null });
    expect(anonymous).toMatchObject({ playerId: null, sessionId: null });
  });

  it("prices each start at the price in force when it started", () => {
    const B: BillingPrice = { ...PRICE, hourlyMicros: 1_212_000 };
    const C: BillingPrice = { ...PRICE, hourlyMicros: 2_000_000 };
    const segments = meter([
      ev(0, "compute-start", PRICE),
      ev(3600, "compute-stop"),
      ev(7200, "checkpoint", B), // the catalog price changed while the VM was stopped (no disk billed here)
      ev(7200 + 600, "compute-start"), // starts at B
      ev(7200 + 1500, "checkpoint", C), // a change mid-run: this run keeps B …
      ev(7200 + 2400, "compute-stop"),
      ev(20_000, "compute-start"), // … and the next start is at C
      ev(20_360, "compute-stop"),
    ]);
    expect(segments.map((s) => [s.seconds, s.unitPriceMicros, s.costMicros])).toEqual([
      [3600, 1_006_000, 1_006_000], // 1,006,000 × 1 h
      [900, 1_212_000, 303_000], // 1,212,000 × 900 / 3600 = 303,000
      [900, 1_212_000, 303_000], // 1,212,000 × 1800 / 3600 = 606,000 − 303,000
      [360, 2_000_000, 200_000], // 2,000,000 × 360 / 3600 = 200,000
    ]);
  });

  it("a price given on the start event itself applies to that start", () => {
    const B: BillingPrice = { ...PRICE, hourlyMicros: 3600 };
    const segments = meter([
      ev(0, "compute-start", PRICE),
      ev(100, "compute-stop"),
      ev(200, "compute-start", B),
      ev(300, "compute-stop"),
    ]);
    // 3600 µ$/h × 100 s / 3600 = 100.
    expect(segments[1]).toMatchObject({ unitPriceMicros: 3600, costMicros: 100 });
  });

  it("a checkpoint at midnight UTC splits a run into two segments that sum exactly to the uncut cost", () => {
    const start = new Date("2026-11-02T23:17:41.000Z");
    const midnight = new Date("2026-11-03T00:00:00.000Z");
    const stop = new Date("2026-11-03T00:25:13.000Z");
    const uncut = meter([
      { at: start, kind: "compute-start", price: PRICE },
      { at: stop, kind: "compute-stop" },
    ]);
    const cut = meter([
      { at: start, kind: "compute-start", price: PRICE },
      { at: midnight, kind: "checkpoint" },
      { at: stop, kind: "compute-stop" },
    ]);
    // Uncut: 42 min 19 s + 25 min 13 s = 2539 + 1513 = 4052 s;
    // 1,006,000 × 4052 / 3600 = 1,132,308.89 → 1,132,309.
    expect(uncut.map((s) => [s.seconds, s.costMicros])).toEqual([[4052, 1_132_309]]);
    // Before midnight: 1,006,000 × 2539 / 3600 = 709,509.44 → 709,509.
    // After: its own exact cost is 1,006,000 × 1513 / 3600 = 422,799.44, but it carries the run's
    // rounding: 1,132,309 − 709,509 = 422,800 (a separate rounding would lose 1 µ$).
    expect(cut.map(brief)).toEqual([
      {
        id: "vm_1:1",
        kind: "compute",
        startAt: "2026-11-02T23:17:41.000Z",
        endAt: "2026-11-03T00:00:00.000Z",
        seconds: 2539,
        unitPriceMicros: 1_006_000,
        costMicros: 709_509,
      },
      {
        id: "vm_1:2",
        kind: "compute",
        startAt: "2026-11-03T00:00:00.000Z",
        endAt: "2026-11-03T00:25:13.000Z",
        seconds: 1513,
        unitPriceMicros: 1_006_000,
        costMicros: 422_800,
      },
    ]);
    expect(total(cut)).toBe(total(uncut));
    expect(totalSeconds(cut)).toBe(4052);
  });

  it("cuts compute and disk at the same checkpoint, compute first", () => {
    const segments = meter([
      ev(0, "disk-start", PRICE),
      ev(0, "compute-start"), // the disk is billed while running too here: runs are independent
      ev(3600, "checkpoint"),
      ev(7200, "compute-stop"),
      ev(7200, "disk-stop"),
    ]);
    // Compute: 1,006,000 per hour. Disk: 7,013.70 per hour → 7,014 for the first hour, then
    // 2 h = 14,027.40 → 14,027 − 7,014 = 7,013.
    expect(segments.map((s) => [s.id, s.kind, s.costMicros])).toEqual([
      ["vm_1:1", "compute", 1_006_000],
      ["vm_1:2", "storage", 7014],
      ["vm_1:3", "compute", 1_006_000],
      ["vm_1:4", "storage", 7013],
    ]);
  });

  describe("the 60-second minimum", () => {
    it("bills a 20 s run 60 s", () => {
      // 1,006,000 × 60 / 3600 = 16,766.67 → 16,767.
      expect(meter([ev(0, "compute-start", PRICE), ev(20, "compute-stop")]).map((s) => [s.seconds, s.costMicros])).toEqual([
        [MIN, 16_767],
      ]);
    });

    it("a 20 s run cut at 10 s still sums to exactly 60 s, charged when it starts", () => {
      const segments = meter([ev(0, "compute-start", PRICE), ev(10, "checkpoint"), ev(20, "compute-stop")]);
      // The minimum is owed from the start, so the first piece carries it; the second adds nothing.
      expect(segments.map((s) => [s.seconds, s.costMicros])).toEqual([
        [60, 16_767],
        [0, 0],
      ]);
      expect(totalSeconds(segments)).toBe(60);
      expect(total(segments)).toBe(16_767);
    });

    it("applies once per start, not per checkpoint piece", () => {
      // Cut at 10 s, 30 s and 50 s, stopped at 100 s: 60 + 0 + 0 + 40 = 100 s, like the uncut run.
      const cut = meter([
        ev(0, "compute-start", PRICE),
        ev(10, "checkpoint"),
        ev(30, "checkpoint"),
        ev(50, "checkpoint"),
        ev(100, "compute-stop"),
      ]);
      expect(cut.map((s) => s.seconds)).toEqual([60, 0, 0, 40]);
      // 1,006,000 × 100 / 3600 = 27,944.44 → 27,944.
      expect(total(cut)).toBe(27_944);
      // Two separate 20 s starts are two minimums: 2 × 16,767.
      const twice = meter([
        ev(0, "compute-start", PRICE),
        ev(20, "compute-stop"),
        ev(100, "compute-start"),
        ev(120, "compute-stop"),
      ]);
      expect(twice.map((s) => s.seconds)).toEqual([60, 60]);
      expect(total(twice)).toBe(33_534);
    });

    it("counts a started second whole", () => {
      // 90.001 s → 91 s: 1,006,000 × 91 / 3600 = 25,429.44 → 25,429.
      const segments = meter([
        { at: at(0), kind: "compute-start", price: PRICE },
        { at: new Date(T0 + 90_001), kind: "compute-stop" },
      ]);
      expect(segments.map((s) => [s.seconds, s.costMicros])).toEqual([[91, 25_429]]);
    });

    it("does not apply to the disk", () => {
      // 64 GB × 80,000 × 20 s / (730 × 3600) = 38.96 → 39.
      expect(meter([ev(0, "disk-start", PRICE), ev(20, "disk-stop")]).map((s) => [s.seconds, s.costMicros])).toEqual([[20, 39]]);
    });
  });

  it("prices a stopped disk per GB-month over 730 hours", () => {
    // 64 × 80,000 / 730 = 7,013.70 → 7,014 for 1 hour; a full month is exactly 5,120,000.
    expect(meter([ev(0, "disk-start", PRICE), ev(3600, "disk-stop")])[0]).toMatchObject({
      kind: "storage",
      seconds: 3600,
      unitPriceMicros: 80_000,
      costMicros: 7014,
    });
    expect(meter([ev(0, "disk-start", PRICE), ev(730 * 3600, "disk-stop")])[0]?.costMicros).toBe(5_120_000);
    // The disk size in force at the disk-start is the one billed: 128 GB doubles the hour.
    const big = meter([ev(0, "disk-start", { ...PRICE, diskGb: 128 }), ev(3600, "disk-stop")]);
    // 128 × 80,000 / 730 = 14,027.40 → 14,027.
    expect(big[0]?.costMicros).toBe(14_027);
  });

  it("rounds half up once per segment, and totals are sums of segment costs", () => {
    const tiny: BillingPrice = { hourlyMicros: 1, diskGbMonthMicros: 0, diskGb: 0 };
    // Three separate 30-minute starts at 1 µ$/h: each is exactly 0.5 µ$ → 1; the total is 3, not
    // round(1.5) = 2.
    const three = meter([
      ev(0, "compute-start", tiny),
      ev(1800, "compute-stop"),
      ev(3600, "compute-start"),
      ev(5400, "compute-stop"),
      ev(7200, "compute-start"),
      ev(9000, "compute-stop"),
    ]);
    expect(three.map((s) => s.costMicros)).toEqual([1, 1, 1]);
    expect(total(three)).toBe(3);
    // One 30-minute run cut into two 15-minute pieces is still rounded once: round(0.25) = 0, then
    // round(0.5) − 0 = 1 (not 0 + 0).
    const cut = meter([ev(0, "compute-start", tiny), ev(900, "checkpoint"), ev(1800, "compute-stop")]);
    expect(cut.map((s) => s.costMicros)).toEqual([0, 1]);
  });

  it("emits nothing for an open run until a stop or checkpoint closes it", () => {
    expect(meter([ev(0, "compute-start", PRICE)])).toEqual([]);
    expect(meter([])).toEqual([]);
    const closed = meter([ev(0, "compute-start", PRICE), ev(3600, "checkpoint")]);
    expect(closed.map((s) => [s.seconds, s.costMicros])).toEqual([[3600, 1_006_000]]);
    // A checkpoint with nothing running emits nothing; a zero-length piece is skipped.
    expect(meter([ev(0, "checkpoint", PRICE), ev(10, "compute-start"), ev(10, "checkpoint")])).toEqual([]);
    expect(meter([ev(0, "compute-start", PRICE), ev(0, "compute-stop")])).toEqual([]);
  });

  it("yields the same ids on a re-run, and an extended timeline keeps the earlier segments", () => {
    const events = [
      ev(0, "compute-start", PRICE),
      ev(600, "checkpoint"),
      ev(1200, "checkpoint"),
      ev(1500, "compute-stop"),
      ev(1500, "disk-start"),
      ev(4000, "checkpoint"),
      ev(5000, "disk-stop"),
      ev(5000, "compute-start"),
    ];
    const once = meter(events);
    expect(meter(events)).toEqual(once);
    expect(once.map((s) => s.id)).toEqual(["vm_1:1", "vm_1:2", "vm_1:3", "vm_1:4", "vm_1:5"]);
    // Metered as it grew (after each event), every earlier answer is a prefix of the final one.
    for (let n = 0; n <= events.length; n++) {
      const partial = meter(events.slice(0, n));
      expect(once.slice(0, partial.length)).toEqual(partial);
    }
    // seqStart places the ids after ones already used.
    expect(meter(events, { seqStart: 41 }).map((s) => s.id)).toEqual(["vm_1:41", "vm_1:42", "vm_1:43", "vm_1:44", "vm_1:45"]);
  });

  describe("rejects invalid timelines", () => {
    const cases: [string, () => unknown, RegExp][] = [
      ["unsorted events", () => meter([ev(10, "compute-start", PRICE), ev(5, "compute-stop")]), /sorted by time; event 1/],
      [
        "a stop without a start",
        () => meter([ev(0, "checkpoint", PRICE), ev(5, "compute-stop")]),
        /compute-stop without a compute-start/,
      ],
      ["a disk-stop without a disk-start", () => meter([ev(0, "disk-stop", PRICE)]), /disk-stop without a disk-start/],
      [
        "a start while started",
        () => meter([ev(0, "compute-start", PRICE), ev(5, "compute-start")]),
        /compute-start while compute started/,
      ],
      [
        "a disk-start while started",
        () => meter([ev(0, "disk-start", PRICE), ev(5, "disk-start")]),
        /disk-start while the disk started/,
      ],
      [
        "a start with no price in force",
        () => meter([ev(0, "compute-start")]),
        /event 0 \(compute-start\) has no price in force/,
      ],
      [
        "a negative price",
        () => meter([ev(0, "compute-start", { ...PRICE, hourlyMicros: -1 })]),
        /price.hourlyMicros must be a non-negative/,
      ],
      [
        "a negative disk price",
        () => meter([ev(0, "checkpoint", { ...PRICE, diskGbMonthMicros: -80_000 })]),
        /price.diskGbMonthMicros must be a non-negative/,
      ],
      ["a fractional price", () => meter([ev(0, "compute-start", { ...PRICE, hourlyMicros: 1.5 })]), /price.hourlyMicros/],
      ["a negative disk size", () => meter([ev(0, "disk-start", { ...PRICE, diskGb: -64 })]), /price.diskGb must be/],
      ["an invalid date", () => meter([{ at: new Date(Number.NaN), kind: "checkpoint" }]), /event 0 has no valid date/],
      ["an unknown event kind", () => meter([{ at: at(0), kind: "reboot" as never }]), /unknown kind "reboot"/],
      ["an unknown provider kind", () => meter([], { providerKind: "gcp" as never }), /unknown provider kind "gcp"/],
      ["a negative seqStart", () => meter([], { seqStart: -1 }), /seqStart must be/],
      ["an empty vmId", () => meter([], { vmId: "" }), /vmId/],
    ];
    for (const [name, run, message] of cases) {
      it(name, () => {
        expect(run).toThrow(Error);
        expect(run).toThrow(message);
      });
    }
  });
});
