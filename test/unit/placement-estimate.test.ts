// The RTT estimator: physics plus bands, detours and corridors, pings, learned corrections.
import { describe, expect, it } from "vitest";
import { detourHubs } from "../../src/domain/placement/detours";
import {
  backboneRttMs,
  DEFAULT_MODEL,
  endpointAt,
  estimateRtt,
  LAST_MILE_MS,
  LEARNED_PRIOR_SAMPLES,
  pathKm,
} from "../../src/domain/placement/estimate";
import { distanceKm } from "../../src/domain/placement/geo";

const at = (lat: number, lon: number, country?: string) => endpointAt(lat, lon, country);
const FRANKFURT = at(50.11, 8.68, "DE");
const PARIS = at(48.86, 2.35, "FR");

describe("backboneRttMs", () => {
  it("is the overhead at zero distance and strictly increasing with distance", () => {
    expect(backboneRttMs({ km: 0, via: [], corridor: null })).toBe(DEFAULT_MODEL.overheadMs);
    let previous = -1;
    for (let km = 0; km <= 20_000; km += 50) {
      const rtt = backboneRttMs({ km, via: [], corridor: null });
      expect(rtt).toBeGreaterThan(previous);
      previous = rtt;
    }
  });

  it("never beats light in fibre (1 ms per 100 km of round trip)", () => {
    for (const km of [100, 1000, 5000, 15_000]) {
      for (const corridor of [null, "transPacific", "gulfEurope", "southAmericaOverseas"] as const) {
        expect(backboneRttMs({ km, via: [], corridor })).toBeGreaterThan(km / 100);
      }
    }
  });
});

describe("estimateRtt", () => {
  it("grows with distance for a player moving away from a region", () => {
    const region = at(48.86, 2.35, "FR");
    const rtts = [48.9, 47, 45, 42, 40].map((lat) => estimateRtt({ player: at(lat, 2.35, "FR"), region }).rttMs);
    expect([...rtts].sort((a, b) => a - b)).toEqual(rtts);
  });

  it("adds the last mile to the backbone, the same for every region", () => {
    const est = estimateRtt({ player: PARIS, region: FRANKFURT });
    expect(est.source).toBe("model");
    expect(est.rttMs - backboneRttMs(pathKm(PARIS, FRANKFURT))).toBeCloseTo(LAST_MILE_MS, 9);
    expect(estimateRtt({ player: PARIS, region: FRANKFURT, lastMileMs: 0 }).rttMs).toBeCloseTo(est.rttMs - LAST_MILE_MS, 9);
  });

  it("lets a measured ping win over everything, ignoring invalid pings", () => {
    const learned = { samples: 100, meanRttMs: 50 };
    expect(estimateRtt({ player: PARIS, region: FRANKFURT, pingMs: 7, learned })).toEqual({ rttMs: 7, source: "ping" });
    for (const pingMs of [Number.NaN, -1, Number.POSITIVE_INFINITY]) {
      expect(estimateRtt({ player: PARIS, region: FRANKFURT, pingMs }).source).toBe("model");
    }
  });

  it("shrinks the model towards the learned mean by sample count", () => {
    const model = estimateRtt({ player: PARIS, region: FRANKFURT }).rttMs;
    const withSamples = (samples: number) =>
      estimateRtt({ player: PARIS, region: FRANKFURT, learned: { samples, meanRttMs: model + 40 } });
    expect(withSamples(LEARNED_PRIOR_SAMPLES)).toEqual({ rttMs: model + 20, source: "learned" });
    expect(withSamples(1).rttMs).toBeCloseTo(model + 8, 9);
    expect(withSamples(10_000).rttMs).toBeCloseTo(model + 40, 1);
    expect(withSamples(0)).toEqual({ rttMs: model, source: "model" });
  });
});

describe("detours", () => {
  it("sends South America <-> Africa through the US east coast", () => {
    const saoPaulo = at(-23.55, -46.64, "BR");
    const capeTown = at(-33.92, 18.42, "ZA");
    const ashburn = at(39.04, -77.49, "US");
    expect(detourHubs("sa", "af")).toEqual(["miami", "ashburn"]);
    expect(detourHubs("af", "sa")).toEqual(["ashburn", "miami"]);
    expect(pathKm(saoPaulo, capeTown).km).toBeGreaterThan(2.5 * distanceKm(saoPaulo, capeTown));
    // Cape Town is nearer São Paulo than Ashburn is, yet estimated much slower (measured: 339 vs 115 ms).
    expect(distanceKm(saoPaulo, capeTown)).toBeLessThan(distanceKm(saoPaulo, ashburn));
    const rtt = (region: typeof capeTown) => estimateRtt({ player: saoPaulo, region }).rttMs;
    expect(rtt(capeTown)).toBeGreaterThan(rtt(ashburn) + 100);
  });

  it("sends Israel <-> the Gulf through Europe, so Europe wins for an Israeli player", () => {
    const telAviv = at(32.09, 34.78, "IL");
    const bahrain = at(26.23, 50.59, "BH");
    const zurich = at(47.38, 8.54, "CH");
    expect(distanceKm(telAviv, bahrain)).toBeLessThan(distanceKm(telAviv, zurich));
    const rtt = (region: typeof zurich) => estimateRtt({ player: telAviv, region }).rttMs;
    expect(rtt(zurich)).toBeLessThan(rtt(bahrain));
  });

  it("applies corridor terms: trans-Pacific faster, Gulf-Europe slower than the plain bands", () => {
    const path = (a: typeof PARIS, b: typeof PARIS) => pathKm(a, b);
    const plain = (p: ReturnType<typeof pathKm>) => backboneRttMs({ ...p, corridor: null });
    const pacific = path(at(37.34, -121.89, "US"), at(35.68, 139.65, "JP"));
    expect(pacific.corridor).toBe("transPacific");
    expect(backboneRttMs(pacific)).toBeLessThan(plain(pacific));
    const gulf = path(at(25.2, 55.27, "AE"), FRANKFURT);
    expect(gulf.corridor).toBe("gulfEurope");
    expect(backboneRttMs(gulf)).toBeGreaterThan(plain(gulf));
    expect(path(PARIS, FRANKFURT)).toEqual({ km: distanceKm(PARIS, FRANKFURT), via: [], corridor: null });
  });

  it("derives a player's group from the nearest country when none is given", () => {
    expect(at(32.09, 34.78).group).toBe("il");
    expect(at(-33.9, 18.4).group).toBe("af");
    expect(at(1.3, 103.8).group).toBe("sea");
    expect(at(45, -100, "not-a-country").group).toBe("na");
  });
});
