// What a player actor keeps: the player's sessions, its idempotency keys and its VMs.
import type { Provider as CatalogProvider } from "../../domain/catalog/schema";
import type { SessionRecord } from "../../store/types";
import type { StreamingEndpoint } from "../agent-types";
import type { VmLimits } from "../vm/limits";

/** A placement the launch may use, best first (computed at the edge by the placement engine). */
export interface LaunchCandidate {
  provider: CatalogProvider;
  region: string;
  instanceType: string;
  image: string;
  diskGb: number;
  spot: boolean;
  estimatedRttMs: number | null;
  hourlyPriceMicros: number;
}

export interface LaunchRequest {
  tenantId: string;
  playerId: string;
  emulatorId: string;
  streamingHost: "sunshine" | "wolf";
  game: string;
  /** Ranked candidates; the first is the choice, the rest are fallbacks. */
  candidates: LaunchCandidate[];
  /** Regions (provider:region) where a stopped VM of this player may be started instead. */
  acceptableRegions: string[];
  idempotencyKey: string | null;
  requestHash: string;
  apiUrl: string;
  /** How many sessions a player may have at once (tenant policy). */
  maxActiveSessions: number;
  /** Idle and lifetime limits of the VMs created for the session (tenant policy). */
  limits: VmLimits;
  /** Placement explanation stored with the session (alternatives and reasons). */
  placement: Record<string, unknown>;
}

export type SessionState = "starting" | "playable" | "ending" | "ended" | "failed";

export interface LaunchAttempt {
  provider: string;
  region: string;
  instanceType: string;
  vmId: string;
  outcome: "pending" | "playable" | "failed";
  reason: string | null;
  warm: boolean;
}

export interface SessionEvent {
  seq: number;
  at: string;
  type: string;
  state: SessionState;
  data: Record<string, unknown>;
}

export interface Session {
  id: string;
  tenantId: string;
  playerId: string;
  emulatorId: string;
  streamingHost: "sunshine" | "wolf";
  game: string;
  state: SessionState;
  version: number;
  vmId: string | null;
  attempts: LaunchAttempt[];
  /** Candidates not tried yet (fallbacks). */
  remaining: LaunchCandidate[];
  placement: Record<string, unknown>;
  endpoint: StreamingEndpoint | null;
  warm: boolean;
  failureReason: string | null;
  /** Why it ended or failed (e.g. `requested`, `vm-stopping`, a VM failure reason). Absent on sessions stored before. */
  endReason?: string | null;
  apiUrl: string;
  /** For the VMs this session creates (absent on sessions stored before: DEFAULT_LIMITS). */
  limits?: VmLimits;
  createdAt: number;
  playableAt: number | null;
  endedAt: number | null;
  events: SessionEvent[];
}

/** A VM this player has had, so a later launch can start it again (warm start). */
export interface PlayerVm {
  vmId: string;
  provider: string;
  region: string;
  emulatorId: string;
  /** The last state seen. */
  state: string;
}

export interface SessionView {
  id: string;
  playerId: string;
  emulatorId: string;
  game: string;
  state: SessionState;
  vmId: string | null;
  provider: string | null;
  region: string | null;
  warm: boolean;
  endpoint: StreamingEndpoint | null;
  timeToPlayableMs: number | null;
  failureReason: string | null;
  attempts: LaunchAttempt[];
  placement: Record<string, unknown>;
  createdAt: string;
  playableAt: string | null;
  endedAt: string | null;
}

export function sessionView(session: Session): SessionView {
  const current = session.attempts[session.attempts.length - 1];
  return {
    id: session.id,
    playerId: session.playerId,
    emulatorId: session.emulatorId,
    game: session.game,
    state: session.state,
    vmId: session.vmId,
    provider: current?.provider ?? null,
    region: current?.region ?? null,
    warm: session.warm,
    endpoint: session.state === "playable" ? session.endpoint : null,
    timeToPlayableMs: session.playableAt === null ? null : session.playableAt - session.createdAt,
    failureReason: session.failureReason,
    attempts: session.attempts,
    placement: session.placement,
    createdAt: new Date(session.createdAt).toISOString(),
    playableAt: session.playableAt === null ? null : new Date(session.playableAt).toISOString(),
    endedAt: session.endedAt === null ? null : new Date(session.endedAt).toISOString(),
  };
}

export function sessionRecord(session: Session): SessionRecord {
  const view = sessionView(session);
  return {
    id: session.id,
    tenantId: session.tenantId,
    playerId: session.playerId,
    state: session.state,
    version: session.version,
    vmId: session.vmId,
    provider: view.provider,
    region: view.region,
    emulatorId: session.emulatorId,
    createdAt: new Date(session.createdAt),
    updatedAt: new Date(),
    endedAt: session.endedAt === null ? null : new Date(session.endedAt),
    data: JSON.parse(
      JSON.stringify({
        game: session.game,
        warm: session.warm,
        attempts: session.attempts,
        timeToPlayableMs: view.timeToPlayableMs,
      }),
    ),
  };
}

export const LIVE_SESSION_STATES: readonly SessionState[] = ["starting", "playable"];
