// The simulated cloud through the Provider port (SimulatedProvider → SimulatedCloud over RPC),
// inside workerd: the asynchronous lifecycle, idempotency, limits, injected faults and their
// reproducibility, persistence, and the agent's alarm. Real (short) waits drive the lazy clock.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Provider as CatalogProvider } from "../../src/domain/catalog/schema";
import { newId } from "../../src/domain/ids";
import { SimulatedCloud, type SimulationSettingsPatch } from "../../src/providers/simulated/simulated-cloud";
import { SimulatedProvider, simulatedCloudStub } from "../../src/providers/simulated/simulated-provider";
import { type CreateInstanceInput, ProviderError, TAG_TENANT, TAG_VM } from "../../src/providers/types";

/** Every transition takes DELAY ms; tests wait WAIT ms to see it done. */
const DELAY = 100;
const WAIT = 160;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const gpu = (count: number) => ({ model: "Sim GPU", count, vramGb: 16, encoder: "nvenc" as const });
const region = (code: string) => ({ code, city: "Simville", country: "FR", lat: 48.8, lon: 2.3, enabled: true, beaconUrl: null });
const type = (name: string, gpus: number | null, regions: string[]) => ({
  name,
  vcpu: 4,
  ramGb: 16,
  gpu: gpus === null ? null : gpu(gpus),
  regions,
  onDemandHourlyMicros: 500_000,
  spotHourlyMicros: null,
  regionPrices: {},
});

/** sim-a: at most 2 instances; sim-b: at most 3 GPUs; sim-c: no quota. */
const CATALOG: CatalogProvider = {
  id: "simtest",
  kind: "simulated",
  name: "Simulated (tests)",
  enabled: true,
  credentialSecret: null,
  endpoint: null,
  regions: [region("sim-a"), region("sim-b"), region("sim-c")],
  instanceTypes: [
    type("sim.gpu.large", 2, ["sim-a", "sim-b", "sim-c"]),
    type("sim.gpu.small", 1, ["sim-a", "sim-b", "sim-c"]),
    type("sim.cpu", null, ["sim-a", "sim-c"]),
  ],
  diskGbMonthMicros: 50_000,
  quotas: [
    { region: "sim-a", maxInstances: 2, maxGpus: 100 },
    { region: "sim-b", maxInstances: 100, maxGpus: 3 },
  ],
  pricesAsOf: "2026-11-01",
};

/** A fresh account (its own tenant id) with fast, fault-free settings and the agent off. */
async function account(settings: SimulationSettingsPatch = {}) {
  const tenantId = newId("ten");
  const provider = new SimulatedProvider(env.SIMULATED_CLOUD, tenantId, CATALOG);
  const cloud = simulatedCloudStub(env.SIMULATED_CLOUD, tenantId, CATALOG.id);
  const configured = await cloud.configure({
    bootDelayMs: DELAY,
    stopDelayMs: DELAY,
    terminateDelayMs: DELAY,
    agent: "off",
    ...settings,
  });
  expect(configured.ok, JSON.stringify(configured)).toBe(true);
  return { tenantId, provider, cloud };
}

let tokens = 0;
function input(overrides: Partial<CreateInstanceInput> = {}): CreateInstanceInput {
  tokens += 1;
  return {
    idempotencyToken: `tok-${tokens}-${newId("vm").slice(-8)}`,
    region: "sim-c",
    instanceType: "sim.gpu.small",
    image: "sim-image-1",
    userData: "#!/bin/sh\nGP_AGENT_TOKEN=secret-token\nGP_VM_ID=vm_test\n",
    spot: false,
    diskGb: 64,
    tags: { [TAG_TENANT]: "ten_x" },
    ...overrides,
  };
}

/**
 * Checks a state observed right after a call that began at `since`: the transitional state, or,
 * when the machine was too slow to observe it within DELAY, the one it settles into.
 */
function expectTransitional(observed: string | undefined, since: number, during: string, after: string): void {
  if (Date.now() - since < DELAY) expect(observed).toBe(during);
  else expect([during, after]).toContain(observed);
}

/** The ProviderError a call rejects with (fails the test when it resolves). */
async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error("expected a ProviderError, the call succeeded");
}

describe("SimulatedCloud through SimulatedProvider", () => {
  it("creates an instance pending, then running with launchedAt and a documentation-range address", async () => {
    const { provider } = await account();
    expect(provider).toMatchObject({ id: "simtest", kind: "simulated" });
    const before = Date.now();
    const created = await provider.createInstance(input({ tags: { [TAG_TENANT]: "ten_x", [TAG_VM]: "vm_1" } }));
    expect(created.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(created).toMatchObject({ state: "pending", region: "sim-c", instanceType: "sim.gpu.small", spot: false });
    expect(created.launchedAt).toBeNull();
    expect(created.publicIp).toBeNull();
    expect(created.tags).toEqual({ [TAG_TENANT]: "ten_x", [TAG_VM]: "vm_1" });

    await sleep(WAIT);
    const running = await provider.describeInstance("sim-c", created.instanceId);
    expect(running?.state).toBe("running");
    expect(running?.launchedAt).toBeInstanceOf(Date);
    expect(running?.launchedAt?.getTime()).toBeGreaterThanOrEqual(before + DELAY);
    expect(running?.launchedAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect(running?.publicIp).toMatch(/^198\.51\.100\.\d{1,3}$/);
  });

  it("returns the same instance for the same idempotency token, whatever its state", async () => {
    const { provider, cloud } = await account();
    const request = input();
    const first = await provider.createInstance(request);
    const again = await provider.createInstance({ ...request, tags: { ...request.tags } });
    expect(again.instanceId).toBe(first.instanceId);
    await sleep(WAIT);
    const later = await provider.createInstance(request);
    expect(later).toMatchObject({ instanceId: first.instanceId, state: "running" });
    expect(await cloud.inspect()).toHaveLength(1);
  });

  it("rejects a reused token with different parameters as invalid-request", async () => {
    const { provider, cloud } = await account();
    const request = input();
    await provider.createInstance(request);
    const error = await providerError(provider.createInstance({ ...request, diskGb: 128 }));
    expect(error).toMatchObject({ kind: "invalid-request", code: "IdempotentParameterMismatch", retryable: false });
    expect(await cloud.inspect()).toHaveLength(1);
  });

  it("enforces the region's instance limit until an instance is terminated", async () => {
    const { provider } = await account();
    const a = await provider.createInstance(input({ region: "sim-a", instanceType: "sim.cpu" }));
    await provider.createInstance(input({ region: "sim-a", instanceType: "sim.cpu" }));
    const error = await providerError(provider.createInstance(input({ region: "sim-a", instanceType: "sim.cpu" })));
    expect(error).toMatchObject({ kind: "quota", code: "InstanceLimitExceeded", retryable: false });
    // Other regions are unaffected; shutting-down still counts, terminated does not.
    await provider.createInstance(input({ region: "sim-c", instanceType: "sim.cpu" }));
    const since = Date.now();
    await provider.terminateInstance("sim-a", a.instanceId);
    const outcome = await provider.createInstance(input({ region: "sim-a", instanceType: "sim.cpu" })).then(
      () => "created",
      (error: ProviderError) => error.kind,
    );
    if (Date.now() - since < DELAY) expect(outcome).toBe("quota");
    await sleep(WAIT);
    expect((await provider.createInstance(input({ region: "sim-a", instanceType: "sim.cpu" }))).state).toBe("pending");
  });

  it("enforces the region's GPU limit with the instance type's GPU count", async () => {
    const { provider } = await account();
    await provider.createInstance(input({ region: "sim-b", instanceType: "sim.gpu.large" }));
    const error = await providerError(provider.createInstance(input({ region: "sim-b", instanceType: "sim.gpu.large" })));
    expect(error).toMatchObject({ kind: "quota", code: "VcpuLimitExceeded" });
    expect((await provider.createInstance(input({ region: "sim-b", instanceType: "sim.gpu.small" }))).state).toBe("pending");
    expect((await providerError(provider.createInstance(input({ region: "sim-b", instanceType: "sim.gpu.small" })))).kind).toBe(
      "quota",
    );
  });

  it("answers capacity (retryable) in an exhausted region, and only there", async () => {
    const { provider, cloud } = await account({ capacityExhaustedRegions: ["sim-a"] });
    const error = await providerError(provider.createInstance(input({ region: "sim-a" })));
    expect(error).toMatchObject({ kind: "capacity", code: "InsufficientInstanceCapacity", retryable: true });
    expect((await provider.createInstance(input({ region: "sim-c" }))).state).toBe("pending");
    await cloud.configure({ capacityExhaustedRegions: [] });
    expect((await provider.createInstance(input({ region: "sim-a" }))).state).toBe("pending");
  });

  it("rejects what the catalog does not offer before calling the cloud", async () => {
    const { provider, cloud } = await account();
    expect(await providerError(provider.createInstance(input({ instanceType: "sim.nope" })))).toMatchObject({
      kind: "invalid-request",
      code: "InvalidParameterValue",
    });
    expect(await providerError(provider.createInstance(input({ region: "sim-b", instanceType: "sim.cpu" })))).toMatchObject({
      kind: "invalid-request",
      code: "Unsupported",
    });
    expect(await providerError(provider.createInstance(input({ region: "sim-z" })))).toMatchObject({ kind: "invalid-request" });
    expect(await providerError(provider.createInstance(input({ diskGb: 0 })))).toMatchObject({ kind: "invalid-request" });
    expect(await cloud.inspect()).toHaveLength(0);
  });

  it("stops (stopping → stopped) and starts again (pending → running) with a new launchedAt", async () => {
    const { provider } = await account();
    const { instanceId } = await provider.createInstance(input());
    await sleep(WAIT);
    const firstLaunch = (await provider.describeInstance("sim-c", instanceId))?.launchedAt;
    expect(firstLaunch).toBeInstanceOf(Date);
    await provider.startInstance("sim-c", instanceId); // running: a no-op, like EC2

    let since = Date.now();
    await provider.stopInstance("sim-c", instanceId);
    expectTransitional((await provider.describeInstance("sim-c", instanceId))?.state, since, "stopping", "stopped");
    await provider.stopInstance("sim-c", instanceId); // stopping: fine
    await sleep(WAIT);
    const stopped = await provider.describeInstance("sim-c", instanceId);
    expect(stopped).toMatchObject({ state: "stopped", publicIp: null, launchedAt: firstLaunch });
    await provider.stopInstance("sim-c", instanceId); // stopped: fine

    since = Date.now();
    await provider.startInstance("sim-c", instanceId);
    expectTransitional((await provider.describeInstance("sim-c", instanceId))?.state, since, "pending", "running");
    await sleep(WAIT);
    const restarted = await provider.describeInstance("sim-c", instanceId);
    expect(restarted?.state).toBe("running");
    expect(restarted?.launchedAt?.getTime()).toBeGreaterThan(firstLaunch?.getTime() ?? Number.POSITIVE_INFINITY);
    expect(restarted?.publicIp).not.toBeNull();
  });

  it("terminates (shutting-down → terminated); terminating again or an unknown instance is fine", async () => {
    const { provider } = await account();
    const { instanceId } = await provider.createInstance(input());
    const since = Date.now();
    await provider.terminateInstance("sim-c", instanceId);
    expectTransitional((await provider.describeInstance("sim-c", instanceId))?.state, since, "shutting-down", "terminated");
    await provider.terminateInstance("sim-c", instanceId);
    await sleep(WAIT);
    expect((await provider.describeInstance("sim-c", instanceId))?.state).toBe("terminated");
    await provider.terminateInstance("sim-c", instanceId);
    await provider.terminateInstance("sim-c", "i-0000000000000000");
    expect(await providerError(provider.startInstance("sim-c", instanceId))).toMatchObject({
      kind: "invalid-request",
      code: "IncorrectInstanceState",
    });
    expect(await providerError(provider.stopInstance("sim-c", instanceId))).toMatchObject({ code: "IncorrectInstanceState" });
  });

  it("knows no unknown instance: describe is null, start and stop are not-found", async () => {
    const { provider } = await account();
    const { instanceId } = await provider.createInstance(input({ region: "sim-c" }));
    expect(await provider.describeInstance("sim-c", "i-00000000000000000")).toBeNull();
    expect(await provider.describeInstance("sim-a", instanceId)).toBeNull(); // regional, like EC2
    expect(await providerError(provider.startInstance("sim-c", "i-00000000000000000"))).toMatchObject({
      kind: "not-found",
      code: "InvalidInstanceID.NotFound",
    });
    expect((await providerError(provider.stopInstance("sim-c", "i-00000000000000000"))).kind).toBe("not-found");
  });

  it("lists the region's instances carrying every tag, terminated ones excluded", async () => {
    const { provider } = await account();
    const tags = (vm: string, deployment = "blue") => ({ [TAG_TENANT]: "ten_l", [TAG_VM]: vm, "gp:deployment": deployment });
    const one = await provider.createInstance(input({ tags: tags("vm_1") }));
    const two = await provider.createInstance(input({ tags: tags("vm_2", "green") }));
    const gone = await provider.createInstance(input({ tags: tags("vm_3") }));
    await provider.createInstance(input({ region: "sim-a", tags: tags("vm_4") }));
    await provider.terminateInstance("sim-c", gone.instanceId);
    await sleep(WAIT);

    const ids = async (filter: Record<string, string>, where = "sim-c") =>
      (await provider.listInstances(where, filter)).map((i) => i.instanceId);
    expect(await ids({ [TAG_TENANT]: "ten_l" })).toEqual([one.instanceId, two.instanceId]);
    expect(await ids({ [TAG_TENANT]: "ten_l", "gp:deployment": "green" })).toEqual([two.instanceId]);
    expect(await ids({ [TAG_TENANT]: "ten_l", [TAG_VM]: "vm_3" })).toEqual([]);
    expect(await ids({ [TAG_TENANT]: "other" })).toEqual([]);
    expect(await ids({})).toEqual([one.instanceId, two.instanceId]);
    expect(await ids({ [TAG_TENANT]: "ten_l" }, "sim-a")).toHaveLength(1);
    const listed = await provider.listInstances("sim-c", { [TAG_VM]: "vm_1" });
    expect(listed[0]).toMatchObject({ state: "running", tags: tags("vm_1") });
    expect(listed[0]?.launchedAt).toBeInstanceOf(Date);
  });

  it("interrupts an instance: shutting-down, then terminated", async () => {
    const { provider, cloud } = await account();
    const { instanceId } = await provider.createInstance(input({ spot: true }));
    await sleep(WAIT);
    const since = Date.now();
    expect(await cloud.interrupt(instanceId)).toMatchObject({ ok: true, value: { state: "shutting-down" } });
    expectTransitional((await provider.describeInstance("sim-c", instanceId))?.state, since, "shutting-down", "terminated");
    await sleep(WAIT);
    expect((await provider.describeInstance("sim-c", instanceId))?.state).toBe("terminated");
    expect(await cloud.interrupt("i-00000000000000000")).toMatchObject({ ok: false, error: { kind: "not-found" } });
  });

  it("leaves an instance in pending for ever when stuckInPendingRate is 1 (terminate still works)", async () => {
    const { provider, cloud } = await account({ stuckInPendingRate: 1 });
    const { instanceId } = await provider.createInstance(input());
    await sleep(WAIT);
    expect((await provider.describeInstance("sim-c", instanceId))?.state).toBe("pending");
    expect((await cloud.inspect())[0]).toMatchObject({ stuckInPending: true, transitionDueAt: null });
    expect(await providerError(provider.stopInstance("sim-c", instanceId))).toMatchObject({
      kind: "invalid-request",
      code: "IncorrectInstanceState",
    });
    await provider.terminateInstance("sim-c", instanceId);
    await sleep(WAIT);
    expect((await provider.describeInstance("sim-c", instanceId))?.state).toBe("terminated");
  });

  it("fails every call with a transient InternalError when errorRates are 1", async () => {
    const { provider, cloud } = await account();
    const { instanceId } = await provider.createInstance(input());
    await cloud.configure({ errorRates: { create: 1, describe: 1, start: 1, stop: 1, terminate: 1, list: 1 } });
    // Thunks, each awaited at once: a rejection left unawaited is reported as unhandled in workerd.
    const calls: (() => Promise<unknown>)[] = [
      () => provider.createInstance(input()),
      () => provider.describeInstance("sim-c", instanceId),
      () => provider.startInstance("sim-c", instanceId),
      () => provider.stopInstance("sim-c", instanceId),
      () => provider.terminateInstance("sim-c", instanceId),
      () => provider.listInstances("sim-c", {}),
    ];
    for (const call of calls) {
      expect(await providerError(call())).toMatchObject({ kind: "transient", code: "InternalError", retryable: true });
    }
    await cloud.configure({ errorRates: { describe: 0 } });
    expect((await provider.describeInstance("sim-c", instanceId))?.instanceId).toBe(instanceId);
    expect(await cloud.inspect()).toHaveLength(1);
  });

  it("reproduces the same faults from the same seed and the same calls", async () => {
    const chaos: SimulationSettingsPatch = {
      errorRates: { create: 0.4, describe: 0.4, start: 0.4, stop: 0.4, terminate: 0.4, list: 0.4 },
      stuckInPendingRate: 0.5,
      agentSilentRate: 0.5,
    };
    const run = async (seed: number) => {
      const { provider, cloud } = await account({ ...chaos, seed });
      const outcomes: string[] = [];
      const record = async (call: Promise<unknown>) =>
        outcomes.push(
          await call.then(
            () => "ok",
            (error: ProviderError) => error.code ?? error.kind,
          ),
        );
      for (let i = 0; i < 12; i++) {
        await record(provider.createInstance(input({ idempotencyToken: `seeded-${i}`, tags: { n: String(i) } })));
        await record(provider.describeInstance("sim-c", "i-00000000000000000"));
        await record(provider.listInstances("sim-c", {}));
        await record(provider.terminateInstance("sim-c", "i-00000000000000000"));
      }
      const instances = (await cloud.inspect()).map((i) => `${i.idempotencyToken}:${i.stuckInPending}:${i.agent.silent}`);
      return { outcomes, instances };
    };
    const first = await run(42);
    const second = await run(42);
    expect(second).toEqual(first);
    expect(first.outcomes).toContain("ok");
    expect(first.outcomes).toContain("InternalError");
    expect(first.instances.some((i) => i.includes(":true:"))).toBe(true);
    expect(first.instances.some((i) => i.includes(":false:"))).toBe(true);
    expect((await run(7)).outcomes).not.toEqual(first.outcomes);
  });

  it("keeps instances, settings and the PRNG in storage, so a new object instance sees the same", async () => {
    const { provider, cloud } = await account({ latencyMs: 0, seed: 99 });
    const { instanceId } = await provider.createInstance(input());
    const seen = await runInDurableObject(cloud, async (instance: SimulatedCloud, state) => {
      const rows = state.storage.sql.exec("SELECT id, state FROM instances").toArray();
      // A fresh object over the same storage, as after eviction: nothing lives only in memory.
      const fresh = new SimulatedCloud(state, env);
      return {
        rows,
        before: await instance.inspect(),
        after: await fresh.inspect(),
        settings: (await fresh.configure({})) as { ok: true; value: unknown },
      };
    });
    expect(seen.rows).toEqual([{ id: instanceId, state: "pending" }]);
    expect(seen.after).toEqual(seen.before);
    expect(seen.settings.value).toMatchObject({ bootDelayMs: DELAY, seed: 99, agent: "off" });
    await sleep(WAIT);
    // The stored row still says pending; the lazy clock makes it running for every reader.
    expect((await provider.describeInstance("sim-c", instanceId))?.state).toBe("running");
    expect((await cloud.inspect())[0]?.state).toBe("running");
  });

  it("adds the configured latency to every provider call", async () => {
    const { provider } = await account({ latencyMs: 60 });
    const started = Date.now();
    await provider.listInstances("sim-c", {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("answers invalid settings with a clear message and keeps the stored ones", async () => {
    const { cloud } = await account();
    const message = async (patch: unknown) => {
      const result = await cloud.configure(patch as SimulationSettingsPatch);
      return result.ok ? "accepted" : `${result.error.kind}: ${result.error.message}`;
    };
    expect(await message({ bootDelayMs: -1 })).toMatch(/^invalid-request: .*bootDelayMs/);
    expect(await message({ errorRates: { create: 2 } })).toMatch(/errorRates\.create/);
    expect(await message({ agent: "maybe" })).toMatch(/agent/);
    expect(await message({ nope: 1 })).toMatch(/unknown setting: nope/);
    expect(await cloud.configure({})).toMatchObject({ ok: true, value: { bootDelayMs: DELAY, errorRates: { create: 0 } } });
  });

  it("turns an RPC failure into a transient ProviderError", async () => {
    const broken = {
      idFromName: (name: string) => env.SIMULATED_CLOUD.idFromName(name),
      get: () => ({
        describeInstance: () => Promise.reject(new Error("Durable Object reset because its code was updated")),
      }),
    } as unknown as typeof env.SIMULATED_CLOUD;
    const provider = new SimulatedProvider(broken, newId("ten"), CATALOG);
    const error = await providerError(provider.describeInstance("sim-c", "i-1"));
    expect(error).toMatchObject({ kind: "transient", retryable: true });
    expect(error.message).toMatch(/reset/);
  });
});

describe("the simulated agent", () => {
  it("does no alarm work with the agent off", async () => {
    const { provider, cloud } = await account({ agent: "off" });
    await provider.createInstance(input());
    await sleep(WAIT);
    expect(await runInDurableObject(cloud, (_i: SimulatedCloud, state) => state.storage.getAlarm())).toBeNull();
    expect(await runDurableObjectAlarm(cloud)).toBe(false);
    expect((await cloud.inspect())[0]?.agent).toMatchObject({ status: "off", nextAt: null, reports: 0 });
  });

  it("schedules no report for a silent agent", async () => {
    const { provider, cloud } = await account({ agent: "on", agentSilentRate: 1 });
    await provider.createInstance(input());
    expect(await runInDurableObject(cloud, (_i: SimulatedCloud, state) => state.storage.getAlarm())).toBeNull();
    expect((await cloud.inspect())[0]?.agent).toMatchObject({ silent: true, status: "off" });
  });

  it("schedules one alarm for the ready report and never throws from it, even without a VM actor", async () => {
    const { provider, cloud } = await account({ agent: "on", agentReadyDelayMs: 10, heartbeatIntervalMs: 50 });
    const created = await provider.createInstance(input());
    const [instance] = await cloud.inspect();
    expect(instance?.agent.status).toBe("waiting");
    expect(instance?.agent.nextAt?.getTime()).toBe((instance?.transitionDueAt?.getTime() ?? 0) + 10);
    const alarm = await runInDurableObject(cloud, (_i: SimulatedCloud, state) => state.storage.getAlarm());
    expect(alarm).toBe(instance?.agent.nextAt?.getTime());

    await sleep(WAIT);
    await expect(runDurableObjectAlarm(cloud)).resolves.toBeTypeOf("boolean");
    const after = (await cloud.inspect())[0];
    expect(after?.instanceId).toBe(created.instanceId);
    expect(after?.state).toBe("running");
    // No VM_ACTOR binding (logged once), or an actor that knows no such VM (404): the agent
    // gives up rather than spinning the alarm.
    expect(after?.agent).toMatchObject({ status: "stopped", nextAt: null });
    expect(after?.agent.lastError).toMatch(/^(no VM_ACTOR binding|404 )/);
    expect(await runInDurableObject(cloud, (_i: SimulatedCloud, state) => state.storage.getAlarm())).toBeNull();
  });

  it("cancels the pending report when the instance stops before its agent reports", async () => {
    const { provider, cloud } = await account({ agent: "on", agentReadyDelayMs: 60_000 });
    const { instanceId } = await provider.createInstance(input());
    expect(await runInDurableObject(cloud, (_i: SimulatedCloud, state) => state.storage.getAlarm())).not.toBeNull();
    await provider.terminateInstance("sim-c", instanceId);
    expect(await runInDurableObject(cloud, (_i: SimulatedCloud, state) => state.storage.getAlarm())).toBeNull();
    expect((await cloud.inspect())[0]?.agent).toMatchObject({ status: "stopped", nextAt: null });
  });
});
