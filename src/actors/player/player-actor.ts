// PlayerActor: one Durable Object per (tenant, player), so everything that must be atomic per
// player is: idempotency keys, one active session at a time, resume before create. It turns a
// ranked list of placements into a session: resumes a live one, starts the player's stopped VM
// (warm), or creates a VM on the best candidate and falls back to the next on capacity or quota
// errors. Its alarm follows the VM until the session is playable, and its outbox writes
// sessions to the Store.
import { DurableObject } from "cloudflare:workers";
import { newId } from "../../domain/ids";
import { loadConfig } from "../../env";
import { createLogger } from "../../logger";
import { metricsWriter } from "../../metrics/writer";
import { createStore } from "../../store/create-store";
import { type VmActorClient, vmActors } from "../vm/client";
import { DEFAULT_LIMITS } from "../vm/limits";
import { DEFAULT_TIMEOUTS, retryDelayMs } from "../vm/timing";
import { webhookActors } from "../webhooks/client";
import {
  type LaunchCandidate,
  type LaunchRequest,
  LIVE_SESSION_STATES,
  type PlayerVm,
  type Session,
  type SessionEvent,
  type SessionState,
  type SessionView,
  sessionRecord,
  sessionView,
} from "./state";
import { sessionEndedEvent } from "./webhook-events";

export type LaunchAnswer =
  | { ok: true; created: boolean; resumed: boolean; view: SessionView }
  | { ok: false; status: 404 | 409; message: string };

export interface SessionEventsPage {
  items: SessionEvent[];
  state: SessionState;
}

interface PlayerState {
  sessions: Session[];
  idempotency: Record<string, { sessionId: string; requestHash: string; expiresAt: number }>;
  vms: PlayerVm[];
  dirty: string[];
  flushAttempt: number;
  nextFlushAt: number | null;
}

/** Regions tried before a launch fails (the first choice plus fallbacks). */
export const MAX_LAUNCH_ATTEMPTS = 3;
const FOLLOW_STARTING_MS = 1_000;
const FOLLOW_PLAYABLE_MS = 30_000;
const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const KEPT_SESSIONS = 50;
const KEPT_EVENTS = 100;
/** VM states from which a starting session's VM will not become playable by itself. */
const VM_GONE_STATES = new Set(["stopping", "stopped", "terminating", "terminated"]);
/**
 * VM failures after which the next candidate is tried: no room there, or the instance vanished
 * (e.g. a stopped VM whose instance the cloud retired, found by a warm start).
 */
const FALLBACK_REASONS = new Set(["capacity", "quota", "instance-lost"]);

export class PlayerActor extends DurableObject<Env> {
  #state: PlayerState = { sessions: [], idempotency: {}, vms: [], dirty: [], flushAttempt: 0, nextFlushAt: null };
  #queue: Promise<unknown> = Promise.resolve();
  #log = createLogger("info");

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = loadConfig(env);
    this.#log = createLogger(config.ok ? config.config.LOG_LEVEL : "info", { actor: "player" });
    ctx.blockConcurrencyWhile(async () => {
      this.#state = (await ctx.storage.get<PlayerState>("state")) ?? this.#state;
    });
  }

  // --- RPC -------------------------------------------------------------------------------------

  /**
   * Whether `launch(request)` would answer with an existing session (a replayed Idempotency-Key or
   * a live session of the same emulator, which it resumes) instead of starting a VM: such a launch
   * costs nothing new, so admission control lets it through. Read-only.
   */
  answersWithExisting(request: Pick<LaunchRequest, "idempotencyKey" | "requestHash" | "emulatorId">): boolean {
    const known = request.idempotencyKey ? this.#state.idempotency[request.idempotencyKey] : undefined;
    if (known && known.expiresAt > Date.now() && known.requestHash === request.requestHash && this.#session(known.sessionId))
      return true;
    return this.#state.sessions.some((s) => LIVE_SESSION_STATES.includes(s.state) && s.emulatorId === request.emulatorId);
  }

  launch(request: LaunchRequest): Promise<LaunchAnswer> {
    return this.#serial(async () => {
      const now = Date.now();
      const known = request.idempotencyKey ? this.#state.idempotency[request.idempotencyKey] : undefined;
      if (known && known.expiresAt > now) {
        const session = this.#session(known.sessionId);
        if (known.requestHash !== request.requestHash) {
          return { ok: false, status: 409, message: "This Idempotency-Key was already used for a different launch." };
        }
        if (session) return { ok: true, created: false, resumed: false, view: sessionView(session) };
      }
      const live = this.#state.sessions.filter((s) => LIVE_SESSION_STATES.includes(s.state));
      const same = live.find((s) => s.emulatorId === request.emulatorId);
      if (same) {
        this.#remember(request, same.id, now);
        this.#push(same, "resumed", {});
        await this.#save();
        return { ok: true, created: false, resumed: true, view: sessionView(same) };
      }
      if (live.length >= request.maxActiveSessions) {
        return {
          ok: false,
          status: 409,
          message: `Player ${request.playerId} already has an active session (${live.map((s) => s.id).join(", ")}); end it first.`,
        };
      }
      const session = this.#newSession(request, now);
      const warm = await this.#warmStart(session, request);
      if (!warm) await this.#tryNext(session);
      this.#state.sessions.push(session);
      this.#state.sessions = this.#state.sessions.slice(-KEPT_SESSIONS);
      this.#remember(request, session.id, now);
      await this.#save();
      return { ok: true, created: true, resumed: false, view: sessionView(session) };
    });
  }

  get(tenantId: string, sessionId: string): SessionView | null {
    const session = this.#session(sessionId);
    return session && session.tenantId === tenantId ? sessionView(session) : null;
  }

  events(tenantId: string, sessionId: string, afterSeq: number): SessionEventsPage | null {
    const session = this.#session(sessionId);
    if (!session || session.tenantId !== tenantId) return null;
    return { items: session.events.filter((e) => e.seq > afterSeq), state: session.state };
  }

  /** Ends a session: its VM is stopped (kept for a fast warm start) or, if it cannot be, terminated. */
  end(tenantId: string, sessionId: string): Promise<LaunchAnswer> {
    return this.#serial(async () => {
      const session = this.#session(sessionId);
      if (!session || session.tenantId !== tenantId) return { ok: false, status: 404, message: "No such session." };
      if (LIVE_SESSION_STATES.includes(session.state) && session.vmId) {
        const vm = this.#vm(session.vmId);
        const stopped = await vm.command(tenantId, "stop");
        if (!stopped.ok) await vm.command(tenantId, "terminate");
      }
      if (LIVE_SESSION_STATES.includes(session.state)) this.#transition(session, "ended", "ended", { reason: "requested" });
      await this.#save();
      return { ok: true, created: false, resumed: false, view: sessionView(session) };
    });
  }

  override async alarm(): Promise<void> {
    await this.#serial(async () => {
      for (const session of this.#state.sessions.filter((s) => LIVE_SESSION_STATES.includes(s.state))) {
        await this.#follow(session).catch((error) => this.#log.warn("could not follow the session's VM", { error }));
      }
      await this.#flush();
      await this.#save();
    });
  }

  // --- launch steps ----------------------------------------------------------------------------

  #newSession(request: LaunchRequest, now: number): Session {
    const session: Session = {
      id: newId("ses", now),
      tenantId: request.tenantId,
      playerId: request.playerId,
      emulatorId: request.emulatorId,
      streamingHost: request.streamingHost,
      game: request.game,
      state: "starting",
      version: 0,
      vmId: null,
      attempts: [],
      remaining: [...request.candidates],
      placement: request.placement,
      endpoint: null,
      warm: false,
      failureReason: null,
      endReason: null,
      apiUrl: request.apiUrl,
      limits: request.limits,
      createdAt: now,
      playableAt: null,
      endedAt: null,
      events: [],
    };
    this.#push(session, "accepted", { candidates: request.candidates.length });
    return session;
  }

  /** Starts the player's stopped VM for this emulator in an acceptable region, if there is one. */
  async #warmStart(session: Session, request: LaunchRequest): Promise<boolean> {
    const mine = this.#state.vms
      .filter((vm) => vm.emulatorId === request.emulatorId && request.acceptableRegions.includes(`${vm.provider}:${vm.region}`))
      .filter((vm) => vm.state !== "terminated" && vm.state !== "failed")
      .reverse(); // the most recent first
    for (const known of mine) {
      const client = this.#vm(known.vmId);
      const view = await client.get(request.tenantId);
      known.state = view?.state ?? "terminated";
      if (view?.state !== "stopped") continue;
      const answer = await client.command(request.tenantId, "start");
      if (!answer.ok) continue;
      known.state = answer.view.state;
      session.warm = true;
      session.vmId = known.vmId;
      session.attempts.push({
        provider: known.provider,
        region: known.region,
        instanceType: answer.view.instanceType,
        vmId: known.vmId,
        outcome: "pending",
        reason: null,
        warm: true,
      });
      this.#push(session, "warm-start", { vmId: known.vmId, region: known.region });
      return true;
    }
    return false;
  }

  /** Creates a VM on the next untried candidate, or fails the session when none is left. */
  async #tryNext(session: Session): Promise<void> {
    const candidate = session.attempts.length < MAX_LAUNCH_ATTEMPTS ? session.remaining.shift() : undefined;
    if (!candidate) {
      const last = session.attempts[session.attempts.length - 1];
      this.#transition(session, "failed", "failed", { reason: last?.reason ?? "no-feasible-region" });
      session.failureReason = last?.reason ?? "no-feasible-region";
      return;
    }
    const vmId = newId("vm");
    const answer = await this.#vm(vmId).create({
      vmId,
      tenantId: session.tenantId,
      provider: candidate.provider,
      region: candidate.region,
      instanceType: candidate.instanceType,
      emulatorId: session.emulatorId,
      streamingHost: session.streamingHost,
      image: candidate.image,
      diskGb: candidate.diskGb,
      spot: candidate.spot,
      playerId: session.playerId,
      sessionId: session.id,
      apiUrl: session.apiUrl,
      requestHash: session.id,
      timeouts: DEFAULT_TIMEOUTS,
      limits: session.limits ?? DEFAULT_LIMITS,
    });
    session.vmId = vmId;
    session.attempts.push(attemptOf(candidate, vmId));
    this.#state.vms.push({
      vmId,
      provider: candidate.provider.id,
      region: candidate.region,
      emulatorId: session.emulatorId,
      state: answer.view.state,
    });
    this.#push(session, "vm-requested", {
      vmId,
      provider: candidate.provider.id,
      region: candidate.region,
      attempt: session.attempts.length,
    });
  }

  /** Follows the session's VM: playable when it runs, fallback on capacity/quota, ended otherwise. */
  async #follow(session: Session): Promise<void> {
    if (!session.vmId) return;
    const view = await this.#vm(session.vmId).get(session.tenantId);
    const attempt = session.attempts[session.attempts.length - 1];
    const known = this.#state.vms.find((vm) => vm.vmId === session.vmId);
    if (known && view) known.state = view.state;
    if (!view || !attempt) return;
    if (session.state === "starting" && view.state === "running") {
      attempt.outcome = "playable";
      session.endpoint = view.endpoint;
      session.playableAt = Date.now();
      this.#transition(session, "playable", "playable", { vmId: view.id, endpoint: view.endpoint?.host ?? null });
      metricsWriter(this.env).launch({
        provider: attempt.provider,
        region: attempt.region,
        warm: session.warm,
        timeToPlayableMs: session.playableAt - session.createdAt,
        attempts: session.attempts.length,
        tenantId: session.tenantId,
      });
    } else if (view.state === "failed") {
      attempt.outcome = "failed";
      attempt.reason = view.failureReason;
      if (session.state === "starting" && FALLBACK_REASONS.has(view.failureReason ?? "")) {
        this.#push(session, "fallback", { from: view.region, reason: view.failureReason });
        await this.#tryNext(session);
      } else {
        session.failureReason = view.failureReason ?? "vm-failed";
        this.#transition(session, "failed", "failed", { reason: session.failureReason });
      }
    } else if (session.state === "playable" && view.state !== "running") {
      this.#transition(session, "ended", "ended", { reason: `vm-${view.state}` });
    } else if (session.state === "starting" && VM_GONE_STATES.has(view.state)) {
      // Stopped or terminated before it was ever playable (e.g. a limit, an operator): it will not become so.
      attempt.outcome = "failed";
      attempt.reason = `vm-${view.state}`;
      session.failureReason = `vm-${view.state}`;
      this.#transition(session, "failed", "failed", { reason: session.failureReason });
    }
  }

  // --- bookkeeping -----------------------------------------------------------------------------

  #transition(session: Session, state: SessionState, type: string, data: Record<string, unknown>): void {
    session.state = state;
    if (state === "ended" || state === "failed") {
      session.endedAt ??= Date.now();
      session.endReason ??= typeof data.reason === "string" ? data.reason : state;
    }
    this.#push(session, type, data);
  }

  #push(session: Session, type: string, data: Record<string, unknown>): void {
    session.version += 1;
    const last = session.events[session.events.length - 1];
    session.events.push({ seq: (last?.seq ?? 0) + 1, at: new Date().toISOString(), type, state: session.state, data });
    session.events = session.events.slice(-KEPT_EVENTS);
    if (!this.#state.dirty.includes(session.id)) this.#state.dirty.push(session.id);
    this.#state.nextFlushAt ??= Date.now();
  }

  #remember(request: LaunchRequest, sessionId: string, now: number): void {
    for (const [key, entry] of Object.entries(this.#state.idempotency))
      if (entry.expiresAt <= now) delete this.#state.idempotency[key];
    if (request.idempotencyKey) {
      this.#state.idempotency[request.idempotencyKey] = {
        sessionId,
        requestHash: request.requestHash,
        expiresAt: now + IDEMPOTENCY_TTL_MS,
      };
    }
  }

  /**
   * Writes changed sessions to the Store and emits `session.ended` for those that ended or failed;
   * on failure keeps them and retries with backoff (the webhook id makes a re-emit a no-op).
   */
  async #flush(): Promise<void> {
    const state = this.#state;
    if (state.dirty.length === 0 || (state.nextFlushAt ?? 0) > Date.now()) return;
    try {
      const config = loadConfig(this.env);
      if (!config.ok) throw new Error("invalid settings");
      const store = createStore(this.env, config.config);
      const webhooks = webhookActors(this.env.WEBHOOK_ACTOR);
      for (const id of [...state.dirty]) {
        const session = this.#session(id);
        if (session) await store.upsertSession(sessionRecord(session));
        const ended = session ? sessionEndedEvent(session) : null;
        if (session && ended) await webhooks(session.tenantId).emit(ended);
        state.dirty = state.dirty.filter((d) => d !== id);
      }
      state.flushAttempt = 0;
      state.nextFlushAt = null;
    } catch (error) {
      state.flushAttempt++;
      state.nextFlushAt = Date.now() + retryDelayMs(state.flushAttempt);
      this.#log.warn("session outbox flush failed; will retry", { error });
    }
  }

  async #save(): Promise<void> {
    await this.ctx.storage.put("state", this.#state);
    const live = this.#state.sessions.filter((s) => LIVE_SESSION_STATES.includes(s.state));
    const times: number[] = [];
    if (live.some((s) => s.state === "starting")) times.push(Date.now() + FOLLOW_STARTING_MS);
    else if (live.length > 0) times.push(Date.now() + FOLLOW_PLAYABLE_MS);
    if (this.#state.dirty.length > 0) times.push(this.#state.nextFlushAt ?? Date.now());
    if (times.length > 0) await this.ctx.storage.setAlarm(Math.min(...times));
  }

  #session(id: string): Session | undefined {
    return this.#state.sessions.find((s) => s.id === id);
  }

  #vm(vmId: string): VmActorClient {
    return vmActors(this.env.VM_ACTOR)(vmId);
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function attemptOf(candidate: LaunchCandidate, vmId: string) {
  return {
    provider: candidate.provider.id,
    region: candidate.region,
    instanceType: candidate.instanceType,
    vmId,
    outcome: "pending" as const,
    reason: null,
    warm: false,
  };
}
