// A start or stop the provider refuses because of the instance's state (EC2's
// IncorrectInstanceState) is not a bad request: a stop while a warm start is still pending waits
// for the instance to settle and stops it (the player's disk is kept), and a start of an instance
// the cloud retired while it was stopped fails the VM as `instance-lost` — which a launch falls
// back from by creating a new VM. (Both were found by the fault campaign.)
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { VmStatus } from "../../src/actors/vm/state";
import { newId } from "../../src/domain/ids";
import { call } from "../support/http";
import { LAUNCH, launch, playerKey, waitForSession } from "../support/launch";
import { createTenant, jsonRequest } from "../support/tenants";
import { cloudStub, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const status = (vmId: string) =>
  runInDurableObject(vmStub(vmId), async (_a, state) => (await state.storage.get("status")) as VmStatus);

async function driveTo(vmId: string, tenantId: string, state: string, timeoutMs = 20_000): Promise<VmStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(vmId);
    if (s.state === state) return s;
    if (Date.now() > until) throw new Error(`VM is ${s.state} (${s.failureReason}), not ${state}`);
    await sleep(50);
    await runDurableObjectAlarm(vmStub(vmId));
    await runDurableObjectAlarm(cloudStub(tenantId));
  }
}

describe("IncorrectInstanceState", () => {
  it("a stop while the start is still pending stops the VM once the instance runs", { timeout: 30_000 }, async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId);
    const spec = vmInput(tenantId);
    const vm = vmClient(spec.vmId);
    await vm.create(spec);
    await driveTo(spec.vmId, tenantId, "running");
    await vm.command(tenantId, "stop");
    const stopped = await driveTo(spec.vmId, tenantId, "stopped");

    await cloud.configure({ bootDelayMs: 1_500 });
    await vm.command(tenantId, "start");
    for (let i = 0; i < 100; i++) {
      await runDurableObjectAlarm(vmStub(spec.vmId));
      const instance = (await cloud.inspect()).find((x) => x.instanceId === stopped.providerInstanceId);
      if (instance?.state === "pending") break;
      await sleep(20);
    }
    expect((await cloud.inspect()).find((x) => x.instanceId === stopped.providerInstanceId)?.state).toBe("pending");
    expect((await vm.command(tenantId, "stop")).ok).toBe(true);

    const after = await driveTo(spec.vmId, tenantId, "stopped");
    expect(after.failureReason).toBeNull();
    expect((await cloud.inspect()).find((x) => x.instanceId === stopped.providerInstanceId)?.state).toBe("stopped");
    const events = await vm.events(tenantId, 0, 200);
    expect(events?.items.some((e) => e.type === "provider-error" && e.data.code === "IncorrectInstanceState")).toBe(true);
  });

  it("a start of an instance retired while stopped fails the VM as instance-lost", { timeout: 30_000 }, async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId);
    const spec = vmInput(tenantId);
    const vm = vmClient(spec.vmId);
    await vm.create(spec);
    await driveTo(spec.vmId, tenantId, "running");
    await vm.command(tenantId, "stop");
    const stopped = await driveTo(spec.vmId, tenantId, "stopped");
    await cloud.interrupt(stopped.providerInstanceId as string);
    for (let i = 0; i < 50; i++) {
      await runDurableObjectAlarm(cloudStub(tenantId));
      if ((await cloud.inspect()).find((x) => x.instanceId === stopped.providerInstanceId)?.state === "terminated") break;
      await sleep(20);
    }

    await vm.command(tenantId, "start");
    const failed = await driveTo(spec.vmId, tenantId, "failed");
    expect(failed.failureReason).toBe("instance-lost");
    expect(failed.billing.computeOpen || failed.billing.diskOpen).toBe(false);
  });

  it("a launch whose warm start finds the instance gone falls back to a new VM", { timeout: 60_000 }, async () => {
    const t = await createTenant();
    const cloud = await fastCloud(t.id);
    const token = await playerKey(t, "dora");
    const first = await launch(token, LAUNCH);
    expect(first.res.status).toBe(202);
    const playable = await waitForSession(t, token, "dora", first.body.id, "playable");
    const oldVm = playable.vmId as string;
    expect((await call(`/launch/${first.body.id}`, jsonRequest("DELETE", token))).status).toBe(200);
    const stopped = await driveTo(oldVm, t.id, "stopped");
    await cloud.interrupt(stopped.providerInstanceId as string);

    const second = await launch(token, LAUNCH);
    expect(second.res.status).toBe(202);
    expect(second.body.warm).toBe(true);
    const session = await waitForSession(t, token, "dora", second.body.id, "playable", 30_000);
    expect(session.vmId).not.toBe(oldVm);
    expect(session.attempts.map((a) => [a.vmId === oldVm, a.outcome, a.reason])).toEqual([
      [true, "failed", "instance-lost"],
      [false, "playable", null],
    ]);
  });
});

describe("an instance lost while running", () => {
  it("is noticed by the actor once the agent falls silent: failed, instance-lost, billing closed", {
    timeout: 30_000,
  }, async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId);
    const spec = vmInput(tenantId, { silenceCheckMs: 300 });
    const vm = vmClient(spec.vmId);
    await vm.create(spec);
    const running = await driveTo(spec.vmId, tenantId, "running");
    await cloud.interrupt(running.providerInstanceId as string); // the agent stops with it

    const failed = await driveTo(spec.vmId, tenantId, "failed");
    expect(failed.failureReason).toBe("instance-lost");
    expect(failed.billing.computeOpen).toBe(false);
    expect(failed.lastInstanceCheckAt).not.toBeNull();
  });
});
