// From a launch request to a placement: where each player is, the ranked candidates, and the
// explanation returned to the caller. Runs at the edge on the cached catalog, with no Store
// round trip (the hot path).

import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { LaunchCandidate } from "../../actors/player/state";
import { eligibleOffers, type Offer } from "../../domain/catalog/eligibility";
import type { TenantCatalog } from "../../domain/catalog/schema";
import { type Candidate, type Placement, placeLaunch, resolveLocation } from "../../domain/placement";
import { ApiError } from "../../http/errors";
import type { AppEnv } from "../../http/types";
import { validationError } from "../../http/validation";
import { learnedLatency } from "../../latency/learned";
import type { LaunchBodySchema } from "./schema";

type LaunchBody = z.infer<typeof LaunchBodySchema>;

/**
 * Eligibility (needs × offers × images) is half of a placement's cost and depends only on the
 * catalog, whose cached object stays the same while its version does: memoise it per object.
 */
const eligibility = new WeakMap<TenantCatalog, Map<string, readonly Offer[] | null>>();

function offersFor(catalog: TenantCatalog, emulatorId: string, spot: boolean): readonly Offer[] | null {
  let byKey = eligibility.get(catalog);
  if (!byKey) {
    byKey = new Map();
    eligibility.set(catalog, byKey);
  }
  const key = `${emulatorId}|${spot}`;
  if (!byKey.has(key)) byKey.set(key, eligibleOffers(catalog, emulatorId, { spot }));
  return byKey.get(key) ?? null;
}

/** Alternatives and rejections shown to the caller (the full lists can be long). */
const SHOWN_ALTERNATIVES = 4;
const SHOWN_REJECTIONS = 10;

/** Where the launching player is: the body's location, else request.cf (country, colo as fallbacks). */
export function playerLocation(c: Context<AppEnv>, body: LaunchBody) {
  const cf = ((c.req.raw as Request & { cf?: unknown }).cf ?? null) as {
    latitude?: unknown;
    longitude?: unknown;
    country?: unknown;
    colo?: unknown;
  } | null;
  return resolveLocation({ explicit: body.location ?? null, cf });
}

export function place(c: Context<AppEnv>, catalog: TenantCatalog, body: LaunchBody, tenantId: string): Placement {
  const me = { location: playerLocation(c, body), pings: body.pings };
  const party = body.party.map((member) => ({
    location: resolveLocation({ explicit: member.location ?? null }),
    pings: member.pings,
  }));
  const { store, waitUntil } = c.get("services");
  const learned = learnedLatency(store, tenantId, waitUntil);
  const spot = body.preferences.spot === true && catalog.policy.spotAllowed; // as placeLaunch resolves it
  const placement = placeLaunch({
    catalog,
    emulatorId: body.emulator,
    players: [me, ...party],
    preferences: body.preferences,
    learned,
    offers: offersFor(catalog, body.emulator, spot),
  });
  if (placement.problem === "unknown-emulator") {
    throw validationError("body", [
      { code: "custom", path: ["emulator"], message: `no enabled emulator profile "${body.emulator}"`, input: body.emulator },
    ]);
  }
  return placement;
}

/** 409 with the main reasons when nothing can host the launch. */
export function assertFeasible(placement: Placement): asserts placement is Placement & { chosen: Candidate } {
  if (placement.chosen) return;
  const reasons = [...new Set(placement.rejected.flatMap((r) => r.reasons))].slice(0, 5);
  throw new ApiError(
    "NO_FEASIBLE_PLACEMENT",
    reasons.length > 0
      ? `No region can host this launch: ${reasons.join("; ")}.`
      : "No region offers this emulator to this tenant.",
  );
}

const summary = (candidate: Candidate) => ({
  provider: candidate.provider,
  region: candidate.region,
  city: candidate.city,
  instanceType: candidate.instanceType,
  estimatedRttMs: candidate.worstRttMs === null ? null : Math.round(candidate.worstRttMs * 10) / 10,
  hourlyPriceMicros: candidate.hourlyPriceMicros,
  reason: candidate.reason,
});

/** The explanation: the choice, the next best, what was ruled out and why, and location sources. */
export function explain(placement: Placement) {
  return {
    chosen: placement.chosen ? summary(placement.chosen) : null,
    alternatives: placement.candidates.slice(1, 1 + SHOWN_ALTERNATIVES).map(summary),
    rejected: placement.rejected.slice(0, SHOWN_REJECTIONS).map((r) => ({
      provider: r.candidate.provider,
      region: r.candidate.region,
      instanceType: r.candidate.instanceType,
      reasons: r.reasons,
    })),
    locationSources: placement.locations.map((l) => l.source),
  };
}

/** The candidates the player actor tries in order (one per region: the best type there). */
export function launchCandidates(catalog: TenantCatalog, placement: Placement): LaunchCandidate[] {
  const seen = new Set<string>();
  const out: LaunchCandidate[] = [];
  for (const candidate of placement.candidates) {
    const key = `${candidate.provider}:${candidate.region}`;
    const provider = catalog.providers.find((p) => p.id === candidate.provider);
    if (seen.has(key) || !provider) continue;
    seen.add(key);
    out.push({
      provider,
      region: candidate.region,
      instanceType: candidate.instanceType,
      image: candidate.offer.image,
      diskGb: candidate.offer.diskGb,
      spot: candidate.spot,
      estimatedRttMs: candidate.worstRttMs,
      hourlyPriceMicros: candidate.hourlyPriceMicros,
    });
  }
  return out;
}
