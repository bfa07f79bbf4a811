// Metrics through the real middleware stack and actors: a `request` point per request with the
// route template, `store` points from the request's Store, and a `launch` point when a session
// becomes playable. Miniflare's METRICS binding keeps nothing, so these tests bind a recorder.
import { env, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PlayerActor } from "../../src/actors/player/player-actor";
import { launch, playerKey, playerStub, waitForSession } from "../support/launch";
import { probeApp } from "../support/probe-app";
import { createTenant, jsonRequest, ROOT_KEY } from "../support/tenants";
import { fastCloud } from "../support/vms";

afterEach(() => vi.restoreAllMocks());

function recorder() {
  const points: AnalyticsEngineDataPoint[] = [];
  return { points, METRICS: { writeDataPoint: (p?: AnalyticsEngineDataPoint) => void (p && points.push(p)) } };
}

const ofKind = (points: AnalyticsEngineDataPoint[], kind: string) => points.filter((p) => p.blobs?.[0] === kind);

describe("request metrics", () => {
  const app = probeApp();

  it("writes one point per request with the route template, method, status and duration", async () => {
    const { points, METRICS } = recorder();
    const res = await app.fetch("/vms/vm_01jdz8k3m5q7r9t1v3x5z7b9d1", undefined, { METRICS });
    expect(res.status).toBe(401);
    await app.fetch("/health/live", undefined, { METRICS });
    await app.fetch("/nope", undefined, { METRICS });
    const requests = ofKind(points, "request");
    expect(requests.map((p) => p.blobs)).toEqual([
      ["request", "/vms/{id}", "GET", "401", ""],
      ["request", "/health/live", "GET", "200", ""],
      ["request", "", "GET", "404", ""],
    ]);
    expect(requests.map((p) => p.indexes)).toEqual([["request"], ["request"], ["request"]]);
    for (const p of requests) {
      expect(p.doubles?.[0]).toBeGreaterThanOrEqual(0);
      expect(p.doubles?.[1]).toBe(Number(p.blobs?.[3]));
    }
  });

  it("names the tenant, and the request's store calls write store points", async () => {
    const fetcher = (path: string, init?: RequestInit) => app.fetch(path, init);
    const t = await createTenant("Metrics tenant", fetcher);
    const { points, METRICS } = recorder();
    const res = await app.fetch("/vms?limit=5", jsonRequest("GET", t.adminToken), { METRICS });
    expect(res.status).toBe(200);
    expect(ofKind(points, "request").map((p) => p.blobs)).toEqual([["request", "/vms", "GET", "200", t.id]]);
    const store = ofKind(points, "store");
    expect(store.map((p) => p.blobs?.[2])).toContain("listVms");
    expect(store.every((p) => p.blobs?.[1] === "d1" && p.blobs?.[3] === "ok")).toBe(true);
  });

  it("logs the same route template", async () => {
    const log = vi.spyOn(console, "warn").mockImplementation(() => {});
    await app.fetch("/vms/vm_01jdz8k3m5q7r9t1v3x5z7b9d1/events", undefined, { LOG_LEVEL: "info" });
    const lines = log.mock.calls.map((a) => JSON.parse(String(a[0])) as Record<string, unknown>);
    expect(lines).toEqual([expect.objectContaining({ msg: "request", route: "/vms/{id}/events", status: 401 })]);
  });

  it("answers normally when the dataset throws", async () => {
    const METRICS = {
      writeDataPoint() {
        throw new Error("dataset unavailable");
      },
    };
    const res = await app.fetch("/config/tenants", jsonRequest("GET", ROOT_KEY), { METRICS });
    expect(res.status).toBe(200);
  });
});

describe("launch metrics", () => {
  it("writes a cold launch point with provider, region, time to playable and attempts once playable", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "p-metrics");
    const { points, METRICS } = recorder();
    const started = await launch(token);
    expect(started.res.status, JSON.stringify(started.body)).toBe(202);
    // The actor reads its env when the session becomes playable: give this one the recorder.
    await runInDurableObject(playerStub(t.id, "p-metrics"), (instance: PlayerActor) => {
      (instance as unknown as { env: Env }).env = { ...env, METRICS } as unknown as Env;
    });
    const playable = await waitForSession(t, token, "p-metrics", started.body.id, "playable");
    const launches = ofKind(points, "launch");
    expect(launches).toEqual([
      {
        indexes: ["launch"],
        blobs: ["launch", "simulated", playable.region, "cold", t.id],
        doubles: [playable.timeToPlayableMs, 1],
      },
    ]);
  }, 30_000);
});
