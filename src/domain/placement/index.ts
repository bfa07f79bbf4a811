// The placement engine: where a launch goes. Pure functions only (no I/O); see rank.ts.
export { DEFAULT_MODEL, type EstimateSource, estimateRtt, LAST_MILE_MS, type RttEstimate } from "./estimate";
export { cellOf, distanceKm } from "./geo";
export { type LocationInput, type LocationSource, type ResolvedLocation, resolveLocation } from "./location";
export { placeLaunch } from "./rank";
export type {
  Candidate,
  LearnedSummary,
  Ping,
  Placement,
  PlacementInput,
  PlayerInput,
  PlayerRtt,
  ProviderHealth,
  Rejection,
} from "./types";
