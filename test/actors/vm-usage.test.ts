// The VM actor meters what the provider bills: compute while the instance runs (60-second
// minimum per start), the disk while it is stopped, and writes the segments to the Store's
// ledger idempotently, so the ledger equals the cost of the VM's own billing timeline.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { segmentsOf } from "../../src/actors/vm/billing";
import type { VmSpec, VmStatus } from "../../src/actors/vm/state";
import { newId } from "../../src/domain/ids";
import { D1Store } from "../../src/store/d1/d1-store";
import { cloudStub, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const read = (vmId: string) =>
  runInDurableObject(vmStub(vmId), async (_a, state) => ({
    status: (await state.storage.get("status")) as VmStatus,
    spec: (await state.storage.get("spec")) as VmSpec,
  }));

async function driveTo(vmId: string, tenantId: string, state: string) {
  for (let i = 0; i < 300; i++) {
    const { status } = await read(vmId);
    if (status.state === state) return status;
    await sleep(50);
    await runDurableObjectAlarm(vmStub(vmId));
    await runDurableObjectAlarm(cloudStub(tenantId));
  }
  throw new Error(`VM never reached ${state}`);
}

describe("VM usage metering", () => {
  it("writes compute and stopped-disk segments to the ledger, equal to the VM's own timeline", { timeout: 60_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId);
    const spec = vmInput(tenantId);
    const vm = vmClient(spec.vmId);
    await vm.create(spec);
    await driveTo(spec.vmId, tenantId, "running");
    await vm.command(tenantId, "stop");
    await driveTo(spec.vmId, tenantId, "stopped");
    await sleep(300); // the disk is billed while stopped
    await vm.command(tenantId, "start");
    await driveTo(spec.vmId, tenantId, "running");
    await vm.command(tenantId, "terminate");
    await driveTo(spec.vmId, tenantId, "terminated");

    const { status, spec: stored } = await read(spec.vmId);
    const expected = segmentsOf(status.billing, stored);
    expect(expected.map((s) => s.kind)).toEqual(["compute", "storage", "compute"]);
    expect(expected.filter((s) => s.kind === "compute").every((s) => s.seconds === 60)).toBe(true); // minimum per start
    expect(expected[0]?.costMicros).toBe(Math.round((60 * (expected[0]?.unitPriceMicros ?? 0)) / 3600));

    const store = new D1Store(env.DB);
    let ledger = await store.listUsage(tenantId, { vmId: spec.vmId });
    for (let i = 0; i < 60 && ledger.items.length < expected.length; i++) {
      await runDurableObjectAlarm(vmStub(spec.vmId));
      await sleep(100);
      ledger = await store.listUsage(tenantId, { vmId: spec.vmId });
    }
    expect(ledger.items.map((s) => s.id).sort()).toEqual(expected.map((s) => s.id).sort());
    const [total] = await store.sumUsage(tenantId, "none", { vmId: spec.vmId });
    expect(total?.costMicros).toBe(expected.reduce((sum, s) => sum + s.costMicros, 0));
    expect(status.billing.computeOpen || status.billing.diskOpen).toBe(false);
  });
});
