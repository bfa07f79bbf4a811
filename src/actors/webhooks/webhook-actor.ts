// WebhookActor: one Durable Object per tenant, holding the tenant's webhook endpoints (their
// secrets live only here) and delivering events to them. `emit` only writes storage and sets the
// alarm, so a slow or failing endpoint never blocks the code that emits. The alarm calls
// `deliverDue`: each due delivery is POSTed (signed, see src/webhooks/signature.ts; 10 s timeout);
// 2xx is delivered, anything else is retried on WEBHOOK_RETRY_DELAYS_MS and marked failed after
// WEBHOOK_MAX_ATTEMPTS. Every attempt is logged (the last KEPT_LOG entries per tenant).
import { DurableObject } from "cloudflare:workers";
import { newId } from "../../domain/ids";
import { loadConfig } from "../../env";
import { createLogger, type Logger } from "../../logger";
import {
  nextAttemptAt,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_TIMEOUT_MS,
  type WebhookEvent,
  type WebhookEventType,
} from "../../webhooks/events";
import { newWebhookSecret, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER, WEBHOOK_ID_HEADER } from "../../webhooks/signature";

/** An endpoint as listed: never its secret. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: WebhookEventType[];
  description: string | null;
  enabled: boolean;
  createdAt: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One attempt: `status` is the delivery's state after it (pending = a retry is due at nextAttemptAt). */
export interface DeliveryAttempt {
  id: string;
  endpointId: string;
  eventId: string;
  event: WebhookEventType;
  attempt: number;
  status: DeliveryStatus;
  httpStatus: number | null;
  error: string | null;
  at: string;
  nextAttemptAt: string | null;
}

export type RegisterAnswer = { ok: true; endpoint: WebhookEndpoint; secret: string } | { ok: false; message: string };

interface StoredEndpoint extends WebhookEndpoint {
  secret: string;
}

/** A delivery still to be attempted. */
interface Queued {
  id: string;
  endpointId: string;
  event: WebhookEvent;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (epoch ms). */
  dueAt: number;
  /** While an attempt is in flight: until when (epoch ms; after that it is presumed lost and made again). */
  leasedUntil: number | null;
}

interface WebhookState {
  endpoints: StoredEndpoint[];
  queue: Queued[];
  log: DeliveryAttempt[];
  /** `${endpointId} ${eventId}` of recent deliveries, so an event emitted twice is delivered once. */
  seen: string[];
}

/** Endpoints per tenant. */
export const MAX_WEBHOOK_ENDPOINTS = 20;
/** Attempts kept in the log per tenant. */
export const KEPT_LOG = 200;
const KEPT_SEEN = 2_000;
/** An attempt in flight longer than this (the actor was evicted mid-request) is made again. */
const LEASE_MS = WEBHOOK_TIMEOUT_MS * 3;

export class WebhookActor extends DurableObject<Env> {
  #state: WebhookState = { endpoints: [], queue: [], log: [], seen: [] };
  #queue: Promise<unknown> = Promise.resolve();
  #log: Logger = createLogger("info");

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.#state = (await ctx.storage.get<WebhookState>("state")) ?? this.#state;
      const config = loadConfig(env);
      this.#log = createLogger(config.ok ? config.config.LOG_LEVEL : "info", { component: "WebhookActor" });
    });
  }

  // --- RPC -------------------------------------------------------------------------------------

  register(input: { url: string; events: WebhookEventType[]; description: string | null }): Promise<RegisterAnswer> {
    return this.#serial(async () => {
      if (this.#state.endpoints.length >= MAX_WEBHOOK_ENDPOINTS) {
        return { ok: false, message: `A tenant has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.` };
      }
      const now = Date.now();
      const stored: StoredEndpoint = {
        id: newId("whk", now),
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description,
        enabled: true,
        createdAt: new Date(now).toISOString(),
        secret: newWebhookSecret(),
      };
      this.#state.endpoints.push(stored);
      await this.#save();
      return { ok: true, endpoint: publicView(stored), secret: stored.secret };
    });
  }

  list(): WebhookEndpoint[] {
    return this.#state.endpoints.map(publicView);
  }

  /** Deletes the endpoint and drops its queued deliveries; false when there is none. */
  remove(endpointId: string): Promise<boolean> {
    return this.#serial(async () => {
      const before = this.#state.endpoints.length;
      this.#state.endpoints = this.#state.endpoints.filter((e) => e.id !== endpointId);
      if (this.#state.endpoints.length === before) return false;
      this.#state.queue = this.#state.queue.filter((q) => q.endpointId !== endpointId);
      await this.#save();
      return true;
    });
  }

  /** The attempt log, newest first, optionally for one endpoint. */
  deliveries(endpointId: string | null, limit: number): DeliveryAttempt[] {
    return this.#state.log
      .filter((entry) => endpointId === null || entry.endpointId === endpointId)
      .slice(-limit)
      .reverse();
  }

  /** Queues one delivery per enabled endpoint subscribed to the event; returns how many. Never waits on an endpoint. */
  emit(event: WebhookEvent): Promise<number> {
    return this.#serial(async () => {
      const now = Date.now();
      let queued = 0;
      for (const endpoint of this.#state.endpoints) {
        if (!endpoint.enabled || !endpoint.events.includes(event.type)) continue;
        const key = `${endpoint.id} ${event.id}`;
        if (this.#state.seen.includes(key)) continue;
        this.#state.seen.push(key);
        this.#state.queue.push({
          id: newId("dlv", now),
          endpointId: endpoint.id,
          event,
          attempts: 0,
          dueAt: now,
          leasedUntil: null,
        });
        queued++;
      }
      this.#state.seen = this.#state.seen.slice(-KEPT_SEEN);
      if (queued > 0) await this.#save();
      return queued;
    });
  }

  /**
   * Attempts every queued delivery due at `now` (in parallel, outside the serial section, so
   * `emit` and the routes never wait on an endpoint) and records the outcomes. The alarm calls it
   * with the current time; a later `now` brings retries forward (a "retry now").
   */
  async deliverDue(now: number = Date.now()): Promise<number> {
    const due = await this.#serial(async () => {
      const clock = Date.now();
      const picked = this.#state.queue.filter((q) => q.dueAt <= now && (q.leasedUntil ?? 0) <= clock);
      for (const q of picked) {
        q.attempts++;
        q.leasedUntil = clock + LEASE_MS;
      }
      if (picked.length > 0) await this.#save();
      return picked.map((q) => ({ ...q }));
    });
    const outcomes = await Promise.all(
      due.map(async (q) => ({ q, result: await this.#attempt(q).catch((error) => failure(null, error)) })),
    );
    if (outcomes.length > 0) {
      await this.#serial(async () => {
        for (const { q, result } of outcomes) this.#record(q, result);
        await this.#save();
      });
    }
    return due.length;
  }

  override async alarm(): Promise<void> {
    await this.deliverDue(Date.now());
  }

  // --- delivery --------------------------------------------------------------------------------

  async #attempt(q: Queued): Promise<AttemptResult> {
    const endpoint = this.#state.endpoints.find((e) => e.id === q.endpointId);
    if (!endpoint) return { delivered: false, httpStatus: null, error: "endpoint deleted" };
    const body = JSON.stringify({ id: q.event.id, type: q.event.type, at: q.event.at, data: q.event.data });
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(endpoint.url, {
        method: "POST",
        redirect: "manual",
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "GamerProvisioner-Webhooks/1",
          [WEBHOOK_ID_HEADER]: q.event.id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: await signWebhook(endpoint.secret, timestamp, body),
        },
        body,
      });
      await res.body?.cancel();
      if (res.status >= 200 && res.status < 300) return { delivered: true, httpStatus: res.status, error: null };
      return { delivered: false, httpStatus: res.status, error: `HTTP ${res.status}` };
    } catch (error) {
      return failure(null, error);
    }
  }

  #record(attempted: Queued, result: AttemptResult): void {
    const now = Date.now();
    const queued = this.#state.queue.find((q) => q.id === attempted.id);
    const endpointGone = !this.#state.endpoints.some((e) => e.id === attempted.endpointId);
    const next = result.delivered || endpointGone ? null : nextAttemptAt(attempted.attempts, now);
    const status: DeliveryStatus = result.delivered ? "delivered" : next === null ? "failed" : "pending";
    if (queued && next !== null) {
      queued.dueAt = next;
      queued.leasedUntil = null;
    } else this.#state.queue = this.#state.queue.filter((q) => q.id !== attempted.id);
    this.#state.log.push({
      id: attempted.id,
      endpointId: attempted.endpointId,
      eventId: attempted.event.id,
      event: attempted.event.type,
      attempt: attempted.attempts,
      status,
      httpStatus: result.httpStatus,
      error: result.error,
      at: new Date(now).toISOString(),
      nextAttemptAt: next === null ? null : new Date(next).toISOString(),
    });
    this.#state.log = this.#state.log.slice(-KEPT_LOG);
    if (status !== "delivered") {
      this.#log.warn("webhook attempt failed", {
        endpointId: attempted.endpointId,
        deliveryId: attempted.id,
        attempt: attempted.attempts,
        of: WEBHOOK_MAX_ATTEMPTS,
        error: result.error,
      });
    }
  }

  // --- bookkeeping -----------------------------------------------------------------------------

  async #save(): Promise<void> {
    await this.ctx.storage.put("state", this.#state);
    const times = this.#state.queue.map((q) => Math.max(q.dueAt, q.leasedUntil ?? 0));
    if (times.length > 0) await this.ctx.storage.setAlarm(Math.min(...times));
    else await this.ctx.storage.deleteAlarm();
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => {});
    return run;
  }
}

interface AttemptResult {
  delivered: boolean;
  httpStatus: number | null;
  error: string | null;
}

function failure(httpStatus: number | null, error: unknown): AttemptResult {
  const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  const message = timedOut
    ? `no response within ${WEBHOOK_TIMEOUT_MS / 1000} s`
    : error instanceof Error
      ? error.message
      : String(error);
  return { delivered: false, httpStatus, error: message.slice(0, 500) };
}

function publicView({ secret: _secret, ...endpoint }: StoredEndpoint): WebhookEndpoint {
  return endpoint;
}
