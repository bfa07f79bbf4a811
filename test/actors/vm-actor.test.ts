// VmActor on its own: retries, every timeout, non-retryable provider errors, and the outbox
// surviving a Store outage. Alarms are driven with runDurableObjectAlarm.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { VmStatus } from "../../src/actors/vm/state";
import { newId } from "../../src/domain/ids";
import { D1Store } from "../../src/store/d1/d1-store";
import { cloudStub, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const status = (vmId: string) =>
  runInDurableObject(vmStub(vmId), async (_a, state) => (await state.storage.get("status")) as VmStatus);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the actor's (and the cloud's) alarms until the VM reaches `state`. */
async function driveTo(vmId: string, tenantId: string, state: string, timeoutMs = 15_000): Promise<VmStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(vmId);
    if (s.state === state) return s;
    if (Date.now() > until) throw new Error(`VM is ${s.state}, not ${state}`);
    await sleep(50);
    await runDurableObjectAlarm(vmStub(vmId));
    await runDurableObjectAlarm(cloudStub(tenantId));
  }
}

describe("VmActor", () => {
  it("is idempotent: a second create returns the same VM and says whether it is the same request", async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId);
    const spec = vmInput(tenantId);
    const first = await vmClient(spec.vmId).create(spec);
    const second = await vmClient(spec.vmId).create(spec);
    const other = await vmClient(spec.vmId).create({ ...spec, requestHash: "different" });
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, sameRequest: true });
    expect(other).toMatchObject({ created: false, sameRequest: false });
  });

  it("retries a failing create with backoff and recovers", async () => {
    const tenantId = newId("ten");
    const noErrors = { create: 0, describe: 0, start: 0, stop: 0, terminate: 0, list: 0 };
    const cloud = await fastCloud(tenantId, { errorRates: { ...noErrors, create: 1 } });
    const spec = vmInput(tenantId);
    await vmClient(spec.vmId).create(spec);
    let failing = await status(spec.vmId);
    for (let i = 0; i < 50 && failing.effectAttempt === 0; i++) {
      await runDurableObjectAlarm(vmStub(spec.vmId)); // alarms also fire by themselves: wait for the first attempt
      await sleep(20);
      failing = await status(spec.vmId);
    }
    expect(failing.state).toBe("provisioning");
    expect(failing.effectAttempt).toBe(1);
    expect(failing.nextEffectAt).toBeGreaterThan(Date.now()); // backing off, not hammering
    await cloud.configure({ errorRates: noErrors });
    const running = await driveTo(spec.vmId, tenantId, "running");
    expect(running.providerInstanceId).not.toBeNull();
    const types = ((await vmClient(spec.vmId).events(tenantId, 0, 50))?.items ?? []).map((e) => e.type);
    expect(types.indexOf("provider-error")).toBeGreaterThan(-1);
    expect(types.indexOf("instance-created")).toBeGreaterThan(types.indexOf("provider-error"));
    expect(((await cloud.inspect()) as unknown[]).length).toBe(1);
  });

  it("fails with the provider's reason when capacity is exhausted, leaving no instance", async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId, { capacityExhaustedRegions: ["eu-central-1"] });
    const spec = vmInput(tenantId);
    await vmClient(spec.vmId).create(spec);
    const failed = await driveTo(spec.vmId, tenantId, "failed");
    expect(failed.failureReason).toBe("capacity");
    expect(((await cloud.inspect()) as unknown[]).length).toBe(0);
  });

  it("times out a provisioning that never finishes and terminates the instance", async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId, { stuckInPendingRate: 1 });
    const spec = vmInput(tenantId, { provisionMs: 300 });
    await vmClient(spec.vmId).create(spec);
    const failed = await driveTo(spec.vmId, tenantId, "failed");
    expect(failed.failureReason).toBe("provision-timeout");
    await sleep(100);
    await runDurableObjectAlarm(vmStub(spec.vmId));
    const instances = (await cloud.inspect()) as unknown as { state: string }[];
    expect(instances.every((i) => i.state === "shutting-down" || i.state === "terminated")).toBe(true);
  });

  it("times out a boot whose agent never reports", async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId, { agent: "off" });
    const spec = vmInput(tenantId, { bootMs: 300 });
    await vmClient(spec.vmId).create(spec);
    await driveTo(spec.vmId, tenantId, "starting");
    const failed = await driveTo(spec.vmId, tenantId, "failed");
    expect(failed.failureReason).toBe("boot-timeout");
  });

  it("times out a stop that never completes", async () => {
    const tenantId = newId("ten");
    const cloud = await fastCloud(tenantId);
    const spec = vmInput(tenantId, { stopMs: 300 });
    await vmClient(spec.vmId).create(spec);
    await driveTo(spec.vmId, tenantId, "running");
    await cloud.configure({ stopDelayMs: 600_000 });
    expect((await vmClient(spec.vmId).command(tenantId, "stop")).ok).toBe(true);
    const failed = await driveTo(spec.vmId, tenantId, "failed");
    expect(failed.failureReason).toBe("stop-timeout");
  });

  it("keeps its events through a Store outage and writes them all once the Store is back", { timeout: 30_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId);
    const spec = vmInput(tenantId);
    await env.DB.exec("ALTER TABLE vm_events RENAME TO vm_events_offline");
    try {
      await vmClient(spec.vmId).create(spec);
      const running = await driveTo(spec.vmId, tenantId, "running");
      expect(running.lastFlushError).not.toBeNull();
      expect(running.unflushedFromSeq).toBe(1);
    } finally {
      await env.DB.exec("ALTER TABLE vm_events_offline RENAME TO vm_events");
    }
    const actorEvents = (await vmClient(spec.vmId).events(tenantId, 0, 100))?.items ?? [];
    const store = new D1Store(env.DB);
    // The outbox retries with backoff (2 s, 4 s, ...): wait for its next attempt to finish (it
    // writes the events, then the record; an alarm may be running on its own meanwhile).
    for (let i = 0; i < 100; i++) {
      await runDurableObjectAlarm(vmStub(spec.vmId));
      const stored = await store.listVmEvents(tenantId, spec.vmId, { limit: 200 });
      const record = await store.getVm(tenantId, spec.vmId);
      if (stored.items.length >= actorEvents.length && record?.state === "running") break;
      await sleep(100);
    }
    const stored = await store.listVmEvents(tenantId, spec.vmId, { limit: 200 });
    expect(stored.items.map((e) => e.seq)).toEqual(actorEvents.map((e) => e.seq));
    expect((await store.getVm(tenantId, spec.vmId))?.state).toBe("running");
  });
});
