// Placement learns from observed RTTs: pings sent with launches are recorded, and the
// per-(cell, region) corrections reach later placements (refreshed in the background).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cellOf } from "../../src/domain/placement";
import { D1Store } from "../../src/store/d1/d1-store";
import { call } from "../support/http";
import { LAUNCH, launch, PARIS, playerKey } from "../support/launch";
import { createTenant, jsonRequest } from "../support/tenants";
import { fastCloud } from "../support/vms";

const store = () => new D1Store(env.DB);

describe("learned latency", () => {
  it("records the pings a launch carries, by the player's cell", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const token = await playerKey(t, "p-pings");
    const pings = [
      { provider: "simulated", region: "eu-west-3", rttMs: 9 },
      { provider: "simulated", region: "eu-central-1", rttMs: 17 },
    ];
    const { res } = await launch(token, { ...LAUNCH, pings });
    expect(res.status).toBe(202);
    let summary = await store().summarizeLatency(t.id, new Date(0));
    for (let i = 0; i < 20 && summary.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      summary = await store().summarizeLatency(t.id, new Date(0));
    }
    expect(summary).toEqual([
      {
        cell: cellOf(PARIS.lat, PARIS.lon),
        provider: "simulated",
        region: "eu-central-1",
        samples: 1,
        meanRttMs: 17,
        minRttMs: 17,
      },
      { cell: cellOf(PARIS.lat, PARIS.lon), provider: "simulated", region: "eu-west-3", samples: 1, meanRttMs: 9, minRttMs: 9 },
    ]);
  });

  it("uses what it observed for a place to move later placements", async () => {
    const t = await createTenant();
    const token = await playerKey(t, "p-learn");
    const cell = cellOf(PARIS.lat, PARIS.lon);
    const at = new Date();
    // Paris players have seen the Paris region slow and Frankfurt fast, many times.
    await store().appendLatency(
      Array.from({ length: 40 }, (_, i) => ({
        id: `obs-${i}`,
        tenantId: t.id,
        cell,
        provider: "simulated",
        region: i % 2 === 0 ? "eu-west-3" : "eu-central-1",
        rttMs: i % 2 === 0 ? 90 : 8,
        source: "client-ping" as const,
        at,
      })),
    );
    const preview = async () =>
      ((await (await call("/launch/preview", jsonRequest("POST", token, LAUNCH))).json()) as { chosen: { region: string } })
        .chosen.region;
    expect(await preview()).toBe("eu-west-3"); // the model alone; the refresh starts in the background
    let chosen = await preview();
    for (let i = 0; i < 20 && chosen === "eu-west-3"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      chosen = await preview();
    }
    expect(chosen).toBe("eu-central-1");
  });
});
