// The VM lifecycle as a pure state machine. `transition(state, command)` says what the next state
// is and which provider calls (effects) the actor must make; an illegal command is an error the
// routes answer with 409 naming the current state. No I/O here: the VmActor is the shell.
//
//   pending ──create──▶ provisioning ──observed running──▶ starting ──agent-ready──▶ running
//   running|starting ──stop──▶ stopping ──observed stopped──▶ stopped ──start──▶ starting
//   any live state ──terminate──▶ terminating ──observed terminated──▶ terminated
//   in-flight states ──timeout / provider-failed / instance lost──▶ failed (reason)
import type { InstanceState } from "../providers/types";

export const VM_STATES = [
  "pending", // accepted; the provider has not been asked yet
  "provisioning", // createInstance issued; the instance is not running yet
  "starting", // the instance runs; waiting for the in-VM agent to report the streaming host ready
  "running", // playable
  "stopping",
  "stopped", // instance stopped: only its disk is billed
  "terminating",
  "terminated",
  "failed", // gave up, with a reason; any instance left was asked to terminate
] as const;
export type VmState = (typeof VM_STATES)[number];

/** States a VM rests in without the actor waiting on anything. */
export const STABLE_STATES: readonly VmState[] = ["running", "stopped", "terminated", "failed"];
/** States no command leaves (terminate on them is an accepted no-op). */
export const FINAL_STATES: readonly VmState[] = ["terminated", "failed"];
/** States in which the actor polls the provider and a deadline applies. */
export const IN_FLIGHT_STATES: readonly VmState[] = ["provisioning", "starting", "stopping", "terminating"];

export const FAILURE_REASONS = [
  "capacity",
  "quota",
  "invalid-request",
  "auth",
  "provider-error",
  "provision-timeout",
  "boot-timeout",
  "stop-timeout",
  "instance-lost",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export type VmCommand =
  | { type: "create" }
  | { type: "start" }
  | { type: "stop" }
  | { type: "terminate" }
  /** What the provider reports for the instance (`missing`: it does not know it). */
  | { type: "observed"; instance: InstanceState | "missing" }
  | { type: "agent-ready" }
  | { type: "heartbeat" }
  /** The deadline of the current in-flight state passed. */
  | { type: "timeout" }
  /** The in-flight provider call failed for good (not retryable). */
  | { type: "provider-failed"; reason: FailureReason };

export type VmEffect = "createInstance" | "startInstance" | "stopInstance" | "terminateInstance";

export type TransitionResult =
  | { ok: true; state: VmState; effects: VmEffect[]; reason: FailureReason | null; changed: boolean }
  | { ok: false; state: VmState; message: string };

const stay = (state: VmState): TransitionResult => ({ ok: true, state, effects: [], reason: null, changed: false });
const go = (from: VmState, state: VmState, effects: VmEffect[] = []): TransitionResult => ({
  ok: true,
  state,
  effects,
  reason: null,
  changed: state !== from,
});
const fail = (reason: FailureReason, effects: VmEffect[] = []): TransitionResult => ({
  ok: true,
  state: "failed",
  effects,
  reason,
  changed: true,
});
const illegal = (state: VmState, command: VmCommand): TransitionResult => ({
  ok: false,
  state,
  message: `Cannot ${command.type} a VM that is ${state}.`,
});

export function transition(state: VmState, command: VmCommand): TransitionResult {
  switch (command.type) {
    case "create":
      return state === "pending" ? go(state, "provisioning", ["createInstance"]) : illegal(state, command);
    case "start":
      if (state === "stopped") return go(state, "starting", ["startInstance"]);
      if (state === "starting" || state === "running") return stay(state); // already on its way: idempotent
      return illegal(state, command);
    case "stop":
      if (state === "running" || state === "starting") return go(state, "stopping", ["stopInstance"]);
      if (state === "stopping" || state === "stopped") return stay(state);
      return illegal(state, command);
    case "terminate":
      if (FINAL_STATES.includes(state) || state === "terminating") return stay(state);
      if (state === "pending") return go(state, "terminated"); // nothing exists at the provider yet
      return go(state, "terminating", ["terminateInstance"]);
    case "observed":
      return observe(state, command.instance);
    case "agent-ready":
      if (state === "starting") return go(state, "running");
      if (state === "running") return stay(state);
      return illegal(state, command);
    case "heartbeat":
      return state === "running" ? stay(state) : illegal(state, command);
    case "timeout":
      return onTimeout(state);
    case "provider-failed":
      if (state === "provisioning") return fail(command.reason);
      if (state === "starting" || state === "stopping") return fail(command.reason, ["terminateInstance"]);
      return stay(state); // terminating keeps retrying; stable states have nothing in flight
  }
}

function observe(state: VmState, instance: InstanceState | "missing"): TransitionResult {
  const gone = instance === "terminated" || instance === "missing";
  switch (state) {
    case "provisioning":
      if (instance === "running") return go(state, "starting");
      if (instance === "pending") return stay(state);
      return fail("instance-lost", gone ? [] : ["terminateInstance"]);
    case "starting":
      if (gone || instance === "shutting-down") return fail("instance-lost");
      return stay(state); // pending/stopped while the start is taking effect, running while the agent boots
    case "running":
      if (gone || instance === "shutting-down") return fail("instance-lost"); // e.g. a spot interruption
      if (instance === "stopped") return go(state, "stopped");
      if (instance === "stopping") return go(state, "stopping");
      return stay(state);
    case "stopping":
      if (instance === "stopped") return go(state, "stopped");
      if (gone || instance === "shutting-down") return fail("instance-lost");
      return stay(state);
    case "stopped":
      if (gone || instance === "shutting-down") return fail("instance-lost");
      if (instance === "pending" || instance === "running") return go(state, "starting"); // started outside the API
      return stay(state);
    case "terminating":
      return gone ? go(state, "terminated") : stay(state);
    default:
      return stay(state); // pending, terminated, failed: nothing to learn
  }
}

function onTimeout(state: VmState): TransitionResult {
  switch (state) {
    case "provisioning":
      return fail("provision-timeout", ["terminateInstance"]);
    case "starting":
      return fail("boot-timeout", ["terminateInstance"]);
    case "stopping":
      return fail("stop-timeout", ["terminateInstance"]);
    case "terminating":
      return { ok: true, state, effects: ["terminateInstance"], reason: null, changed: false }; // ask again
    default:
      return stay(state); // a stale timer
  }
}

/** Maps a provider error kind to the reason a VM fails with, when it is not retryable. */
export function failureReasonOf(
  kind: "capacity" | "quota" | "invalid-request" | "auth" | "not-found" | "transient" | "rate-limited",
): FailureReason {
  switch (kind) {
    case "capacity":
    case "quota":
    case "invalid-request":
    case "auth":
      return kind;
    case "not-found":
      return "instance-lost";
    default:
      return "provider-error";
  }
}
