// /billing/budgets CRUD, admission control (402 BUDGET_EXCEEDED on launch and VM create),
// GET /billing/summary and POST /billing/check, through the Worker.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { periodWindow } from "../../src/domain/budgets";
import { BudgetSchema } from "../../src/routes/billing/budgets";
import { D1Store } from "../../src/store/d1/d1-store";
import { call, expectProblem } from "../support/http";
import { LAUNCH, launch, playerKey } from "../support/launch";
import { createKey, createTenant, jsonRequest, ROOT_KEY, type TestTenant } from "../support/tenants";
import { fastCloud, VM_BODY } from "../support/vms";

const store = new D1Store(env.DB);

async function createBudget(t: TestTenant, body: Record<string, unknown>) {
  const res = await call("/billing/budgets", jsonRequest("POST", t.adminToken, body));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return { budget: BudgetSchema.parse(JSON.parse(text)), location: res.headers.get("location") };
}

async function ledger(tenantId: string, vmId: string, costs: number[], playerId: string | null = null) {
  const start = periodWindow("monthly", Date.now()).start.getTime();
  await store.appendUsage(
    costs.map((costMicros, i) => ({
      id: `${vmId}:${i + 1}`,
      tenantId,
      vmId,
      playerId,
      sessionId: null,
      provider: "simulated",
      region: "eu-central-1",
      instanceType: "g4dn.xlarge",
      kind: i % 2 === 0 ? ("compute" as const) : ("storage" as const),
      startAt: new Date(start + i * 60_000),
      endAt: new Date(start + (i + 1) * 60_000),
      seconds: 60,
      unitPriceMicros: 526_000,
      costMicros,
    })),
  );
}

describe("budgets CRUD", () => {
  it("creates with defaults from the policy, lists, reads, replaces and deletes", async () => {
    const t = await createTenant();
    const { budget, location } = await createBudget(t, { name: "Monthly cap", limitMicros: 5_000_000 });
    expect(location).toBe(`/billing/budgets/${budget.id}`);
    expect(budget).toMatchObject({
      name: "Monthly cap",
      playerId: null,
      period: "monthly",
      limitMicros: 5_000_000,
      thresholds: [50, 80, 100],
      action: "stop", // the default policy's defaultBudgetAction
      state: { spentMicros: 0, remainingMicros: 5_000_000, exceeded: false, periodKey: periodWindow("monthly", Date.now()).key },
    });

    const list = await call("/billing/budgets", jsonRequest("GET", t.adminToken));
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((b) => b.id)).toEqual([budget.id]);

    const put = await call(
      `/billing/budgets/${budget.id}`,
      jsonRequest("PUT", t.adminToken, {
        name: "Daily cap",
        period: "daily",
        limitMicros: 1_000,
        thresholds: [90, 10],
        action: "notify",
        playerId: "alice",
      }),
    );
    const replaced = BudgetSchema.parse(await put.json());
    expect(put.status).toBe(200);
    expect(replaced).toMatchObject({ id: budget.id, period: "daily", thresholds: [10, 90], action: "notify", playerId: "alice" });
    expect(replaced.createdAt).toBe(budget.createdAt);

    const get = await call(`/billing/budgets/${budget.id}`, jsonRequest("GET", t.adminToken));
    expect(BudgetSchema.parse(await get.json()).name).toBe("Daily cap");

    expect((await call(`/billing/budgets/${budget.id}`, jsonRequest("DELETE", t.adminToken))).status).toBe(204);
    await expectProblem(await call(`/billing/budgets/${budget.id}`, jsonRequest("GET", t.adminToken)), 404, "NOT_FOUND");
    await expectProblem(await call(`/billing/budgets/${budget.id}`, jsonRequest("DELETE", t.adminToken)), 404, "NOT_FOUND");
  });

  it.each([
    ["a zero limit", { name: "x", limitMicros: 0 }, "body.limitMicros"],
    ["a fractional limit", { name: "x", limitMicros: 1.5 }, "body.limitMicros"],
    ["a repeated threshold", { name: "x", limitMicros: 10, thresholds: [50, 50] }, "body.thresholds"],
    ["an unknown action", { name: "x", limitMicros: 10, action: "shred" }, "body.action"],
    ["an unknown field", { name: "x", limitMicros: 10, colour: "red" }, "body"],
    ["no name", { limitMicros: 10 }, "body.name"],
    ["a bad player id", { name: "x", limitMicros: 10, playerId: "a b" }, "body.playerId"],
  ])("400 for %s", async (_name, body, location) => {
    const t = await createTenant();
    const problem = await expectProblem(
      await call("/billing/budgets", jsonRequest("POST", t.adminToken, body)),
      400,
      "VALIDATION_FAILED",
    );
    expect(problem.errors?.map((e) => e.location)).toContain(location);
  });

  it("400 for a malformed id; another tenant's budget is 404", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const { budget } = await createBudget(a, { name: "a", limitMicros: 10 });
    await expectProblem(await call("/billing/budgets/nope", jsonRequest("GET", a.adminToken)), 400, "VALIDATION_FAILED");
    await expectProblem(await call(`/billing/budgets/${budget.id}`, jsonRequest("GET", b.adminToken)), 404, "NOT_FOUND");
    await expectProblem(await call(`/billing/budgets/${budget.id}`, jsonRequest("DELETE", b.adminToken)), 404, "NOT_FOUND");
  });

  it("needs the operator scope", async () => {
    const t = await createTenant();
    const player = await createKey(t.adminToken, { name: "p", scopes: ["player"], playerId: "p1" });
    const operator = await createKey(t.adminToken, { name: "o", scopes: ["operator"] });
    await expectProblem(await call("/billing/budgets", jsonRequest("GET", player.token)), 403, "FORBIDDEN");
    await expectProblem(await call("/billing/budgets", jsonRequest("GET", null)), 401, "UNAUTHENTICATED");
    expect((await call("/billing/budgets", jsonRequest("GET", operator.token))).status).toBe(200);
  });
});

describe("admission control", () => {
  it("refuses a launch that would exceed a budget with 402 naming it, and admits once it is gone", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "alice");
    const { budget } = await createBudget(t, { name: "Alice cap", playerId: "alice", limitMicros: 100_000, action: "notify" });

    const refused = await expectProblem(await call("/launch", jsonRequest("POST", token, LAUNCH)), 402, "BUDGET_EXCEEDED");
    expect(refused.detail).toContain("Alice cap");
    expect(refused.detail).toContain(budget.id);
    expect(refused.detail).toContain("(100000 µ$) left");

    // Another player is not covered by Alice's budget.
    const bob = await playerKey(t, "bob");
    expect((await launch(bob, LAUNCH)).res.status).toBe(202);

    await call(`/billing/budgets/${budget.id}`, jsonRequest("DELETE", t.adminToken));
    expect((await launch(token, LAUNCH)).res.status).toBe(202);
  });

  it("still answers a replayed Idempotency-Key and resumes a live session once the budget is spent", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "erin");
    const first = await launch(token, LAUNCH, { "idempotency-key": "launch-erin-1" });
    expect(first.res.status).toBe(202);
    // Spent since: a budget with nothing left now covers the player.
    await ledger(t.id, "vm_erin", [5_000], "erin");
    await createBudget(t, { name: "Erin cap", playerId: "erin", limitMicros: 5_000, action: "notify" });
    await call("/billing/check", jsonRequest("POST", t.adminToken, { jobs: ["billing-check"] }));

    const replay = await launch(token, LAUNCH, { "idempotency-key": "launch-erin-1" });
    expect(replay.res.status).toBe(202);
    expect(replay.body.id).toBe(first.body.id);
    const resumed = await launch(token, LAUNCH);
    expect(resumed.res.status).toBe(202);
    expect(resumed.body.id).toBe(first.body.id);
    // Another emulator would start a new VM: refused.
    await expectProblem(
      await call("/launch", jsonRequest("POST", token, { ...LAUNCH, emulator: "dolphin" })),
      402,
      "BUDGET_EXCEEDED",
    );
  });

  it("refuses a VM create when the tenant's budget is spent", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    await ledger(t.id, "vm_spent", [2_000]);
    await createBudget(t, { name: "Tenant cap", limitMicros: 2_000, action: "notify" });
    await call("/billing/check", jsonRequest("POST", t.adminToken, { jobs: ["billing-check"] }));
    const problem = await expectProblem(await call("/vms", jsonRequest("POST", t.adminToken, VM_BODY)), 402, "BUDGET_EXCEEDED");
    expect(problem.detail).toContain("$0.00 (0 µ$) left");
  });
});

describe("GET /billing/summary", () => {
  it("reports the ledger's period spend by kind, a forecast and each budget's state", async () => {
    const t = await createTenant();
    await ledger(t.id, "vm_s", [1_000, 250, 3_000]);
    const { budget } = await createBudget(t, { name: "cap", limitMicros: 8_000, action: "notify" });
    await call("/billing/check", jsonRequest("POST", t.adminToken, { jobs: ["billing-check"] }));

    const res = await call("/billing/summary", jsonRequest("GET", t.adminToken));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text);
    const window = periodWindow("monthly", Date.now());
    expect(body).toMatchObject({
      period: "monthly",
      periodKey: window.key,
      periodStart: window.start.toISOString(),
      periodEnd: window.end.toISOString(),
      spentMicros: 4_250,
      computeMicros: 4_000,
      storageMicros: 250,
      burnRateMicrosPerHour: 0,
      vmsBilling: 0,
      forecastMicros: 4_250,
    });
    expect(body.budgets).toEqual([
      expect.objectContaining({ id: budget.id, state: expect.objectContaining({ spentMicros: 4_250, percent: 53.1 }) }),
    ]);
  });

  it("forecasts at the burn rate of the VMs billing now", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const res = await call("/vms", jsonRequest("POST", t.adminToken, VM_BODY));
    expect(res.status).toBe(202);
    const { waitForState } = await import("../support/vms");
    const vm = (await res.json()) as { id: string };
    await waitForState(t, vm.id, "running");
    let body: { burnRateMicrosPerHour: number; vmsBilling: number; forecastMicros: number; spentMicros: number } | null = null;
    for (let i = 0; i < 50; i++) {
      body = await (await call("/billing/summary?period=daily", jsonRequest("GET", t.adminToken))).json();
      if (body?.vmsBilling === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(body?.vmsBilling).toBe(1);
    expect(body?.burnRateMicrosPerHour).toBeGreaterThan(0);
    expect(body?.forecastMicros).toBeGreaterThan(body?.spentMicros ?? 0);
  });
});

describe("POST /billing/check", () => {
  it("runs every job for the admin's tenant and reports what each did", async () => {
    const t = await createTenant();
    const res = await call("/billing/check", jsonRequest("POST", t.adminToken));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const { reports } = JSON.parse(text) as { reports: { job: string; tenants: number; complete: boolean }[] };
    expect(reports.map((r) => r.job)).toEqual(["billing-check", "idle-sweep", "reconcile"]);
    expect(reports.every((r) => r.tenants === 1 && r.complete)).toBe(true);
  });

  it("runs one bounded pass across tenants for the root credential", async () => {
    await createTenant();
    const res = await call("/billing/check", jsonRequest("POST", ROOT_KEY, { jobs: ["billing-check"] }));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const [report] = JSON.parse(text).reports;
    expect(report.job).toBe("billing-check");
    expect(report.tenants).toBeGreaterThanOrEqual(1);
  });

  it("needs the admin scope and valid job names", async () => {
    const t = await createTenant();
    const operator = await createKey(t.adminToken, { name: "o", scopes: ["operator"] });
    await expectProblem(await call("/billing/check", jsonRequest("POST", operator.token)), 403, "FORBIDDEN");
    await expectProblem(
      await call("/billing/check", jsonRequest("POST", t.adminToken, { jobs: ["defrag"] })),
      400,
      "VALIDATION_FAILED",
    );
  });
});
