// Idle and lifetime limits of a running VM: the pure rule the VmActor enforces with its own alarm
// (and that `sweep`, the scheduled safety net, applies on demand). No I/O, no clock: `now` is given.
//
//   idle          now − max(lastActivityAt, agentReadyAt)          ≥ idleTimeoutMs
//   agent-silent  now − max(lastHeartbeatAt, agentReadyAt)         ≥ idleTimeoutMs  (a silent agent counts as idle)
//   max-session   now − start of the current boot (agentReadyAt)   ≥ maxSessionMs
//
// Only a `running` VM has limits. When several are due, the reason is the one that became due
// first; on a tie agent-silent wins over idle (it says more), and idle over max-session.

import { DEFAULT_POLICY } from "../../domain/catalog/defaults/policy";
import type { TenantPolicy } from "../../domain/catalog/schema";
import type { VmStatus } from "./state";

export interface VmLimits {
  /** No player activity (or no heartbeat at all) for this long stops the VM. */
  idleTimeoutMs: number;
  /** A boot may run this long at most (from the agent's ready report). */
  maxSessionMs: number;
}

export const LIMIT_REASONS = ["idle", "agent-silent", "max-session"] as const;
export type LimitReason = (typeof LIMIT_REASONS)[number];

export type LimitCheck = { due: false; at: number | null } | { due: true; reason: LimitReason };

/** The limits of a tenant policy (minutes → ms). */
export function limitsOf(policy: Pick<TenantPolicy, "idleTimeoutMinutes" | "maxSessionMinutes">): VmLimits {
  return { idleTimeoutMs: policy.idleTimeoutMinutes * 60_000, maxSessionMs: policy.maxSessionMinutes * 60_000 };
}

/** For VMs (and sessions) stored before limits existed. */
export const DEFAULT_LIMITS: VmLimits = limitsOf(DEFAULT_POLICY);

export type LimitInput = Pick<VmStatus, "state" | "lastActivityAt" | "lastHeartbeatAt"> & {
  timings: Pick<VmStatus["timings"], "agentReadyAt" | "bootStartedAt" | "acceptedAt">;
};

/** Whether a limit is reached at `now`, or when the first one will be (null: never, not running). */
export function checkLimits(limits: VmLimits, status: LimitInput, now: number): LimitCheck {
  if (status.state !== "running") return { due: false, at: null };
  const { agentReadyAt, bootStartedAt, acceptedAt } = status.timings;
  const bootAt = agentReadyAt ?? bootStartedAt ?? acceptedAt;
  // Values from an earlier boot are older than this boot's start, so max() ignores them.
  const activeAt = Math.max(status.lastActivityAt ?? bootAt, bootAt);
  const heardAt = Math.max(status.lastHeartbeatAt ?? bootAt, bootAt);
  // In tie-break order: a stable sort keeps it among reasons due at the same moment.
  const candidates: { reason: LimitReason; at: number }[] = [
    { reason: "agent-silent", at: heardAt + limits.idleTimeoutMs },
    { reason: "idle", at: activeAt + limits.idleTimeoutMs },
    { reason: "max-session", at: bootAt + limits.maxSessionMs },
  ];
  candidates.sort((a, b) => a.at - b.at);
  const first = candidates[0] as { reason: LimitReason; at: number };
  return now >= first.at ? { due: true, reason: first.reason } : { due: false, at: first.at };
}

/** When the actor's alarm must run for the limits: `now` when one is due, else the next due time. */
export function limitAlarmAt(check: LimitCheck, now: number): number | null {
  return check.due ? now : check.at;
}

/**
 * The agent heartbeats every 30 s. After `silenceCheckMs` (VmTimeouts, 90 s by default) without
 * one, a running VM's actor asks the provider whether the instance is still there (a spot
 * interruption or host failure silences the agent first), then again every 5 × that while the
 * silence lasts. So an instance lost while running fails the VM (`instance-lost`) and stops its
 * billing within about 1.5 minutes, not at the next reconcile; a live instance with a silent agent
 * is left to the idle rule.
 */
export type SilenceInput = LimitInput & { lastInstanceCheckAt?: number | null };

/** When the actor should next ask the provider about a silent agent's instance (null: not running). */
export function instanceCheckAt(status: SilenceInput, silenceCheckMs: number): number | null {
  if (status.state !== "running") return null;
  const { agentReadyAt, bootStartedAt, acceptedAt } = status.timings;
  const bootAt = agentReadyAt ?? bootStartedAt ?? acceptedAt;
  const heardAt = Math.max(status.lastHeartbeatAt ?? bootAt, bootAt);
  const firstCheck = heardAt + silenceCheckMs;
  const checkedAt = status.lastInstanceCheckAt ?? null;
  if (checkedAt === null || checkedAt < firstCheck) return firstCheck;
  return checkedAt + 5 * silenceCheckMs;
}
