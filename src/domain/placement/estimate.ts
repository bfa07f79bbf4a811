// The RTT estimator: what a player would measure to a region. A measured ping wins; else a
// physical model (fibre distance along the likely path, stretched by distance band, plus fixed
// costs), nudged towards what players in the same cell actually observed. Pure.
import { countryRow, nearestCountry, type RouteGroup } from "./countries";
import { type Corridor, corridorOf, detourHubs, HUBS, type Hub } from "./detours";
import { distanceKm, type LatLon } from "./geo";

export interface Endpoint extends LatLon {
  group: RouteGroup;
}

/** A point with its routing group: the country's when known, else the nearest country's. */
export function endpointAt(lat: number, lon: number, country?: string | null): Endpoint {
  const group = (countryRow(country) ?? countryRow(nearestCountry(lat, lon)))?.[2] ?? "na";
  return { lat, lon, group };
}

/**
 * Backbone RTT = overheadMs + sum over distance bands of (km of the path in that band / 100) x
 * msPer100Km of that band. Light in fibre costs 1 ms of RTT per 100 km, so msPer100Km is the
 * route stretch over the great circle at that distance. Marginal per band, so the RTT is
 * continuous and strictly increasing in distance.
 */
export interface DistanceModel {
  overheadMs: number;
  /** [band upper bound in km (the last is Infinity), marginal msPer100Km]. */
  bands: readonly (readonly [number, number])[];
  /** Extra msPer100Km over the whole path on a known fast or slow corridor (detours.ts). */
  corridors: Readonly<Record<Corridor, number>>;
}

// Calibrated on the AWS inter-region matrix (cloudping.co p50 over one year, snapshot
// 2025-05-29: 992 directed pairs of 32 regions, same-region pairs excluded) with regions.csv
// coordinates and the paths of detours.ts, by calibrate.ts: weighted least squares (weight
// 1/rtt^2, i.e. relative error) on overheadMs, the three band slopes and the three corridor
// terms; band edges fixed by hand at 1,000 and 3,000 km; rounded. Fit: 12% relative RMS error,
// 14 ms mean absolute error (great circle with no detours or corridors: 21%, 29 ms). Short
// paths stretch most (fixed costs, metro detours), continental spans least, ocean spans in
// between. `npm run placement:eval` refits it leaving each region out in turn.
export const DEFAULT_MODEL: DistanceModel = {
  overheadMs: 2,
  bands: [
    [1000, 2.31],
    [3000, 1.32],
    [Number.POSITIVE_INFINITY, 1.55],
  ],
  corridors: { transPacific: -0.24, gulfEurope: 0.38, southAmericaOverseas: 0.35 },
};

/**
 * What a real player adds on top of the backbone: their access network (FCC Measuring
 * Broadband America 2022: 7-14 ms on fibre, 12-24 on cable, 23-34 on DSL). 10 ms: a typical
 * fibre/cable player. It shifts every candidate alike, so it never changes a ranking; it only
 * matters against maxRttMs, where a fibre-ish figure keeps the cap meaningful.
 */
export const LAST_MILE_MS = 10;

/** Samples worth as much as the model: with 4 observations, model and observations weigh the same. */
export const LEARNED_PRIOR_SAMPLES = 4;

export interface PathEstimate {
  km: number;
  via: readonly Hub[];
  corridor: Corridor | null;
}

/** The path length: the great circle, or through the hubs of a known detour. */
export function pathKm(from: Endpoint, to: Endpoint): PathEstimate {
  const via = detourHubs(from.group, to.group);
  const corridor = corridorOf(from.group, to.group);
  if (via.length === 0) return { km: distanceKm(from, to), via, corridor };
  let km = 0;
  let at: LatLon = from;
  for (const hub of via) {
    km += distanceKm(at, HUBS[hub]);
    at = HUBS[hub];
  }
  return { km: km + distanceKm(at, to), via, corridor };
}

export function backboneRttMs(path: PathEstimate, model: DistanceModel = DEFAULT_MODEL): number {
  const km = path.km;
  let rtt = model.overheadMs + (path.corridor ? (km / 100) * model.corridors[path.corridor] : 0);
  let lower = 0;
  for (const [upper, msPer100Km] of model.bands) {
    if (km <= lower) break;
    rtt += ((Math.min(km, upper) - lower) / 100) * msPer100Km;
    lower = upper;
  }
  return rtt;
}

export type EstimateSource = "ping" | "learned" | "model";

export interface RttEstimate {
  rttMs: number;
  source: EstimateSource;
}

/** What players in this cell observed to this region (a LatencySummary's numbers). */
export interface LearnedLatency {
  samples: number;
  meanRttMs: number;
}

export interface EstimateInput {
  player: Endpoint;
  region: Endpoint;
  /** The player's own measured RTT to this region: wins over everything. */
  pingMs?: number | undefined;
  learned?: LearnedLatency | undefined;
  model?: DistanceModel;
  lastMileMs?: number;
}

/**
 * Ping > learned > model. Learned rule: the model's estimate counts as LEARNED_PRIOR_SAMPLES
 * observations and is averaged with the n observed ones, estimate = (k x model + n x mean) /
 * (k + n): one odd sample moves it a little, a hundred make it the observed mean.
 */
export function estimateRtt(input: EstimateInput): RttEstimate {
  if (input.pingMs !== undefined && Number.isFinite(input.pingMs) && input.pingMs >= 0) {
    return { rttMs: input.pingMs, source: "ping" };
  }
  const modelled = backboneRttMs(pathKm(input.player, input.region), input.model) + (input.lastMileMs ?? LAST_MILE_MS);
  const learned = input.learned;
  if (learned && learned.samples > 0 && Number.isFinite(learned.meanRttMs) && learned.meanRttMs >= 0) {
    const k = LEARNED_PRIOR_SAMPLES;
    return { rttMs: (k * modelled + learned.samples * learned.meanRttMs) / (k + learned.samples), source: "learned" };
  }
  return { rttMs: modelled, source: "model" };
}
