// What a VM actor keeps in its storage, and the view the API returns.
import type { Provider as CatalogProvider } from "../../domain/catalog/schema";
import type { FailureReason, VmEffect, VmState } from "../../domain/lifecycle";
import type { VmEventRecord, VmRecord } from "../../store/types";
import type { AgentActivity, StreamingEndpoint } from "../agent-types";
import type { VmBilling } from "./billing";
import type { LimitReason, VmLimits } from "./limits";
import type { VmTimeouts } from "./timing";

/** Everything needed to create the VM, fixed at creation. */
export interface VmSpec {
  vmId: string;
  tenantId: string;
  /** The catalog entry of the provider at creation (prices, endpoint, credential secret name). */
  provider: CatalogProvider;
  region: string;
  instanceType: string;
  emulatorId: string;
  streamingHost: "sunshine" | "wolf";
  image: string;
  diskGb: number;
  spot: boolean;
  playerId: string | null;
  sessionId: string | null;
  /** Base URL the agent calls back (the API's origin). */
  apiUrl: string;
  /** SHA-256 of the create request, to refuse an idempotency key reused for another request. */
  requestHash: string;
  timeouts: VmTimeouts;
  /** Idle and lifetime limits while running (tenant policy at creation; DEFAULT_LIMITS for older VMs). */
  limits: VmLimits;
}

export interface VmTimings {
  acceptedAt: number;
  instanceCreatedAt: number | null;
  instanceRunningAt: number | null;
  agentReadyAt: number | null;
  /** acceptedAt (create) or the start command → agent ready, for the latest boot. */
  timeToPlayableMs: number | null;
  bootStartedAt: number | null;
}

/** The actor's mutable state, written in one storage put with every change. */
export interface VmStatus {
  state: VmState;
  seq: number;
  enteredAt: number;
  deadline: number | null;
  failureReason: FailureReason | null;
  providerInstanceId: string | null;
  /** Provider calls still to make (in order), with their retry pacing. */
  pendingEffects: VmEffect[];
  effectAttempt: number;
  nextEffectAt: number | null;
  nextPollAt: number | null;
  pollAttempt: number;
  agentTokenHash: string;
  endpoint: StreamingEndpoint | null;
  lastActivity: AgentActivity | null;
  lastHeartbeatAt: number | null;
  lastActivityAt: number | null;
  timings: VmTimings;
  createdAt: number;
  updatedAt: number;
  /** Outbox: the latest events not yet in the store, and whether the record is. */
  unflushedFromSeq: number | null;
  recordDirty: boolean;
  flushAttempt: number;
  nextFlushAt: number | null;
  lastFlushError: string | null;
  /** When the actor last asked the provider about a silent agent's instance (see limits.ts). */
  lastInstanceCheckAt?: number | null;
  /** What the provider bills, for the usage ledger. */
  billing: VmBilling;
  /** Why the latest stop was made: a limit, or `requested` (the API). Absent on VMs stored before. */
  stopReason?: StopReason | null;
}

/** Why a VM was stopped: a limit the actor enforced, or a stop command through the API. */
export type StopReason = LimitReason | "requested";

export interface VmView {
  id: string;
  state: VmState;
  provider: string;
  region: string;
  instanceType: string;
  emulatorId: string;
  spot: boolean;
  playerId: string | null;
  sessionId: string | null;
  providerInstanceId: string | null;
  failureReason: FailureReason | null;
  endpoint: StreamingEndpoint | null;
  timings: {
    acceptedAt: string;
    instanceCreatedAt: string | null;
    instanceRunningAt: string | null;
    agentReadyAt: string | null;
    timeToPlayableMs: number | null;
  };
  lastActivityAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewOf(spec: VmSpec, status: VmStatus): VmView {
  return {
    id: spec.vmId,
    state: status.state,
    provider: spec.provider.id,
    region: spec.region,
    instanceType: spec.instanceType,
    emulatorId: spec.emulatorId,
    spot: spec.spot,
    playerId: spec.playerId,
    sessionId: spec.sessionId,
    providerInstanceId: status.providerInstanceId,
    failureReason: status.failureReason,
    endpoint: status.state === "running" ? status.endpoint : null,
    timings: {
      acceptedAt: new Date(status.timings.acceptedAt).toISOString(),
      instanceCreatedAt: iso(status.timings.instanceCreatedAt),
      instanceRunningAt: iso(status.timings.instanceRunningAt),
      agentReadyAt: iso(status.timings.agentReadyAt),
      timeToPlayableMs: status.timings.timeToPlayableMs,
    },
    lastActivityAt: iso(status.lastActivityAt),
    createdAt: new Date(status.createdAt).toISOString(),
    updatedAt: new Date(status.updatedAt).toISOString(),
  };
}

/** The Store's copy of the VM (the queryable index; the actor stays authoritative). */
export function recordOf(spec: VmSpec, status: VmStatus): VmRecord {
  const view = viewOf(spec, status);
  return {
    id: spec.vmId,
    tenantId: spec.tenantId,
    state: status.state,
    seq: status.seq,
    provider: spec.provider.id,
    region: spec.region,
    instanceType: spec.instanceType,
    emulatorId: spec.emulatorId,
    playerId: spec.playerId,
    sessionId: spec.sessionId,
    providerInstanceId: status.providerInstanceId,
    failureReason: status.failureReason,
    createdAt: new Date(status.createdAt),
    updatedAt: new Date(status.updatedAt),
    data: JSON.parse(
      JSON.stringify({ spot: spec.spot, timings: view.timings, endpoint: view.endpoint, lastActivityAt: view.lastActivityAt }),
    ),
  };
}

export type VmEvent = VmEventRecord;
