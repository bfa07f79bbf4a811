// Fault campaign on the simulated cloud: with failing calls, stuck instances and silent agents
// injected (seeded, so reproducible), every VM still ends in a stable state within its
// timeouts, no instance is left at the provider without a live VM, none twice, and every event
// reaches the Store.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids";
import { STABLE_STATES } from "../../src/domain/lifecycle";
import { D1Store } from "../../src/store/d1/d1-store";
import { cloudStub, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const VMS = 12;
const FAULT_TIMEOUTS = { provisionMs: 2_500, bootMs: 2_500, stopMs: 2_500, terminateMs: 2_500 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("fault campaign", () => {
  it("ends every VM stable, leaves no orphan or duplicate instance, and loses no event", { timeout: 60_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId, {
      seed: 42,
      errorRates: { create: 0.3, describe: 0.3, start: 0.2, stop: 0.2, terminate: 0.2, list: 0 },
      stuckInPendingRate: 0.2,
      agentSilentRate: 0.2,
    });
    const specs = Array.from({ length: VMS }, () => vmInput(tenantId, FAULT_TIMEOUTS));
    await Promise.all(specs.map((spec) => vmClient(spec.vmId).create(spec)));

    const views = async () => Promise.all(specs.map((spec) => vmClient(spec.vmId).get(tenantId)));
    const until = Date.now() + 40_000;
    let current = await views();
    while (!current.every((v) => v && STABLE_STATES.includes(v.state))) {
      if (Date.now() > until) throw new Error(`not stable: ${current.map((v) => v?.state).join(", ")}`);
      await sleep(100);
      await Promise.all([...specs.map((s) => runDurableObjectAlarm(vmStub(s.vmId))), runDurableObjectAlarm(cloudStub(tenantId))]);
      current = await views();
    }
    const states = current.map((v) => v?.state);
    // The injected faults really happened, and were survived.
    expect(states).toContain("running");
    expect(states).toContain("failed");

    // Let pending terminations (of failed VMs) finish, then compare the provider with the VMs.
    const cloud = cloudStub(tenantId);
    type Instance = { instanceId: string; state: string; tags: Record<string, string> };
    const settle = Date.now() + 15_000;
    for (;;) {
      await Promise.all(specs.map((s) => runDurableObjectAlarm(vmStub(s.vmId))));
      const instances = (await cloud.inspect()) as unknown as Instance[];
      const live = new Set(current.filter((v) => v && v.state === "running").map((v) => v?.id));
      const orphans = instances.filter(
        (i) => i.state !== "terminated" && i.state !== "shutting-down" && !live.has(i.tags["gp:vm"]),
      );
      if (orphans.length === 0) break;
      if (Date.now() > settle) throw new Error(`orphans: ${JSON.stringify(orphans)}`);
      await sleep(100);
    }
    const instances = (await cloud.inspect()) as unknown as Instance[];
    const alive = instances.filter((i) => i.state !== "terminated" && i.state !== "shutting-down");
    const perVm = new Map<string, number>();
    for (const i of alive) perVm.set(i.tags["gp:vm"] as string, (perVm.get(i.tags["gp:vm"] as string) ?? 0) + 1);
    expect([...perVm.values()].every((n) => n === 1)).toBe(true);
    expect(alive.length).toBe(states.filter((s) => s === "running").length);

    // Every event of every VM reached the Store.
    const store = new D1Store(env.DB);
    for (const spec of specs) {
      const actorEvents = (await vmClient(spec.vmId).events(tenantId, 0, 500))?.items ?? [];
      let stored = await store.listVmEvents(tenantId, spec.vmId, { limit: 200 });
      for (let i = 0; i < 50 && stored.items.length < actorEvents.length; i++) {
        await runDurableObjectAlarm(vmStub(spec.vmId));
        await sleep(100);
        stored = await store.listVmEvents(tenantId, spec.vmId, { limit: 200 });
      }
      expect(stored.items.map((e) => e.seq)).toEqual(actorEvents.map((e) => e.seq));
    }
  });
});
