// BudgetActor: one Durable Object per tenant, keeping each budget's spend for its current period
// consistent as usage arrives, announcing each threshold once per period and carrying out the
// budget's action (stop or terminate the VMs in scope) when the limit is reached. It also
// answers admission control for launches.
//
// Spend is kept per (VM, period) as the VM's CUMULATIVE total, as VM actors report it after each
// usage flush and as the ledger (the Store, the source of truth) sums it in the billing check.
// Both only grow and both lag the truth, so merging by max is exact and order-free: a repeated,
// late or missed report never double counts, and the check repairs what a missed report left out.
//
// Webhooks and VM commands leave through small outboxes drained by the alarm, so a failing
// webhook endpoint or VM actor never blocks a report, and nothing is lost if the actor restarts.
import { DurableObject } from "cloudflare:workers";
import {
  type Admission,
  admit,
  type BudgetSpend,
  inScope,
  isExceeded,
  type PeriodWindow,
  periodWindow,
  previousWindow,
  reachedThresholds,
} from "../../domain/budgets";
import { loadConfig } from "../../env";
import { createLogger, type Logger } from "../../logger";
import { createStore } from "../../store/create-store";
import { forEachItem, readAll } from "../../store/paging";
import type { BudgetRecord, Store } from "../../store/types";
import type { WebhookEvent } from "../../webhooks/events";
import { vmActors } from "../vm/client";
import { retryDelayMs } from "../vm/timing";
import { webhookActors } from "../webhooks/client";
import { SCHEMA } from "./schema";
import type { BudgetState, ReconcileReport, UsageReport } from "./types";

/** How long an admission hold counts against a budget: past the VM's first usage checkpoint. */
export const HOLD_MS = 7 * 60_000;
/** Budgets are re-read from the Store at least this often (changes through the API apply at once). */
const BUDGETS_TTL_MS = 60_000;
/** VM commands made per alarm (bounds one invocation; the rest follow at once). */
const ACTIONS_PER_ALARM = 25;
const WEBHOOKS_PER_ALARM = 50;

const STOP_STATES = ["starting", "running"];
const TERMINATE_STATES = ["pending", "provisioning", "starting", "running", "stopping", "stopped"];

export class BudgetActor extends DurableObject<Env> {
  readonly #sql: SqlStorage;
  #tenantId: string | null = null;
  #budgets: { at: number; list: BudgetRecord[] } | null = null;
  #log: Logger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    for (const statement of SCHEMA) this.#sql.exec(statement);
    const row = this.#sql.exec("SELECT value FROM meta WHERE key = 'tenant'").toArray()[0];
    this.#tenantId = row ? String(row.value) : null;
    const config = loadConfig(env);
    this.#log = createLogger(config.ok ? config.config.LOG_LEVEL : "info", { actor: "budget", tenantId: this.#tenantId });
  }

  // --- RPC -------------------------------------------------------------------------------------

  /** A VM's cumulative spend per period (after its usage reached the Store). */
  async recordUsage(tenantId: string, report: UsageReport): Promise<void> {
    this.#claim(tenantId);
    this.ctx.storage.transactionSync(() => {
      for (const [key, micros] of Object.entries(report.totals)) this.#raise(report.vmId, key, report.playerId, micros);
      this.#sql.exec("UPDATE vm_spend SET compute_open = ? WHERE vm_id = ?", report.computeOpen ? 1 : 0, report.vmId);
    });
    await this.#evaluate(Date.now(), { vmId: report.vmId, playerId: report.playerId, computeOpen: report.computeOpen });
  }

  /**
   * The billing check: recomputes the current (and any unclosed previous) period of each budget
   * from the ledger, corrects what reports missed, closes out finished periods, then evaluates,
   * re-applying the action to VMs in scope still billing while a budget stays exceeded.
   */
  async reconcile(tenantId: string, now: number = Date.now()): Promise<ReconcileReport> {
    this.#claim(tenantId);
    const store = this.#store();
    const budgets = await this.#loadBudgets(now, true);
    const windows = new Map<string, PeriodWindow>();
    const unclosed: { budget: BudgetRecord; window: PeriodWindow }[] = [];
    for (const budget of budgets) {
      const current = periodWindow(budget.period, now);
      windows.set(current.key, current);
      const previous = previousWindow(budget.period, now);
      if (budget.createdAt < previous.end && !this.#isClosed(budget.id, previous.key)) {
        windows.set(previous.key, previous);
        unclosed.push({ budget, window: previous });
      }
    }
    let corrected = 0;
    for (const window of windows.values()) {
      const rows = await store.sumUsage(tenantId, "vm", { from: window.start, to: window.end });
      for (const row of rows) {
        if (row.key === null || row.costMicros <= this.#vmSpend(row.key, window.key)) continue;
        const playerId = await this.#playerOf(store, tenantId, row.key);
        this.#raise(row.key, window.key, playerId, row.costMicros);
        corrected++;
      }
    }
    const closed: string[] = [];
    for (const { budget, window } of unclosed) {
      const spent = this.#spent(budget, window.key);
      this.#sql.exec(
        "INSERT OR IGNORE INTO closed (budget_id, period_key, spent_micros, limit_micros, closed_at) VALUES (?, ?, ?, ?, ?)",
        budget.id,
        window.key,
        spent,
        budget.limitMicros,
        now,
      );
      closed.push(`${budget.id}@${window.key}`);
    }
    this.#prune(now);
    const actionsQueued = await this.#evaluate(now, null);
    if (corrected > 0) this.#log.warn("billing check corrected missed usage reports", { corrected });
    return { budgets: budgets.length, corrected, closed, actionsQueued };
  }

  /** Admission control: refuses when a budget in scope has less than `projectedMicros` left; holds it otherwise. */
  async admit(tenantId: string, playerId: string | null, projectedMicros: number, now: number = Date.now()): Promise<Admission> {
    this.#claim(tenantId);
    const budgets = await this.#loadBudgets(now);
    const spends: BudgetSpend[] = budgets.map((budget) => ({
      budget,
      spentMicros: this.#spent(budget, periodWindow(budget.period, now).key),
      heldMicros: this.#held(budget, now),
    }));
    const answer = admit(spends, playerId, projectedMicros);
    if (answer.ok && spends.some((s) => inScope(s.budget, playerId))) {
      this.#sql.exec(
        "INSERT INTO holds (id, player_id, micros, expires_at) VALUES (?, ?, ?, ?)",
        crypto.randomUUID(),
        playerId,
        projectedMicros,
        now + HOLD_MS,
      );
    }
    return answer;
  }

  async states(tenantId: string, now: number = Date.now()): Promise<BudgetState[]> {
    this.#claim(tenantId);
    const budgets = await this.#loadBudgets(now);
    return budgets.map((budget) => this.#state(budget, now));
  }

  /** A budget was created, changed or deleted: re-read them and act on the new limits now. */
  async budgetsChanged(tenantId: string): Promise<void> {
    this.#claim(tenantId);
    this.#budgets = null;
    await this.#evaluate(Date.now(), null);
  }

  // --- alarm: webhooks and VM commands ---------------------------------------------------------

  override async alarm(): Promise<void> {
    if (!this.#tenantId) return;
    const tenantId = this.#tenantId;
    const now = Date.now();
    const webhooks = webhookActors(this.env.WEBHOOK_ACTOR)(tenantId);
    for (const row of this.#sql.exec(
      "SELECT id, event, attempts FROM outbox WHERE due_at <= ? LIMIT ?",
      now,
      WEBHOOKS_PER_ALARM,
    )) {
      try {
        await webhooks.emit(JSON.parse(String(row.event)) as WebhookEvent);
        this.#sql.exec("DELETE FROM outbox WHERE id = ?", row.id);
      } catch (error) {
        const attempts = Number(row.attempts) + 1;
        this.#sql.exec("UPDATE outbox SET attempts = ?, due_at = ? WHERE id = ?", attempts, now + retryDelayMs(attempts), row.id);
        this.#log.warn("could not queue a budget webhook; will retry", { error });
      }
    }
    const vms = vmActors(this.env.VM_ACTOR);
    const due = this.#sql.exec(
      "SELECT vm_id, action, budget_id, attempts FROM actions WHERE due_at <= ? LIMIT ?",
      now,
      ACTIONS_PER_ALARM,
    );
    for (const row of due.toArray()) {
      const vmId = String(row.vm_id);
      const action = String(row.action) as "stop" | "terminate";
      try {
        const answer = await vms(vmId).command(tenantId, action);
        // 409: not in a state that can be stopped (e.g. still provisioning). Its next usage report
        // (or the next billing check) finds it again if it starts billing.
        this.#sql.exec("DELETE FROM actions WHERE vm_id = ?", vmId);
        this.#log.info("budget action", { vmId, action, budgetId: row.budget_id, ok: answer.ok });
      } catch (error) {
        const attempts = Number(row.attempts) + 1;
        this.#sql.exec(
          "UPDATE actions SET attempts = ?, due_at = ? WHERE vm_id = ?",
          attempts,
          now + retryDelayMs(attempts),
          vmId,
        );
        this.#log.warn("budget action failed; will retry", { vmId, action, error });
      }
    }
    await this.#schedule();
  }

  // --- evaluation ------------------------------------------------------------------------------

  /**
   * Announces newly reached thresholds, and at the limit queues the action: for every VM in scope
   * the first time, then for any in-scope VM still billing compute (the reporting VM, or all of
   * them in a billing check). Returns how many VMs were queued.
   */
  async #evaluate(
    now: number,
    reporter: { vmId: string; playerId: string | null; computeOpen: boolean } | null,
  ): Promise<number> {
    const budgets = await this.#loadBudgets(now);
    let queued = 0;
    for (const budget of budgets) {
      const window = periodWindow(budget.period, now);
      const spent = this.#spent(budget, window.key);
      const events: WebhookEvent[] = [];
      for (const pct of reachedThresholds(budget, spent)) {
        if (this.#mark(budget.id, window.key, String(pct), now))
          events.push(budgetEvent("budget.threshold", budget, window, spent, now, pct));
      }
      let targets: string[] = [];
      if (isExceeded(budget, spent)) {
        const first = !this.#marked(budget.id, window.key, "exceeded");
        if (budget.action !== "notify") {
          if (first || reporter === null) targets = await this.#vmsInScope(budget);
          else if (reporter.computeOpen && inScope(budget, reporter.playerId)) targets = [reporter.vmId];
        }
        this.ctx.storage.transactionSync(() => {
          if (this.#mark(budget.id, window.key, "exceeded", now))
            events.push(budgetEvent("budget.exceeded", budget, window, spent, now, null));
          if (targets.length > 0) this.#mark(budget.id, window.key, "acted", now);
          for (const vmId of targets) this.#queueAction(vmId, budget, now);
        });
        queued += targets.length;
        if (first)
          this.#log.info("budget exceeded", { budgetId: budget.id, spent, limit: budget.limitMicros, vms: targets.length });
      }
      for (const event of events) {
        this.#sql.exec("INSERT OR IGNORE INTO outbox (id, event, due_at) VALUES (?, ?, ?)", event.id, JSON.stringify(event), now);
      }
    }
    await this.#schedule();
    return queued;
  }

  /**
   * VMs the budget's action applies to: those the Store lists in a state the action changes,
   * plus those whose latest report says compute is billing (the Store's copy may lag).
   */
  async #vmsInScope(budget: BudgetRecord): Promise<string[]> {
    const ids = new Set<string>();
    const reported = budget.playerId
      ? this.#sql.exec("SELECT DISTINCT vm_id FROM vm_spend WHERE compute_open = 1 AND player_id = ?", budget.playerId)
      : this.#sql.exec("SELECT DISTINCT vm_id FROM vm_spend WHERE compute_open = 1");
    for (const row of reported) ids.add(String(row.vm_id));
    const store = this.#store();
    const filter = budget.playerId ? { playerId: budget.playerId } : {};
    for (const state of budget.action === "terminate" ? TERMINATE_STATES : STOP_STATES) {
      await forEachItem(
        (cursor) => store.listVms(this.#tenantId as string, { ...filter, state }, { cursor, limit: 200 }),
        (vm) => {
          ids.add(vm.id);
        },
      );
    }
    return [...ids];
  }

  #queueAction(vmId: string, budget: BudgetRecord, now: number): void {
    // terminate wins over stop when two budgets act on the same VM.
    this.#sql.exec(
      `INSERT INTO actions (vm_id, action, budget_id, due_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (vm_id) DO UPDATE SET action = CASE WHEN excluded.action = 'terminate' THEN 'terminate' ELSE actions.action END`,
      vmId,
      budget.action,
      budget.id,
      now,
    );
  }

  #state(budget: BudgetRecord, now: number): BudgetState {
    const window = periodWindow(budget.period, now);
    const spent = this.#spent(budget, window.key);
    const held = this.#held(budget, now);
    const reached = this.#sql
      .exec("SELECT marker FROM fired WHERE budget_id = ? AND period_key = ?", budget.id, window.key)
      .toArray()
      .map((r) => String(r.marker));
    const acted = this.#sql
      .exec("SELECT at FROM fired WHERE budget_id = ? AND period_key = ? AND marker = 'acted'", budget.id, window.key)
      .toArray()[0];
    return {
      budgetId: budget.id,
      period: budget.period,
      periodKey: window.key,
      periodStart: window.start.toISOString(),
      periodEnd: window.end.toISOString(),
      limitMicros: budget.limitMicros,
      spentMicros: spent,
      heldMicros: held,
      remainingMicros: Math.max(0, budget.limitMicros - spent - held),
      percent: Math.round((spent * 1000) / budget.limitMicros) / 10,
      thresholdsReached: reached
        .filter((m) => /^\d+$/.test(m))
        .map(Number)
        .sort((a, b) => a - b),
      exceeded: isExceeded(budget, spent),
      action: budget.action,
      actedAt: acted ? new Date(Number(acted.at)).toISOString() : null,
    };
  }

  // --- storage helpers -------------------------------------------------------------------------

  #claim(tenantId: string): void {
    if (this.#tenantId === tenantId) return;
    if (this.#tenantId !== null) throw new Error("this budget actor belongs to another tenant");
    this.#sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('tenant', ?)", tenantId);
    this.#tenantId = tenantId;
    this.#log = this.#log.child({ tenantId });
  }

  /** Keeps the larger of the stored and the given cumulative spend of a VM in a period. */
  #raise(vmId: string, periodKey: string, playerId: string | null, micros: number): void {
    this.#sql.exec(
      `INSERT INTO vm_spend (vm_id, period_key, player_id, micros) VALUES (?, ?, ?, ?)
       ON CONFLICT (vm_id, period_key) DO UPDATE SET micros = MAX(vm_spend.micros, excluded.micros)`,
      vmId,
      periodKey,
      playerId,
      micros,
    );
  }

  #vmSpend(vmId: string, periodKey: string): number {
    const row = this.#sql.exec("SELECT micros FROM vm_spend WHERE vm_id = ? AND period_key = ?", vmId, periodKey).toArray()[0];
    return row ? Number(row.micros) : 0;
  }

  #spent(budget: BudgetRecord, periodKey: string): number {
    const cursor = budget.playerId
      ? this.#sql.exec(
          "SELECT COALESCE(SUM(micros), 0) AS s FROM vm_spend WHERE period_key = ? AND player_id = ?",
          periodKey,
          budget.playerId,
        )
      : this.#sql.exec("SELECT COALESCE(SUM(micros), 0) AS s FROM vm_spend WHERE period_key = ?", periodKey);
    return Number(cursor.one().s);
  }

  #held(budget: BudgetRecord, now: number): number {
    const cursor = budget.playerId
      ? this.#sql.exec(
          "SELECT COALESCE(SUM(micros), 0) AS s FROM holds WHERE expires_at > ? AND player_id = ?",
          now,
          budget.playerId,
        )
      : this.#sql.exec("SELECT COALESCE(SUM(micros), 0) AS s FROM holds WHERE expires_at > ?", now);
    return Number(cursor.one().s);
  }

  /** Records a once-per-period marker; true when it was new. */
  #mark(budgetId: string, periodKey: string, marker: string, now: number): boolean {
    const cursor = this.#sql.exec(
      "INSERT OR IGNORE INTO fired (budget_id, period_key, marker, at) VALUES (?, ?, ?, ?)",
      budgetId,
      periodKey,
      marker,
      now,
    );
    return cursor.rowsWritten > 0;
  }

  #marked(budgetId: string, periodKey: string, marker: string): boolean {
    return (
      this.#sql
        .exec("SELECT 1 FROM fired WHERE budget_id = ? AND period_key = ? AND marker = ?", budgetId, periodKey, marker)
        .toArray().length > 0
    );
  }

  #isClosed(budgetId: string, periodKey: string): boolean {
    return (
      this.#sql.exec("SELECT 1 FROM closed WHERE budget_id = ? AND period_key = ?", budgetId, periodKey).toArray().length > 0
    );
  }

  async #playerOf(store: Store, tenantId: string, vmId: string): Promise<string | null> {
    const known = this.#sql.exec("SELECT player_id FROM vm_spend WHERE vm_id = ? LIMIT 1", vmId).toArray()[0];
    if (known) return known.player_id === null ? null : String(known.player_id);
    return (await store.getVm(tenantId, vmId))?.playerId ?? null;
  }

  /** Drops spend, markers and holds older than the previous period of either kind. */
  #prune(now: number): void {
    const keep = [
      periodWindow("daily", now).key,
      previousWindow("daily", now).key,
      periodWindow("monthly", now).key,
      previousWindow("monthly", now).key,
    ];
    const marks = keep.map(() => "?").join(", ");
    this.#sql.exec(`DELETE FROM vm_spend WHERE period_key NOT IN (${marks})`, ...keep);
    this.#sql.exec(`DELETE FROM fired WHERE period_key NOT IN (${marks})`, ...keep);
    this.#sql.exec("DELETE FROM holds WHERE expires_at <= ?", now);
    this.#sql.exec("DELETE FROM closed WHERE closed_at < ?", now - 400 * 86_400_000);
  }

  async #loadBudgets(now: number, force = false): Promise<BudgetRecord[]> {
    if (!force && this.#budgets && now - this.#budgets.at < BUDGETS_TTL_MS && now >= this.#budgets.at) return this.#budgets.list;
    const store = this.#store();
    const { items: list } = await readAll((cursor) => store.listBudgets(this.#tenantId as string, { cursor, limit: 200 }));
    this.#budgets = { at: now, list };
    return list;
  }

  #store(): Store {
    const config = loadConfig(this.env);
    if (!config.ok) throw new Error(`invalid settings: ${config.problems.map((p) => p.setting).join(", ")}`);
    return createStore(this.env, config.config);
  }

  async #schedule(): Promise<void> {
    const next = this.#sql
      .exec("SELECT MIN(t) AS t FROM (SELECT MIN(due_at) AS t FROM outbox UNION ALL SELECT MIN(due_at) AS t FROM actions)")
      .one().t;
    if (next === null || next === undefined) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(Number(next));
  }
}

function budgetEvent(
  type: "budget.threshold" | "budget.exceeded",
  budget: BudgetRecord,
  window: PeriodWindow,
  spentMicros: number,
  now: number,
  pct: number | null,
): WebhookEvent {
  return {
    id: pct === null ? `${type}:${budget.id}:${window.key}` : `${type}:${budget.id}:${window.key}:${pct}`,
    type,
    at: new Date(now).toISOString(),
    data: {
      budgetId: budget.id,
      name: budget.name,
      playerId: budget.playerId,
      period: budget.period,
      periodKey: window.key,
      limitMicros: budget.limitMicros,
      spentMicros,
      ...(pct === null ? { action: budget.action } : { thresholdPercent: pct }),
    },
  };
}
