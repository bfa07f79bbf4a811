// Idle and lifetime limits enforced by the VmActor's own alarm, the `sweep` safety net, the
// `checkInstance` reconciliation hook, and the limits reaching VMs from the tenant policy.
// The in-VM agent is driven by hand where the test needs to choose its activity (the simulated
// cloud's agent is turned off; its token is read from the VM's user data).
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AgentActivity, StreamingEndpoint } from "../../src/actors/agent-types";
import type { VmLimits } from "../../src/actors/vm/limits";
import type { VmSpec, VmStatus } from "../../src/actors/vm/state";
import { DEFAULT_POLICY } from "../../src/domain/catalog/defaults/policy";
import { newId } from "../../src/domain/ids";
import { agentIdentity } from "../../src/providers/simulated/agent";
import { D1Store } from "../../src/store/d1/d1-store";
import type { VmEventRecord } from "../../src/store/types";
import { call } from "../support/http";
import { LAUNCH, launch, playerKey } from "../support/launch";
import { createTenant, jsonRequest } from "../support/tenants";
import { cloudStub, createVm, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ENDPOINT: StreamingEndpoint = { host: "203.0.113.7", ports: [47984, 47989, 48010], protocol: "sunshine", pairing: {} };
const PLAYING: AgentActivity = { connectedClients: 1, inputEvents: 40, txBytes: 2_500_000 };
const NOBODY: AgentActivity = { connectedClients: 0, inputEvents: 0, txBytes: 0 };

const read = (vmId: string) =>
  runInDurableObject(vmStub(vmId), async (_a, state) => ({
    status: (await state.storage.get("status")) as VmStatus,
    spec: (await state.storage.get("spec")) as VmSpec & { userData: string },
    alarm: await state.storage.getAlarm(),
  }));

async function driveTo(vmId: string, tenantId: string, state: string, timeoutMs = 15_000): Promise<VmStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { status } = await read(vmId);
    if (status.state === state) return status;
    if (Date.now() > until) throw new Error(`VM is ${status.state}, not ${state}`);
    await sleep(50);
    await runDurableObjectAlarm(vmStub(vmId));
    await runDurableObjectAlarm(cloudStub(tenantId));
  }
}

/** A running VM whose agent the test plays: create, wait for the instance, report ready. */
async function runningVm(limits: Partial<VmLimits>) {
  const tenantId = newId("ten");
  const cloud = await fastCloud(tenantId, { agent: "off" });
  const input = vmInput(tenantId, {}, limits);
  const vm = vmClient(input.vmId);
  await vm.create(input);
  await driveTo(input.vmId, tenantId, "starting");
  const identity = agentIdentity((await read(input.vmId)).spec.userData);
  if (!identity) throw new Error("no agent token in the user data");
  expect(await vm.agentReady(identity.token, ENDPOINT)).toEqual({ ok: true });
  const beat = (activity: AgentActivity) => vm.heartbeat(identity.token, activity);
  return { tenantId, cloud, vmId: input.vmId, vm, beat };
}

/**
 * Sends `activity` every 100 ms (null: nothing) and runs the VM's alarm, until the VM leaves
 * `running` or `forMs` passes; answers the VM's status then.
 */
async function keepBeating(
  vmId: string,
  beat: (a: AgentActivity) => Promise<unknown>,
  activity: AgentActivity | null,
  forMs: number,
): Promise<VmStatus> {
  const until = Date.now() + forMs;
  for (;;) {
    const { status } = await read(vmId);
    if (status.state !== "running" || Date.now() > until) return status;
    if (activity) await beat(activity);
    await sleep(100);
    await runDurableObjectAlarm(vmStub(vmId));
  }
}

async function events(vmId: string, tenantId: string): Promise<VmEventRecord[]> {
  return (await vmClient(vmId).events(tenantId, 0, 200))?.items ?? [];
}

const stopEvent = (list: VmEventRecord[]) => list.find((e) => e.type === "stop" && e.fromState === "running");

describe("limits enforced by the VM's own alarm", () => {
  it("stops a VM nobody plays on (idle), with the alarm set at the limit and left alone by heartbeats", {
    timeout: 30_000,
  }, async () => {
    const { tenantId, vmId, beat } = await runningVm({ idleTimeoutMs: 1_500 });
    // Once the outbox is flushed, the only alarm left is the limit's: this boot's ready + the timeout.
    let snapshot = await read(vmId);
    for (let i = 0; i < 100 && snapshot.status.nextFlushAt !== null; i++) {
      await sleep(20);
      await runDurableObjectAlarm(vmStub(vmId)); // runs the flush; the limit is not due yet
      snapshot = await read(vmId);
    }
    const readyAt = snapshot.status.timings.agentReadyAt as number;
    expect(snapshot.status.state).toBe("running");
    expect(snapshot.alarm).toBe(readyAt + 1_500);
    expect((await beat(NOBODY)).ok).toBe(true);
    expect((await read(vmId)).alarm).toBe(readyAt + 1_500); // a heartbeat does not rewrite the alarm

    const left = await keepBeating(vmId, beat, NOBODY, 15_000);
    expect(left.state).toBe("stopping");
    expect(left.lastHeartbeatAt).not.toBeNull();
    const stop = stopEvent(await events(vmId, tenantId));
    expect(stop?.data).toMatchObject({ reason: "idle", limitMs: 1_500 });
    expect(stop?.at.getTime()).toBeGreaterThanOrEqual((left.lastActivityAt as number) + 1_500);

    const stopped = await driveTo(vmId, tenantId, "stopped");
    expect(stopped.stopReason).toBe("idle");
    const last = (await events(vmId, tenantId)).at(-1);
    expect(last).toMatchObject({ toState: "stopped", data: { reason: "idle" } });
  });

  it("keeps a VM with activity running, then stops it when its agent falls silent", { timeout: 30_000 }, async () => {
    const { tenantId, vmId, beat } = await runningVm({ idleTimeoutMs: 800 });
    const readyAt = (await read(vmId)).status.timings.agentReadyAt as number;
    const busy = await keepBeating(vmId, beat, PLAYING, 2_500);
    expect(busy.state).toBe("running");
    expect(Date.now() - readyAt).toBeGreaterThan(2_000); // well past the idle timeout
    expect(stopEvent(await events(vmId, tenantId))).toBeUndefined();

    const silent = await keepBeating(vmId, beat, null, 10_000);
    expect(silent.state).toBe("stopping");
    expect(stopEvent(await events(vmId, tenantId))?.data).toMatchObject({ reason: "agent-silent", limitMs: 800 });
  });

  it("stops a VM that reached its maximum session length, however busy", { timeout: 30_000 }, async () => {
    const { tenantId, vmId, beat } = await runningVm({ idleTimeoutMs: 60_000, maxSessionMs: 1_200 });
    const readyAt = (await read(vmId)).status.timings.agentReadyAt as number;
    const ended = await keepBeating(vmId, beat, PLAYING, 15_000);
    expect(ended.state).toBe("stopping");
    const stop = stopEvent(await events(vmId, tenantId));
    expect(stop?.data).toMatchObject({ reason: "max-session", limitMs: 1_200 });
    expect(stop?.at.getTime()).toBeGreaterThanOrEqual(readyAt + 1_200);
  });

  it("stops a VM whose (simulated) agent reported ready and then never a heartbeat", { timeout: 30_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId, { heartbeatIntervalMs: 600_000 });
    const input = vmInput(tenantId, {}, { idleTimeoutMs: 500 });
    await vmClient(input.vmId).create(input);
    await driveTo(input.vmId, tenantId, "running");
    const stopped = await driveTo(input.vmId, tenantId, "stopped");
    expect(stopped.lastHeartbeatAt).toBeNull();
    expect(stopped.stopReason).toBe("agent-silent");
    expect(stopEvent(await events(input.vmId, tenantId))?.data).toMatchObject({ reason: "agent-silent" });
  });
});

describe("sweep", () => {
  it("stops a VM that reached a limit, and is a no-op otherwise", { timeout: 30_000 }, async () => {
    const { tenantId, vmId, vm, beat } = await runningVm({});
    expect((await beat(NOBODY)).ok).toBe(true);
    expect(await vm.sweep(newId("ten"))).toBeNull(); // another tenant's VM
    expect(await vm.sweep(tenantId)).toEqual({ acted: null, reason: null, state: "running" });
    const idleFor = DEFAULT_POLICY.idleTimeoutMinutes * 60_000;
    expect(await vm.sweep(tenantId, Date.now() + idleFor - 60_000)).toEqual({ acted: null, reason: null, state: "running" });
    expect(stopEvent(await events(vmId, tenantId))).toBeUndefined();

    expect(await vm.sweep(tenantId, Date.now() + idleFor + 1)).toEqual({ acted: "stop", reason: "idle", state: "stopping" });
    expect(stopEvent(await events(vmId, tenantId))?.data).toMatchObject({ reason: "idle", limitMs: idleFor });
    // Not running any more: nothing to do, however late.
    expect(await vm.sweep(tenantId, Date.now() + 10 * idleFor)).toEqual({ acted: null, reason: null, state: "stopping" });
    await driveTo(vmId, tenantId, "stopped");
    expect(await vm.sweep(tenantId, Date.now() + 10 * idleFor)).toEqual({ acted: null, reason: null, state: "stopped" });
    expect((await events(vmId, tenantId)).filter((e) => e.type === "stop")).toHaveLength(1);
  });
});

describe("checkInstance", () => {
  it("fails a VM whose instance was interrupted (instance-lost) and closes its billing", { timeout: 30_000 }, async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId);
    const input = vmInput(tenantId);
    const vm = vmClient(input.vmId);
    await vm.create(input);
    const running = await driveTo(input.vmId, tenantId, "running");
    expect(running.billing.computeOpen).toBe(true);
    expect(await vm.checkInstance(newId("ten"))).toBeNull();
    expect(await vm.checkInstance(tenantId)).toEqual({ state: "running", checked: true });

    const interruptedAt = Date.now();
    expect((await cloud.interrupt(running.providerInstanceId as string)).ok).toBe(true);
    // Nothing polls a running VM: without the check it would stay running.
    await sleep(200);
    await runDurableObjectAlarm(vmStub(input.vmId));
    expect((await read(input.vmId)).status.state).toBe("running");

    expect(await vm.checkInstance(tenantId)).toEqual({ state: "failed", checked: true });
    const checkedAt = Date.now();
    const failed = (await read(input.vmId)).status;
    expect(failed.failureReason).toBe("instance-lost");
    expect(failed.billing.computeOpen || failed.billing.diskOpen).toBe(false);
    expect(failed.billing.nextCheckpointAt).toBeNull();
    expect((await events(input.vmId, tenantId)).at(-1)).toMatchObject({
      fromState: "running",
      toState: "failed",
      data: { reason: "instance-lost" },
    });
    expect(await vm.checkInstance(tenantId)).toEqual({ state: "failed", checked: false }); // final: not asked

    // The ledger gets the closed run: one compute segment ending when the loss was seen.
    const store = new D1Store(env.DB);
    let ledger = await store.listUsage(tenantId, { vmId: input.vmId });
    for (let i = 0; i < 100 && ledger.items.length === 0; i++) {
      await runDurableObjectAlarm(vmStub(input.vmId));
      await sleep(50);
      ledger = await store.listUsage(tenantId, { vmId: input.vmId });
    }
    expect(ledger.items.map((s) => s.kind)).toEqual(["compute"]);
    const segment = ledger.items[0];
    expect(segment?.endAt.getTime()).toBeGreaterThanOrEqual(interruptedAt);
    expect(segment?.endAt.getTime()).toBeLessThanOrEqual(checkedAt);
    expect((await store.getVm(tenantId, input.vmId))?.state).toBe("failed");
  });

  it("leaves a VM whose instance is fine as it is, and does not ask in other states", async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId, { bootDelayMs: 600_000 });
    const input = vmInput(tenantId);
    const vm = vmClient(input.vmId);
    await vm.create(input);
    await driveTo(input.vmId, tenantId, "provisioning");
    expect(await vm.checkInstance(tenantId)).toEqual({ state: "provisioning", checked: false });
  });
});

describe("limits come from the tenant policy", () => {
  it("at both creation sites: POST /vms and /launch", { timeout: 30_000 }, async () => {
    const t = await createTenant();
    const res = await call(
      "/config/policy",
      jsonRequest("PUT", t.adminToken, {
        ...DEFAULT_POLICY,
        idleTimeoutMinutes: 7,
        defaultSessionMinutes: 60,
        maxSessionMinutes: 90,
      }),
    );
    expect(res.status, await res.text()).toBe(200);
    const expected: VmLimits = { idleTimeoutMs: 7 * 60_000, maxSessionMs: 90 * 60_000 };

    const created = await createVm(t);
    expect((await read(created.id)).spec.limits).toEqual(expected);

    const playerId = `p-${crypto.randomUUID().slice(0, 8)}`;
    const launched = await launch(await playerKey(t, playerId), LAUNCH);
    expect(launched.res.status, JSON.stringify(launched.body)).toBe(202);
    expect(launched.body.vmId).not.toBeNull();
    expect((await read(launched.body.vmId as string)).spec.limits).toEqual(expected);
  });
});
