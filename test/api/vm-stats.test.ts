// GET /vms/stats on the simulated cloud: fleet counts, VMs created and launches in the window,
// time to playable consistent with the VM views, warm versus cold; window validation and access.
import { runDurableObjectAlarm } from "cloudflare:test";
import type { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { nearestRank } from "../../src/domain/stats";
import { VmStatsResponseSchema } from "../../src/routes/vms/stats";
import { call, expectProblem } from "../support/http";
import { launch, playerKey, playerStub, waitForSession } from "../support/launch";
import { createKey, createTenant, jsonRequest, type TestTenant } from "../support/tenants";
import { cloudStub, createVm, fastCloud, getVm, vmStub, waitForState } from "../support/vms";

type Stats = z.infer<typeof VmStatsResponseSchema>;

async function stats(t: TestTenant, query = ""): Promise<Stats> {
  const res = await call(`/vms/stats${query}`, jsonRequest("GET", t.adminToken));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return VmStatsResponseSchema.parse(JSON.parse(text));
}

/** Polls the stats (nudging the actors' outboxes) until `done` holds: the Store trails the actors. */
async function statsWhen(t: TestTenant, actors: DurableObjectStub[], done: (s: Stats) => boolean): Promise<Stats> {
  for (let i = 0; ; i++) {
    const s = await stats(t);
    if (done(s)) return s;
    if (i > 100) throw new Error(`stats never settled: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
    for (const stub of actors) await runDurableObjectAlarm(stub).catch(() => false);
  }
}

describe("GET /vms/stats", () => {
  it("counts VMs and launches and ranks time to playable like the VM views say", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const created = [await createVm(t), await createVm(t), await createVm(t)];
    for (const vm of created) await waitForState(t, vm.id, "running");

    const token = await playerKey(t, "p-stats");
    const started = await launch(token);
    expect(started.res.status, JSON.stringify(started.body)).toBe(202);
    const session = await waitForSession(t, token, "p-stats", started.body.id, "playable");
    const launchVmId = session.vmId as string;
    await waitForState(t, launchVmId, "running");

    const ids = [...created.map((v) => v.id), launchVmId];
    const actors = [...ids.map(vmStub), playerStub(t.id, "p-stats")];
    const s = await statsWhen(
      t,
      actors,
      (x) => x.vms.byState.running === 4 && x.vms.timeToPlayable.all.count === 4 && x.launches.playable === 1,
    );

    // The fleet, now.
    expect(s.percentiles).toBe("nearest-rank");
    expect(s.vms.total).toBe(4);
    expect(s.vms.created).toBe(4);
    expect(s.vms.byState).toEqual({ running: 4 });
    expect(s.vms.byProvider).toEqual({ simulated: 4 });
    expect(s.vms.byRegion).toEqual([
      { provider: "simulated", region: "eu-central-1", total: 3, byState: { running: 3 } },
      { provider: "simulated", region: session.region, total: 1, byState: { running: 1 } },
    ]);
    expect(s.vms.capped).toBe(false);

    // Time to playable of the VMs' boots: exactly the views' values, ranked.
    const views = await Promise.all(ids.map((id) => getVm(t, id)));
    const all = views.map((v) => v.timings.timeToPlayableMs as number).sort((a, b) => a - b);
    expect(s.vms.timeToPlayable.all).toEqual({
      count: 4,
      p50: nearestRank(all, 50),
      p95: nearestRank(all, 95),
      p99: nearestRank(all, 99),
      min: all[0],
      max: all[3],
    });
    expect(s.vms.timeToPlayable.all.p50).toBe(all[1]); // rank ceil(0.5 × 4) = 2
    expect(s.vms.timeToPlayable.cold.count).toBe(4);
    expect(s.vms.timeToPlayable.warm.count).toBe(0);
    const frankfurt = views.filter((v) => v.region === "eu-central-1").map((v) => v.timings.timeToPlayableMs as number);
    const frankfurtStats = s.vms.timeToPlayable.byRegion.find((g) => g.region === "eu-central-1");
    expect(frankfurtStats?.all.count).toBe(3);
    expect(frankfurtStats?.all.max).toBe(Math.max(...frankfurt));

    // The launch: one, cold, its time to playable as the session reports it.
    expect(s.launches).toMatchObject({ total: 1, playable: 1, warm: 0, cold: 1, byState: { playable: 1 }, capped: false });
    expect(s.launches.timeToPlayable.all).toMatchObject({
      count: 1,
      p50: session.timeToPlayableMs,
      p99: session.timeToPlayableMs,
    });
    expect(s.launches.timeToPlayable.byRegion).toEqual([
      expect.objectContaining({ provider: "simulated", region: session.region }),
    ]);

    // A restart is a warm boot, ranked with its own time to playable.
    const first = created[0]?.id as string;
    expect((await call(`/vms/${first}/stop`, jsonRequest("POST", t.adminToken))).status).toBe(202);
    await waitForState(t, first, "stopped");
    expect((await call(`/vms/${first}/start`, jsonRequest("POST", t.adminToken))).status).toBe(202);
    const restarted = await waitForState(t, first, "running");
    const warm = await statsWhen(t, actors, (x) => x.vms.timeToPlayable.warm.count === 1);
    expect(warm.vms.timeToPlayable.warm.p50).toBe(restarted.timings.timeToPlayableMs);
    expect(warm.vms.timeToPlayable.cold.count).toBe(3);

    // A window elsewhere in time holds nothing, but the fleet is still the fleet.
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const empty = await stats(t, `?from=${future}&to=${later}`);
    expect(empty.window).toEqual({ from: future, to: later });
    expect(empty.vms).toMatchObject({ total: 4, created: 0 });
    expect(empty.vms.timeToPlayable.all).toEqual({ count: 0, p50: null, p95: null, p99: null, min: null, max: null });
    expect(empty.launches).toMatchObject({ total: 0, playable: 0 });
    await runDurableObjectAlarm(cloudStub(t.id)).catch(() => false);
  }, 90_000);

  it("defaults to the last 24 hours and answers zeros for a tenant without VMs", async () => {
    const t = await createTenant();
    const before = Date.now();
    const s = await stats(t);
    const from = Date.parse(s.window.from);
    const to = Date.parse(s.window.to);
    expect(to - from).toBe(24 * 3_600_000);
    expect(to).toBeGreaterThanOrEqual(before - 1000);
    expect(s.vms).toMatchObject({ total: 0, created: 0, byState: {}, byRegion: [], capped: false });
    expect(s.launches).toMatchObject({ total: 0, capped: false });
    // `to` alone: the 24 hours before it.
    const only = await stats(t, "?to=2026-01-02T00:00:00Z");
    expect(only.window).toEqual({ from: "2026-01-01T00:00:00.000Z", to: "2026-01-02T00:00:00.000Z" });
  });

  it("refuses a bad window with 400", async () => {
    const t = await createTenant();
    const get = (q: string) => call(`/vms/stats${q}`, jsonRequest("GET", t.adminToken));
    const reversed = await expectProblem(
      await get("?from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z"),
      400,
      "VALIDATION_FAILED",
    );
    expect(reversed.errors?.[0]?.location).toBe("query.to");
    await expectProblem(await get("?from=2026-11-27T10:00:00Z&to=2026-11-27T10:00:00Z"), 400, "VALIDATION_FAILED");
    const bad = await expectProblem(await get("?from=yesterday"), 400, "VALIDATION_FAILED");
    expect(bad.errors?.[0]?.location).toBe("query.from");
    await expectProblem(await get(`?from=${new Date(Date.now() + 3_600_000).toISOString()}`), 400, "VALIDATION_FAILED");
  });

  it("needs an operator: 401 without a key, 403 for a player key", async () => {
    await expectProblem(await call("/vms/stats"), 401, "UNAUTHENTICATED");
    const t = await createTenant();
    const player = await createKey(t.adminToken, { name: "player", scopes: ["player"], playerId: "p-1" });
    await expectProblem(await call("/vms/stats", jsonRequest("GET", player.token)), 403, "FORBIDDEN");
    const operator = await createKey(t.adminToken, { name: "ops", scopes: ["operator"] });
    expect((await call("/vms/stats", jsonRequest("GET", operator.token))).status).toBe(200);
  });
});
