// The tenant's BudgetActor: spend merged from cumulative reports (never double counted),
// thresholds announced once per period (as webhooks, to a real receiver), the stop/terminate
// action applied to every VM in scope and no other, admission with holds, and the billing check
// correcting missed reports from the ledger and closing periods at rollover.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { budgetActors } from "../../src/actors/budget/client";
import { webhookActors } from "../../src/actors/webhooks/client";
import { periodWindow, previousWindow } from "../../src/domain/budgets";
import { newId } from "../../src/domain/ids";
import { D1Store } from "../../src/store/d1/d1-store";
import type { BudgetRecord, UsageSegment } from "../../src/store/types";
import { cloudStub, fastCloud, vmClient, vmInput, vmStub } from "../support/vms";

const store = new D1Store(env.DB);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const budgets = budgetActors(env.BUDGET_ACTOR);
const budgetStub = (tenantId: string) => env.BUDGET_ACTOR.get(env.BUDGET_ACTOR.idFromName(tenantId));
const monthKey = () => periodWindow("monthly", Date.now()).key;

async function putBudget(tenantId: string, overrides: Partial<BudgetRecord> = {}): Promise<BudgetRecord> {
  const budget: BudgetRecord = {
    id: newId("bud"),
    tenantId,
    name: "cap",
    playerId: null,
    period: "monthly",
    limitMicros: 1_000,
    thresholds: [],
    action: "notify",
    createdAt: new Date(Date.now() - 90 * 86_400_000),
    updatedAt: new Date(),
    ...overrides,
  };
  await store.putBudget(budget);
  await budgets(tenantId).budgetsChanged(tenantId);
  return budget;
}

const spentOf = async (tenantId: string, budgetId: string) =>
  (await budgets(tenantId).states(tenantId)).find((s) => s.budgetId === budgetId)?.spentMicros;

const received = async (path: string) =>
  (await (await fetch(`${env.WEBHOOK_RECEIVER_URL}/__requests?path=${encodeURIComponent(path)}`)).json()) as { body: string }[];

/** Drains the budget actor's and the webhook actor's outboxes, then returns the event ids received at `path`. */
async function deliveredIds(tenantId: string, path: string, atLeast: number): Promise<string[]> {
  let ids: string[] = [];
  for (let i = 0; i < 100; i++) {
    await runDurableObjectAlarm(budgetStub(tenantId));
    await runDurableObjectAlarm(env.WEBHOOK_ACTOR.get(env.WEBHOOK_ACTOR.idFromName(tenantId)));
    ids = (await received(path)).map((r) => (JSON.parse(r.body) as { id: string }).id);
    if (ids.length >= atLeast) break;
    await sleep(20);
  }
  return ids;
}

function segment(tenantId: string, vmId: string, seq: number, startAt: Date, costMicros: number): UsageSegment {
  return {
    id: `${vmId}:${seq}`,
    tenantId,
    vmId,
    playerId: null,
    sessionId: null,
    provider: "simulated",
    region: "eu-central-1",
    instanceType: "g4dn.xlarge",
    kind: "compute",
    startAt,
    endAt: new Date(startAt.getTime() + 60_000),
    seconds: 60,
    unitPriceMicros: 526_000,
    costMicros,
  };
}

describe("spend", () => {
  it("keeps the largest cumulative total per VM: repeated, late or out-of-order reports never double count", async () => {
    const tenantId = newId("ten");
    const budget = await putBudget(tenantId, { limitMicros: 10_000_000 });
    const client = budgets(tenantId);
    const key = monthKey();
    await client.recordUsage(tenantId, { vmId: "vm_a", playerId: null, totals: { [key]: 100 }, computeOpen: true });
    await client.recordUsage(tenantId, { vmId: "vm_a", playerId: null, totals: { [key]: 300 }, computeOpen: true });
    await client.recordUsage(tenantId, { vmId: "vm_a", playerId: null, totals: { [key]: 300 }, computeOpen: true });
    await client.recordUsage(tenantId, { vmId: "vm_a", playerId: null, totals: { [key]: 200 }, computeOpen: true }); // late
    await client.recordUsage(tenantId, { vmId: "vm_b", playerId: "p1", totals: { [key]: 50 }, computeOpen: false });
    expect(await spentOf(tenantId, budget.id)).toBe(350);
  });

  it("a player's budget counts only that player's VMs", async () => {
    const tenantId = newId("ten");
    const alice = await putBudget(tenantId, { playerId: "alice", limitMicros: 10_000_000 });
    const key = monthKey();
    await budgets(tenantId).recordUsage(tenantId, { vmId: "vm_a", playerId: "alice", totals: { [key]: 70 }, computeOpen: true });
    await budgets(tenantId).recordUsage(tenantId, { vmId: "vm_b", playerId: "bob", totals: { [key]: 900 }, computeOpen: true });
    expect(await spentOf(tenantId, alice.id)).toBe(70);
  });
});

describe("thresholds", () => {
  it("announces each threshold once per period and the limit once", { timeout: 30_000 }, async () => {
    const tenantId = newId("ten");
    const path = `/budget/${crypto.randomUUID()}`;
    const hook = await webhookActors(env.WEBHOOK_ACTOR)(tenantId).register({
      url: `${env.WEBHOOK_RECEIVER_URL}${path}`,
      events: ["budget.threshold", "budget.exceeded"],
      description: null,
    });
    expect(hook.ok).toBe(true);
    const budget = await putBudget(tenantId, { limitMicros: 1_000, thresholds: [50, 80, 100] });
    const key = monthKey();
    const report = (micros: number) =>
      budgets(tenantId).recordUsage(tenantId, { vmId: "vm_a", playerId: null, totals: { [key]: micros }, computeOpen: false });

    await report(600);
    await report(600);
    expect(await deliveredIds(tenantId, path, 1)).toEqual([`budget.threshold:${budget.id}:${key}:50`]);
    await report(850);
    await report(1_000);
    await report(1_200);
    await budgets(tenantId).reconcile(tenantId); // a billing check announces nothing again
    const ids = await deliveredIds(tenantId, path, 4);
    expect(ids.sort()).toEqual(
      [
        `budget.threshold:${budget.id}:${key}:50`,
        `budget.threshold:${budget.id}:${key}:80`,
        `budget.threshold:${budget.id}:${key}:100`,
        `budget.exceeded:${budget.id}:${key}`,
      ].sort(),
    );
    await sleep(100);
    expect(await deliveredIds(tenantId, path, 5)).toHaveLength(4);
    const exceeded = (await received(path)).map((r) => JSON.parse(r.body)).find((e) => e.type === "budget.exceeded");
    expect(exceeded.data).toMatchObject({ budgetId: budget.id, limitMicros: 1_000, spentMicros: 1_000, action: "notify" });
    const [state] = await budgets(tenantId).states(tenantId);
    expect(state).toMatchObject({ exceeded: true, thresholdsReached: [50, 80, 100], actedAt: null, remainingMicros: 0 });
  });
});

describe("actions", () => {
  async function runningVm(tenantId: string, playerId: string) {
    const input = { ...vmInput(tenantId), playerId };
    await vmClient(input.vmId).create(input);
    for (let i = 0; i < 300; i++) {
      const record = await store.getVm(tenantId, input.vmId);
      if (record?.state === "running") return input.vmId;
      await sleep(30);
      await runDurableObjectAlarm(vmStub(input.vmId));
      await runDurableObjectAlarm(cloudStub(tenantId));
    }
    throw new Error("the VM never ran");
  }

  async function settle(tenantId: string, vmIds: string[], wanted: (state: string) => boolean) {
    for (let i = 0; i < 300; i++) {
      await runDurableObjectAlarm(budgetStub(tenantId));
      const states = await Promise.all(vmIds.map(async (id) => (await vmClient(id).get(tenantId))?.state ?? "?"));
      if (states.every(wanted)) return states;
      await sleep(30);
      for (const id of vmIds) await runDurableObjectAlarm(vmStub(id));
      await runDurableObjectAlarm(cloudStub(tenantId));
    }
    throw new Error("the VMs did not settle");
  }

  it("`stop` stops every running VM in the budget's scope and no other", { timeout: 60_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId);
    const [alice1, alice2, bob] = [
      await runningVm(tenantId, "alice"),
      await runningVm(tenantId, "alice"),
      await runningVm(tenantId, "bob"),
    ];
    const budget = await putBudget(tenantId, { playerId: "alice", limitMicros: 1_000, action: "stop" });
    await budgets(tenantId).recordUsage(tenantId, {
      vmId: alice1,
      playerId: "alice",
      totals: { [monthKey()]: 1_500 },
      computeOpen: true,
    });
    const states = await settle(tenantId, [alice1, alice2], (s) => s === "stopped");
    expect(states).toEqual(["stopped", "stopped"]);
    expect((await vmClient(bob).get(tenantId))?.state).toBe("running");
    const [state] = await budgets(tenantId).states(tenantId);
    expect(state?.budgetId).toBe(budget.id);
    expect(state?.actedAt).not.toBeNull();

    // A tenant-wide `terminate` budget at its limit ends everything, stopped VMs included.
    await putBudget(tenantId, { limitMicros: 1_000, action: "terminate" });
    await budgets(tenantId).reconcile(tenantId);
    expect(await settle(tenantId, [alice1, alice2, bob], (s) => s === "terminated")).toEqual([
      "terminated",
      "terminated",
      "terminated",
    ]);
  });
});

describe("a VM's own usage", () => {
  it("reaches its budget when flushed, and the budget stops the player's other VM", { timeout: 60_000 }, async () => {
    const tenantId = newId("ten");
    await fastCloud(tenantId);
    const vmIds: string[] = [];
    for (const _ of [1, 2]) {
      const input = { ...vmInput(tenantId), playerId: "carol" };
      await vmClient(input.vmId).create(input);
      vmIds.push(input.vmId);
    }
    const stateOf = async (vmId: string) => (await vmClient(vmId).get(tenantId))?.state;
    const nudge = async () => {
      for (const id of vmIds) await runDurableObjectAlarm(vmStub(id));
      await runDurableObjectAlarm(budgetStub(tenantId));
      await runDurableObjectAlarm(cloudStub(tenantId));
      await sleep(20);
    };
    for (let i = 0; i < 300; i++) {
      const records = await Promise.all(vmIds.map((id) => store.getVm(tenantId, id)));
      if (records.every((r) => r?.state === "running")) break;
      await nudge();
    }
    const [first, second] = vmIds as [string, string];
    const budget = await putBudget(tenantId, { playerId: "carol", limitMicros: 1, action: "stop" });

    // Stopping the first VM closes its compute run: the segment is flushed to the ledger, then
    // reported to the budget, which is now exceeded and stops the player's other VM.
    await vmClient(first).command(tenantId, "stop");
    for (let i = 0; i < 300 && (await stateOf(second)) !== "stopped"; i++) await nudge();

    expect(await stateOf(second)).toBe("stopped");
    const [state] = await budgets(tenantId).states(tenantId);
    expect(state).toMatchObject({ budgetId: budget.id, exceeded: true });
    expect(state?.actedAt).not.toBeNull();
    const [ledger] = await store.sumUsage(tenantId, "none", { vmId: first });
    expect(ledger?.costMicros).toBeGreaterThan(0);
    expect(state?.spentMicros).toBeGreaterThanOrEqual(ledger?.costMicros ?? 0);
    // The actor's spend is the ledger's, to the micro-dollar, once every flush has landed.
    await budgets(tenantId).reconcile(tenantId);
    const [all] = await store.sumUsage(tenantId, "none", { playerId: "carol" });
    expect(await spentOf(tenantId, budget.id)).toBe(all?.costMicros);
  });
});

describe("admission", () => {
  it("refuses what does not fit, naming the budget, and holds what it admits", async () => {
    const tenantId = newId("ten");
    const budget = await putBudget(tenantId, { name: "Nov cap", limitMicros: 1_000 });
    const client = budgets(tenantId);
    expect(await client.admit(tenantId, "alice", 600)).toEqual({ ok: true });
    expect(await client.admit(tenantId, "bob", 600)).toEqual({
      ok: false,
      budgetId: budget.id,
      budgetName: "Nov cap",
      remainingMicros: 400,
      projectedMicros: 600,
      limitMicros: 1_000,
    });
    const [state] = await client.states(tenantId);
    expect(state).toMatchObject({ heldMicros: 600, spentMicros: 0, remainingMicros: 400 });
    // Holds expire once real usage has had time to arrive.
    expect(await client.admit(tenantId, "bob", 600, Date.now() + 3_600_000)).toEqual({ ok: true });
  });

  it("admits anything when no budget covers the player", async () => {
    const tenantId = newId("ten");
    await putBudget(tenantId, { playerId: "alice", limitMicros: 1 });
    expect(await budgets(tenantId).admit(tenantId, "bob", 1_000_000)).toEqual({ ok: true });
    expect((await budgets(tenantId).admit(tenantId, "alice", 2)).ok).toBe(false);
  });
});

describe("billing check", () => {
  it("corrects missed reports from the ledger and closes the previous period once", async () => {
    const tenantId = newId("ten");
    const budget = await putBudget(tenantId, { limitMicros: 1_000, thresholds: [50] });
    const now = Date.now();
    const current = periodWindow("monthly", now);
    const previous = previousWindow("monthly", now);
    await store.appendUsage([
      segment(tenantId, "vm_x", 1, previous.start, 300),
      segment(tenantId, "vm_x", 2, current.start, 400),
      segment(tenantId, "vm_y", 1, current.start, 300),
    ]);
    await budgets(tenantId).recordUsage(tenantId, {
      vmId: "vm_y",
      playerId: null,
      totals: { [current.key]: 300 },
      computeOpen: false,
    });

    const first = await budgets(tenantId).reconcile(tenantId, now);
    expect(first).toEqual({ budgets: 1, corrected: 2, closed: [`${budget.id}@${previous.key}`], actionsQueued: 0 });
    expect(await spentOf(tenantId, budget.id)).toBe(700);
    const [state] = await budgets(tenantId).states(tenantId);
    expect(state?.thresholdsReached).toEqual([50]);

    // A stale report does not lower the spend; the next check finds nothing to correct or close.
    await budgets(tenantId).recordUsage(tenantId, {
      vmId: "vm_x",
      playerId: null,
      totals: { [current.key]: 100 },
      computeOpen: false,
    });
    expect(await budgets(tenantId).reconcile(tenantId, now)).toEqual({ budgets: 1, corrected: 0, closed: [], actionsQueued: 0 });
    expect(await spentOf(tenantId, budget.id)).toBe(700);

    // Rollover: this month closes, the next starts at zero with its thresholds unannounced.
    const next = current.end.getTime() + 3_600_000;
    const rolled = await budgets(tenantId).reconcile(tenantId, next);
    expect(rolled.closed).toEqual([`${budget.id}@${current.key}`]);
    const [fresh] = await budgets(tenantId).states(tenantId, next);
    expect(fresh).toMatchObject({ periodKey: periodWindow("monthly", next).key, spentMicros: 0, thresholdsReached: [] });
  });
});
