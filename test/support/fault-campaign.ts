// Fault campaign: drives launches and sessions through the API onto the simulated cloud with
// faults injected (failing provider calls, a region out of capacity, instances stuck in pending,
// silent agents, spot interruptions, a Store outage), runs the scheduled jobs through the Worker's
// own scheduled handler, then checks what must hold whatever the faults:
//
//   sessions-settled   every session is playable, ended or failed (with a reason); none is starting
//   vms-stable         every VM rests in running, stopped, terminated or failed, nothing queued
//   vm-failures-explained  every failed VM failed for a fault the campaign injected
//   no-orphans         after reconcile, no live instance at the provider without a live VM owning it
//   vms-match-provider each VM's state agrees with its instance's (running/stopped/gone)
//   ledger-exact       the Store's usage_segments equal the VM's billing timeline (segmentsOf) and an
//                      independent pricing of its runs, to the micro-dollar, per VM and in total
//   events-in-store    per VM, the actor's event log (VmActor.events) equals store.listVmEvents,
//                      and the Store's VM record has the actor's state and seq
//   sessions-in-store  the Store's session records have the player actors' states
//   billing-matches-lifecycle  no billing run open on an ended VM; compute open exactly while running
//   budget-spend       after billing-check, a budget's spend equals the ledger's total for the period
//   launches-accepted  every POST /launch answered 202, during the Store outage too
//   jobs-clean         the scheduled jobs reported no per-tenant error
//
// It runs inside workerd (it needs the Durable Objects and D1): `runFaultCampaign()` is used by the
// small campaign in `npm test` (test/campaign/) and by `npm run bench:faults` (bench/faults/).
// Randomness is seeded (the simulated cloud's PRNG per account, and the campaign's own choices),
// so a run is reproducible up to the interleaving of concurrent calls.
//
// Time scale: launched VMs get the production deadlines (10 min to provision or boot), far beyond
// a campaign. So a player gives up (DELETE) on a session still starting after `giveUpMs` only when
// the simulation says it is hopeless (its instance is stuck in pending or its agent is silent);
// every other session must settle by itself. The deadline paths themselves are exercised by a few
// VMs created directly on the VM actor with short deadlines (as test/actors/vm-faults.test.ts does).
import {
  createExecutionContext,
  createScheduledController,
  env,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { budgetActors } from "../../src/actors/budget/client";
import type { JobActor } from "../../src/actors/jobs/job-actor";
import { playerActors } from "../../src/actors/player/client";
import type { SessionEvent, SessionView } from "../../src/actors/player/state";
import { segmentsOf } from "../../src/actors/vm/billing";
import type { VmSpec, VmStatus, VmView } from "../../src/actors/vm/state";
import type { VmTimeouts } from "../../src/actors/vm/timing";
import { DEFAULT_POLICY } from "../../src/domain/catalog/defaults/policy";
import { newId } from "../../src/domain/ids";
import { FINAL_STATES, STABLE_STATES, type VmState } from "../../src/domain/lifecycle";
import { BILLING_RULES, type BillingEvent, computeCost, type ProviderKind } from "../../src/domain/metering";
import worker from "../../src/index";
import { CRON_JOBS, type JobName } from "../../src/jobs/table";
import type { JobReport } from "../../src/jobs/types";
import { type ErrorRates, mulberry32, seedState } from "../../src/providers/simulated/settings";
import type { SimulatedInstance } from "../../src/providers/simulated/simulated-cloud";
import { D1Store } from "../../src/store/d1/d1-store";
import type { Page, VmEventRecord } from "../../src/store/types";
import { call } from "./http";
import { createKey, createTenant, jsonRequest, type TestTenant } from "./tenants";
import { cloudStub, vmClient, vmInput, vmStub } from "./vms";

// The size `npm run bench:faults` runs (vitest.faults.config.ts provides it from the environment).
declare module "vitest" {
  export interface ProvidedContext {
    faultCampaign: { launches: number; tenants: number; seed: number };
  }
}

// --- options and results -------------------------------------------------------------------------

export interface CampaignFaults {
  /** Probability that each kind of provider call fails with a transient error. */
  errorRates: ErrorRates;
  /** Regions where every create fails for lack of capacity (launches fall back to the next region). */
  capacityExhaustedRegions: string[];
  stuckInPendingRate: number;
  agentSilentRate: number;
  /** Share of running instances interrupted (spot reclaim) after the first wave, and again before the jobs. */
  interruptFraction: number;
  /** Share of playable sessions their players end (DELETE) before each later wave. */
  endFraction: number;
  /** Share of new sessions their players cancel (DELETE) while still starting, right after launching. */
  cancelFraction: number;
  /**
   * Share of stopped instances retired (terminated by the cloud, as a host retirement or a reclaim
   * does) just before the last wave, with no reconcile in between: the warm starts find them gone.
   */
  retireStoppedFraction: number;
  /**
   * Store outage during the second wave: the first table is renamed away for `outageMs`, the rest
   * join it for the second half (so an outbox flush fails part-way, then at its first write).
   */
  outageTables: string[];
  outageMs: number;
}

export interface FaultCampaignOptions {
  /** POST /launch calls in all (spread over the players and waves). */
  launches: number;
  tenants: number;
  seed: number;
  /** Launch waves (default 3); players = ceil(launches / waves). */
  waves?: number;
  /** VMs created directly on the VM actor with short deadlines, on their own tenant (default launches / 10). */
  directVms?: number;
  faults?: Partial<CampaignFaults>;
  /** Concurrent launch requests (default 8). */
  concurrency?: number;
  /** A player gives up on a session its instance makes hopeless after this long (default 5 s). */
  giveUpMs?: number;
  /** The longest a wave is driven before the next one starts (default 10 s). */
  waveMaxMs?: number;
  /** The longest the campaign waits for everything to settle at the end (default 60 s). */
  settleMs?: number;
  /** Progress lines (phases and their durations). */
  log?: (line: string) => void;
}

export interface CampaignCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What failed, one item per failure (the report prints the first few). */
  evidence: unknown[];
}

export interface CampaignFigure {
  name: string;
  value: string | number;
}

export interface CampaignResult {
  figures: CampaignFigure[];
  checks: CampaignCheck[];
  durationMs: number;
}

export const DEFAULT_FAULTS: CampaignFaults = {
  errorRates: { create: 0.15, describe: 0.1, start: 0.15, stop: 0.15, terminate: 0.15, list: 0.05 },
  capacityExhaustedRegions: ["eu-west-3"],
  stuckInPendingRate: 0.04,
  agentSilentRate: 0.04,
  interruptFraction: 0.1,
  endFraction: 0.5,
  cancelFraction: 0.15,
  retireStoppedFraction: 0.2,
  outageTables: ["usage_segments", "sessions", "vm_events", "vms"],
  outageMs: 4_000,
};

/** Deadlines of the directly created VMs: short, so stuck instances and silent agents time out. */
const DIRECT_TIMEOUTS: Partial<VmTimeouts> = { provisionMs: 6_000, bootMs: 6_000, stopMs: 6_000, terminateMs: 6_000 };
/** The direct VMs' own tenant injects more of the faults only deadlines resolve. */
const DIRECT_FAULTS = { stuckInPendingRate: 0.25, agentSilentRate: 0.25 };
const TICK_MS = 250;
const EVIDENCE = 8;

/** Where players are: near regions all over the world (Paris is the exhausted region's city). */
const CITIES = [
  { city: "Paris", lat: 48.8566, lon: 2.3522 },
  { city: "Lyon", lat: 45.764, lon: 4.8357 },
  { city: "Frankfurt", lat: 50.1109, lon: 8.6821 },
  { city: "London", lat: 51.5074, lon: -0.1278 },
  { city: "Madrid", lat: 40.4168, lon: -3.7038 },
  { city: "Stockholm", lat: 59.3293, lon: 18.0686 },
  { city: "New York", lat: 40.7128, lon: -74.006 },
  { city: "Chicago", lat: 41.8781, lon: -87.6298 },
  { city: "Seattle", lat: 47.6062, lon: -122.3321 },
  { city: "São Paulo", lat: -23.5558, lon: -46.6396 },
  { city: "Tokyo", lat: 35.6762, lon: 139.6503 },
  { city: "Singapore", lat: 1.3521, lon: 103.8198 },
  { city: "Sydney", lat: -33.8688, lon: 151.2093 },
  { city: "Mumbai", lat: 19.076, lon: 72.8777 },
];
const EMULATORS = ["pcsx2", "dolphin", "ppsspp"];
const GAMES = ["Shadow of the Colossus", "Metroid Prime", "Patapon", "Ico", "Wind Waker"];

// --- small helpers --------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function random(seed: number): () => number {
  let state = seedState(seed);
  return () => {
    const step = mulberry32(state);
    state = step.state;
    return step.value;
  };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      out[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function allPages<T>(page: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const next: Page<T> = await page(cursor);
    out.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor);
  return out;
}

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

class Counter {
  readonly #counts = new Map<string, number>();
  add(key: string, by = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + by);
  }
  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }
  /** "a 3, b 1" (largest first). */
  describe(): string {
    const parts = [...this.#counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return parts.length === 0 ? "none" : parts.map(([k, v]) => `${k} ${v}`).join(", ");
  }
  total(): number {
    let sum = 0;
    for (const v of this.#counts.values()) sum += v;
    return sum;
  }
}

// --- the actors and jobs, as the campaign reads them ---------------------------------------------

const players = playerActors(env.PLAYER_ACTOR);
const budgets = budgetActors(env.BUDGET_ACTOR);

function playerStub(tenantId: string, playerId: string) {
  return env.PLAYER_ACTOR.get(env.PLAYER_ACTOR.idFromName(`${tenantId}:${playerId}`));
}

interface ActorState {
  status: VmStatus | null;
  spec: VmSpec | null;
}

function readVm(vmId: string): Promise<ActorState> {
  return runInDurableObject(vmStub(vmId), async (_instance, state) => ({
    status: ((await state.storage.get("status")) as VmStatus | undefined) ?? null,
    spec: ((await state.storage.get("spec")) as VmSpec | undefined) ?? null,
  }));
}

/** A VM at rest: a stable state, no provider call queued, its outbox flushed. */
function quiet(actor: ActorState): boolean {
  const status = actor.status;
  if (!status) return true; // nothing to wait for (reported by the checks)
  return (
    STABLE_STATES.includes(status.state) &&
    status.pendingEffects.length === 0 &&
    status.unflushedFromSeq === null &&
    status.nextFlushAt === null
  );
}

/** Why a VM is not at rest (for the progress log). */
function whyBusy(actor: ActorState): string {
  const status = actor.status;
  if (!status) return "no state";
  const flush =
    status.nextFlushAt === null
      ? ""
      : ` flush in ${status.nextFlushAt - Date.now()} ms (attempt ${status.flushAttempt}: ${status.lastFlushError ?? ""})`;
  const effects =
    status.pendingEffects.length === 0
      ? ""
      : ` ${status.pendingEffects.join("+")} in ${(status.nextEffectAt ?? 0) - Date.now()} ms (attempt ${status.effectAttempt})`;
  return `${actor.spec?.vmId} ${status.state}${effects}${flush}`;
}

interface PlayerOutbox {
  dirty: string[];
  nextFlushAt: number | null;
}

function readPlayerOutbox(tenantId: string, playerId: string): Promise<PlayerOutbox | null> {
  return runInDurableObject(playerStub(tenantId, playerId), async (_instance, state) => {
    const stored = (await state.storage.get("state")) as PlayerOutbox | undefined;
    return stored ? { dirty: stored.dirty, nextFlushAt: stored.nextFlushAt } : null;
  });
}

async function actorEvents(tenantId: string, vmId: string): Promise<VmEventRecord[]> {
  const out: VmEventRecord[] = [];
  let after = 0;
  for (;;) {
    const page = await vmClient(vmId).events(tenantId, after, 500);
    if (!page) return out;
    out.push(...page.items);
    if (page.nextCursor === null) return out;
    after = page.nextCursor;
  }
}

async function inspect(tenantId: string): Promise<SimulatedInstance[]> {
  return (await cloudStub(tenantId).inspect()) as unknown as SimulatedInstance[];
}

const cronOf = (job: JobName) => Object.entries(CRON_JOBS).find(([, jobs]) => jobs.includes(job))?.[0] as string;

/** One run of a job through the Worker's scheduled handler (as a Cron Trigger calls it); its report. */
async function runJob(job: JobName, scheduledTime = Date.now()): Promise<JobReport | null> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron: cronOf(job), scheduledTime }), env, ctx);
  await waitOnExecutionContext(ctx);
  const stub = env.JOB_ACTOR.get(env.JOB_ACTOR.idFromName(job)) as unknown as DurableObjectStub<JobActor>;
  return (await stub.last())?.last ?? null;
}

// --- the pricing oracle ----------------------------------------------------------------------------

/**
 * What the ledger must hold for a billing timeline, priced run by run (not segment by segment):
 * each closed run costs its whole billed time once; an open run what it had cost at its last
 * checkpoint. Checkpoints never change a run's total, so this must equal the sum of the segments.
 */
export function priceRuns(events: readonly BillingEvent[], kind: ProviderKind): number {
  const rule = BILLING_RULES[kind];
  let price: BillingEvent["price"];
  const open: Record<"compute" | "disk", { startAt: number; cutAt: number; price: NonNullable<BillingEvent["price"]> } | null> = {
    compute: null,
    disk: null,
  };
  const cost = (which: "compute" | "disk", run: NonNullable<(typeof open)["compute"]>, endAt: number) => {
    const ms = endAt - run.startAt;
    if (ms <= 0) return 0;
    const minimum = which === "compute" ? rule.computeMinimumSeconds : rule.storageMinimumSeconds;
    const seconds = Math.max(minimum, Math.ceil(ms / 1000));
    return which === "compute"
      ? computeCost(run.price.hourlyMicros, seconds, "hour")
      : computeCost(run.price.diskGbMonthMicros, seconds, "gb-month", run.price.diskGb, rule.hoursPerMonth);
  };
  let total = 0;
  for (const event of events) {
    const at = new Date(event.at).getTime();
    if (event.price) price = event.price;
    const which = event.kind.startsWith("compute") ? "compute" : "disk";
    if (event.kind === "compute-start" || event.kind === "disk-start") {
      if (!price) throw new Error(`a ${event.kind} without a price`);
      open[which] = { startAt: at, cutAt: at, price };
    } else if (event.kind === "compute-stop" || event.kind === "disk-stop") {
      const run = open[which];
      if (run) total += cost(which, run, at);
      open[which] = null;
    } else {
      for (const run of [open.compute, open.disk]) if (run) run.cutAt = at;
    }
  }
  for (const which of ["compute", "disk"] as const) {
    const run = open[which];
    if (run) total += cost(which, run, run.cutAt);
  }
  return total;
}

// --- the campaign ------------------------------------------------------------------------------------

interface Player {
  id: string;
  tenant: TestTenant;
  /** A player key, or the tenant's operator key (which names the player in the body). */
  token: string;
  operator: boolean;
  emulator: string;
  game: string;
  city: string;
  location: { lat: number; lon: number };
}

interface Tracked {
  id: string;
  player: Player;
  launchedAt: number;
  view: SessionView;
  /** Why the player ended it (a DELETE), if it did. */
  endedBy: "player" | "cancelled" | "gave-up" | null;
  gaveUpCause: string | null;
}

interface Outage {
  tables: string[];
  startedAt: number | null;
  renamed: string[];
  restoredAt: number | null;
}

export async function runFaultCampaign(options: FaultCampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const faults: CampaignFaults = {
    ...DEFAULT_FAULTS,
    ...options.faults,
    errorRates: { ...DEFAULT_FAULTS.errorRates, ...options.faults?.errorRates },
  };
  const waves = options.waves ?? 3;
  const concurrency = options.concurrency ?? 8;
  const giveUpMs = options.giveUpMs ?? 5_000;
  const waveMaxMs = options.waveMaxMs ?? 10_000;
  const settleMs = options.settleMs ?? 60_000;
  const directCount = options.directVms ?? Math.round(options.launches / 10);
  const log = options.log ?? (() => {});
  const rand = random(options.seed);
  const store = new D1Store(env.DB);
  const counts = new Counter(); // launch answers
  const figures: CampaignFigure[] = [];
  const figure = (name: string, value: string | number) => figures.push({ name, value });
  let phaseAt = Date.now();
  const phase = (name: string) => {
    const now = Date.now();
    log(`[fault campaign] ${name} (${((now - started) / 1000).toFixed(1)} s, +${((now - phaseAt) / 1000).toFixed(1)} s)`);
    phaseAt = now;
  };
  const outage: Outage = { tables: faults.outageTables, startedAt: null, renamed: [], restoredAt: null };
  let outageDone: Promise<void> = Promise.resolve();

  try {
    // --- setup: tenants, clouds with faults, keys, players ---------------------------------------
    const tenants: TestTenant[] = [];
    for (let i = 0; i < options.tenants; i++) tenants.push(await createTenant(`fault campaign ${i + 1}`));
    const direct = directCount > 0 ? await createTenant("fault campaign: deadlines") : null;
    const allTenants = direct ? [...tenants, direct] : tenants;
    const simulation = (index: number, extra: Record<string, unknown> = {}) => ({
      // Long enough for a player to act while an instance is pending (a warm start), short enough to play in seconds.
      bootDelayMs: 300,
      stopDelayMs: 50,
      terminateDelayMs: 50,
      agentReadyDelayMs: 20,
      heartbeatIntervalMs: 5_000,
      seed: options.seed * 1_000 + index,
      errorRates: faults.errorRates,
      capacityExhaustedRegions: faults.capacityExhaustedRegions,
      stuckInPendingRate: faults.stuckInPendingRate,
      agentSilentRate: faults.agentSilentRate,
      ...extra,
    });
    for (const [index, tenant] of tenants.entries()) {
      const configured = await cloudStub(tenant.id).configure(simulation(index));
      if (!configured.ok) throw new Error(`simulated cloud refused the settings: ${configured.error.message}`);
    }
    if (direct) await cloudStub(direct.id).configure(simulation(tenants.length, DIRECT_FAULTS));
    // One tenant has a budget (large: admission must let every launch in), so billing-check acts.
    const budgetTenant = tenants[0] as TestTenant;
    const budgetId = newId("bud");
    await store.putBudget({
      id: budgetId,
      tenantId: budgetTenant.id,
      name: "fault campaign",
      playerId: null,
      period: "monthly",
      limitMicros: 1_000_000_000_000,
      thresholds: [50, 80, 100],
      action: "notify",
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const operatorKeys = new Map<string, string>();
    for (const tenant of tenants) {
      operatorKeys.set(tenant.id, (await createKey(tenant.adminToken, { name: "launcher backend", scopes: ["operator"] })).token);
    }
    const playerCount = Math.ceil(options.launches / waves);
    const roster: Player[] = [];
    for (let i = 0; i < playerCount; i++) {
      const tenant = tenants[i % tenants.length] as TestTenant;
      const place = CITIES[Math.floor(rand() * CITIES.length)] as (typeof CITIES)[number];
      const id = `fc-${options.seed}-${i}`;
      const operator = i % 2 === 1;
      const token = operator
        ? (operatorKeys.get(tenant.id) as string)
        : (await createKey(tenant.adminToken, { name: `player ${id}`, scopes: ["player"], playerId: id })).token;
      roster.push({
        id,
        tenant,
        token,
        operator,
        emulator: EMULATORS[i % EMULATORS.length] as string,
        game: GAMES[i % GAMES.length] as string,
        city: place.city,
        location: { lat: place.lat + (rand() - 0.5) * 0.5, lon: place.lon + (rand() - 0.5) * 0.5 },
      });
    }
    phase(`setup: ${tenants.length} tenants, ${roster.length} players, ${directCount} direct VMs`);

    // --- the direct VMs: the deadline paths -----------------------------------------------------------
    const directIds: string[] = [];
    if (direct) {
      const regions = ["eu-central-1", "us-east-1", "ap-northeast-1"];
      await mapLimit(
        Array.from({ length: directCount }, (_, i) => i),
        concurrency,
        async (i) => {
          const spec = { ...vmInput(direct.id, DIRECT_TIMEOUTS), region: regions[i % regions.length] as string };
          directIds.push(spec.vmId);
          await vmClient(spec.vmId).create(spec);
        },
      );
    }

    // --- sessions: launching, following, ending -------------------------------------------------------
    const sessions = new Map<string, Tracked>();
    const tenantOfVm = new Map<string, string>();
    const rejected: { player: string; status: number; body: string }[] = [];
    const deletes = new Counter();
    const interrupted: { tenantId: string; instanceId: string; vmId: string; was: string }[] = [];

    const sessionPath = (s: Tracked) => `/launch/${s.id}${s.player.operator ? `?player=${encodeURIComponent(s.player.id)}` : ""}`;

    const launchOnce = async (p: Player) => {
      const body = {
        emulator: p.emulator,
        game: p.game,
        location: p.location,
        ...(p.operator ? { playerId: p.id } : {}),
      };
      const res = await call("/launch", jsonRequest("POST", p.token, body));
      const text = await res.text();
      if (res.status !== 202) {
        let code = "";
        try {
          code = (JSON.parse(text) as { code?: string }).code ?? "";
        } catch {}
        counts.add(`${res.status} ${code}`.trim());
        rejected.push({ player: p.id, status: res.status, body: text.slice(0, 300) });
        return;
      }
      const view = JSON.parse(text) as SessionView;
      if (sessions.has(view.id)) {
        counts.add("resumed");
        return;
      }
      counts.add(view.warm ? "warm start" : "new VM");
      const tracked: Tracked = { id: view.id, player: p, launchedAt: Date.now(), view, endedBy: null, gaveUpCause: null };
      sessions.set(view.id, tracked);
      // Impatient players cancel within a moment, while the session is still starting (a warm
      // start's instance is then typically still pending at the provider: bootDelayMs).
      if (rand() < faults.cancelFraction) {
        await sleep(50 + rand() * 200);
        await end(tracked, "cancelled");
      }
    };

    const end = async (s: Tracked, by: NonNullable<Tracked["endedBy"]>) => {
      const res = await call(sessionPath(s), jsonRequest("DELETE", s.player.token));
      const text = await res.text();
      deletes.add(`${res.status}`);
      if (res.status === 200) {
        s.endedBy = by;
        s.view = JSON.parse(text) as SessionView;
      }
    };

    const refresh = async (filter: (s: Tracked) => boolean) => {
      const list = [...sessions.values()].filter(filter);
      await mapLimit(list, 16, async (s) => {
        const view = await players(s.player.tenant.id, s.player.id).get(s.player.tenant.id, s.id);
        if (view) s.view = view;
      });
    };

    const starting = () => [...sessions.values()].filter((s) => s.view.state === "starting");
    const playable = () => [...sessions.values()].filter((s) => s.view.state === "playable");

    /** One beat: nudge the alarms of what is in flight, refresh the sessions, give up on hopeless ones. */
    const beat = async () => {
      await sleep(TICK_MS);
      const live = starting();
      const playerIds = new Map<string, Player>();
      for (const s of live) playerIds.set(`${s.player.tenant.id}:${s.player.id}`, s.player);
      const stubs = [
        ...allTenants.map((t) => cloudStub(t.id) as unknown as DurableObjectStub),
        ...[...playerIds.values()].map((p) => playerStub(p.tenant.id, p.id) as unknown as DurableObjectStub),
        ...live.flatMap((s) => (s.view.vmId ? [vmStub(s.view.vmId) as unknown as DurableObjectStub] : [])),
      ];
      await mapLimit(stubs, 16, (stub) => runDurableObjectAlarm(stub).catch(() => false));
      await refresh((s) => s.view.state === "starting");
      await giveUp();
    };

    /** Ends sessions the simulation made hopeless (stuck instance, silent agent), once they waited giveUpMs. */
    const giveUp = async () => {
      const old = starting().filter((s) => s.view.vmId && Date.now() - s.launchedAt >= giveUpMs && s.endedBy === null);
      if (old.length === 0) return;
      const byTenant = new Map<string, SimulatedInstance[]>();
      for (const s of old) {
        const tenantId = s.player.tenant.id;
        if (!byTenant.has(tenantId)) byTenant.set(tenantId, await inspect(tenantId));
        const vm = await vmClient(s.view.vmId as string).get(tenantId);
        const instance = byTenant.get(tenantId)?.find((i) => i.instanceId === vm?.providerInstanceId);
        const cause =
          instance?.stuckInPending && instance.state === "pending"
            ? "stuck-in-pending"
            : instance?.agent.silent && vm?.state === "starting"
              ? "agent-silent"
              : null;
        if (!cause) continue;
        s.gaveUpCause = cause;
        await end(s, "gave-up");
      }
    };

    const driveWhile = async (busy: () => boolean, maxMs: number) => {
      const until = Date.now() + maxMs;
      do await beat();
      while (busy() && Date.now() < until);
    };

    /**
     * Interrupts (spot reclaim, host retirement) the instances of a share of the VMs in `state`;
     * the VMs' actors do not know until something asks the provider (reconcile, a command).
     */
    const interruptSome = async (state: "running" | "stopped", fraction: number) => {
      let count = 0;
      for (const vmId of allVmIds()) {
        if (rand() >= fraction) continue;
        const tenantId = tenantOfVm.get(vmId) as string;
        const vm = await vmClient(vmId).get(tenantId);
        if (vm?.state !== state || !vm.providerInstanceId) continue;
        const answer = await cloudStub(tenantId).interrupt(vm.providerInstanceId);
        if (!answer.ok) continue;
        interrupted.push({ tenantId, instanceId: vm.providerInstanceId, vmId, was: state });
        count++;
      }
      return count;
    };

    const jobReports: Record<JobName, JobReport[]> = { "billing-check": [], "idle-sweep": [], reconcile: [] };
    const job = async (name: JobName, scheduledTime?: number) => {
      const report = await runJob(name, scheduledTime);
      if (report) jobReports[name].push(report);
      return report;
    };
    /**
     * Reconcile as the cron would, run after run: until one run lists every region and acts on
     * nothing, or three runs in a row act on nothing (with listing errors injected, a clean run over
     * dozens of regions is rare; three runs in a row miss a region with odds of 1 in 8,000 at 5 %).
     */
    const reconcileUntilQuiet = async () => {
      let quietRuns = 0;
      for (let run = 0; run < 8 && quietRuns < 3; run++) {
        await sleep(150); // terminations in flight settle (terminateDelayMs)
        const report = await job("reconcile");
        const counters = report?.counters ?? {};
        const acted = (counters.orphansTerminated ?? 0) + (counters.vmsChecked ?? 0) > 0 || (report?.errors.length ?? 0) > 0;
        if (!acted && !counters.providerErrors) return;
        quietRuns = acted ? 0 : quietRuns + 1;
      }
    };

    /** Every VM the campaign made (and the tenant of each, in tenantOfVm). */
    const allVmIds = (): Set<string> => {
      const ids = new Set<string>(directIds);
      for (const id of directIds) tenantOfVm.set(id, (direct as TestTenant).id);
      for (const s of sessions.values()) {
        for (const a of s.view.attempts) {
          ids.add(a.vmId);
          tenantOfVm.set(a.vmId, s.player.tenant.id);
        }
      }
      return ids;
    };

    /** Until every VM rests with nothing queued or unflushed, and every player outbox is empty. */
    const settle = async (label: string, ids: Set<string>, maxMs: number): Promise<void> => {
      const from = Date.now();
      const until = from + maxMs;
      let reported = false;
      let pending = [...ids];
      let pendingPlayers = [...new Map(roster.map((p) => [`${p.tenant.id}:${p.id}`, p])).values()];
      while (pending.length > 0 || pendingPlayers.length > 0) {
        const states = await mapLimit(pending, 16, readVm);
        if (!reported && Date.now() - from > 5_000) {
          reported = true;
          const busy = states.filter((st) => !quiet(st)).slice(0, 5);
          log(`[fault campaign] settle (${label}) still waiting after 5 s on: ${busy.map(whyBusy).join("; ")}`);
        }
        pending = pending.filter((_, i) => !quiet(states[i] as ActorState));
        const outboxes = await mapLimit(pendingPlayers, 16, (p) => readPlayerOutbox(p.tenant.id, p.id));
        pendingPlayers = pendingPlayers.filter((_, i) => (outboxes[i]?.dirty.length ?? 0) > 0);
        if ((pending.length === 0 && pendingPlayers.length === 0) || Date.now() > until) break;
        await sleep(TICK_MS);
        const stubs = [
          ...allTenants.map((t) => cloudStub(t.id) as unknown as DurableObjectStub),
          ...pending.map((id) => vmStub(id) as unknown as DurableObjectStub),
          ...pendingPlayers.map((p) => playerStub(p.tenant.id, p.id) as unknown as DurableObjectStub),
        ];
        await mapLimit(stubs, 16, (stub) => runDurableObjectAlarm(stub).catch(() => false));
      }
      log(
        `[fault campaign] settle (${label}): ${((Date.now() - from) / 1000).toFixed(1)} s; not at rest: ${pending.length} VMs ${pending.slice(0, 3).join(" ")}, ${pendingPlayers.length} player outboxes`,
      );
      // Sessions follow their VMs on the player actors' alarms.
      await mapLimit(roster, 16, (p) => runDurableObjectAlarm(playerStub(p.tenant.id, p.id)).catch(() => false));
      await refresh(() => true);
    };

    // --- the waves ---------------------------------------------------------------------------------------
    for (let wave = 0; wave < waves; wave++) {
      const quota = Math.min(roster.length, options.launches - wave * roster.length);
      if (quota <= 0) break;
      if (wave > 0) {
        if (wave === 1) {
          const lost = await interruptSome("running", faults.interruptFraction);
          await reconcileUntilQuiet();
          await driveWhile(() => false, 0);
          phase(`spot interruptions: ${lost} instances, reconcile run`);
        }
        await refresh((s) => s.view.state === "playable");
        const ending = playable().filter(() => rand() < faults.endFraction);
        await mapLimit(ending, concurrency, (s) => end(s, "player"));
        // Let their VMs stop, so the next launch can start them again (warm).
        await driveWhile(() => false, 1_500);
        phase(`wave ${wave}: ${ending.length} sessions ended by their players`);
        if (wave === waves - 1 && faults.retireStoppedFraction > 0) {
          const retired = await interruptSome("stopped", faults.retireStoppedFraction);
          phase(`wave ${wave}: ${retired} stopped instances retired by the cloud (no reconcile yet)`);
        }
        if (wave === 1 && outage.tables.length > 0) outageDone = runOutage(outage, faults.outageMs, log);
      }
      await mapLimit(roster.slice(0, quota), concurrency, launchOnce);
      phase(`wave ${wave}: ${quota} launches`);
      await driveWhile(() => starting().length > 0, waveMaxMs);
      phase(`wave ${wave}: driven (${starting().length} still starting)`);
    }
    // The outage ends on time whatever the waves did.
    while (outage.startedAt !== null && outage.restoredAt === null) await beat();
    await outageDone;
    await driveWhile(() => starting().length > 0, settleMs);
    phase(`sessions settled (${starting().length} still starting)`);

    // --- late faults, then the scheduled jobs --------------------------------------------------------
    const lateLost = await interruptSome("running", faults.interruptFraction);
    await reconcileUntilQuiet();
    phase(`late spot interruptions: ${lateLost}; reconcile`);
    await settle("after the late interruptions", allVmIds(), settleMs / 2);
    // Agents go silent: past the idle timeout, the idle sweep stops their VMs (agent-silent).
    for (const tenant of allTenants) await cloudStub(tenant.id).configure({ agent: "off" });
    const sweepAt = Date.now() + (DEFAULT_POLICY.idleTimeoutMinutes + 1) * 60_000;
    await job("idle-sweep", sweepAt);
    phase("agents silent; idle sweep run an idle timeout ahead");
    await settle("after the idle sweep", allVmIds(), settleMs);
    await job("billing-check");
    await reconcileUntilQuiet();
    await settle("after the last reconcile", allVmIds(), settleMs);
    await job("billing-check");
    phase("jobs run, everything settled");

    // --- checks --------------------------------------------------------------------------------------
    await refresh(() => true);
    const checks: CampaignCheck[] = [];
    const check = (name: string, evidence: unknown[], detail: string) =>
      checks.push({ name, ok: evidence.length === 0, detail, evidence });

    // Every VM the campaign made, and any the Store knows that it did not.
    const vmIds = allVmIds();
    const storeVms = new Map<string, { tenantId: string; state: string; seq: number }>();
    for (const tenant of allTenants) {
      for (const record of await allPages((cursor) => store.listVms(tenant.id, {}, { cursor, limit: 200 }))) {
        storeVms.set(record.id, { tenantId: tenant.id, state: record.state, seq: record.seq });
        vmIds.add(record.id);
      }
    }
    for (const [id, record] of storeVms) tenantOfVm.set(id, record.tenantId);
    const vms = new Map<string, { tenantId: string; view: VmView | null; actor: ActorState }>();
    await mapLimit([...vmIds], 16, async (id) => {
      const tenantId = tenantOfVm.get(id) as string;
      vms.set(id, { tenantId, view: await vmClient(id).get(tenantId), actor: await readVm(id) });
    });

    // 1. Sessions: settled, with a reason.
    const sessionEvents = new Map<string, SessionEvent[]>();
    await mapLimit([...sessions.values()], 16, async (s) => {
      const page = await players(s.player.tenant.id, s.player.id).events(s.player.tenant.id, s.id, 0);
      sessionEvents.set(s.id, page?.items ?? []);
    });
    const reasonOf = (s: Tracked) => {
      const last = [...(sessionEvents.get(s.id) ?? [])].reverse().find((e) => e.type === "ended" || e.type === "failed");
      const reason = last?.data.reason;
      return typeof reason === "string" && reason !== "" ? reason : s.view.failureReason;
    };
    check(
      "sessions-settled",
      [...sessions.values()]
        .filter((s) => !["playable", "ended", "failed"].includes(s.view.state) || (s.view.state !== "playable" && !reasonOf(s)))
        .map((s) => ({
          session: s.id,
          player: s.player.id,
          state: s.view.state,
          reason: reasonOf(s),
          vm: s.view.vmId ? { id: s.view.vmId, state: vms.get(s.view.vmId)?.view?.state } : null,
          attempts: s.view.attempts.map((a) => `${a.region}:${a.outcome}:${a.reason ?? ""}`),
        })),
      `${sessions.size} sessions: every one playable, ended or failed with a reason (none starting)`,
    );

    // 2. VMs: stable, nothing queued, outbox flushed.
    const unstable: unknown[] = [];
    for (const [id, vm] of vms) {
      const status = vm.actor.status;
      if (!status) {
        unstable.push({ vm: id, problem: "no actor state" });
        continue;
      }
      if (!STABLE_STATES.includes(status.state) || status.pendingEffects.length > 0) {
        unstable.push({
          vm: id,
          state: status.state,
          pendingEffects: status.pendingEffects,
          effectAttempt: status.effectAttempt,
          deadline: status.deadline ? new Date(status.deadline).toISOString() : null,
        });
      }
    }
    check("vms-stable", unstable, `${vms.size} VMs rest in running, stopped, terminated or failed with no provider call queued`);

    // 2b. Every VM failure has a cause the campaign injected.
    const interruptedIds = new Set(interrupted.map((i) => i.instanceId));
    const directSet = new Set(directIds);
    const unexplained: Record<string, unknown>[] = [];
    for (const [id, vm] of vms) {
      const status = vm.actor.status;
      const spec = vm.actor.spec;
      if (!status || !spec || status.state !== "failed") continue;
      const reason = status.failureReason;
      const explained =
        reason === "capacity"
          ? faults.capacityExhaustedRegions.includes(spec.region)
          : reason === "quota"
            ? true // the catalog's per-region quota: a real limit, not a fault
            : reason === "provision-timeout" || reason === "boot-timeout" || reason === "stop-timeout"
              ? directSet.has(id) // only the direct VMs have deadlines a campaign can reach
              : reason === "instance-lost"
                ? status.providerInstanceId !== null && interruptedIds.has(status.providerInstanceId)
                : false;
      if (explained) continue;
      const events = await actorEvents(vm.tenantId, id);
      unexplained.push({
        vm: id,
        reason,
        region: spec.region,
        direct: directSet.has(id),
        session: spec.sessionId,
        interrupted: interrupted.find((i) => i.vmId === id)?.was ?? null,
        lastEvents: events.slice(-5).map((e) => {
          const code = typeof e.data.code === "string" ? ` ${e.data.code}` : "";
          const effect = typeof e.data.effect === "string" ? ` ${e.data.effect}` : "";
          return `${e.type} ${e.fromState}→${e.toState}${effect}${code}`;
        }),
      });
    }
    check("vm-failures-explained", unexplained, "every failed VM failed for a fault the campaign injected (no other cause)");

    // 3. Orphans and agreement with the provider (after the final reconcile).
    const instances = new Map<string, SimulatedInstance[]>();
    for (const tenant of allTenants) instances.set(tenant.id, await inspect(tenant.id));
    const orphans: unknown[] = [];
    const disagreements: unknown[] = [];
    for (const [tenantId, list] of instances) {
      for (const instance of list) {
        if (instance.state === "terminated") continue;
        const vmId = instance.tags["gp:vm"] ?? null;
        const vm = vmId ? vms.get(vmId) : undefined;
        const view = vm?.view ?? null;
        const owned =
          view !== null &&
          !FINAL_STATES.includes(view.state) &&
          (view.providerInstanceId === instance.instanceId || view.providerInstanceId === null);
        if (!owned) {
          orphans.push({
            tenantId,
            instanceId: instance.instanceId,
            state: instance.state,
            region: instance.region,
            vm: vmId,
            vmState: view?.state ?? "unknown",
            vmFailure: view?.failureReason ?? null,
            stuck: instance.stuckInPending,
          });
        }
      }
    }
    check("no-orphans", orphans, `no live instance at the provider without a live VM that owns it (after reconcile)`);
    for (const [id, vm] of vms) {
      const view = vm.view;
      if (!view) continue;
      const instance = instances.get(vm.tenantId)?.find((i) => i.instanceId === view.providerInstanceId) ?? null;
      const at = instance?.state ?? "absent";
      const agrees =
        view.state === "running"
          ? at === "running"
          : view.state === "stopped"
            ? at === "stopped"
            : FINAL_STATES.includes(view.state)
              ? at === "terminated" || at === "absent"
              : true;
      if (!agrees)
        disagreements.push({
          vm: id,
          state: view.state,
          failure: view.failureReason,
          instance: view.providerInstanceId,
          instanceState: at,
        });
    }
    check(
      "vms-match-provider",
      disagreements,
      "running VMs have a running instance, stopped ones a stopped one, ended ones none",
    );

    // 4. The ledger equals the billing timelines, to the micro-dollar.
    const ledgerProblems: unknown[] = [];
    const timelineProblems: unknown[] = [];
    let ledgerTotal = 0;
    let timelineTotal = 0;
    let runsTotal = 0;
    let segmentCount = 0;
    let billedVms = 0;
    const tenantTimeline = new Map<string, number>();
    await mapLimit([...vms.entries()], 8, async ([id, vm]) => {
      const { status, spec } = vm.actor;
      if (!status || !spec) return;
      const expected = segmentsOf(status.billing, spec);
      const ledger = await allPages((cursor) => store.listUsage(vm.tenantId, { vmId: id }, { cursor, limit: 200 }));
      const sum = (list: { costMicros: number }[]) => list.reduce((total, s) => total + s.costMicros, 0);
      const byId = new Map(ledger.map((s) => [s.id, s]));
      const wrong = expected.filter((s) => {
        const stored = byId.get(s.id);
        return !stored || stored.costMicros !== s.costMicros || stored.seconds !== s.seconds || stored.kind !== s.kind;
      });
      const extra = ledger.filter((s) => !expected.some((e) => e.id === s.id));
      const runs = priceRuns(status.billing.events, spec.provider.kind);
      if (wrong.length > 0 || extra.length > 0 || sum(ledger) !== sum(expected) || runs !== sum(ledger)) {
        ledgerProblems.push({
          vm: id,
          state: status.state,
          ledgerMicros: sum(ledger),
          timelineMicros: sum(expected),
          runsMicros: runs,
          missingOrDifferent: wrong.map((s) => s.id).slice(0, 5),
          extra: extra.map((s) => s.id).slice(0, 5),
          usageFlushed: status.billing.usageFlushed,
          lastFlushError: status.lastFlushError,
        });
      }
      // The timeline agrees with the lifecycle: nothing billed after the VM ended, compute while running.
      const state = status.state as VmState;
      const { computeOpen, diskOpen } = status.billing;
      const consistent =
        state === "running"
          ? computeOpen && !diskOpen
          : state === "stopped"
            ? !computeOpen && (diskOpen || status.billing.events.length === 0)
            : FINAL_STATES.includes(state)
              ? !computeOpen && !diskOpen
              : true;
      if (!consistent)
        timelineProblems.push({ vm: id, state, computeOpen, diskOpen, events: status.billing.events.map((e) => e.kind) });
      ledgerTotal += sum(ledger);
      timelineTotal += sum(expected);
      runsTotal += runs;
      segmentCount += ledger.length;
      if (ledger.length > 0) billedVms++;
      tenantTimeline.set(vm.tenantId, (tenantTimeline.get(vm.tenantId) ?? 0) + sum(expected));
    });
    for (const tenant of allTenants) {
      const [row] = await store.sumUsage(tenant.id, "none");
      const stored = row?.costMicros ?? 0;
      const expected = tenantTimeline.get(tenant.id) ?? 0;
      if (stored !== expected) ledgerProblems.push({ tenant: tenant.id, ledgerMicros: stored, timelineMicros: expected });
    }
    check(
      "ledger-exact",
      ledgerProblems,
      `ledger ${ledgerTotal} µ$ = timelines ${timelineTotal} µ$ = runs priced whole ${runsTotal} µ$, per VM and per tenant`,
    );
    check(
      "billing-matches-lifecycle",
      timelineProblems,
      "no open billing run on an ended VM; compute open exactly while running",
    );

    // 5. Every lifecycle event reached the Store, and the VM records are current.
    const eventProblems: unknown[] = [];
    let eventsCompared = 0;
    const eventTypes = new Counter();
    await mapLimit([...vms.entries()], 8, async ([id, vm]) => {
      const own = await actorEvents(vm.tenantId, id);
      const stored = await allPages((cursor) => store.listVmEvents(vm.tenantId, id, { cursor, limit: 200 }));
      for (const e of own) eventTypes.add(e.type);
      eventsCompared += own.length;
      const key = (e: VmEventRecord) => `${e.seq}|${e.type}|${e.fromState}|${e.toState}|${new Date(e.at).getTime()}`;
      const same = own.length === stored.length && own.every((e, i) => key(e) === key(stored[i] as VmEventRecord));
      const record = storeVms.get(id);
      const status = vm.actor.status;
      const recordOk = record !== undefined && status !== null && record.state === status.state && record.seq === status.seq;
      if (!same || !recordOk) {
        eventProblems.push({
          vm: id,
          actorEvents: own.length,
          storeEvents: stored.length,
          firstDifference: own.findIndex((e, i) => !stored[i] || key(e) !== key(stored[i] as VmEventRecord)),
          actorState: status ? `${status.state}#${status.seq}` : null,
          storeRecord: record ? `${record.state}#${record.seq}` : null,
          lastFlushError: status?.lastFlushError ?? null,
        });
      }
    });
    check(
      "events-in-store",
      eventProblems,
      `${eventsCompared} lifecycle events: the actors' logs equal the Store's, VM records current`,
    );

    // 6. Sessions reached the Store.
    const sessionProblems: unknown[] = [];
    await mapLimit([...sessions.values()], 16, async (s) => {
      const record = await store.getSession(s.player.tenant.id, s.id);
      if (!record || record.state !== s.view.state)
        sessionProblems.push({ session: s.id, actor: s.view.state, store: record?.state ?? null });
    });
    check("sessions-in-store", sessionProblems, `${sessions.size} session records in the Store have the player actors' state`);

    // 7. The budget's spend equals the ledger for its period.
    const [state] = await budgets(budgetTenant.id).states(budgetTenant.id);
    const [inPeriod] = state
      ? await store.sumUsage(budgetTenant.id, "none", { from: new Date(state.periodStart), to: new Date(state.periodEnd) })
      : [];
    const budgetProblems =
      state && state.spentMicros === (inPeriod?.costMicros ?? 0)
        ? []
        : [{ budget: budgetId, spentMicros: state?.spentMicros ?? null, ledgerMicros: inPeriod?.costMicros ?? 0 }];
    check(
      "budget-spend",
      budgetProblems,
      `budget spend ${state?.spentMicros ?? "?"} µ$ = ledger ${inPeriod?.costMicros ?? 0} µ$ this period`,
    );

    // 8. Every launch was accepted, the Store outage included (the hot path never waits on the Store).
    check("launches-accepted", rejected, `${counts.total()} POST /launch answered 202 (during the Store outage too)`);

    // 9. The jobs ran clean.
    const jobErrors = Object.values(jobReports)
      .flat()
      .flatMap((r) => r.errors.map((e) => ({ job: r.job, ...e })));
    check("jobs-clean", jobErrors, "no scheduled job run reported a tenant error");

    // --- figures ----------------------------------------------------------------------------------------
    const all = [...sessions.values()];
    const stateCount = new Counter();
    const endReasons = new Counter();
    for (const s of all) {
      stateCount.add(s.view.state);
      if (s.view.state !== "playable") endReasons.add(`${s.view.state}:${reasonOf(s) ?? "?"}`);
    }
    const vmStates = new Counter();
    const vmFailures = new Counter();
    const stopReasons = new Counter();
    for (const vm of vms.values()) {
      const status = vm.actor.status;
      if (!status) continue;
      vmStates.add(status.state);
      if (status.failureReason) vmFailures.add(status.failureReason);
      if (status.state === "stopped" && status.stopReason) stopReasons.add(status.stopReason);
    }
    const everPlayable = all.filter((s) => s.view.playableAt !== null);
    const ttp = everPlayable.map((s) => s.view.timeToPlayableMs ?? 0);
    const fallbacks = all.filter((s) => (sessionEvents.get(s.id) ?? []).some((e) => e.type === "fallback")).length;
    const allInstances = [...instances.values()].flat();
    const sumCounter = (name: JobName, key: string) => jobReports[name].reduce((t, r) => t + (r.counters[key] ?? 0), 0);

    figure("launches (POST /launch)", counts.total());
    figure("launch answers", counts.describe());
    figure("sessions", all.length);
    figure("sessions by state", stateCount.describe());
    figure("sessions ended/failed by reason", endReasons.describe());
    figure("sessions ever playable", everPlayable.length);
    figure("time to playable p50 / p95 / max (ms)", `${percentile(ttp, 50)} / ${percentile(ttp, 95)} / ${percentile(ttp, 100)}`);
    figure("warm starts", all.filter((s) => s.view.warm).length);
    figure("sessions with a capacity/quota fallback", fallbacks);
    figure("sessions ended by their players (DELETE)", all.filter((s) => s.endedBy === "player").length);
    figure(
      "sessions cancelled while starting (DELETE)",
      `${all.filter((s) => s.endedBy === "cancelled").length} (warm starts ${all.filter((s) => s.endedBy === "cancelled" && s.view.warm).length})`,
    );
    figure(
      "sessions given up (hopeless instance)",
      `${all.filter((s) => s.endedBy === "gave-up").length} (${all.filter((s) => s.gaveUpCause === "stuck-in-pending").length} stuck in pending, ${all.filter((s) => s.gaveUpCause === "agent-silent").length} silent agent)`,
    );
    figure("DELETE answers", deletes.describe());
    figure("VMs (launched + direct)", `${vms.size} (${vms.size - directIds.length} + ${directIds.length})`);
    figure("VMs by final state", vmStates.describe());
    figure("VM failure reasons", vmFailures.describe());
    figure("VMs stopped by reason", stopReasons.describe());
    figure("VM failures without an injected cause", unexplained.length);
    figure("provider errors absorbed (provider-error events)", eventTypes.get("provider-error"));
    figure(
      "instances at the provider",
      `${allInstances.length} (stuck in pending ${allInstances.filter((i) => i.stuckInPending).length}, silent agent ${allInstances.filter((i) => i.agent.silent).length}, live now ${allInstances.filter((i) => i.state !== "terminated").length})`,
    );
    figure(
      "instances interrupted (running / stopped)",
      `${interrupted.filter((i) => i.was === "running").length} / ${interrupted.filter((i) => i.was === "stopped").length}`,
    );
    figure(
      "Store outage",
      outage.startedAt === null
        ? "none"
        : `${(outage.restoredAt ?? Date.now()) - outage.startedAt} ms (${faults.outageTables[0]} from the start, ${faults.outageTables.slice(1).join(", ") || "nothing else"} for the second half)`,
    );
    figure(
      "reconcile runs / VMs lost / orphans terminated",
      `${jobReports.reconcile.length} / ${sumCounter("reconcile", "vmsLost")} / ${sumCounter("reconcile", "orphansTerminated")}`,
    );
    figure("reconcile listing errors (retried)", sumCounter("reconcile", "providerErrors"));
    figure("idle sweep: VMs stopped", sumCounter("idle-sweep", "stopped"));
    figure(
      "billing-check: budgets checked / corrected",
      `${sumCounter("billing-check", "budgets")} / ${sumCounter("billing-check", "corrected")}`,
    );
    figure("orphan instances after reconcile", orphans.length);
    figure("lifecycle events compared (actor = Store)", eventsCompared);
    figure("usage segments / VMs billed", `${segmentCount} / ${billedVms}`);
    figure("ledger total (µ$)", ledgerTotal);
    figure("timeline total (µ$)", timelineTotal);
    figure("launch answers other than 202 (first)", rejected.length === 0 ? "none" : JSON.stringify(rejected[0]));
    const durationMs = Date.now() - started;
    figure("duration (s)", (durationMs / 1000).toFixed(1));
    phase("checked");
    return { figures, checks, durationMs };
  } finally {
    await restoreOutage(outage);
  }
}

// --- the Store outage ---------------------------------------------------------------------------------

/** The outage, on its own clock: the first table goes, the rest join it halfway, all come back at the end. */
async function runOutage(outage: Outage, outageMs: number, log: (line: string) => void): Promise<void> {
  const [first, ...rest] = outage.tables;
  if (!first) return;
  const rename = async (table: string) => {
    await env.DB.exec(`ALTER TABLE ${table} RENAME TO ${table}_offline`);
    outage.renamed.push(table);
  };
  await rename(first);
  outage.startedAt = Date.now();
  log(`[fault campaign] Store outage: ${first} offline`);
  await sleep(outageMs / 2);
  if (outage.restoredAt !== null) return;
  for (const table of rest) await rename(table);
  log(`[fault campaign] Store outage: ${outage.renamed.join(", ")} offline`);
  await sleep(outageMs - (Date.now() - outage.startedAt));
  await restoreOutage(outage);
  log(`[fault campaign] Store outage over after ${(outage.restoredAt ?? Date.now()) - outage.startedAt} ms`);
}

async function restoreOutage(outage: Outage): Promise<void> {
  while (outage.renamed.length > 0) {
    const table = outage.renamed.pop() as string;
    await env.DB.exec(`ALTER TABLE ${table}_offline RENAME TO ${table}`);
  }
  if (outage.startedAt !== null) outage.restoredAt ??= Date.now();
}

// --- the report ---------------------------------------------------------------------------------------

/** The figures and checks as a text table (what the bench prints, and a failing test shows). */
export function formatCampaign(result: CampaignResult): string {
  const width = Math.max(...result.figures.map((f) => f.name.length), ...result.checks.map((c) => c.name.length + 2));
  const lines = ["Fault campaign", "", `${"figure".padEnd(width)} | value`, `${"-".repeat(width)}-|-${"-".repeat(40)}`];
  for (const f of result.figures) lines.push(`${f.name.padEnd(width)} | ${f.value}`);
  lines.push("", `${"check".padEnd(width)} | result`, `${"-".repeat(width)}-|-${"-".repeat(40)}`);
  for (const c of result.checks) {
    lines.push(`${(`${c.ok ? "✓" : "✗"} ${c.name}`).padEnd(width)} | ${c.ok ? "ok" : "FAILED"}: ${c.detail}`);
    for (const e of c.evidence.slice(0, EVIDENCE)) lines.push(`${" ".repeat(width)} |   ${JSON.stringify(e)}`);
    if (c.evidence.length > EVIDENCE) lines.push(`${" ".repeat(width)} |   … and ${c.evidence.length - EVIDENCE} more`);
  }
  return lines.join("\n");
}
