// Tenant webhooks: the event types a tenant can subscribe to, the rule for endpoint URLs and the
// retry schedule. Pure: no I/O, no clock.

export const WEBHOOK_EVENT_TYPES = [
  "budget.threshold",
  "budget.exceeded",
  "vm.running",
  "vm.failed",
  "vm.stopped",
  "session.ended",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** One event as emitted and as POSTed (the JSON body is exactly `{ id, type, at, data }`). */
export interface WebhookEvent {
  /** Deterministic for the occurrence (e.g. `vm.running:vm_…:3`): the same id is delivered once per endpoint. */
  id: string;
  type: WebhookEventType;
  /** When it happened (RFC 3339). */
  at: string;
  data: Record<string, unknown>;
}

/** Hosts that may be reached over plain http (a receiver on the same machine, for development). */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** Why `raw` cannot be a webhook endpoint, or null: https, or http only to 127.0.0.1/localhost; no credentials. */
export function webhookUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL";
  }
  if (url.username || url.password) return "must not contain credentials";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return "must use https (http only for 127.0.0.1 or localhost)";
}

/**
 * Delay before the next attempt after attempt n failed (index n - 1): 10 s, 1 min, 5 min, 30 min,
 * 2 h. So a delivery is attempted at most WEBHOOK_MAX_ATTEMPTS = 6 times over about 2 h 36 min,
 * then marked failed.
 */
export const WEBHOOK_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000, 7_200_000] as const;
export const WEBHOOK_MAX_ATTEMPTS = WEBHOOK_RETRY_DELAYS_MS.length + 1;
/** Each attempt waits this long for a response. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** When to try again after `attempt` (1-based) failed at `now`, or null when it was the last. */
export function nextAttemptAt(attempt: number, now: number): number | null {
  const delay = WEBHOOK_RETRY_DELAYS_MS[attempt - 1];
  return delay === undefined ? null : now + delay;
}
