// Exhaustive tests of the VM lifecycle state machine. The expectations below are written from the
// intended behaviour (the spec tables), not derived from the implementation: every state × command
// pair has an explicit expected outcome, and structural properties are checked over the full
// cross product.
import { describe, expect, it } from "vitest";
import {
  FAILURE_REASONS,
  type FailureReason,
  FINAL_STATES,
  failureReasonOf,
  IN_FLIGHT_STATES,
  STABLE_STATES,
  type TransitionResult,
  transition,
  VM_STATES,
  type VmCommand,
  type VmEffect,
  type VmState,
} from "../../src/domain/lifecycle";
import type { InstanceState, ProviderErrorKind } from "../../src/providers/types";

type Observed = InstanceState | "missing";
const OBSERVED: readonly Observed[] = ["pending", "running", "stopping", "stopped", "shutting-down", "terminated", "missing"];
const EFFECTS: readonly VmEffect[] = ["createInstance", "startInstance", "stopInstance", "terminateInstance"];
/** Two failure reasons a provider call can end with, to check the reason is passed through. */
const PROVIDER_FAILURE_REASONS: readonly FailureReason[] = ["capacity", "quota"];

// ---------------------------------------------------------------------------------------------
// Expected outcomes
// ---------------------------------------------------------------------------------------------

type Outcome =
  | { kind: "illegal" }
  | { kind: "noop" }
  | { kind: "to"; state: VmState; effects: VmEffect[]; reason: FailureReason | null };

const ILLEGAL: Outcome = { kind: "illegal" };
const NOOP: Outcome = { kind: "noop" };
const to = (state: VmState, effects: VmEffect[] = []): Outcome => ({ kind: "to", state, effects, reason: null });
const failed = (reason: FailureReason, effects: VmEffect[] = []): Outcome => ({ kind: "to", state: "failed", effects, reason });

const CREATE: Record<VmState, Outcome> = {
  pending: to("provisioning", ["createInstance"]),
  provisioning: ILLEGAL,
  starting: ILLEGAL,
  running: ILLEGAL,
  stopping: ILLEGAL,
  stopped: ILLEGAL,
  terminating: ILLEGAL,
  terminated: ILLEGAL,
  failed: ILLEGAL,
};

const START: Record<VmState, Outcome> = {
  pending: ILLEGAL,
  provisioning: ILLEGAL,
  starting: NOOP,
  running: NOOP,
  stopping: ILLEGAL,
  stopped: to("starting", ["startInstance"]),
  terminating: ILLEGAL,
  terminated: ILLEGAL,
  failed: ILLEGAL,
};

const STOP: Record<VmState, Outcome> = {
  pending: ILLEGAL,
  provisioning: ILLEGAL,
  starting: to("stopping", ["stopInstance"]),
  running: to("stopping", ["stopInstance"]),
  stopping: NOOP,
  stopped: NOOP,
  terminating: ILLEGAL,
  terminated: ILLEGAL,
  failed: ILLEGAL,
};

const TERMINATE: Record<VmState, Outcome> = {
  pending: to("terminated"),
  provisioning: to("terminating", ["terminateInstance"]),
  starting: to("terminating", ["terminateInstance"]),
  running: to("terminating", ["terminateInstance"]),
  stopping: to("terminating", ["terminateInstance"]),
  stopped: to("terminating", ["terminateInstance"]),
  terminating: NOOP,
  terminated: NOOP,
  failed: NOOP,
};

const AGENT_READY: Record<VmState, Outcome> = {
  pending: ILLEGAL,
  provisioning: ILLEGAL,
  starting: to("running"),
  running: NOOP,
  stopping: ILLEGAL,
  stopped: ILLEGAL,
  terminating: ILLEGAL,
  terminated: ILLEGAL,
  failed: ILLEGAL,
};

const HEARTBEAT: Record<VmState, Outcome> = {
  pending: ILLEGAL,
  provisioning: ILLEGAL,
  starting: ILLEGAL,
  running: NOOP,
  stopping: ILLEGAL,
  stopped: ILLEGAL,
  terminating: ILLEGAL,
  terminated: ILLEGAL,
  failed: ILLEGAL,
};

const TIMEOUT: Record<VmState, Outcome> = {
  pending: NOOP,
  provisioning: failed("provision-timeout", ["terminateInstance"]),
  starting: failed("boot-timeout", ["terminateInstance"]),
  running: NOOP,
  stopping: failed("stop-timeout", ["terminateInstance"]),
  // Asks the provider again: same state, an effect, not changed.
  terminating: to("terminating", ["terminateInstance"]),
  stopped: NOOP,
  terminated: NOOP,
  failed: NOOP,
};

const providerFailed = (reason: FailureReason): Record<VmState, Outcome> => ({
  pending: NOOP,
  provisioning: failed(reason),
  starting: failed(reason, ["terminateInstance"]),
  running: NOOP,
  stopping: failed(reason, ["terminateInstance"]),
  stopped: NOOP,
  terminating: NOOP,
  terminated: NOOP,
  failed: NOOP,
});

const LOST = failed("instance-lost");
const LOST_TERMINATE = failed("instance-lost", ["terminateInstance"]);
const ALWAYS_NOOP: Record<Observed, Outcome> = {
  pending: NOOP,
  running: NOOP,
  stopping: NOOP,
  stopped: NOOP,
  "shutting-down": NOOP,
  terminated: NOOP,
  missing: NOOP,
};

const OBSERVED_TABLE: Record<VmState, Record<Observed, Outcome>> = {
  pending: ALWAYS_NOOP,
  provisioning: {
    pending: NOOP,
    running: to("starting"),
    stopping: LOST_TERMINATE,
    stopped: LOST_TERMINATE,
    "shutting-down": LOST_TERMINATE,
    terminated: LOST,
    missing: LOST,
  },
  starting: {
    pending: NOOP,
    running: NOOP,
    stopping: NOOP,
    stopped: NOOP,
    "shutting-down": LOST,
    terminated: LOST,
    missing: LOST,
  },
  running: {
    pending: NOOP,
    running: NOOP,
    stopping: to("stopping"),
    stopped: to("stopped"),
    "shutting-down": LOST, // e.g. a spot interruption
    terminated: LOST,
    missing: LOST,
  },
  stopping: {
    pending: NOOP,
    running: NOOP,
    stopping: NOOP,
    stopped: to("stopped"),
    "shutting-down": LOST,
    terminated: LOST,
    missing: LOST,
  },
  stopped: {
    pending: to("starting"), // started outside the API
    running: to("starting"),
    stopping: NOOP,
    stopped: NOOP,
    "shutting-down": LOST,
    terminated: LOST,
    missing: LOST,
  },
  terminating: {
    pending: NOOP,
    running: NOOP,
    stopping: NOOP,
    stopped: NOOP,
    "shutting-down": NOOP,
    terminated: to("terminated"),
    missing: to("terminated"),
  },
  terminated: ALWAYS_NOOP,
  failed: ALWAYS_NOOP,
};

// ---------------------------------------------------------------------------------------------
// The full cross product
// ---------------------------------------------------------------------------------------------

interface CommandSpec {
  label: string;
  command: VmCommand;
  expected: Record<VmState, Outcome>;
}

const observedColumn = (instance: Observed): Record<VmState, Outcome> =>
  Object.fromEntries(VM_STATES.map((state) => [state, OBSERVED_TABLE[state][instance]])) as Record<VmState, Outcome>;

const COMMANDS: CommandSpec[] = [
  { label: "create", command: { type: "create" }, expected: CREATE },
  { label: "start", command: { type: "start" }, expected: START },
  { label: "stop", command: { type: "stop" }, expected: STOP },
  { label: "terminate", command: { type: "terminate" }, expected: TERMINATE },
  { label: "agent-ready", command: { type: "agent-ready" }, expected: AGENT_READY },
  { label: "heartbeat", command: { type: "heartbeat" }, expected: HEARTBEAT },
  { label: "timeout", command: { type: "timeout" }, expected: TIMEOUT },
  ...PROVIDER_FAILURE_REASONS.map(
    (reason): CommandSpec => ({
      label: `provider-failed(${reason})`,
      command: { type: "provider-failed", reason },
      expected: providerFailed(reason),
    }),
  ),
  ...OBSERVED.map(
    (instance): CommandSpec => ({
      label: `observed(${instance})`,
      command: { type: "observed", instance },
      expected: observedColumn(instance),
    }),
  ),
];

interface Case {
  state: VmState;
  label: string;
  command: VmCommand;
  outcome: Outcome;
}

const CASES: Case[] = VM_STATES.flatMap((state) =>
  COMMANDS.map(({ label, command, expected }) => ({ state, label, command, outcome: expected[state] })),
);

const describeOutcome = (outcome: Outcome): string => {
  switch (outcome.kind) {
    case "illegal":
      return "is illegal (409)";
    case "noop":
      return "is an accepted no-op";
    case "to": {
      const effects = outcome.effects.length > 0 ? ` [${outcome.effects.join(", ")}]` : " []";
      const reason = outcome.reason ? ` (${outcome.reason})` : "";
      return `→ ${outcome.state}${reason}${effects}`;
    }
  }
};

const NAMED_CASES = CASES.map((c) => ({ ...c, name: `${c.state} + ${c.label} ${describeOutcome(c.outcome)}` }));

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe("lifecycle constants", () => {
  it("lists the nine VM states", () => {
    expect([...VM_STATES]).toEqual([
      "pending",
      "provisioning",
      "starting",
      "running",
      "stopping",
      "stopped",
      "terminating",
      "terminated",
      "failed",
    ]);
  });

  it("has stable, final and in-flight states that are all VM states", () => {
    for (const state of [...STABLE_STATES, ...FINAL_STATES, ...IN_FLIGHT_STATES]) {
      expect(VM_STATES).toContain(state);
    }
  });

  it("has final states that are stable", () => {
    for (const state of FINAL_STATES) expect(STABLE_STATES).toContain(state);
  });

  it("has no state both stable and in flight", () => {
    for (const state of IN_FLIGHT_STATES) expect(STABLE_STATES).not.toContain(state);
  });

  it("has terminated and failed as its final states", () => {
    expect([...FINAL_STATES].sort()).toEqual(["failed", "terminated"]);
  });

  it("has the final states exactly the states no command leaves (per the spec tables)", () => {
    const unleavable = VM_STATES.filter((state) =>
      COMMANDS.every(({ expected }) => {
        const outcome = expected[state];
        return outcome.kind !== "to" || outcome.state === state;
      }),
    );
    expect([...unleavable].sort()).toEqual([...FINAL_STATES].sort());
  });

  it("knows every failure reason the machine produces", () => {
    for (const reason of [
      "capacity",
      "quota",
      "invalid-request",
      "auth",
      "provider-error",
      "provision-timeout",
      "boot-timeout",
      "stop-timeout",
      "instance-lost",
    ]) {
      expect(FAILURE_REASONS).toContain(reason);
    }
  });

  it("covers every state × command pair", () => {
    expect(CASES).toHaveLength(VM_STATES.length * COMMANDS.length);
    expect(COMMANDS).toHaveLength(7 + PROVIDER_FAILURE_REASONS.length + OBSERVED.length);
  });
});

describe("transition: every state × command", () => {
  it.each(NAMED_CASES)("$name", ({ state, command, outcome }) => {
    const result = transition(state, command);
    switch (outcome.kind) {
      case "illegal": {
        expect(result.ok).toBe(false);
        expect(result.state).toBe(state);
        if (result.ok) return;
        expect(result.message).toMatch(new RegExp(`(^|[^\\w-])${escapeRegExp(command.type)}([^\\w-]|$)`));
        expect(result.message).toMatch(new RegExp(`(^|[^\\w-])${escapeRegExp(state)}([^\\w-]|$)`));
        break;
      }
      case "noop": {
        expect(result).toEqual({ ok: true, state, effects: [], reason: null, changed: false });
        break;
      }
      case "to": {
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.state).toBe(outcome.state);
        expect([...result.effects].sort()).toEqual([...outcome.effects].sort());
        expect(result.reason).toBe(outcome.reason);
        expect(result.changed).toBe(outcome.state !== state);
        break;
      }
    }
  });
});

describe("transition: structural properties over all pairs", () => {
  const pairs = CASES.map(({ state, label, command }) => ({ name: `${state} + ${label}`, state, command }));

  it.each(pairs)("$name: the result state is a VM state", ({ state, command }) => {
    expect(VM_STATES).toContain(transition(state, command).state);
  });

  it.each(pairs.filter(({ state }) => FINAL_STATES.includes(state)))(
    "$name: a final state is never left",
    ({ state, command }) => {
      expect(transition(state, command).state).toBe(state);
    },
  );

  it.each(pairs)("$name: an illegal command keeps the state", ({ state, command }) => {
    const result = transition(state, command);
    if (!result.ok) expect(result.state).toBe(state);
  });

  it.each(pairs)("$name: effects are known and never duplicated", ({ state, command }) => {
    const result = transition(state, command);
    if (!result.ok) return;
    expect(new Set(result.effects).size).toBe(result.effects.length);
    for (const effect of result.effects) expect(EFFECTS).toContain(effect);
  });

  it.each(pairs)("$name: changed is true iff the state differs", ({ state, command }) => {
    const result = transition(state, command);
    if (result.ok) expect(result.changed).toBe(result.state !== state);
  });

  // Read as "a transition INTO failed carries its reason": a no-op on a VM already failed cannot
  // know the stored reason (the machine only sees the state), so it answers reason null and the
  // actor keeps the reason it stored when the VM failed.
  it.each(pairs)("$name: a reason is set iff the result is failed", ({ state, command }) => {
    const result = transition(state, command);
    if (!result.ok) return;
    if (result.state === "failed" && result.changed) {
      expect(result.reason).not.toBeNull();
      expect(FAILURE_REASONS).toContain(result.reason);
    } else {
      expect(result.reason).toBeNull();
    }
  });

  it.each(pairs)("$name: is pure (same answer twice, returned effects not shared)", ({ state, command }) => {
    const snapshot = structuredClone(command);
    const first = transition(state, command);
    if (first.ok) first.effects.push("createInstance");
    const second = transition(state, command);
    const third = transition(state, command);
    expect(command).toEqual(snapshot);
    expect(second).toEqual(third);
    if (second.ok) expect(new Set(second.effects).size).toBe(second.effects.length);
  });

  it.each([...IN_FLIGHT_STATES])("in-flight %s can reach a stable state by some command", (state) => {
    const reached = COMMANDS.map(({ command }) => transition(state, command)).filter(
      (result): result is Extract<TransitionResult, { ok: true }> => result.ok && STABLE_STATES.includes(result.state),
    );
    expect(reached.length).toBeGreaterThan(0);
  });
});

describe("transition: notable paths", () => {
  it("walks the happy path pending → running → stopped → running → terminated", () => {
    const steps: [VmCommand, VmState][] = [
      [{ type: "create" }, "provisioning"],
      [{ type: "observed", instance: "running" }, "starting"],
      [{ type: "agent-ready" }, "running"],
      [{ type: "heartbeat" }, "running"],
      [{ type: "stop" }, "stopping"],
      [{ type: "observed", instance: "stopped" }, "stopped"],
      [{ type: "start" }, "starting"],
      [{ type: "agent-ready" }, "running"],
      [{ type: "terminate" }, "terminating"],
      [{ type: "observed", instance: "terminated" }, "terminated"],
    ];
    let state: VmState = "pending";
    for (const [command, next] of steps) {
      const result = transition(state, command);
      expect(result.ok).toBe(true);
      expect(result.state).toBe(next);
      state = result.state;
    }
  });

  it("terminating on timeout asks the provider again without changing", () => {
    expect(transition("terminating", { type: "timeout" })).toEqual({
      ok: true,
      state: "terminating",
      effects: ["terminateInstance"],
      reason: null,
      changed: false,
    });
  });

  it("terminating a pending VM needs no provider call", () => {
    expect(transition("pending", { type: "terminate" })).toEqual({
      ok: true,
      state: "terminated",
      effects: [],
      reason: null,
      changed: true,
    });
  });

  it.each(FAILURE_REASONS.map((reason) => ({ reason })))("provider-failed passes the reason $reason through", ({ reason }) => {
    for (const state of ["provisioning", "starting", "stopping"] as const) {
      const result = transition(state, { type: "provider-failed", reason });
      expect(result.ok && result.state === "failed" && result.reason).toBe(reason);
    }
  });

  it("names the command and the current state in the illegal message", () => {
    const result = transition("terminated", { type: "start" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain("start");
    expect(result.message).toContain("terminated");
  });
});

describe("failureReasonOf", () => {
  const table: [ProviderErrorKind, FailureReason][] = [
    ["capacity", "capacity"],
    ["quota", "quota"],
    ["invalid-request", "invalid-request"],
    ["auth", "auth"],
    ["not-found", "instance-lost"],
    ["transient", "provider-error"],
    ["rate-limited", "provider-error"],
  ];

  it.each(table)("maps %s to %s", (kind, reason) => {
    expect(failureReasonOf(kind)).toBe(reason);
    expect(FAILURE_REASONS).toContain(failureReasonOf(kind));
  });
});
