// placeLaunch: which (provider, region, instance type) a launch goes to. Feasibility first
// (eligible offer, provider up, capacity and quota, price cap, RTT cap), then ranking (order.ts):
// lowest estimated RTT with regions within the tenant's tolerance counted equal, then price,
// then provider health, then fixed keys so the same input always gives the same order. Pure.
import { eligibleOffers, type Offer } from "../catalog/eligibility";
import { type Endpoint, endpointAt, estimateRtt, type LearnedLatency } from "./estimate";
import { cellOf } from "./geo";
import type { LocationSource } from "./location";
import { compareText, rankCandidates, round1 } from "./order";
import type {
  Candidate,
  LearnedSummary,
  Placement,
  PlacementInput,
  PlayerInput,
  PlayerRtt,
  ProviderHealth,
  Rejection,
} from "./types";

export function placeLaunch(input: PlacementInput): Placement {
  const policy = input.catalog.policy;
  const spot = input.preferences?.spot === true && policy.spotAllowed;
  const maxRttMs = Math.min(policy.maxRttMs, input.preferences?.maxRttMs ?? Number.POSITIVE_INFINITY);
  const players = input.players.map(prepare);
  const locations = players.map((p) => ({ player: p.index, source: p.source, cell: p.cell }));
  const result: Placement = { chosen: null, candidates: [], rejected: [], locations, spot, maxRttMs, problem: null };
  if (players.length === 0) return { ...result, problem: "no-players" };
  const offers = input.offers !== undefined ? input.offers : eligibleOffers(input.catalog, input.emulatorId, { spot });
  if (offers === null) return { ...result, problem: "unknown-emulator" };
  if (offers.length === 0) return { ...result, problem: "no-offers" };

  const context: Context = { input, players, learned: learnedIndex(input.learned ?? [], players), spot, maxRttMs };
  const feasible: Candidate[] = [];
  for (const regionOffers of byRegion(offers)) {
    const assessed = assess(regionOffers, context);
    if ("reasons" in assessed) result.rejected.push(assessed);
    else feasible.push(assessed);
  }
  result.rejected.sort(compareRejections);
  result.candidates = rankCandidates(feasible, policy.rttToleranceMs);
  result.chosen = result.candidates[0] ?? null;
  if (result.chosen === null) result.problem = "none-feasible";
  return result;
}

interface Context {
  input: PlacementInput;
  players: readonly PreparedPlayer[];
  learned: Map<string, LearnedLatency>;
  spot: boolean;
  maxRttMs: number;
}

/** One region: its candidate (the cheapest feasible offer), or why not. */
function assess(unordered: readonly Offer[], ctx: Context): Candidate | Rejection {
  // Cheapest first, then by type name: the same choice whatever order the offers came in.
  const regionOffers = [...unordered].sort(
    (a, b) => priceOf(a, ctx.spot) - priceOf(b, ctx.spot) || compareText(a.instanceType, b.instanceType),
  );
  const first = regionOffers[0] as Offer;
  const rtts: PlayerRtt[] = [];
  let worst: number | null = null;
  let sum = 0;
  let known = 0;
  for (const p of ctx.players) {
    const r = playerRtt(p, first, ctx.learned, ctx.input);
    rtts.push(r);
    if (r.rttMs === null) continue;
    worst = worst === null ? r.rttMs : Math.max(worst, r.rttMs);
    sum += r.rttMs;
    known++;
  }
  const health = ctx.input.providerHealth?.[first.provider] ?? "healthy";
  const reasons = regionProblems(first, health, worst, ctx.maxRttMs, rtts, ctx.input);
  let best: Offer | null = null;
  for (const offer of regionOffers) {
    if (offerProblems(offer, ctx.spot, ctx.input).length === 0) {
      best = offer;
      break;
    }
  }
  // Nothing affordable or fitting: the cheapest offer's problems say why (one line per cause).
  if (best === null) reasons.push(...offerProblems(first, ctx.spot, ctx.input));
  if (best === null || reasons.length > 0) {
    const price = priceOf(first, ctx.spot);
    const { provider, region, instanceType } = first;
    return { candidate: { provider, region, instanceType, hourlyPriceMicros: price, worstRttMs: round1(worst) }, reasons };
  }
  for (const r of rtts) r.rttMs = round1(r.rttMs);
  return {
    provider: best.provider,
    region: best.region,
    city: best.city,
    instanceType: best.instanceType,
    hourlyPriceMicros: priceOf(best, ctx.spot),
    spot: ctx.spot,
    health,
    worstRttMs: round1(worst),
    meanRttMs: round1(known ? sum / known : null),
    players: rtts,
    reason: "",
    offer: best,
  };
}

function priceOf(offer: Offer, spot: boolean): number {
  return spot ? (offer.spotHourlyMicros ?? 0) : offer.onDemandHourlyMicros;
}

function compareRejections(a: Rejection, b: Rejection): number {
  return compareText(a.candidate.provider, b.candidate.provider) || compareText(a.candidate.region, b.candidate.region);
}

interface PreparedPlayer {
  index: number;
  source: LocationSource;
  cell: string | null;
  endpoint: Endpoint | null;
  pings: Map<string, number>;
}

function prepare(player: PlayerInput, index: number): PreparedPlayer {
  const loc = player.location;
  const pings = new Map<string, number>();
  for (const p of player.pings ?? []) {
    if (!Number.isFinite(p.rttMs) || p.rttMs < 0) continue;
    const key = `${p.provider}/${p.region}`;
    // Several pings to one region: the lowest is the path's floor, the others were jitter.
    pings.set(key, Math.min(p.rttMs, pings.get(key) ?? Number.POSITIVE_INFINITY));
  }
  if (loc.source === "unknown") return { index, source: loc.source, cell: null, endpoint: null, pings };
  return {
    index,
    source: loc.source,
    cell: cellOf(loc.lat, loc.lon),
    endpoint: endpointAt(loc.lat, loc.lon, loc.country),
    pings,
  };
}

function learnedIndex(summaries: readonly LearnedSummary[], players: readonly PreparedPlayer[]): Map<string, LearnedLatency> {
  const cells = new Set(players.map((p) => p.cell));
  const index = new Map<string, LearnedLatency>();
  for (const s of summaries) if (cells.has(s.cell)) index.set(`${s.cell}|${s.provider}/${s.region}`, s);
  return index;
}

function playerRtt(p: PreparedPlayer, offer: Offer, learned: Map<string, LearnedLatency>, input: PlacementInput): PlayerRtt {
  const key = `${offer.provider}/${offer.region}`;
  const pingMs = p.pings.get(key);
  if (p.endpoint === null) return { player: p.index, rttMs: pingMs ?? null, source: pingMs === undefined ? "none" : "ping" };
  const estimate = estimateRtt({
    player: p.endpoint,
    region: endpointAt(offer.lat, offer.lon, offer.country),
    pingMs,
    learned: learned.get(`${p.cell}|${key}`),
    ...(input.model ? { model: input.model } : {}),
    ...(input.lastMileMs !== undefined ? { lastMileMs: input.lastMileMs } : {}),
  });
  return { player: p.index, rttMs: estimate.rttMs, source: estimate.source };
}

function regionProblems(
  offer: Offer,
  health: ProviderHealth,
  worst: number | null,
  maxRttMs: number,
  rtts: readonly PlayerRtt[],
  input: PlacementInput,
): string[] {
  const reasons: string[] = [];
  if (health === "down") reasons.push(`provider ${offer.provider} is down`);
  const left = input.capacity?.[`${offer.provider}/${offer.region}`];
  if (left?.instances !== undefined && left.instances < 1) reasons.push("no instance capacity left in the region");
  if (offer.quota && offer.quota.maxInstances < 1) reasons.push("the region's quota allows no instances");
  if (worst !== null && worst > maxRttMs) {
    const slowest = rtts.find((r) => r.rttMs === worst) as PlayerRtt;
    const who = rtts.length > 1 ? ` for player ${slowest.player}` : "";
    reasons.push(`estimated RTT ${round1(worst)} ms${who} (${slowest.source}) exceeds the ${maxRttMs} ms limit`);
  }
  return reasons;
}

function offerProblems(offer: Offer, spot: boolean, input: PlacementInput): string[] {
  const reasons: string[] = [];
  const gpus = offer.gpu?.count ?? 0;
  const left = input.capacity?.[`${offer.provider}/${offer.region}`];
  if (left?.gpus !== undefined && left.gpus < gpus) reasons.push(`${gpus} GPU(s) needed, ${left.gpus} left in the region`);
  if (offer.quota && offer.quota.maxGpus < gpus) reasons.push(`the region's GPU quota (${offer.quota.maxGpus}) is below ${gpus}`);
  const price = priceOf(offer, spot);
  const cap = input.preferences?.maxHourlyPriceMicros;
  if (cap !== undefined && price > cap) reasons.push(`hourly price ${price} micros exceeds the ${cap} micros cap`);
  return reasons;
}

/** Offers grouped by (provider, region). Nested maps: the catalog's strings keep their hash. */
function byRegion(offers: readonly Offer[]): Offer[][] {
  const providers = new Map<string, Map<string, Offer[]>>();
  const groups: Offer[][] = [];
  for (const o of offers) {
    const regions = providers.get(o.provider) ?? new Map<string, Offer[]>();
    providers.set(o.provider, regions);
    const list = regions.get(o.region);
    if (list) list.push(o);
    else {
      const fresh = [o];
      regions.set(o.region, fresh);
      groups.push(fresh);
    }
  }
  return groups;
}
