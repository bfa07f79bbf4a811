// Deadlines and retry pacing for the VM actor. Pure functions of time, so tests can reason
// about them; the actor only stores the resulting timestamps.
import type { VmState } from "../../domain/lifecycle";

export interface VmTimeouts {
  /** createInstance issued → the instance runs at the provider. */
  provisionMs: number;
  /** The instance runs → the agent reports the streaming host ready. */
  bootMs: number;
  /** stopInstance issued → the instance is stopped. */
  stopMs: number;
  /** terminateInstance issued → terminated (then asked again). */
  terminateMs: number;
  /** A running VM's agent silent this long → ask the provider about the instance (see limits.ts). */
  silenceCheckMs?: number;
}

export const DEFAULT_TIMEOUTS: VmTimeouts = {
  provisionMs: 10 * 60_000,
  bootMs: 10 * 60_000,
  stopMs: 5 * 60_000,
  terminateMs: 5 * 60_000,
  silenceCheckMs: 90_000,
};

/** When the current in-flight state must be over, or null for states without a deadline. */
export function deadlineFor(state: VmState, enteredAt: number, timeouts: VmTimeouts): number | null {
  switch (state) {
    case "provisioning":
      return enteredAt + timeouts.provisionMs;
    case "starting":
      return enteredAt + timeouts.bootMs;
    case "stopping":
      return enteredAt + timeouts.stopMs;
    case "terminating":
      return enteredAt + timeouts.terminateMs;
    default:
      return null;
  }
}

/** Polling the provider while a transition is in flight: 1 s, then ×1.5 up to 15 s. */
export function pollDelayMs(attempt: number): number {
  return Math.min(15_000, Math.round(1_000 * 1.5 ** attempt));
}

/** Retrying a failed provider call or store flush: 1 s doubling up to `maxMs`, honouring a hint. */
export function retryDelayMs(attempt: number, hintMs: number | null = null, maxMs = 60_000): number {
  return Math.min(maxMs, Math.max(hintMs ?? 0, 1_000 * 2 ** attempt));
}
