// The placement engine's input and output shapes (see rank.ts for what they mean).
import type { Offer } from "../catalog/eligibility";
import type { TenantCatalog } from "../catalog/schema";
import type { DistanceModel, EstimateSource, LearnedLatency } from "./estimate";
import type { LocationSource, ResolvedLocation } from "./location";

export type ProviderHealth = "healthy" | "degraded" | "down";

export interface Ping {
  provider: string;
  region: string;
  rttMs: number;
}

export interface PlayerInput {
  location: ResolvedLocation;
  /** RTTs the player's client measured (e.g. to each region's beaconUrl). */
  pings?: readonly Ping[];
}

/** A LatencySummary (store/types.ts) or anything shaped like it. */
export interface LearnedSummary extends LearnedLatency {
  cell: string;
  provider: string;
  region: string;
}

export interface PlacementInput {
  catalog: TenantCatalog;
  emulatorId: string;
  players: readonly PlayerInput[];
  preferences?: { maxRttMs?: number; maxHourlyPriceMicros?: number; spot?: boolean };
  learned?: readonly LearnedSummary[];
  /** By provider id; a provider not listed is healthy. */
  providerHealth?: Readonly<Record<string, ProviderHealth>>;
  /** By `provider/region`; a region not listed has capacity. */
  capacity?: Readonly<Record<string, { instances?: number; gpus?: number }>>;
  /**
   * eligibleOffers(catalog, emulatorId, { spot }) computed beforehand, with the same spot flag
   * this launch resolves to (preferences.spot && policy.spotAllowed). Eligibility is half the
   * cost of a decision and depends only on the catalog version, so callers may cache it.
   */
  offers?: readonly Offer[] | null;
  model?: DistanceModel;
  lastMileMs?: number;
}

export interface PlayerRtt {
  player: number;
  /** null: nothing to estimate from (unknown location and no ping). */
  rttMs: number | null;
  source: EstimateSource | "none";
}

export interface Candidate {
  provider: string;
  region: string;
  city: string;
  instanceType: string;
  hourlyPriceMicros: number;
  spot: boolean;
  health: ProviderHealth;
  /** Worst and mean over the players with an estimate; null when no player has one. */
  worstRttMs: number | null;
  meanRttMs: number | null;
  players: PlayerRtt[];
  reason: string;
  offer: Offer;
}

export interface Rejection {
  candidate: { provider: string; region: string; instanceType: string; hourlyPriceMicros: number; worstRttMs: number | null };
  reasons: string[];
}

export interface Placement {
  chosen: Candidate | null;
  candidates: Candidate[];
  rejected: Rejection[];
  locations: { player: number; source: LocationSource; cell: string | null }[];
  spot: boolean;
  maxRttMs: number;
  /** Why nothing was chosen (null when something was). */
  problem: "unknown-emulator" | "no-players" | "no-offers" | "none-feasible" | null;
}
