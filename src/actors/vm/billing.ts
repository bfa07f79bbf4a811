// The VM's billing timeline: what the provider bills and since when, kept by the VM actor and
// turned into usage segments by the pure meter (src/domain/metering.ts). Compute is billed while
// the provider reports the instance running; the disk alone while the instance is stopped.
// Prices come from the catalog entry the VM was created with (the one in force then).
import { hourlyPrice } from "../../domain/catalog/eligibility";
import { type BillingEvent, type BillingPrice, meterTimeline } from "../../domain/metering";
import type { InstanceState } from "../../providers/types";
import type { UsageSegment } from "../../store/types";
import type { VmSpec } from "./state";

/** How often an open run is cut so spend reaches the ledger in near real time. */
export const CHECKPOINT_MS = 5 * 60_000;

export interface VmBilling {
  events: BillingEvent[];
  computeOpen: boolean;
  diskOpen: boolean;
  /** How many of the metered segments already reached the Store. */
  usageFlushed: number;
  nextCheckpointAt: number | null;
}

export function emptyBilling(): VmBilling {
  return { events: [], computeOpen: false, diskOpen: false, usageFlushed: 0, nextCheckpointAt: null };
}

function priceOf(spec: VmSpec): BillingPrice {
  const type = spec.provider.instanceTypes.find((t) => t.name === spec.instanceType);
  const price = type ? hourlyPrice(type, spec.region) : { onDemandHourlyMicros: 0, spotHourlyMicros: null };
  const hourly = spec.spot ? (price.spotHourlyMicros ?? price.onDemandHourlyMicros) : price.onDemandHourlyMicros;
  return { hourlyMicros: hourly, diskGbMonthMicros: spec.provider.diskGbMonthMicros, diskGb: spec.diskGb };
}

/** The next cut: in CHECKPOINT_MS, or at the next UTC midnight if sooner (daily periods). */
export function nextCheckpoint(now: number): number {
  const midnight = new Date(now);
  midnight.setUTCHours(24, 0, 0, 0);
  return Math.min(now + CHECKPOINT_MS, midnight.getTime());
}

/** Updates the timeline from what the provider reports; true when something was recorded. */
export function observeForBilling(billing: VmBilling, spec: VmSpec, instance: InstanceState | "missing", now: number): boolean {
  const at = new Date(now);
  const gone = instance === "terminated" || instance === "missing" || instance === "shutting-down";
  if (instance === "running" && !billing.computeOpen) {
    if (billing.diskOpen) billing.events.push({ at, kind: "disk-stop" });
    billing.events.push({ at, kind: "compute-start", price: priceOf(spec) });
    billing.computeOpen = true;
    billing.diskOpen = false;
  } else if (instance === "stopped" && billing.computeOpen) {
    billing.events.push({ at, kind: "compute-stop" }, { at, kind: "disk-start" });
    billing.computeOpen = false;
    billing.diskOpen = true;
  } else if (gone && (billing.computeOpen || billing.diskOpen)) {
    close(billing, at);
  } else {
    return false;
  }
  billing.nextCheckpointAt = billing.computeOpen || billing.diskOpen ? nextCheckpoint(now) : null;
  return true;
}

/** Closes every open run (the VM ended: terminated or failed). */
export function closeBilling(billing: VmBilling, now: number): boolean {
  if (!billing.computeOpen && !billing.diskOpen) return false;
  close(billing, new Date(now));
  billing.nextCheckpointAt = null;
  return true;
}

function close(billing: VmBilling, at: Date): void {
  if (billing.computeOpen) billing.events.push({ at, kind: "compute-stop" });
  if (billing.diskOpen) billing.events.push({ at, kind: "disk-stop" });
  billing.computeOpen = false;
  billing.diskOpen = false;
}

/** Cuts the open runs now, so their spend so far is metered. */
export function checkpoint(billing: VmBilling, now: number): void {
  billing.events.push({ at: new Date(now), kind: "checkpoint" });
  billing.nextCheckpointAt = billing.computeOpen || billing.diskOpen ? nextCheckpoint(now) : null;
}

/** Every segment of the timeline (ids `${vmId}:${seq}`, stable across re-runs). */
export function segmentsOf(billing: VmBilling, spec: VmSpec): UsageSegment[] {
  return meterTimeline({
    vmId: spec.vmId,
    tenantId: spec.tenantId,
    playerId: spec.playerId,
    sessionId: spec.sessionId,
    provider: spec.provider.id,
    providerKind: spec.provider.kind,
    region: spec.region,
    instanceType: spec.instanceType,
    events: billing.events,
  });
}
