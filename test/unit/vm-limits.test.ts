// The pure idle/lifetime rule a running VM is held to (src/actors/vm/limits.ts).
import { describe, expect, it } from "vitest";
import {
  checkLimits,
  DEFAULT_LIMITS,
  instanceCheckAt,
  type LimitCheck,
  type LimitInput,
  limitAlarmAt,
  limitsOf,
} from "../../src/actors/vm/limits";
import { DEFAULT_POLICY } from "../../src/domain/catalog/defaults/policy";
import { VM_STATES } from "../../src/domain/lifecycle";

const LIMITS = { idleTimeoutMs: 1_000, maxSessionMs: 10_000 };
const READY = 1_000_000; // agentReadyAt of the current boot

function vm(patch: Partial<Omit<LimitInput, "timings">> & { timings?: Partial<LimitInput["timings"]> } = {}): LimitInput {
  return {
    state: "running",
    lastActivityAt: READY,
    lastHeartbeatAt: null,
    ...patch,
    timings: { acceptedAt: READY - 60_000, bootStartedAt: READY - 30_000, agentReadyAt: READY, ...patch.timings },
  };
}

describe("checkLimits", () => {
  const cases: [string, LimitInput, number, LimitCheck][] = [
    ["just ready: due when the agent would have been silent that long", vm(), READY, { due: false, at: READY + 1_000 }],
    ["ready, never heard from again", vm(), READY + 1_000, { due: true, reason: "agent-silent" }],
    [
      "playing: activity in the last heartbeat",
      vm({ lastActivityAt: READY + 5_000, lastHeartbeatAt: READY + 5_000 }),
      READY + 5_999,
      { due: false, at: READY + 6_000 },
    ],
    [
      "the agent beats, nobody plays: idle, not silent",
      vm({ lastActivityAt: READY + 500, lastHeartbeatAt: READY + 1_400 }),
      READY + 1_500,
      { due: true, reason: "idle" },
    ],
    [
      "idle is counted from the later of the last activity and this boot's ready",
      vm({ lastActivityAt: READY - 50_000, lastHeartbeatAt: READY + 800 }),
      READY + 999,
      { due: false, at: READY + 1_000 },
    ],
    [
      "a heartbeat of an earlier boot does not count",
      vm({ lastActivityAt: READY + 700, lastHeartbeatAt: READY - 50_000 }),
      READY + 1_000,
      { due: true, reason: "agent-silent" },
    ],
    [
      "the agent went silent after the last activity: silent",
      vm({ lastActivityAt: READY + 2_000, lastHeartbeatAt: READY + 2_000 }),
      READY + 3_000,
      { due: true, reason: "agent-silent" },
    ],
    [
      "busy for the whole session: max-session",
      vm({ lastActivityAt: READY + 9_900, lastHeartbeatAt: READY + 9_900 }),
      READY + 10_000,
      { due: true, reason: "max-session" },
    ],
    [
      "busy, just under max-session",
      vm({ lastActivityAt: READY + 9_900, lastHeartbeatAt: READY + 9_950 }),
      READY + 9_999,
      { due: false, at: READY + 10_000 },
    ],
    [
      "no ready time recorded: the boot's start counts",
      vm({ lastActivityAt: null, timings: { agentReadyAt: null } }),
      READY - 30_000 + 1_000,
      { due: true, reason: "agent-silent" },
    ],
    [
      "a late check reports the limit reached first",
      vm({ lastActivityAt: READY + 100, lastHeartbeatAt: READY + 9_000 }),
      READY + 20_000,
      { due: true, reason: "idle" },
    ],
  ];
  for (const [name, status, now, expected] of cases) {
    it(name, () => expect(checkLimits(LIMITS, status, now)).toEqual(expected));
  }

  for (const state of VM_STATES.filter((s) => s !== "running")) {
    it(`has no limit while ${state}`, () => {
      expect(checkLimits(LIMITS, vm({ state }), READY + 1_000_000)).toEqual({ due: false, at: null });
    });
  }

  it("is never due before its own `at`, and due from it on", () => {
    const status = vm({ lastActivityAt: READY + 300, lastHeartbeatAt: READY + 600 });
    const check = checkLimits(LIMITS, status, READY);
    expect(check.due).toBe(false);
    const at = check.due ? 0 : (check.at ?? 0);
    expect(checkLimits(LIMITS, status, at - 1).due).toBe(false);
    expect(checkLimits(LIMITS, status, at)).toEqual({ due: true, reason: "idle" });
  });
});

describe("limit helpers", () => {
  it("takes the limits from the tenant policy (minutes → ms)", () => {
    expect(limitsOf({ idleTimeoutMinutes: 7, maxSessionMinutes: 90 })).toEqual({
      idleTimeoutMs: 420_000,
      maxSessionMs: 5_400_000,
    });
    expect(DEFAULT_LIMITS).toEqual({
      idleTimeoutMs: DEFAULT_POLICY.idleTimeoutMinutes * 60_000,
      maxSessionMs: DEFAULT_POLICY.maxSessionMinutes * 60_000,
    });
  });

  it("schedules the alarm now when due, at the next due time otherwise", () => {
    expect(limitAlarmAt({ due: true, reason: "idle" }, 42)).toBe(42);
    expect(limitAlarmAt({ due: false, at: 99 }, 42)).toBe(99);
    expect(limitAlarmAt({ due: false, at: null }, 42)).toBeNull();
  });
});

describe("instanceCheckAt (a silent agent's instance)", () => {
  const running = {
    state: "running" as const,
    lastActivityAt: null,
    lastHeartbeatAt: 10_000,
    timings: { agentReadyAt: 5_000, bootStartedAt: 1_000, acceptedAt: 1_000 },
  };

  it("is due the silence period after the last heartbeat, then every 5 periods while silent", () => {
    expect(instanceCheckAt(running, 90_000)).toBe(100_000);
    expect(instanceCheckAt({ ...running, lastInstanceCheckAt: 100_000 }, 90_000)).toBe(550_000);
    // A check made before the current silence began does not count.
    expect(instanceCheckAt({ ...running, lastInstanceCheckAt: 50_000 }, 90_000)).toBe(100_000);
  });

  it("counts from agent ready when no heartbeat came yet, and only while running", () => {
    expect(instanceCheckAt({ ...running, lastHeartbeatAt: null }, 90_000)).toBe(95_000);
    expect(instanceCheckAt({ ...running, lastHeartbeatAt: 1_000 }, 90_000)).toBe(95_000); // an earlier boot's
    expect(instanceCheckAt({ ...running, state: "stopped" }, 90_000)).toBeNull();
  });
});
