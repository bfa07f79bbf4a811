// GET /billing/usage and GET /billing/vms/{id}: the ledger summed and line by line; players
// see only their own usage.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids";
import { D1Store } from "../../src/store/d1/d1-store";
import type { UsageSegment } from "../../src/store/types";
import { call, expectProblem } from "../support/http";
import { playerKey } from "../support/launch";
import { createTenant, jsonRequest } from "../support/tenants";

function segment(tenantId: string, vmId: string, seq: number, overrides: Partial<UsageSegment> = {}): UsageSegment {
  return {
    id: `${vmId}:${seq}`,
    tenantId,
    vmId,
    playerId: "p1",
    sessionId: null,
    provider: "simulated",
    region: "eu-west-3",
    instanceType: "g4dn.xlarge",
    kind: "compute",
    startAt: new Date(`2026-11-2${seq}T10:00:00Z`),
    endAt: new Date(`2026-11-2${seq}T11:00:00Z`),
    seconds: 3600,
    unitPriceMicros: 526_000,
    costMicros: 526_000,
    ...overrides,
  };
}

async function seeded() {
  const t = await createTenant();
  const vmA = newId("vm");
  const vmB = newId("vm");
  await new D1Store(env.DB).appendUsage([
    segment(t.id, vmA, 1),
    segment(t.id, vmA, 2, { kind: "storage", seconds: 7200, unitPriceMicros: 80_000, costMicros: 14_027 }),
    segment(t.id, vmB, 3, { playerId: "p2", region: "us-east-1", costMicros: 1_006_000, unitPriceMicros: 1_006_000 }),
  ]);
  return { t, vmA, vmB };
}

describe("GET /billing/usage", () => {
  it("sums the ledger by the chosen group, over a range", async () => {
    const { t } = await seeded();
    const get = async (query: string) =>
      (await (await call(`/billing/usage?${query}`, jsonRequest("GET", t.adminToken))).json()) as {
        items: { key: string | null; costMicros: number }[];
      };
    expect((await get("groupBy=region")).items).toEqual([
      { key: "eu-west-3", costMicros: 540_027, seconds: 10_800, segments: 2 },
      { key: "us-east-1", costMicros: 1_006_000, seconds: 3600, segments: 1 },
    ]);
    expect((await get("groupBy=none")).items).toEqual([{ key: null, costMicros: 1_546_027, seconds: 14_400, segments: 3 }]);
    expect((await get("groupBy=day&from=2026-11-22T00:00:00Z")).items.map((r) => r.key)).toEqual(["2026-11-22", "2026-11-23"]);
    expect((await get("groupBy=player&player=p2")).items).toEqual([
      { key: "p2", costMicros: 1_006_000, seconds: 3600, segments: 1 },
    ]);
  });

  it("answers CSV", async () => {
    const { t } = await seeded();
    const res = await call("/billing/usage?groupBy=kind&format=csv", jsonRequest("GET", t.adminToken));
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(await res.text()).toBe('key,costMicros,seconds,segments\n"compute",1532000,7200,2\n"storage",14027,7200,1\n');
  });

  it("shows players only their own usage", async () => {
    const { t } = await seeded();
    const token = await playerKey(t, "p2");
    const res = await call("/billing/usage?groupBy=player&player=p1", jsonRequest("GET", token));
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([
      { key: "p2", costMicros: 1_006_000, seconds: 3600, segments: 1 },
    ]);
  });

  it("validates the range and the grouping", async () => {
    const { t } = await seeded();
    await expectProblem(
      await call("/billing/usage?from=2026-11-30T00:00:00Z&to=2026-11-01T00:00:00Z", jsonRequest("GET", t.adminToken)),
      400,
      "VALIDATION_FAILED",
    );
    await expectProblem(await call("/billing/usage?groupBy=colour", jsonRequest("GET", t.adminToken)), 400, "VALIDATION_FAILED");
  });

  it("never shows another tenant's usage", async () => {
    await seeded();
    const other = await createTenant();
    const res = await call("/billing/usage?groupBy=none", jsonRequest("GET", other.adminToken));
    expect(((await res.json()) as { items: unknown[] }).items).toEqual([]);
  });
});

describe("GET /billing/vms/{id}", () => {
  it("lists a VM's cost lines with the total", async () => {
    const { t, vmA } = await seeded();
    const res = await call(`/billing/vms/${vmA}`, jsonRequest("GET", t.adminToken));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { kind: string; costMicros: number }[]; totalCostMicros: number };
    expect(body.items.map((s) => [s.kind, s.costMicros])).toEqual([
      ["compute", 526_000],
      ["storage", 14_027],
    ]);
    expect(body.totalCostMicros).toBe(540_027);
  });
});
