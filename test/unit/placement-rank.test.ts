// placeLaunch: feasibility (needs, health, capacity, quota, price, RTT) and ranking (RTT with
// tolerance, then price, then health, then fixed keys; parties by worst then mean player).
//
// With the catalog fixture, pcsx2 runs on aws us-east-1 (g4ad 379_000, g5 1_006_000), aws
// eu-central-1 (g5 1_200_000), sim local-1 Paris and local-2 Sydney (500_000 each).
// A player in Frankfurt: eu-central-1 ~12 ms, local-1 ~23 ms, the others far beyond 80 ms.
import { describe, expect, it } from "vitest";
import { eligibleOffers } from "../../src/domain/catalog/eligibility";
import type { TenantCatalog } from "../../src/domain/catalog/schema";
import { type PlacementInput, type PlayerInput, placeLaunch, resolveLocation } from "../../src/domain/placement";
import { cellOf } from "../../src/domain/placement/geo";
import { catalogFixture, instanceType, provider } from "../support/catalog-fixture";

const frankfurt: PlayerInput = { location: resolveLocation({ cf: { latitude: "50.11", longitude: "8.68", country: "DE" } }) };
const place = (over: Partial<PlacementInput> = {}, catalog: TenantCatalog = catalogFixture()) =>
  placeLaunch({ catalog, emulatorId: "pcsx2", players: [frankfurt], ...over });
const order = (p: ReturnType<typeof placeLaunch>) => p.candidates.map((c) => `${c.provider}/${c.region}`);
const rejection = (p: ReturnType<typeof placeLaunch>, region: string) => p.rejected.find((r) => r.candidate.region === region);
const withPolicy = (policy: Partial<TenantCatalog["policy"]>) => {
  const c = catalogFixture();
  Object.assign(c.policy, policy);
  return c;
};

describe("placeLaunch: ranking a single player", () => {
  it("chooses the closest region and explains every candidate", () => {
    const p = place();
    expect(p.problem).toBeNull();
    expect(order(p)).toEqual(["aws/eu-central-1", "sim/local-1"]);
    expect(p.chosen).toMatchObject({
      provider: "aws",
      region: "eu-central-1",
      instanceType: "g5.xlarge",
      hourlyPriceMicros: 1_200_000,
    });
    expect(p.chosen?.worstRttMs).toBeGreaterThan(10);
    expect(p.chosen?.worstRttMs).toBeLessThan(15);
    expect(p.chosen?.players).toEqual([{ player: 0, rttMs: p.chosen?.worstRttMs, source: "model" }]);
    expect(p.chosen?.reason).toMatch(/^closest: .* ms RTT \(model\), \$1\.200\/h$/);
    expect(p.locations).toEqual([{ player: 0, source: "cf", cell: cellOf(50.11, 8.68) }]);
  });

  it("counts regions within the tolerance as equal and lets price decide", () => {
    const p = place({}, withPolicy({ rttToleranceMs: 15 }));
    expect(order(p)).toEqual(["sim/local-1", "aws/eu-central-1"]);
    expect(p.chosen?.reason).toContain("within 15 ms of the closest; cheapest of 2");
  });

  it("breaks equal RTT tiers and prices by provider health", () => {
    const catalog = withPolicy({ rttToleranceMs: 15 });
    instanceType(catalog, "aws", "g5.xlarge").regionPrices["eu-central-1"] = {
      onDemandHourlyMicros: 500_000,
      spotHourlyMicros: null,
    };
    // Same price: the closer region first when both are healthy, the healthy one when aws is degraded.
    expect(order(place({}, catalog))[0]).toBe("aws/eu-central-1");
    expect(order(place({ providerHealth: { aws: "degraded" } }, catalog))[0]).toBe("sim/local-1");
  });

  it("rejects offers over the caller's price cap, with the reason", () => {
    const p = place({ preferences: { maxHourlyPriceMicros: 600_000 } });
    expect(p.chosen?.region).toBe("local-1");
    expect(rejection(p, "eu-central-1")?.reasons).toEqual(["hourly price 1200000 micros exceeds the 600000 micros cap"]);
  });

  it("applies the lower of the policy's and the caller's max RTT", () => {
    const tight = place({ preferences: { maxRttMs: 15 } });
    expect(order(tight)).toEqual(["aws/eu-central-1"]);
    expect(rejection(tight, "local-1")?.reasons[0]).toMatch(/^estimated RTT .* ms \(model\) exceeds the 15 ms limit$/);
    expect(place({ preferences: { maxRttMs: 500 } }).maxRttMs).toBe(80);
    expect(rejection(place(), "us-east-1")?.reasons[0]).toMatch(/exceeds the 80 ms limit/);
  });

  it("skips a provider that is down", () => {
    const p = place({ providerHealth: { aws: "down", sim: "healthy" } });
    expect(p.chosen?.region).toBe("local-1");
    expect(rejection(p, "eu-central-1")?.reasons).toEqual(["provider aws is down"]);
  });

  it("skips a region with no capacity or quota left", () => {
    expect(rejection(place({ capacity: { "aws/eu-central-1": { instances: 0 } } }), "eu-central-1")?.reasons).toEqual([
      "no instance capacity left in the region",
    ]);
    expect(rejection(place({ capacity: { "aws/eu-central-1": { gpus: 0 } } }), "eu-central-1")?.reasons).toEqual([
      "1 GPU(s) needed, 0 left in the region",
    ]);
    expect(place({ capacity: { "aws/eu-central-1": { instances: 3, gpus: 1 } } }).chosen?.region).toBe("eu-central-1");
    const catalog = catalogFixture();
    provider(catalog, "aws").quotas = [{ region: "eu-central-1", maxInstances: 0, maxGpus: 0 }];
    expect(rejection(place({}, catalog), "eu-central-1")?.reasons).toEqual([
      "the region's quota allows no instances",
      "the region's GPU quota (0) is below 1",
    ]);
  });

  it("reports every region as rejected, with reasons, when nothing is feasible", () => {
    const p = place({ preferences: { maxHourlyPriceMicros: 1 } });
    expect(p).toMatchObject({ chosen: null, candidates: [], problem: "none-feasible" });
    expect(p.rejected.map((r) => `${r.candidate.provider}/${r.candidate.region}`)).toEqual([
      "aws/eu-central-1",
      "aws/us-east-1",
      "sim/local-1",
      "sim/local-2",
    ]);
    for (const r of p.rejected) expect(r.reasons.length).toBeGreaterThan(0);
    expect(rejection(p, "us-east-1")?.reasons).toHaveLength(2); // too far AND too expensive
  });

  it("says why when there is nothing to place", () => {
    expect(place({ emulatorId: "nope" }).problem).toBe("unknown-emulator");
    expect(place({ emulatorId: "dolphin" }).problem).toBe("no-offers");
    expect(place({ players: [] }).problem).toBe("no-players");
  });

  it("uses spot prices only when the policy allows spot", () => {
    expect(place({ preferences: { spot: true } }).spot).toBe(false);
    const p = place({ preferences: { spot: true } }, withPolicy({ spotAllowed: true }));
    expect(p.spot).toBe(true);
    // eu-central-1's regional price has no spot: only regions with a spot price remain.
    expect(p.chosen).toMatchObject({ region: "local-1", hourlyPriceMicros: 200_000, spot: true });
  });
});

describe("placeLaunch: pings, learned corrections, unknown locations", () => {
  it("lets a measured ping override the model", () => {
    const p = place({ players: [{ ...frankfurt, pings: [{ provider: "sim", region: "local-1", rttMs: 3 }] }] });
    expect(p.chosen).toMatchObject({ region: "local-1", worstRttMs: 3, players: [{ player: 0, rttMs: 3, source: "ping" }] });
  });

  it("moves estimates towards what players in the same cell observed", () => {
    const cell = p0Cell();
    const learned = [
      { cell, provider: "sim", region: "local-1", samples: 1000, meanRttMs: 5, minRttMs: 4 },
      { cell: "zzz", provider: "aws", region: "eu-central-1", samples: 1000, meanRttMs: 500, minRttMs: 400 },
    ];
    const p = place({ learned });
    expect(p.chosen?.region).toBe("local-1");
    expect(p.chosen?.players[0]?.source).toBe("learned");
    expect(p.candidates[1]?.players[0]?.source).toBe("model"); // another cell's summary is ignored
  });

  it("ranks by price when the location is unknown and nothing was pinged", () => {
    const p = place({ players: [{ location: resolveLocation({}) }] });
    expect(p.locations).toEqual([{ player: 0, source: "unknown", cell: null }]);
    expect(p.chosen).toMatchObject({ region: "us-east-1", instanceType: "g4ad.xlarge", worstRttMs: null });
    expect(p.chosen?.players).toEqual([{ player: 0, rttMs: null, source: "none" }]);
    expect(p.candidates.map((c) => c.hourlyPriceMicros)).toEqual([379_000, 500_000, 500_000, 1_200_000]);
  });
});

function p0Cell(): string {
  return cellOf(50.11, 8.68);
}

describe("placeLaunch: parties", () => {
  // Two players of unknown location with pings: exact numbers, no model involved.
  const party = (a: [number, number], b: [number, number]): PlayerInput[] =>
    [a, b].map(([eu, paris]) => ({
      location: resolveLocation({}),
      pings: [
        { provider: "aws", region: "eu-central-1", rttMs: eu },
        { provider: "sim", region: "local-1", rttMs: paris },
      ],
    }));

  it("minimises the worst player's RTT first", () => {
    const p = place({ players: party([40, 20], [40, 50]) });
    expect(order(p).slice(0, 2)).toEqual(["aws/eu-central-1", "sim/local-1"]);
    expect(p.chosen).toMatchObject({ worstRttMs: 40, meanRttMs: 40 });
    expect(p.candidates[1]).toMatchObject({ worstRttMs: 50, meanRttMs: 35 });
    expect(p.chosen?.reason).toContain("worst-player RTT (ping)");
  });

  it("then the mean, even over price", () => {
    const p = place({ players: party([40, 40], [10, 38]) });
    expect(order(p).slice(0, 2)).toEqual(["aws/eu-central-1", "sim/local-1"]);
  });

  it("treats worst and mean within the tolerance as equal, so price decides", () => {
    const p = place({ players: party([40, 42], [30, 33]) });
    expect(order(p).slice(0, 2)).toEqual(["sim/local-1", "aws/eu-central-1"]);
  });

  it("rejects a region too slow for any one player", () => {
    const p = place({ players: party([40, 20], [90, 20]) });
    expect(rejection(p, "eu-central-1")?.reasons).toEqual(["estimated RTT 90 ms for player 1 (ping) exceeds the 80 ms limit"]);
  });
});

describe("placeLaunch: determinism", () => {
  it("gives the same answer for the same input, whatever the offers' order", () => {
    const catalog = withPolicy({ maxRttMs: 1000, rttToleranceMs: 0 });
    const offers = eligibleOffers(catalog, "pcsx2") ?? [];
    const a = place({ offers }, catalog);
    const b = place({ offers: [...offers].reverse() }, catalog);
    expect(b).toEqual(a);
    expect(place({}, catalog)).toEqual(a);
    expect(order(a)).toEqual(["aws/eu-central-1", "sim/local-1", "aws/us-east-1", "sim/local-2"]);
  });

  it("breaks exact ties by provider and region code", () => {
    const p = place({ players: [{ location: resolveLocation({}), pings: [] }] }, withPolicy({ rttToleranceMs: 0 }));
    expect(order(p).slice(1, 3)).toEqual(["sim/local-1", "sim/local-2"]);
  });
});
