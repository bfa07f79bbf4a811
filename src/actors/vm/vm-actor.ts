// VmActor: one Durable Object per VM, the only writer of its state. It applies the pure
// lifecycle (src/domain/lifecycle.ts), makes the provider calls that result, polls the provider
// with backoff while a transition is in flight, enforces deadlines, and writes its record and
// events to the Store through an outbox, retried until they land (a Store outage loses nothing).
// Every state change is serialised through one queue, so a command arriving while a provider
// call is in flight waits its turn instead of interleaving with it.
//
// Limits: a running VM is stopped by its own alarm when it is idle, its agent is silent, or its
// boot reached the maximum session length (pure rule: ./limits.ts; `sweep` applies it on demand).
// The stop is an ordinary `stop` event whose data names the limit ({ reason, limitMs, ... }); the
// `observed` event that then enters `stopped` repeats the reason. Lifecycle webhooks (vm.running,
// vm.stopped, vm.failed: ./webhook-events.ts) are emitted by the outbox flush, after the events
// reach the Store. `checkInstance` is the reconciliation hook: a describe now, as polling does.
import { DurableObject } from "cloudflare:workers";
import { digestsEqual, sha256Hex } from "../../auth/tokens";
import { cumulativeByPeriod } from "../../domain/budgets";
import { failureReasonOf, IN_FLIGHT_STATES, transition, type VmCommand } from "../../domain/lifecycle";
import { loadConfig } from "../../env";
import { createLogger, type Logger } from "../../logger";
import { createProvider } from "../../providers/create-provider";
import { type InstanceState, type Provider, ProviderError } from "../../providers/types";
import { createStore } from "../../store/create-store";
import type { JsonObject, VmEventRecord } from "../../store/types";
import type { AgentActivity, AgentAnswer, StreamingEndpoint } from "../agent-types";
import { budgetActors } from "../budget/client";
import { webhookActors } from "../webhooks/client";
import { checkpoint, closeBilling, emptyBilling, observeForBilling, segmentsOf } from "./billing";
import { checkLimits, DEFAULT_LIMITS, instanceCheckAt, type LimitReason, limitAlarmAt } from "./limits";
import { recordOf, type VmSpec, type VmStatus, type VmView, viewOf } from "./state";
import { DEFAULT_TIMEOUTS, deadlineFor, pollDelayMs, retryDelayMs } from "./timing";
import { cloudInit } from "./user-data";
import { webhookEventsOf } from "./webhook-events";

export type CommandAnswer = { ok: true; view: VmView } | { ok: false; status: 404 | 409; message: string };
export type CreateAnswer = { created: boolean; sameRequest: boolean; view: VmView };
/** What `sweep` did: `stop` with the limit's reason, or nothing (`acted: null`). */
export interface SweepAnswer {
  acted: "stop" | null;
  reason: LimitReason | null;
  state: string;
}
/** The VM's state after `checkInstance`; `checked` is false when the provider was not (or could not be) asked. */
export interface CheckAnswer {
  state: string;
  checked: boolean;
}
export interface EventsPage {
  items: VmEventRecord[];
  nextCursor: number | null;
}

/** A create request: the VM's spec (the actor adds the agent token and user data). */
export type CreateVmInput = VmSpec;

interface StoredSpec extends VmSpec {
  userData: string;
}

const EVENT_PREFIX = "evt:";
const eventKey = (seq: number) => `${EVENT_PREFIX}${String(seq).padStart(10, "0")}`;
/** How long a just-created instance may be unknown to the provider's describe (EC2 is eventually consistent). */
const CREATE_VISIBILITY_GRACE_MS = 60_000;
/** Work done in one alarm before it reschedules itself (bounds one invocation). */
const MAX_STEPS_PER_ALARM = 8;
/** States in which `checkInstance` asks the provider whether the instance is still there. */
const CHECKED_STATES: readonly string[] = ["running", "stopped", "starting", "stopping"];

export class VmActor extends DurableObject<Env> {
  #spec: StoredSpec | null = null;
  #status: VmStatus | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #log: Logger = createLogger("info");

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.#spec = (await ctx.storage.get<StoredSpec>("spec")) ?? null;
      if (this.#spec && !this.#spec.limits) this.#spec.limits = DEFAULT_LIMITS; // stored before limits existed
      this.#status = (await ctx.storage.get<VmStatus>("status")) ?? null;
      if (this.#status && !this.#status.billing) this.#status.billing = emptyBilling(); // stored before billing existed
      const config = loadConfig(env);
      this.#log = createLogger(config.ok ? config.config.LOG_LEVEL : "info", { vmId: this.#spec?.vmId });
    });
  }

  // --- RPC: commands ---------------------------------------------------------------------------

  /** Creates the VM in `pending` and schedules the provider call. Idempotent by VM id. */
  create(input: CreateVmInput): Promise<CreateAnswer> {
    return this.#serial(async () => {
      if (this.#spec && this.#status) {
        return {
          created: false,
          sameRequest: this.#spec.requestHash === input.requestHash,
          view: viewOf(this.#spec, this.#status),
        };
      }
      const token = randomToken();
      const now = Date.now();
      const spec: StoredSpec = {
        ...input,
        userData: cloudInit({
          apiUrl: input.apiUrl,
          vmId: input.vmId,
          agentToken: token,
          streamingHost: input.streamingHost,
          emulatorId: input.emulatorId,
        }),
      };
      this.#spec = spec;
      this.#log = this.#log.child({ vmId: input.vmId, tenantId: input.tenantId });
      this.#status = {
        state: "pending",
        seq: 0,
        enteredAt: now,
        deadline: null,
        failureReason: null,
        providerInstanceId: null,
        pendingEffects: [],
        effectAttempt: 0,
        nextEffectAt: null,
        nextPollAt: null,
        pollAttempt: 0,
        agentTokenHash: await sha256Hex(token),
        endpoint: null,
        lastActivity: null,
        lastHeartbeatAt: null,
        lastActivityAt: null,
        timings: {
          acceptedAt: now,
          instanceCreatedAt: null,
          instanceRunningAt: null,
          agentReadyAt: null,
          timeToPlayableMs: null,
          bootStartedAt: now,
        },
        createdAt: now,
        updatedAt: now,
        unflushedFromSeq: null,
        recordDirty: true,
        flushAttempt: 0,
        nextFlushAt: now,
        lastFlushError: null,
        billing: emptyBilling(),
        stopReason: null,
      };
      const events: VmEventRecord[] = [
        this.#event("accepted", null, "pending", { provider: input.provider.id, region: input.region }),
      ];
      this.#apply({ type: "create" }, {}, events);
      await this.#save(events);
      return { created: true, sameRequest: true, view: viewOf(spec, this.#status) };
    });
  }

  get(tenantId: string): VmView | null {
    return this.#mine(tenantId) ? viewOf(this.#spec as VmSpec, this.#status as VmStatus) : null;
  }

  command(tenantId: string, type: "start" | "stop" | "terminate"): Promise<CommandAnswer> {
    return this.#serial(async () => {
      if (!this.#mine(tenantId)) return { ok: false, status: 404, message: "No such VM in this tenant." };
      const status = this.#status as VmStatus;
      const events: VmEventRecord[] = [];
      const result = this.#apply({ type }, {}, events);
      if (!result.ok) return { ok: false, status: 409, message: `${result.message} Its state is ${status.state}.` };
      if (type === "start" && result.changed) status.timings.bootStartedAt = Date.now();
      if (type === "stop" && result.changed) status.stopReason = "requested";
      await this.#save(events);
      return { ok: true, view: viewOf(this.#spec as VmSpec, status) };
    });
  }

  /** The actor's own event log (authoritative), in seq order after `afterSeq`. */
  async events(tenantId: string, afterSeq: number, limit: number): Promise<EventsPage | null> {
    if (!this.#mine(tenantId)) return null;
    const rows = await this.ctx.storage.list<VmEventRecord>({
      start: eventKey(afterSeq + 1),
      prefix: EVENT_PREFIX,
      limit: limit + 1,
    });
    const items = [...rows.values()].slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.size > limit && last ? last.seq : null };
  }

  /**
   * The safety net a scheduled job calls: applies the idle/lifetime limits now (the actor's own
   * alarm normally has already). Stops the VM when one is reached. Null when not this tenant's VM.
   */
  sweep(tenantId: string, now: number = Date.now()): Promise<SweepAnswer | null> {
    return this.#serial(async () => {
      if (!this.#mine(tenantId)) return null;
      const status = this.#status as VmStatus;
      const check = checkLimits((this.#spec as VmSpec).limits, status, now);
      if (!check.due) return { acted: null, reason: null, state: status.state };
      await this.#enforceLimit(check.reason);
      return { acted: "stop", reason: check.reason, state: status.state };
    });
  }

  /**
   * Reconciliation: asks the provider about the instance right now (as the actor's polling does),
   * so one that vanished (e.g. a spot interruption) fails the VM with `instance-lost` and closes
   * its billing. Only in running, stopped, starting and stopping. Null when not this tenant's VM.
   */
  checkInstance(tenantId: string): Promise<CheckAnswer | null> {
    return this.#serial(async () => {
      if (!this.#mine(tenantId)) return null;
      const status = this.#status as VmStatus;
      if (!CHECKED_STATES.includes(status.state)) return { state: status.state, checked: false };
      const checked = await this.#poll(Date.now());
      return { state: status.state, checked };
    });
  }

  // --- RPC: the in-VM agent --------------------------------------------------------------------

  agentReady(token: string, endpoint: StreamingEndpoint): Promise<AgentAnswer> {
    return this.#serial(async () => {
      const denied = await this.#checkAgent(token);
      if (denied) return denied;
      const status = this.#status as VmStatus;
      const events: VmEventRecord[] = [];
      const result = this.#apply({ type: "agent-ready" }, { host: endpoint.host }, events);
      if (!result.ok) return { ok: false, status: 409, message: `${result.message} Its state is ${status.state}.` };
      status.endpoint = endpoint;
      status.lastActivityAt = Date.now();
      // The agent runs, so the instance does: billing may start before a poll has seen it.
      if (observeForBilling(status.billing, this.#spec as VmSpec, "running", Date.now())) status.nextFlushAt ??= Date.now();
      await this.#save(events);
      return { ok: true };
    });
  }

  heartbeat(token: string, activity: AgentActivity): Promise<AgentAnswer> {
    return this.#serial(async () => {
      const denied = await this.#checkAgent(token);
      if (denied) return denied;
      const status = this.#status as VmStatus;
      const result = transition(status.state, { type: "heartbeat" });
      if (!result.ok) return { ok: false, status: 409, message: `${result.message} Its state is ${status.state}.` };
      const now = Date.now();
      status.lastHeartbeatAt = now;
      status.lastActivity = activity;
      if (activity.connectedClients > 0 || activity.inputEvents > 0) status.lastActivityAt = now;
      // Heartbeats are frequent: kept in the actor, not written as events or to the store each time.
      await this.ctx.storage.put("status", status);
      return { ok: true };
    });
  }

  // --- alarm: provider calls, polling, deadlines, outbox -----------------------------------------

  override async alarm(): Promise<void> {
    await this.#serial(async () => {
      if (!this.#spec || !this.#status) return;
      for (let step = 0; step < MAX_STEPS_PER_ALARM; step++) {
        const did = await this.#step(Date.now());
        if (!did) break;
      }
      await this.#schedule();
    });
  }

  /** Does the most urgent due piece of work; false when nothing is due. */
  async #step(now: number): Promise<boolean> {
    const status = this.#status as VmStatus;
    if (status.deadline !== null && now >= status.deadline) {
      const events: VmEventRecord[] = [];
      this.#apply({ type: "timeout" }, { deadline: new Date(status.deadline).toISOString() }, events);
      if (status.state === "terminating") status.deadline = now + (this.#spec as VmSpec).timeouts.terminateMs;
      await this.#save(events);
      return true;
    }
    if (status.pendingEffects.length > 0 && (status.nextEffectAt ?? 0) <= now) {
      await this.#runEffect(now);
      return true;
    }
    if (status.nextPollAt !== null && status.nextPollAt <= now && status.pendingEffects.length === 0) {
      await this.#poll(now);
      return true;
    }
    const silenceCheck = instanceCheckAt(status, this.#silenceCheckMs());
    if (silenceCheck !== null && silenceCheck <= now && status.pendingEffects.length === 0) {
      status.lastInstanceCheckAt = now;
      await this.#poll(now); // a vanished instance fails the VM (instance-lost) and closes billing
      return true;
    }
    const limit = checkLimits((this.#spec as VmSpec).limits, status, now);
    if (limit.due) {
      await this.#enforceLimit(limit.reason);
      return true;
    }
    if (status.billing.nextCheckpointAt !== null && status.billing.nextCheckpointAt <= now) {
      checkpoint(status.billing, now);
      status.nextFlushAt ??= now;
      await this.#save([]);
      return true;
    }
    if (status.nextFlushAt !== null && status.nextFlushAt <= now) {
      await this.#flush(now);
      return status.nextFlushAt === null; // stop this alarm after a failed flush
    }
    return false;
  }

  /** Stops a running VM that reached a limit; the `stop` event's data names the reason. */
  async #enforceLimit(reason: LimitReason): Promise<void> {
    const spec = this.#spec as VmSpec;
    const status = this.#status as VmStatus;
    const events: VmEventRecord[] = [];
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    status.stopReason = reason;
    this.#apply(
      { type: "stop" },
      {
        reason,
        limitMs: reason === "max-session" ? spec.limits.maxSessionMs : spec.limits.idleTimeoutMs,
        lastActivityAt: iso(status.lastActivityAt),
        lastHeartbeatAt: iso(status.lastHeartbeatAt),
      },
      events,
    );
    this.#log.info("limit reached: stopping the VM", { reason });
    await this.#save(events);
  }

  async #runEffect(now: number): Promise<void> {
    const spec = this.#spec as StoredSpec;
    const status = this.#status as VmStatus;
    const effect = status.pendingEffects[0];
    const events: VmEventRecord[] = [];
    try {
      const provider = this.#provider();
      const instanceId = status.providerInstanceId;
      if (effect === "createInstance") {
        const info = await provider.createInstance({
          idempotencyToken: `${spec.vmId}-create`,
          region: spec.region,
          instanceType: spec.instanceType,
          image: spec.image,
          userData: spec.userData,
          spot: spec.spot,
          diskGb: spec.diskGb,
          tags: { "gp:tenant": spec.tenantId, "gp:vm": spec.vmId, "gp:deployment": "gamer-provisioner" },
        });
        status.providerInstanceId = info.instanceId;
        status.timings.instanceCreatedAt = Date.now();
        events.push(this.#event("instance-created", status.state, status.state, { instanceId: info.instanceId }));
      } else if (instanceId === null) {
        // Nothing was ever created: a terminate has nothing to do, the instance is simply absent.
        if (effect === "terminateInstance") this.#apply({ type: "observed", instance: "missing" }, {}, events);
      } else if (effect === "startInstance") {
        await provider.startInstance(spec.region, instanceId);
      } else if (effect === "stopInstance") {
        await provider.stopInstance(spec.region, instanceId);
      } else if (effect === "terminateInstance") {
        await provider.terminateInstance(spec.region, instanceId);
      }
      // The effect is done: drop it (commands may have replaced the queue meanwhile only through
      // #apply, which runs in this same serial queue, so the head is still this effect).
      status.pendingEffects.shift();
      status.effectAttempt = 0;
      status.nextEffectAt = status.pendingEffects.length > 0 ? now : null;
      if (IN_FLIGHT_STATES.includes(status.state)) this.#pollSoon(now);
    } catch (error) {
      const failure = error instanceof ProviderError ? error : new ProviderError("transient", String(error));
      events.push(
        this.#event("provider-error", status.state, status.state, {
          effect: effect ?? null,
          kind: failure.kind,
          code: failure.code,
          message: failure.message.slice(0, 300),
          attempt: status.effectAttempt,
        }),
      );
      const retry = failure.kind === "transient" || failure.kind === "rate-limited";
      if (failure.code === "IncorrectInstanceState" && (effect === "startInstance" || effect === "stopInstance")) {
        await this.#afterIncorrectState(now, events);
      } else if (failure.kind === "not-found" && effect === "terminateInstance") {
        status.pendingEffects.shift();
        this.#apply({ type: "observed", instance: "missing" }, {}, events);
      } else if (retry) {
        status.effectAttempt++;
        status.nextEffectAt = now + retryDelayMs(status.effectAttempt, failure.retryAfterMs, 30_000);
      } else {
        status.pendingEffects.shift();
        this.#apply({ type: "provider-failed", reason: failureReasonOf(failure.kind) }, { code: failure.code }, events);
      }
      this.#log.warn("provider call failed", { effect, kind: failure.kind, code: failure.code });
    }
    await this.#save(events);
  }

  /**
   * A start or stop the provider refused because of the instance's state (EC2's
   * IncorrectInstanceState). Either the instance is between states — a stop while a start is still
   * pending, a start while it is still stopping — and the call is made again once it settles
   * (the state's deadline bounds the retries), or it is gone (e.g. retired while stopped), which the
   * lifecycle learns as an observation (`instance-lost`), not as a bad request.
   */
  async #afterIncorrectState(now: number, events: VmEventRecord[]): Promise<void> {
    const spec = this.#spec as StoredSpec;
    const status = this.#status as VmStatus;
    let observed: InstanceState | "missing" | null = null;
    try {
      const info = status.providerInstanceId
        ? await this.#provider().describeInstance(spec.region, status.providerInstanceId)
        : null;
      observed = info?.state ?? "missing";
    } catch {
      observed = null; // could not look: try the call again later
    }
    if (observed === "terminated" || observed === "missing" || observed === "shutting-down") {
      status.pendingEffects.shift();
      status.effectAttempt = 0;
      status.nextEffectAt = status.pendingEffects.length > 0 ? now : null;
      if (observeForBilling(status.billing, spec, observed, now)) status.nextFlushAt ??= now;
      this.#apply({ type: "observed", instance: observed }, { instance: observed }, events);
      return;
    }
    status.effectAttempt++;
    status.nextEffectAt = now + retryDelayMs(status.effectAttempt, null, 15_000);
  }

  /**
   * Describes the instance and applies what the provider reports; false when the describe failed
   * (retried with backoff while a transition is in flight; a stable state just stays as it is).
   */
  async #poll(now: number): Promise<boolean> {
    const spec = this.#spec as StoredSpec;
    const status = this.#status as VmStatus;
    const events: VmEventRecord[] = [];
    const instanceId = status.providerInstanceId;
    let described = true;
    try {
      const info = instanceId ? await this.#provider().describeInstance(spec.region, instanceId) : null;
      let observed: InstanceState | "missing" = info?.state ?? "missing";
      // Cloud APIs are eventually consistent: a just-created instance may not be visible yet.
      const created = status.timings.instanceCreatedAt;
      if (
        observed === "missing" &&
        status.state === "provisioning" &&
        created !== null &&
        now - created < CREATE_VISIBILITY_GRACE_MS
      ) {
        observed = "pending";
      }
      const before = status.state;
      if (
        observed === "running" &&
        status.timings.instanceRunningAt === null &&
        (before === "provisioning" || before === "starting")
      ) {
        status.timings.instanceRunningAt = Date.now();
      }
      if (observeForBilling(status.billing, spec, observed, now)) status.nextFlushAt ??= now;
      const result = this.#apply({ type: "observed", instance: observed }, { instance: observed }, events);
      if (result.ok && !result.changed && IN_FLIGHT_STATES.includes(status.state)) {
        status.pollAttempt++;
        status.nextPollAt = now + pollDelayMs(status.pollAttempt);
      }
    } catch (error) {
      described = false;
      if (IN_FLIGHT_STATES.includes(status.state)) {
        status.pollAttempt++;
        status.nextPollAt = now + pollDelayMs(status.pollAttempt);
      }
      this.#log.warn("describe failed", { error });
    }
    await this.#save(events);
    return described;
  }

  /** Writes the record and the unflushed events to the Store; on failure retries later. */
  async #flush(now: number): Promise<void> {
    const spec = this.#spec as StoredSpec;
    const status = this.#status as VmStatus;
    try {
      const config = loadConfig(this.env);
      if (!config.ok) throw new Error(`invalid settings: ${config.problems.map((p) => p.setting).join(", ")}`);
      const store = createStore(this.env, config.config);
      if (status.unflushedFromSeq !== null) {
        const rows = await this.ctx.storage.list<VmEventRecord>({
          start: eventKey(status.unflushedFromSeq),
          prefix: EVENT_PREFIX,
        });
        const written = [...rows.values()];
        for (let batch = written; batch.length > 0; batch = batch.slice(100)) {
          await store.appendVmEvents(batch.slice(0, 100));
        }
        // Lifecycle webhooks for the events now in the Store. Part of the flush: if queuing them
        // fails, the flush is retried and they are emitted again (deterministic ids: no duplicates).
        const hooks = webhookEventsOf(spec, written);
        if (hooks.length > 0) {
          const webhooks = webhookActors(this.env.WEBHOOK_ACTOR);
          for (const hook of hooks) await webhooks(spec.tenantId).emit(hook);
        }
      }
      await store.upsertVm(recordOf(spec, status));
      const segments = segmentsOf(status.billing, spec);
      for (let from = status.billing.usageFlushed; from < segments.length; from += 100) {
        await store.appendUsage(segments.slice(from, from + 100));
      }
      if (segments.length > status.billing.usageFlushed) {
        // The tenant's budgets learn the VM's cumulative spend per period once it is in the ledger
        // (cumulative, so a retried report never counts twice).
        await budgetActors(this.env.BUDGET_ACTOR)(spec.tenantId).recordUsage(spec.tenantId, {
          vmId: spec.vmId,
          playerId: spec.playerId,
          totals: cumulativeByPeriod(segments, status.billing.usageFlushed),
          computeOpen: status.billing.computeOpen,
        });
      }
      status.billing.usageFlushed = segments.length;
      status.unflushedFromSeq = null;
      status.recordDirty = false;
      status.flushAttempt = 0;
      status.nextFlushAt = null;
      status.lastFlushError = null;
    } catch (error) {
      status.flushAttempt++;
      status.nextFlushAt = now + retryDelayMs(status.flushAttempt);
      status.lastFlushError = error instanceof Error ? error.message.slice(0, 300) : String(error);
      this.#log.warn("outbox flush failed; will retry", { attempt: status.flushAttempt, error: status.lastFlushError });
    }
    await this.ctx.storage.put("status", status);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * Applies a command to the state: records the event, queues the effects, moves the deadline
   * and polling, and marks the outbox. Returns the transition result.
   */
  #apply(command: VmCommand, data: JsonObject, events: VmEventRecord[]) {
    const status = this.#status as VmStatus;
    const from = status.state;
    const result = transition(from, command);
    if (!result.ok) return result;
    const now = Date.now();
    if (result.changed) {
      status.state = result.state;
      status.enteredAt = now;
      status.deadline = deadlineFor(result.state, now, (this.#spec as VmSpec).timeouts);
      status.pollAttempt = 0;
      status.nextPollAt = IN_FLIGHT_STATES.includes(result.state) ? now + pollDelayMs(0) : null;
      if (result.reason) status.failureReason = result.reason;
      if ((result.state === "failed" || result.state === "terminated") && closeBilling(status.billing, now))
        status.nextFlushAt ??= now;
      if (result.state === "running") {
        status.stopReason = null;
        status.timings.agentReadyAt = now;
        status.timings.timeToPlayableMs = now - (status.timings.bootStartedAt ?? status.timings.acceptedAt);
      }
      // A new destination replaces work queued for the old one (e.g. terminate during a start).
      status.pendingEffects = [];
    }
    if (result.effects.length > 0) {
      status.pendingEffects.push(...result.effects.filter((e) => !status.pendingEffects.includes(e)));
      status.effectAttempt = 0;
      status.nextEffectAt = now;
    }
    if (result.changed || command.type !== "observed") {
      events.push(
        this.#event(command.type, from, status.state, {
          ...data,
          ...(result.reason ? { reason: result.reason } : {}),
          ...(result.changed && result.state === "stopped" && status.stopReason ? { reason: status.stopReason } : {}),
          ...(result.effects.length > 0 ? { effects: result.effects } : {}),
        }),
      );
    }
    return result;
  }

  #event(type: string, from: string | null, to: string | null, data: JsonObject): VmEventRecord {
    const status = this.#status as VmStatus;
    const spec = this.#spec as VmSpec;
    status.seq += 1;
    const at = Date.now();
    return {
      tenantId: spec.tenantId,
      vmId: spec.vmId,
      seq: status.seq,
      type,
      at: new Date(at),
      fromState: from,
      toState: to,
      data: { ...data, sinceAcceptedMs: at - status.timings.acceptedAt },
    };
  }

  /** Persists the status and new events atomically, marks the outbox and reschedules. */
  async #save(events: VmEventRecord[]): Promise<void> {
    const status = this.#status as VmStatus;
    status.updatedAt = Date.now();
    if (events.length > 0) {
      status.unflushedFromSeq ??= events[0]?.seq ?? null;
      status.recordDirty = true;
      status.nextFlushAt ??= Date.now();
    }
    const entries: Record<string, unknown> = { status, spec: this.#spec };
    for (const event of events) entries[eventKey(event.seq)] = event;
    await this.ctx.storage.put(entries);
    await this.#schedule();
  }

  async #schedule(): Promise<void> {
    const status = this.#status;
    if (!status) return;
    const now = Date.now();
    // While a provider call is queued, polling waits for it (it would only see the old state).
    const effectsQueued = status.pendingEffects.length > 0;
    const times = [
      effectsQueued ? status.nextEffectAt : status.nextPollAt,
      status.deadline,
      status.nextFlushAt,
      status.billing.nextCheckpointAt,
      // Heartbeats move the limits without rescheduling: an alarm that comes early finds nothing
      // due and reschedules from here, so a frequent heartbeat never rewrites the alarm.
      limitAlarmAt(checkLimits((this.#spec as VmSpec).limits, status, now), now),
      instanceCheckAt(status, this.#silenceCheckMs()),
    ].filter((t): t is number => t !== null);
    if (times.length === 0) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Math.min(...times));
  }

  #silenceCheckMs(): number {
    return (this.#spec as VmSpec).timeouts.silenceCheckMs ?? DEFAULT_TIMEOUTS.silenceCheckMs ?? 90_000;
  }

  #pollSoon(now: number): void {
    const status = this.#status as VmStatus;
    status.pollAttempt = 0;
    status.nextPollAt = now + pollDelayMs(0);
  }

  #provider(): Provider {
    const spec = this.#spec as VmSpec;
    return createProvider(this.env, spec.tenantId, spec.provider);
  }

  #mine(tenantId: string): boolean {
    return this.#spec !== null && this.#status !== null && this.#spec.tenantId === tenantId;
  }

  async #checkAgent(token: string): Promise<AgentAnswer | null> {
    if (!this.#spec || !this.#status) return { ok: false, status: 404, message: "No such VM." };
    if (!digestsEqual(await sha256Hex(token), this.#status.agentTokenHash)) {
      return { ok: false, status: 401, message: "The agent token does not belong to this VM." };
    }
    return null;
  }

  /** Runs `fn` after every earlier state change of this VM has finished. */
  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
