// What the simulated cloud does and how badly it behaves: delays, injected faults, the in-VM
// agent. Stored per account (one SimulatedCloud per tenant and provider) and changed with
// configure(); the defaults make `npm start` feel like a small, healthy real cloud.

/** Probability (0..1) that a call of each kind fails with a transient `InternalError`. */
export interface ErrorRates {
  create: number;
  describe: number;
  start: number;
  stop: number;
  terminate: number;
  list: number;
}

export type ErrorRateOperation = keyof ErrorRates;

export interface SimulationSettings {
  /** pending → running (after create, and after start from stopped). */
  bootDelayMs: number;
  /** stopping → stopped. */
  stopDelayMs: number;
  /** shutting-down → terminated (terminate and spot interruption). */
  terminateDelayMs: number;
  /** How long after the instance is running the agent reports the streaming host ready. */
  agentReadyDelayMs: number;
  /** The agent's heartbeat period while the instance runs. */
  heartbeatIntervalMs: number;
  /** Artificial delay added to every provider call. */
  latencyMs: number;
  /** Seed of the PRNG behind every random decision; setting it (again) restarts the sequence. */
  seed: number;
  errorRates: ErrorRates;
  /** Regions where create fails with `InsufficientInstanceCapacity`. */
  capacityExhaustedRegions: string[];
  /** Probability that a new instance never leaves pending. */
  stuckInPendingRate: number;
  /** Probability that a new instance's agent never reports. */
  agentSilentRate: number;
  /** "off": no agent callbacks at all (no alarms). */
  agent: "on" | "off";
}

/** What configure() accepts: any subset, errorRates field by field. */
export type SimulationSettingsPatch = Partial<Omit<SimulationSettings, "errorRates">> & {
  errorRates?: Partial<ErrorRates>;
};

export const DEFAULT_SEED = 0x5eed;

export const DEFAULT_SETTINGS: SimulationSettings = {
  bootDelayMs: 3000,
  stopDelayMs: 1000,
  terminateDelayMs: 1000,
  agentReadyDelayMs: 1000,
  heartbeatIntervalMs: 30_000,
  latencyMs: 0,
  seed: DEFAULT_SEED,
  errorRates: { create: 0, describe: 0, start: 0, stop: 0, terminate: 0, list: 0 },
  capacityExhaustedRegions: [],
  stuckInPendingRate: 0,
  agentSilentRate: 0,
  agent: "on",
};

const DELAYS = ["bootDelayMs", "stopDelayMs", "terminateDelayMs", "agentReadyDelayMs", "latencyMs"] as const;
const RATES = ["stuckInPendingRate", "agentSilentRate"] as const;
const OPERATIONS: readonly ErrorRateOperation[] = ["create", "describe", "start", "stop", "terminate", "list"];
/** Longest configurable delay: a day (a typo should not park an instance for ever). */
const MAX_DELAY_MS = 86_400_000;

function isDelay(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_MS;
}

function isRate(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

/**
 * Applies a patch to stored settings. Returns the new settings, or the reason the patch is
 * invalid (nothing is applied then). Unknown keys are rejected so a typo is not silently ignored.
 */
export function mergeSettings(current: SimulationSettings, patch: SimulationSettingsPatch): SimulationSettings | string {
  const next: SimulationSettings = structuredClone(current);
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue;
    if ((DELAYS as readonly string[]).includes(key)) {
      if (!isDelay(value)) return `${key} must be a number of milliseconds between 0 and ${MAX_DELAY_MS}`;
      next[key as (typeof DELAYS)[number]] = value;
    } else if (key === "heartbeatIntervalMs") {
      if (!isDelay(value) || value < 1) return `${key} must be a number of milliseconds between 1 and ${MAX_DELAY_MS}`;
      next.heartbeatIntervalMs = value;
    } else if ((RATES as readonly string[]).includes(key)) {
      if (!isRate(value)) return `${key} must be a probability between 0 and 1`;
      next[key as (typeof RATES)[number]] = value;
    } else if (key === "seed") {
      if (typeof value !== "number" || !Number.isFinite(value)) return "seed must be a finite number";
      next.seed = value;
    } else if (key === "agent") {
      if (value !== "on" && value !== "off") return 'agent must be "on" or "off"';
      next.agent = value;
    } else if (key === "capacityExhaustedRegions") {
      if (!Array.isArray(value) || !value.every((r) => typeof r === "string")) {
        return "capacityExhaustedRegions must be an array of region codes";
      }
      next.capacityExhaustedRegions = [...value];
    } else if (key === "errorRates") {
      if (value === null || typeof value !== "object") return "errorRates must be an object";
      for (const [operation, rate] of Object.entries(value as Record<string, unknown>)) {
        if (rate === undefined) continue;
        if (!(OPERATIONS as readonly string[]).includes(operation)) return `errorRates.${operation} is not an operation`;
        if (!isRate(rate)) return `errorRates.${operation} must be a probability between 0 and 1`;
        next.errorRates[operation as ErrorRateOperation] = rate;
      }
    } else {
      return `unknown setting: ${key}`;
    }
  }
  return next;
}

/** Fills settings stored by an older version with today's defaults. */
export function withDefaults(stored: Partial<SimulationSettings>): SimulationSettings {
  return {
    ...structuredClone(DEFAULT_SETTINGS),
    ...stored,
    errorRates: { ...DEFAULT_SETTINGS.errorRates, ...(stored.errorRates ?? {}) },
  };
}

/** The PRNG's state for a seed (any number; reduced to 32 bits). */
export function seedState(seed: number): number {
  return Math.trunc(seed) >>> 0;
}

/**
 * mulberry32: one step. Returns a number in [0, 1) and the next state. Small, fast and good
 * enough for fault injection; the state is one uint32 kept in storage, so a run is reproducible.
 */
export function mulberry32(state: number): { value: number; state: number } {
  const next = (state + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, state: next };
}
