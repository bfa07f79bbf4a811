// SimulatedCloud: the embedded cloud, one Durable Object per account (`${tenantId}:${providerId}`).
// It behaves like a real cloud API, asynchronously: instances pass through pending, stopping and
// shutting-down for configurable delays, evaluated lazily from stored timestamps on every call.
// Faults (transient errors, capacity, stuck instances, silent agents) come from a seeded PRNG
// kept in storage, so the same seed and call sequence give the same faults. The one alarm
// drives the simulated in-VM agent, which reports to the VM's actor over RPC.
import { DurableObject } from "cloudflare:workers";
import { LOG_LEVELS } from "../../env";
import { createLogger, type Logger, type LogLevel } from "../../logger";
import type { CreateInstanceInput, InstanceInfo } from "../types";
import { type AgentTarget, agentIdentity, callAgent, streamingEndpoint, syntheticActivity } from "./agent";
import {
  COLUMNS,
  effective,
  type InstanceRow,
  instanceIdFor,
  moved,
  publicIpFor,
  rowFromSql,
  rowValues,
  SCHEMA,
  type SimulatedInstance,
  toInfo,
  toSimulated,
} from "./instances";
import { type CreateLimits, canonicalParams, fail, ok, type SimResult, validateCreateInput } from "./requests";
import {
  type ErrorRateOperation,
  mergeSettings,
  mulberry32,
  type SimulationSettings,
  type SimulationSettingsPatch,
  seedState,
  withDefaults,
} from "./settings";

export type { SimulatedInstance } from "./instances";
export type { CreateLimits, SimResult } from "./requests";
export type { SimulationSettings, SimulationSettingsPatch } from "./settings";

/** The soonest the agent repeats a ready report that failed (otherwise after agentReadyDelayMs). */
const MIN_READY_RETRY_MS = 50;

function incorrectState<T>(row: InstanceRow, action: string): SimResult<T> {
  return fail("invalid-request", "IncorrectInstanceState", `The instance '${row.id}' is ${row.state} and cannot be ${action}.`);
}

export class SimulatedCloud extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  readonly #log: Logger;
  #warnedNoActor = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.#sql.exec(statement);
    const level = (LOG_LEVELS as readonly string[]).includes(env.LOG_LEVEL) ? (env.LOG_LEVEL as LogLevel) : "info";
    this.#log = createLogger(level, { component: "SimulatedCloud", account: ctx.id.toString() });
  }

  // --- RPC: the cloud API ------------------------------------------------------------------------

  async createInstance(input: CreateInstanceInput, limits: CreateLimits): Promise<SimResult<InstanceInfo>> {
    const settings = await this.#begin();
    if (this.#faulty("create", settings)) return this.#transient("RunInstances");
    const invalid = validateCreateInput(input);
    if (invalid) return fail("invalid-request", "InvalidParameterValue", invalid);

    const params = canonicalParams(input);
    const now = Date.now();
    if (input.idempotencyToken !== "") {
      const raw = this.#sql.exec("SELECT * FROM instances WHERE token = ? LIMIT 1", input.idempotencyToken).toArray()[0];
      if (raw) {
        const existing = rowFromSql(raw);
        if (existing.params !== params) {
          return fail(
            "invalid-request",
            "IdempotentParameterMismatch",
            `The client token '${input.idempotencyToken}' was already used with different parameters (instance ${existing.id}).`,
          );
        }
        return ok(toInfo(effective(existing, now)));
      }
    }

    const live = this.#rows("SELECT * FROM instances WHERE region = ? AND state != 'terminated'", input.region)
      .map((row) => effective(row, now))
      .filter((row) => row.state !== "terminated");
    if (limits.maxInstances !== null && live.length >= limits.maxInstances) {
      return fail(
        "quota",
        "InstanceLimitExceeded",
        `Your quota allows for ${limits.maxInstances} instances in ${input.region}; ${live.length} are in use.`,
      );
    }
    const gpusInUse = live.reduce((sum, row) => sum + row.gpus, 0);
    if (limits.maxGpus !== null && limits.gpusPerInstance > 0 && gpusInUse + limits.gpusPerInstance > limits.maxGpus) {
      return fail(
        "quota",
        "VcpuLimitExceeded",
        `Your GPU limit in ${input.region} is ${limits.maxGpus}; ${gpusInUse} are in use and ${input.instanceType} needs ${limits.gpusPerInstance}.`,
      );
    }
    if (settings.capacityExhaustedRegions.includes(input.region)) {
      return fail(
        "capacity",
        "InsufficientInstanceCapacity",
        `There is no ${input.spot ? "spot " : ""}capacity for ${input.instanceType} in ${input.region} right now.`,
      );
    }

    // Both draws always happen, so one setting does not shift the other's sequence.
    const stuck = this.#random() < settings.stuckInPendingRate;
    const agentSilent = this.#random() < settings.agentSilentRate;
    const seq = Number(this.#sql.exec("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM instances").one().seq);
    const created: InstanceRow = {
      id: instanceIdFor(this.ctx.id.toString(), seq),
      seq,
      token: input.idempotencyToken,
      params,
      region: input.region,
      instanceType: input.instanceType,
      spot: input.spot,
      tags: { ...input.tags },
      userData: input.userData,
      gpus: Math.max(0, Math.trunc(limits.gpusPerInstance)),
      createdAt: now,
      state: "pending",
      stateAt: now,
      dueAt: stuck ? null : now + settings.bootDelayMs,
      launchedAt: null,
      stuck,
      agentSilent,
      agentStatus: "off",
      agentNextAt: null,
      agentGen: 0,
      agentReports: 0,
      agentError: null,
    };
    const row = this.#bootAgent(created, settings);
    this.#save(row);
    await this.#scheduleAlarm();
    return ok(toInfo(row));
  }

  async describeInstance(region: string, instanceId: string): Promise<SimResult<InstanceInfo | null>> {
    const settings = await this.#begin();
    if (this.#faulty("describe", settings)) return this.#transient("DescribeInstances");
    const row = this.#find(region, instanceId);
    return ok(row ? toInfo(row) : null);
  }

  async startInstance(region: string, instanceId: string): Promise<SimResult<void>> {
    const settings = await this.#begin();
    if (this.#faulty("start", settings)) return this.#transient("StartInstances");
    const row = this.#find(region, instanceId);
    if (!row) return this.#notFound(instanceId);
    switch (row.state) {
      case "pending":
      case "running":
        return ok(undefined);
      case "stopped": {
        this.#save(this.#bootAgent(moved(row, "pending", Date.now(), settings.bootDelayMs), settings));
        await this.#scheduleAlarm();
        return ok(undefined);
      }
      default:
        return incorrectState(row, "started");
    }
  }

  async stopInstance(region: string, instanceId: string): Promise<SimResult<void>> {
    const settings = await this.#begin();
    if (this.#faulty("stop", settings)) return this.#transient("StopInstances");
    const row = this.#find(region, instanceId);
    if (!row) return this.#notFound(instanceId);
    switch (row.state) {
      case "stopping":
      case "stopped":
        return ok(undefined);
      case "running": {
        this.#save(this.#haltAgent(moved(row, "stopping", Date.now(), settings.stopDelayMs)));
        await this.#scheduleAlarm();
        return ok(undefined);
      }
      default:
        return incorrectState(row, "stopped");
    }
  }

  async terminateInstance(region: string, instanceId: string): Promise<SimResult<void>> {
    const settings = await this.#begin();
    if (this.#faulty("terminate", settings)) return this.#transient("TerminateInstances");
    const row = this.#find(region, instanceId);
    if (row && row.state !== "shutting-down" && row.state !== "terminated") {
      this.#save(this.#haltAgent(moved(row, "shutting-down", Date.now(), settings.terminateDelayMs)));
      await this.#scheduleAlarm();
    }
    return ok(undefined);
  }

  async listInstances(region: string, tags: Record<string, string>): Promise<SimResult<InstanceInfo[]>> {
    const settings = await this.#begin();
    if (this.#faulty("list", settings)) return this.#transient("DescribeInstances");
    const now = Date.now();
    const wanted = Object.entries(tags ?? {});
    const found = this.#rows("SELECT * FROM instances WHERE region = ? AND state != 'terminated' ORDER BY seq", region)
      .map((row) => effective(row, now))
      .filter((row) => row.state !== "terminated" && wanted.every(([key, value]) => row.tags[key] === value))
      .map(toInfo);
    return ok(found);
  }

  // --- RPC: simulation controls (tests, benchmarks, operators) ------------------------------------
  // Not cloud calls: no latency, no faults. Misuse is answered `{ ok: false }`, never thrown (a
  // rejecting RPC leaks an unhandled rejection under vitest-pool-workers, workers-sdk#14736).

  /** Merges `patch` into the stored settings and returns them; a `seed` in it restarts the PRNG. */
  async configure(patch: SimulationSettingsPatch = {}): Promise<SimResult<SimulationSettings>> {
    const next = mergeSettings(this.#settings(), patch);
    if (typeof next === "string") {
      this.#log.warn("invalid simulation settings ignored", { reason: next });
      return fail("invalid-request", "InvalidParameterValue", `Invalid simulation settings: ${next}`);
    }
    this.#setMeta("settings", JSON.stringify(next));
    if (patch.seed !== undefined) this.#setMeta("prng", String(seedState(next.seed)));
    await this.#scheduleAlarm();
    return ok(next);
  }

  /** Every instance of the account, terminated ones included, in creation order. */
  async inspect(): Promise<SimulatedInstance[]> {
    const now = Date.now();
    return this.#rows("SELECT * FROM instances ORDER BY seq").map((row) => toSimulated(effective(row, now)));
  }

  /**
   * A spot interruption (or host failure) of any live instance: it goes shutting-down, then
   * terminated after terminateDelayMs. Answers the instance as it is now.
   */
  async interrupt(instanceId: string): Promise<SimResult<InstanceInfo>> {
    const settings = this.#settings();
    const raw = this.#sql.exec("SELECT * FROM instances WHERE id = ?", instanceId).toArray()[0];
    if (!raw) return this.#notFound(instanceId);
    let row = effective(rowFromSql(raw), Date.now());
    if (row.state !== "shutting-down" && row.state !== "terminated") {
      row = this.#haltAgent(moved(row, "shutting-down", Date.now(), settings.terminateDelayMs));
      this.#save(row);
      await this.#scheduleAlarm();
      this.#log.info("simulated interruption", { instanceId, spot: row.spot });
    }
    return ok(toInfo(row));
  }

  // --- the simulated agent ----------------------------------------------------------------------------

  /** Runs every agent action that is due. Never throws: failures are retried by a later alarm. */
  override async alarm(): Promise<void> {
    try {
      await this.#runAgents();
    } catch (error) {
      this.#log.error("simulated agent failed", { error });
    }
    try {
      await this.#scheduleAlarm();
    } catch (error) {
      this.#log.error("could not schedule the next agent alarm", { error });
    }
  }

  async #runAgents(): Promise<void> {
    const now = Date.now();
    const due = this.#rows("SELECT * FROM instances WHERE agent_next_at IS NOT NULL AND agent_next_at <= ?", now);
    if (due.length === 0) return;
    const settings = this.#settings();
    if (settings.agent === "off") {
      for (const row of due) this.#updateAgent(row, { agentStatus: "off", agentNextAt: null, agentError: null });
      return;
    }
    const ns = (this.env as unknown as { VM_ACTOR?: DurableObjectNamespace }).VM_ACTOR;
    if (!ns) {
      if (!this.#warnedNoActor) {
        this.#warnedNoActor = true;
        this.#log.warn("no VM_ACTOR binding: the simulated agent cannot report, skipping", { instances: due.length });
      }
      for (const row of due)
        this.#updateAgent(row, { agentStatus: "stopped", agentNextAt: null, agentError: "no VM_ACTOR binding" });
      return;
    }
    await Promise.all(due.map((row) => this.#act(ns, row, now, settings)));
  }

  /** One agent action for one instance: the ready report, or a heartbeat. */
  async #act(ns: DurableObjectNamespace, stored: InstanceRow, now: number, settings: SimulationSettings): Promise<void> {
    const row = effective(stored, now);
    if (row.state !== "running") {
      this.#updateAgent(stored, { agentStatus: "stopped", agentNextAt: null, agentError: null });
      return;
    }
    const identity = agentIdentity(row.userData);
    if (!identity) {
      const agentError = "user data names no GP_AGENT_TOKEN and GP_VM_ID";
      this.#updateAgent(stored, { agentStatus: "stopped", agentNextAt: null, agentError });
      return;
    }
    const ready = row.agentStatus === "waiting";
    const outcome = await callAgent(() => {
      const actor = ns.get(ns.idFromName(identity.vmId)) as unknown as AgentTarget;
      return ready
        ? actor.agentReady(identity.token, streamingEndpoint(row.id, publicIpFor(row.seq), identity.protocol))
        : actor.heartbeat(identity.token, syntheticActivity(row.id, row.agentReports, settings.heartbeatIntervalMs));
    });
    const at = Date.now();
    const interval = settings.heartbeatIntervalMs;
    if (outcome.kind === "ok") {
      this.#updateAgent(stored, {
        agentStatus: "heartbeating",
        agentNextAt: at + interval,
        agentReports: stored.agentReports + 1,
        agentError: null,
      });
    } else if (outcome.kind === "refused") {
      this.#updateAgent(stored, { agentStatus: "stopped", agentNextAt: null, agentError: outcome.message });
    } else {
      // A real agent retries its ready report soon (the actor may not have seen the instance
      // running yet: 409), and simply sends the next heartbeat.
      const retryMs = ready ? Math.min(interval, Math.max(settings.agentReadyDelayMs, MIN_READY_RETRY_MS)) : interval;
      this.#updateAgent(stored, { agentNextAt: at + retryMs, agentError: outcome.message });
    }
  }

  /** A (re)boot: the agent reports ready agentReadyDelayMs after the instance is running. */
  #bootAgent(row: InstanceRow, settings: SimulationSettings): InstanceRow {
    const agentGen = row.agentGen + 1;
    if (settings.agent === "off" || row.agentSilent || row.dueAt === null) {
      return { ...row, agentStatus: "off", agentNextAt: null, agentGen };
    }
    return { ...row, agentStatus: "waiting", agentNextAt: row.dueAt + settings.agentReadyDelayMs, agentGen, agentError: null };
  }

  /** The instance stops running: its agent goes quiet. */
  #haltAgent(row: InstanceRow): InstanceRow {
    const agentStatus = row.agentStatus === "off" ? "off" : "stopped";
    return { ...row, agentStatus, agentNextAt: null, agentGen: row.agentGen + 1 };
  }

  /** Writes agent fields, unless the instance's agent was reset meanwhile (stop, start...). */
  #updateAgent(
    row: InstanceRow,
    change: Partial<Pick<InstanceRow, "agentStatus" | "agentNextAt" | "agentReports" | "agentError">>,
  ): void {
    const next = { ...row, ...change };
    this.#sql.exec(
      "UPDATE instances SET agent_status = ?, agent_next_at = ?, agent_reports = ?, agent_error = ? WHERE id = ? AND agent_gen = ?",
      next.agentStatus,
      next.agentNextAt,
      next.agentReports,
      next.agentError,
      row.id,
      row.agentGen,
    );
  }

  /** One alarm, at the earliest pending agent action (none: no alarm). */
  async #scheduleAlarm(): Promise<void> {
    const next = this.#sql.exec("SELECT MIN(agent_next_at) AS at FROM instances WHERE agent_next_at IS NOT NULL").one().at;
    const current = await this.ctx.storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (current !== Number(next)) {
      await this.ctx.storage.setAlarm(Number(next));
    }
  }

  // --- storage, settings, faults ---------------------------------------------------------------------

  /** Every provider call: the configured latency, then the current settings. */
  async #begin(): Promise<SimulationSettings> {
    const { latencyMs } = this.#settings();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    return this.#settings();
  }

  #settings(): SimulationSettings {
    const stored = this.#getMeta("settings");
    return withDefaults(stored ? (JSON.parse(stored) as Partial<SimulationSettings>) : {});
  }

  /** The next PRNG number in [0, 1); the state lives in storage, so it survives eviction. */
  #random(): number {
    const stored = this.#getMeta("prng");
    const state = stored === null ? seedState(this.#settings().seed) : Number(stored);
    const step = mulberry32(state);
    this.#setMeta("prng", String(step.state));
    return step.value;
  }

  /** One draw per call, whatever the rate, so the sequence depends only on the calls made. */
  #faulty(operation: ErrorRateOperation, settings: SimulationSettings): boolean {
    return this.#random() < settings.errorRates[operation];
  }

  #transient<T>(action: string): SimResult<T> {
    return fail("transient", "InternalError", `An internal error has occurred (simulated ${action} failure).`);
  }

  #notFound<T>(instanceId: string): SimResult<T> {
    return fail("not-found", "InvalidInstanceID.NotFound", `The instance ID '${instanceId}' does not exist.`);
  }

  /** The instance as it is now, if it exists in this region. */
  #find(region: string, instanceId: string): InstanceRow | null {
    const raw = this.#sql.exec("SELECT * FROM instances WHERE id = ? AND region = ?", instanceId, region).toArray()[0];
    return raw ? effective(rowFromSql(raw), Date.now()) : null;
  }

  #rows(query: string, ...bindings: SqlStorageValue[]): InstanceRow[] {
    return this.#sql
      .exec(query, ...bindings)
      .toArray()
      .map((raw) => rowFromSql(raw));
  }

  #save(row: InstanceRow): void {
    const values = rowValues(row);
    this.#sql.exec(`INSERT OR REPLACE INTO instances (${COLUMNS}) VALUES (${values.map(() => "?").join(", ")})`, ...values);
  }

  #getMeta(key: string): string | null {
    const raw = this.#sql.exec("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    return raw ? String(raw.value) : null;
  }

  #setMeta(key: string, value: string): void {
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value);
  }
}
