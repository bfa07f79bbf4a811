// Metering: turns a VM's billing timeline (when compute and disk started and stopped being billed,
// at which prices) into UsageSegments with exact integer micro-dollar costs. Pure: no I/O, no
// clock, deterministic. The VmActor records the timeline; this module prices it.
//
// Rules (each is documented where it is defined):
// - BILLING_RULES: compute is billed per second with a 60-second minimum per start (both `aws`
//   and `simulated`); storage per second, no minimum; a month is 730 hours for GB-month prices.
// - Rounding: a cost is computed exactly (integer arithmetic on price × seconds) and rounded half
//   up to a whole micro-dollar ONCE; totals are sums of segment costs, never re-rounded.
// - A run (one compute-start → compute-stop, or disk-start → disk-stop) is priced at the price in
//   force when the run started; checkpoints cut a run into segments without changing its total.
//
// Usage:
//   const segments = meterTimeline({ vmId, tenantId, ..., providerKind: "aws", events });
//   await store.appendUsage(segments); // idempotent by segment id `${vmId}:${seq}` (via the outbox)

import type { UsageKind, UsageSegment } from "../store/types";
import type { Provider } from "./catalog/schema";

export type ProviderKind = Provider["kind"];

/** How a provider kind turns wall-clock time into billed seconds. */
export interface BillingRule {
  /**
   * Compute is billed per second (a started second counts whole), with at least this many seconds
   * per start. The minimum is owed from the moment the instance starts, so it is charged in the
   * first segment of the run (see meterTimeline).
   */
  readonly computeMinimumSeconds: number;
  /** Storage is billed per second, with at least this many seconds per disk-start (0: none). */
  readonly storageMinimumSeconds: number;
  /** The month GB-month prices are prorated over, in hours. */
  readonly hoursPerMonth: number;
}

/**
 * The month length used to prorate GB-month prices: 730 hours (365 days × 24 / 12), the average
 * month AWS's own pricing pages and calculator use. (AWS's actual bill prorates by the hours of
 * the calendar month, 672–744, so a stored disk estimate can differ from it by up to ~8%; an
 * average month keeps a segment's cost independent of the month it falls in.)
 */
export const HOURS_PER_MONTH = 730;

/**
 * Billing rules per provider kind.
 * - `aws`: EC2 Linux on-demand (and spot) instances are billed per second with a 60-second
 *   minimum each time the instance starts (from the launch or start until it stops or terminates).
 *   EBS storage is prorated per second over a 730-hour month. A disk-start here is not a new
 *   volume (the volume outlives stop/start), so no per-volume minimum is modeled for storage.
 * - `simulated`: the same rules as `aws`, so local runs and tests price VMs like production.
 */
export const BILLING_RULES: Readonly<Record<ProviderKind, BillingRule>> = Object.freeze({
  aws: Object.freeze({ computeMinimumSeconds: 60, storageMinimumSeconds: 0, hoursPerMonth: HOURS_PER_MONTH }),
  simulated: Object.freeze({ computeMinimumSeconds: 60, storageMinimumSeconds: 0, hoursPerMonth: HOURS_PER_MONTH }),
});

const SECONDS_PER_HOUR = 3600;

// ---------------------------------------------------------------------------------------------
// Costs

/**
 * The cost of `seconds` of a resource, in whole micro-dollars.
 * - `"hour"`: unitPriceMicros per hour (compute): cost = price × seconds / 3600.
 * - `"gb-month"`: unitPriceMicros per GB-month (storage), for `gb` GB:
 *   cost = price × gb × seconds / (hoursPerMonth × 3600).
 *
 * Rounding rule: the cost is computed exactly as a fraction of integers (BigInt, so no float error
 * even past 2^53 intermediates) and rounded half up to a whole micro-dollar, once. Callers sum the
 * results; they never round again.
 *
 * Throws on a negative or non-integer price, seconds or gb, on `gb` with `"hour"` or without
 * `"gb-month"`, and when the result exceeds Number.MAX_SAFE_INTEGER.
 */
export function computeCost(
  unitPriceMicros: number,
  seconds: number,
  unit: "hour" | "gb-month",
  gb?: number,
  hoursPerMonth: number = HOURS_PER_MONTH,
): number {
  requireCount("unitPriceMicros", unitPriceMicros);
  requireCount("seconds", seconds);
  if (unit === "hour") {
    if (gb !== undefined) throw new Error("computeCost: gb applies only to the 'gb-month' unit.");
    return toSafeNumber(roundHalfUp(BigInt(unitPriceMicros) * BigInt(seconds), BigInt(SECONDS_PER_HOUR)));
  }
  if (unit === "gb-month") {
    if (gb === undefined) throw new Error("computeCost: the 'gb-month' unit needs gb.");
    requireCount("gb", gb);
    requirePositiveCount("hoursPerMonth", hoursPerMonth);
    const numerator = BigInt(unitPriceMicros) * BigInt(gb) * BigInt(seconds);
    return toSafeNumber(roundHalfUp(numerator, BigInt(hoursPerMonth) * BigInt(SECONDS_PER_HOUR)));
  }
  throw new Error(`computeCost: unknown unit ${JSON.stringify(unit)} (expected "hour" or "gb-month").`);
}

/**
 * What a launch is projected to cost, for admission control: the hourly price for `minutes`
 * (the policy's minimum session length), with computeCost's rounding rule.
 */
export function projectedCostMicros(hourlyMicros: number, minutes: number): number {
  requireCount("minutes", minutes);
  return computeCost(hourlyMicros, minutes * 60, "hour");
}

/** round(numerator / denominator), halves up; both non-negative, denominator > 0. */
function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator);
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`Cost ${value} µ$ exceeds the safe integer range.`);
  return Number(value);
}

// ---------------------------------------------------------------------------------------------
// Timelines

/** The prices in force from an event on (until an event gives new ones). */
export interface BillingPrice {
  /** Compute price per hour (the on-demand or spot price the VM runs at). */
  hourlyMicros: number;
  /** Disk price per GB-month. */
  diskGbMonthMicros: number;
  /** The VM's disk size. */
  diskGb: number;
}

/**
 * One point of a VM's billing timeline.
 * - `compute-start` / `compute-stop`: the provider starts / stops billing the instance.
 * - `disk-start` / `disk-stop`: the provider starts / stops billing the disk on its own.
 * - `checkpoint`: cuts every open run at `at` so its spend so far is emitted (near real time,
 *   period boundaries such as midnight UTC). Never changes what a run costs in total.
 * `price` (on any kind) sets the prices in force from this event on, this event included: a start
 * event may carry the price it starts at.
 */
export interface BillingEvent {
  at: Date;
  kind: "compute-start" | "compute-stop" | "disk-start" | "disk-stop" | "checkpoint";
  price?: BillingPrice;
}

export interface MeterInput {
  vmId: string;
  tenantId: string;
  playerId: string | null;
  sessionId: string | null;
  /** The provider's id in the catalog (e.g. `aws`). */
  provider: string;
  /** Selects BILLING_RULES. */
  providerKind: ProviderKind;
  region: string;
  instanceType: string;
  /** Sorted by `at` (ties keep their order: a disk-stop listed before a compute-start runs first). */
  events: readonly BillingEvent[];
  /** The seq of the first segment emitted (ids are `${vmId}:${seq}`); default 1. */
  seqStart?: number;
}

/** An open run: one start of compute or disk billing, until its stop. */
interface Run {
  kind: UsageKind;
  startAt: Date;
  /** Where the next segment of this run starts (the run start, or the last checkpoint). */
  cutAt: Date;
  /** The price in force at the run's start: per hour (compute) or per GB-month (storage). */
  unitPriceMicros: number;
  /** Storage only: the disk size at the run's start. */
  gb: number | undefined;
  minimumSeconds: number;
}

const EVENT_KINDS: readonly BillingEvent["kind"][] = ["compute-start", "compute-stop", "disk-start", "disk-stop", "checkpoint"];

/**
 * Prices a VM's billing timeline into usage segments.
 *
 * - A compute segment runs from a compute-start to the next compute-stop; a storage segment from a
 *   disk-start to the next disk-stop. Compute and disk runs are independent and may overlap.
 * - A checkpoint cuts every open run into a segment ending at the checkpoint and a remainder that
 *   continues. A run still open at the end of the timeline (no stop, no later checkpoint) emits
 *   nothing for its open tail: re-run later with more events to get it.
 * - Billed seconds: a run's cumulative billed seconds after `e` ms of wall time is
 *   max(minimum, ceil(e / 1000)) (0 at e = 0); a segment bills the growth of that over its span.
 *   So the minimum applies once per START (charged in the run's first segment: it is owed as soon
 *   as the instance starts), and cut segments sum exactly to the uncut run's seconds.
 * - Price: every segment of a run uses the price in force when the RUN started (the latest price
 *   given at or before its start event). A checkpoint is a reporting cut, not a new start, so a
 *   price change mid-run applies from the next start on; cutting never changes a total.
 * - Cost: a segment costs computeCost(cumulative seconds at its end) − computeCost(cumulative
 *   seconds at its start), i.e. its exact cost rounded half up once, with the carry of the run's
 *   earlier segments; an uncut run is exactly computeCost(price, seconds). Cut segments therefore
 *   sum to the uncut cost, and each is within 1 µ$ of its own exact cost.
 * - Segments with zero wall time are not emitted. A segment with wall time but 0 billed seconds
 *   (after the minimum) is emitted at cost 0, so segments cover every billed moment exactly once.
 * - Order and ids: segments are emitted in the order of the events that close them (at one
 *   checkpoint: compute, then storage), with ids `${vmId}:${seq}`, seq counting up from seqStart.
 *   The same timeline always yields the same segments, and a timeline extended with later events
 *   yields the same segments first: re-metering and re-appending is idempotent.
 *
 * Throws a descriptive Error on misuse: unsorted or invalid dates, a stop without a start, a start
 * while already started, a start with no price in force, negative or non-integer prices or disk
 * size, an unknown provider kind or event kind, a bad seqStart.
 */
export function meterTimeline(input: MeterInput): UsageSegment[] {
  const rule = Object.hasOwn(BILLING_RULES, input.providerKind) ? BILLING_RULES[input.providerKind] : undefined;
  if (!rule) throw new Error(`meterTimeline: unknown provider kind ${JSON.stringify(input.providerKind)}.`);
  if (typeof input.vmId !== "string" || input.vmId === "") throw new Error("meterTimeline: vmId must be a non-empty string.");
  const seqStart = input.seqStart ?? 1;
  requireCount("seqStart", seqStart);
  if (!Array.isArray(input.events)) throw new Error("meterTimeline: events must be an array.");

  const segments: UsageSegment[] = [];
  let seq = seqStart;
  let price: BillingPrice | undefined;
  let compute: Run | null = null;
  let disk: Run | null = null;
  let previousAt = Number.NEGATIVE_INFINITY;

  const emit = (run: Run, endAt: Date): void => {
    const from = run.cutAt.getTime() - run.startAt.getTime();
    const to = endAt.getTime() - run.startAt.getTime();
    run.cutAt = endAt;
    if (to === from) return; // zero wall time
    const billedFrom = billedSeconds(from, run.minimumSeconds);
    const billedTo = billedSeconds(to, run.minimumSeconds);
    const unit = run.kind === "compute" ? "hour" : "gb-month";
    const costAt = (s: number) => computeCost(run.unitPriceMicros, s, unit, run.gb, rule.hoursPerMonth);
    segments.push({
      id: `${input.vmId}:${seq}`,
      tenantId: input.tenantId,
      vmId: input.vmId,
      playerId: input.playerId,
      sessionId: input.sessionId,
      provider: input.provider,
      region: input.region,
      instanceType: input.instanceType,
      kind: run.kind,
      startAt: new Date(from + run.startAt.getTime()),
      endAt: new Date(endAt.getTime()),
      seconds: billedTo - billedFrom,
      unitPriceMicros: run.unitPriceMicros,
      costMicros: costAt(billedTo) - costAt(billedFrom),
    });
    seq += 1;
  };

  const open = (kind: UsageKind, at: Date, index: number): Run => {
    if (!price)
      throw new Error(`meterTimeline: event ${index} (${kind === "compute" ? "compute" : "disk"}-start) has no price in force.`);
    return kind === "compute"
      ? {
          kind,
          startAt: at,
          cutAt: at,
          unitPriceMicros: price.hourlyMicros,
          gb: undefined,
          minimumSeconds: rule.computeMinimumSeconds,
        }
      : {
          kind,
          startAt: at,
          cutAt: at,
          unitPriceMicros: price.diskGbMonthMicros,
          gb: price.diskGb,
          minimumSeconds: rule.storageMinimumSeconds,
        };
  };

  for (const [index, event] of input.events.entries()) {
    const at = event?.at;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new Error(`meterTimeline: event ${index} has no valid date.`);
    if (at.getTime() < previousAt) {
      throw new Error(
        `meterTimeline: events must be sorted by time; event ${index} (${at.toISOString()}) is earlier than the one before.`,
      );
    }
    previousAt = at.getTime();
    if (!EVENT_KINDS.includes(event.kind))
      throw new Error(`meterTimeline: event ${index} has an unknown kind ${JSON.stringify(event.kind)}.`);
    if (event.price !== undefined) price = validPrice(event.price, index);

    switch (event.kind) {
      case "compute-start":
        if (compute)
          throw new Error(
            `meterTimeline: event ${index} is a compute-start while compute started at ${compute.startAt.toISOString()} has not stopped.`,
          );
        compute = open("compute", at, index);
        break;
      case "compute-stop":
        if (!compute) throw new Error(`meterTimeline: event ${index} is a compute-stop without a compute-start.`);
        emit(compute, at);
        compute = null;
        break;
      case "disk-start":
        if (disk)
          throw new Error(
            `meterTimeline: event ${index} is a disk-start while the disk started at ${disk.startAt.toISOString()} has not stopped.`,
          );
        disk = open("storage", at, index);
        break;
      case "disk-stop":
        if (!disk) throw new Error(`meterTimeline: event ${index} is a disk-stop without a disk-start.`);
        emit(disk, at);
        disk = null;
        break;
      case "checkpoint":
        if (compute) emit(compute, at);
        if (disk) emit(disk, at);
        break;
    }
  }
  return segments;
}

/** A run's cumulative billed seconds after `elapsedMs` of wall time (see meterTimeline). */
function billedSeconds(elapsedMs: number, minimumSeconds: number): number {
  return elapsedMs <= 0 ? 0 : Math.max(minimumSeconds, Math.ceil(elapsedMs / 1000));
}

function validPrice(price: BillingPrice, index: number): BillingPrice {
  if (typeof price !== "object" || price === null) throw new Error(`meterTimeline: event ${index} has an invalid price.`);
  requireCount(`event ${index} price.hourlyMicros`, price.hourlyMicros);
  requireCount(`event ${index} price.diskGbMonthMicros`, price.diskGbMonthMicros);
  requireCount(`event ${index} price.diskGb`, price.diskGb);
  // Copied so a caller changing its object later cannot change what this run is billed at.
  return { hourlyMicros: price.hourlyMicros, diskGbMonthMicros: price.diskGbMonthMicros, diskGb: price.diskGb };
}

/** A non-negative safe integer, or a clear error naming the value. */
function requireCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative whole number, got ${String(value)}.`);
  }
}

function requirePositiveCount(name: string, value: number): void {
  requireCount(name, value);
  if (value === 0) throw new Error(`${name} must be positive.`);
}
