// Ranking feasible candidates: lowest estimated RTT (worst player, then mean) with candidates
// within the tenant's tolerance counted equal, then price, then provider health, then fixed
// keys; and the one-line reason each candidate carries. Pure.
import type { Candidate, ProviderHealth } from "./types";

const HEALTH_ORDER: Record<ProviderHealth, number> = { healthy: 0, degraded: 1, down: 2 };

/**
 * Tiers: the closest candidate (by worst RTT, then mean) anchors a tier holding every candidate
 * within the tolerance of it on both; inside a tier price decides, then health, then RTT, then
 * provider and region codes. Then the closest of the rest anchors the next tier, and so on.
 * Candidates with no estimate at all come last, by price.
 */
export function rankCandidates(candidates: readonly Candidate[], toleranceMs: number): Candidate[] {
  let rest = [...candidates].sort(compareByRtt);
  const ranked: Candidate[] = [];
  while (rest.length > 0) {
    const anchor = rest[0] as Candidate;
    const tier: Candidate[] = [];
    const others: Candidate[] = [];
    for (const c of rest) (sameTier(anchor, c, toleranceMs) ? tier : others).push(c);
    tier.sort(compareInTier);
    for (let i = 0; i < tier.length; i++) {
      (tier[i] as Candidate).reason = explain(tier[i] as Candidate, anchor, i, tier.length, ranked.length === 0, toleranceMs);
    }
    ranked.push(...tier);
    rest = others;
  }
  return ranked;
}

function sameTier(anchor: Candidate, c: Candidate, toleranceMs: number): boolean {
  if (anchor.worstRttMs === null || c.worstRttMs === null) return anchor.worstRttMs === c.worstRttMs;
  return c.worstRttMs <= anchor.worstRttMs + toleranceMs && (c.meanRttMs as number) <= (anchor.meanRttMs as number) + toleranceMs;
}

function compareByRtt(a: Candidate, b: Candidate): number {
  return compareRtt(a, b) || compareKeys(a, b);
}

function compareRtt(a: Candidate, b: Candidate): number {
  if (a.worstRttMs === null || b.worstRttMs === null) return (a.worstRttMs === null ? 1 : 0) - (b.worstRttMs === null ? 1 : 0);
  return a.worstRttMs - b.worstRttMs || (a.meanRttMs as number) - (b.meanRttMs as number);
}

function compareInTier(a: Candidate, b: Candidate): number {
  return (
    a.hourlyPriceMicros - b.hourlyPriceMicros ||
    HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] ||
    compareRtt(a, b) ||
    compareKeys(a, b)
  );
}

function compareKeys(a: Candidate, b: Candidate): number {
  return compareText(a.provider, b.provider) || compareText(a.region, b.region) || compareText(a.instanceType, b.instanceType);
}

function explain(
  c: Candidate,
  anchor: Candidate,
  position: number,
  tierSize: number,
  firstTier: boolean,
  toleranceMs: number,
): string {
  const usd = `$${(c.hourlyPriceMicros / 1_000_000).toFixed(3)}/h`;
  const sources: string[] = [];
  for (const p of c.players) if (!sources.includes(p.source)) sources.push(p.source);
  if (c.worstRttMs === null) return `no RTT estimate (location unknown, no ping); ranked by price: ${usd}`;
  const rtt = `${c.worstRttMs} ms ${c.players.length > 1 ? "worst-player " : ""}RTT (${sources.join("+")})`;
  const tier = firstTier ? "the closest" : `${anchor.worstRttMs} ms`;
  if (tierSize === 1) return firstTier ? `closest: ${rtt}, ${usd}` : `${rtt}, ${usd}`;
  const where = position === 0 ? "cheapest" : `#${position + 1} by price/health`;
  return `${rtt}, within ${toleranceMs} ms of ${tier}; ${where} of ${tierSize} at ${usd}`;
}

/** Code-unit order: the same on every runtime and locale, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function round1(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10) / 10;
}
