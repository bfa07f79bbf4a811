// Known detours, as data: between some routing groups traffic does not follow the great circle
// but goes through a hub (the cable systems meet there), so the path is the sum of the legs.
// These are facts about the cable map, not fitted numbers: South Africa and Brazil have no
// cable the clouds use between them (traffic crosses via the US east coast); Israel reaches the
// Gulf, Asia and Africa through Europe (Marseille), not overland; Southeast Asia reaches the
// world through Singapore; Europe, the Gulf and South Asia reach East Asia through Singapore
// (SEA-ME-WE, AAE-1), not overland across Asia; Africa reaches Asia and Oceania through Europe.
// They were checked against the AWS inter-region matrix (see estimate.ts): each cuts the error
// of whole families of pairs, not of one pair.
import type { RouteGroup } from "./countries";
import type { LatLon } from "./geo";

export const HUBS = {
  miami: { lat: 25.78, lon: -80.19 },
  ashburn: { lat: 39.04, lon: -77.49 },
  marseille: { lat: 43.3, lon: 5.37 },
  singapore: { lat: 1.35, lon: 103.82 },
} as const satisfies Record<string, LatLon>;

export type Hub = keyof typeof HUBS;

const ALL: readonly RouteGroup[] = ["na", "sa", "eu", "il", "me", "af", "in", "sea", "ea", "oc"];

// [from, to, hubs in order from `from` to `to`]. Looked up both ways (reversed for to -> from).
const RULES: readonly (readonly [RouteGroup, RouteGroup, readonly Hub[]])[] = [
  ["sa", "na", ["miami"]],
  ["sa", "af", ["miami", "ashburn"]],
  ["af", "me", ["marseille"]],
  ["af", "in", ["marseille"]],
  ["af", "ea", ["marseille", "singapore"]],
  ["af", "oc", ["marseille", "singapore"]],
  ["af", "sea", ["marseille", "singapore"]],
  ["il", "af", ["marseille"]],
  ["il", "me", ["marseille"]],
  ["il", "in", ["marseille"]],
  ["il", "ea", ["marseille", "singapore"]],
  ["il", "oc", ["marseille", "singapore"]],
  ["il", "sea", ["marseille", "singapore"]],
  ["eu", "ea", ["singapore"]],
  ["me", "ea", ["singapore"]],
  ["in", "ea", ["singapore"]],
  // Southeast Asia to everything not covered above.
  ...ALL.filter((g) => g !== "sea" && g !== "af" && g !== "il").map((g) => ["sea", g, ["singapore"]] as const),
];

const TABLE = new Map<string, readonly Hub[]>();
for (const [from, to, hubs] of RULES) {
  TABLE.set(`${from}>${to}`, hubs);
  TABLE.set(`${to}>${from}`, [...hubs].reverse());
}

/** The hubs a path from one group to another goes through; [] for the great circle. */
export function detourHubs(from: RouteGroup, to: RouteGroup): readonly Hub[] {
  return TABLE.get(`${from}>${to}`) ?? [];
}

/**
 * Corridors whose paths are systematically faster or slower than the distance bands predict:
 * the trans-Pacific cables are long and straight (North America to East Asia, Southeast Asia
 * and Oceania); the Gulf reaches Europe through the congested Red Sea and Egypt crossings;
 * South America reaches everything beyond North America through Miami or one thin cable to
 * Europe. Each adds (or removes) ms per 100 km of path; the values live in the model.
 */
export type Corridor = "transPacific" | "gulfEurope" | "southAmericaOverseas";

export const CORRIDOR_NAMES: readonly Corridor[] = ["transPacific", "gulfEurope", "southAmericaOverseas"];

const CORRIDOR_RULES: readonly (readonly [Corridor, RouteGroup, readonly RouteGroup[]])[] = [
  ["transPacific", "na", ["ea", "sea", "oc"]],
  ["gulfEurope", "me", ["eu", "il"]],
  ["southAmericaOverseas", "sa", ["eu", "il", "me", "af", "in", "sea", "ea", "oc"]],
];

const CORRIDORS = new Map<string, Corridor>();
for (const [corridor, from, tos] of CORRIDOR_RULES) {
  for (const to of tos) {
    CORRIDORS.set(`${from}>${to}`, corridor);
    CORRIDORS.set(`${to}>${from}`, corridor);
  }
}

export function corridorOf(from: RouteGroup, to: RouteGroup): Corridor | null {
  return CORRIDORS.get(`${from}>${to}`) ?? null;
}
