// The scheduled jobs through the Worker's own scheduled handler (as a Cron Trigger calls it): the
// cron table equals wrangler.toml's triggers; the billing check recomputes budgets from the
// ledger; the idle sweep stops idle VMs; reconciliation terminates orphan instances and fails
// VMs whose instance vanished. Each job's report is kept by its JobActor.
import {
  createExecutionContext,
  createScheduledController,
  env,
  runDurableObjectAlarm,
  waitOnExecutionContext,
} from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { budgetActors } from "../../src/actors/budget/client";
import type { JobActor } from "../../src/actors/jobs/job-actor";
import { vmActors } from "../../src/actors/vm/client";
import { periodWindow } from "../../src/domain/budgets";
import { defaultCatalog } from "../../src/domain/catalog/defaults";
import { newId } from "../../src/domain/ids";
import worker from "../../src/index";
import { CRON_JOBS, type JobName } from "../../src/jobs/table";
import { SimulatedProvider } from "../../src/providers/simulated/simulated-provider";
import { D1Store } from "../../src/store/d1/d1-store";
import wranglerToml from "../../wrangler.toml?raw";
import { createTenant } from "../support/tenants";
import { cloudStub, createVm, fastCloud, waitForState } from "../support/vms";

const store = new D1Store(env.DB);

async function runCron(cron: string, scheduledTime = Date.now()): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const cronOf = (job: JobName) => Object.entries(CRON_JOBS).find(([, jobs]) => jobs.includes(job))?.[0] as string;

async function lastReport(job: JobName) {
  const stub = env.JOB_ACTOR.get(env.JOB_ACTOR.idFromName(job)) as unknown as DurableObjectStub<JobActor>;
  const memory = await stub.last();
  return memory?.last ?? null;
}

describe("the cron table", () => {
  it("equals wrangler.toml's [triggers] crons", () => {
    const section = wranglerToml.slice(wranglerToml.indexOf("[triggers]"));
    const list = /crons\s*=\s*\[([^\]]*)\]/.exec(section)?.[1] ?? "";
    const crons = [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
    expect(crons.sort()).toEqual(Object.keys(CRON_JOBS).sort());
  });

  it("maps every job to exactly one cron", () => {
    const jobs = Object.values(CRON_JOBS).flat();
    expect(jobs.sort()).toEqual(["billing-check", "idle-sweep", "reconcile"]);
  });

  it("an unknown cron runs nothing and does not throw", async () => {
    await expect(runCron("0 0 1 1 *")).resolves.toBeUndefined();
  });
});

describe("billing check", () => {
  it("recomputes each budget's spend from the ledger and evaluates it", async () => {
    const tenant = await createTenant("billing check");
    const budgetId = newId("bud");
    await store.putBudget({
      id: budgetId,
      tenantId: tenant.id,
      name: "cap",
      playerId: null,
      period: "monthly",
      limitMicros: 1_000,
      thresholds: [50],
      action: "notify",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const start = periodWindow("monthly", Date.now()).start;
    await store.appendUsage(
      [1, 2, 3].map((seq) => ({
        id: `vm_ledger:${seq}`,
        tenantId: tenant.id,
        vmId: "vm_ledger",
        playerId: null,
        sessionId: null,
        provider: "simulated",
        region: "eu-central-1",
        instanceType: "g4dn.xlarge",
        kind: "compute" as const,
        startAt: new Date(start.getTime() + seq * 60_000),
        endAt: new Date(start.getTime() + (seq + 1) * 60_000),
        seconds: 60,
        unitPriceMicros: 526_000,
        costMicros: 400,
      })),
    );

    await runCron(cronOf("billing-check"));

    const [state] = await budgetActors(env.BUDGET_ACTOR)(tenant.id).states(tenant.id);
    expect(state).toMatchObject({ budgetId, spentMicros: 1_200, exceeded: true, thresholdsReached: [50] });
    const report = await lastReport("billing-check");
    expect(report?.complete).toBe(true);
    expect(report?.errors).toEqual([]);
    expect(report?.counters.checked).toBeGreaterThanOrEqual(1);
    expect(report?.counters.corrected).toBeGreaterThanOrEqual(1);
  });
});

describe("idle sweep", () => {
  it("stops a running VM whose agent has been idle past the policy's timeout", { timeout: 60_000 }, async () => {
    const tenant = await createTenant("idle sweep");
    await fastCloud(tenant.id);
    const vm = await createVm(tenant);
    await waitForState(tenant, vm.id, "running");
    for (let i = 0; i < 50 && (await store.getVm(tenant.id, vm.id))?.state !== "running"; i++) {
      await runDurableObjectAlarm(env.VM_ACTOR.get(env.VM_ACTOR.idFromName(vm.id)));
    }

    // As if the sweep ran an hour from now: past the default 15-minute idle timeout.
    await runCron(cronOf("idle-sweep"), Date.now() + 3_600_000);

    expect((await lastReport("idle-sweep"))?.counters).toMatchObject({ stopped: 1 });
    await waitForState(tenant, vm.id, "stopped");
  });
});

describe("reconcile", () => {
  it("terminates orphan instances, keeps owned ones, and fails a VM whose instance vanished", { timeout: 60_000 }, async () => {
    const tenant = await createTenant("reconcile");
    const cloud = await fastCloud(tenant.id);
    const vm = await createVm(tenant);
    const running = await waitForState(tenant, vm.id, "running");
    for (let i = 0; i < 50 && (await store.getVm(tenant.id, vm.id))?.state !== "running"; i++) {
      await runDurableObjectAlarm(env.VM_ACTOR.get(env.VM_ACTOR.idFromName(vm.id)));
    }
    // An instance no VM owns: tagged for this tenant (e.g. left by a crashed create), and one
    // claiming a VM that does not exist.
    const provider = new SimulatedProvider(
      env.SIMULATED_CLOUD,
      tenant.id,
      defaultCatalog().providers.find((p) => p.id === "simulated") ??
        (() => {
          throw new Error("no simulated provider");
        })(),
    );
    const orphan = await provider.createInstance({
      idempotencyToken: `orphan-${crypto.randomUUID()}`,
      region: "eu-central-1",
      instanceType: "g4dn.xlarge",
      image: "sim-image-pcsx2",
      userData: "",
      spot: false,
      diskGb: 64,
      tags: { "gp:tenant": tenant.id, "gp:vm": newId("vm"), "gp:deployment": "gamer-provisioner" },
    });

    await runCron(cronOf("reconcile"));

    const instances = await cloud.inspect();
    const stateOf = (id: string | null) => instances.find((i) => i.instanceId === id)?.state;
    expect(["shutting-down", "terminated"]).toContain(stateOf(orphan.instanceId));
    expect(stateOf(running.providerInstanceId)).toBe("running");
    expect((await vmActors(env.VM_ACTOR)(vm.id).get(tenant.id))?.state).toBe("running");
    expect((await lastReport("reconcile"))?.counters).toMatchObject({ orphansTerminated: 1, vmsLost: 0 });

    // A spot interruption: the instance goes away while the VM is running.
    await cloudStub(tenant.id).interrupt(running.providerInstanceId as string);
    for (let i = 0; i < 50 && stateOf(running.providerInstanceId) !== "terminated"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await runDurableObjectAlarm(cloudStub(tenant.id));
      const now = await cloud.inspect();
      instances.splice(0, instances.length, ...now);
    }
    await runCron(cronOf("reconcile"));

    const lost = await vmActors(env.VM_ACTOR)(vm.id).get(tenant.id);
    expect(lost).toMatchObject({ state: "failed", failureReason: "instance-lost" });
    expect((await lastReport("reconcile"))?.counters).toMatchObject({ vmsLost: 1 });
  });
});
