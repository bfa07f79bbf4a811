// Pluggable dependency checks for GET /health. Each check has its own timeout so one slow
// dependency cannot hang the probe; a failing required check makes the service unhealthy,
// a failing optional one only degraded.

export interface HealthCheck {
  name: string;
  /** Required checks decide healthy/unhealthy; optional ones only degrade. */
  required: boolean;
  /** Defaults to DEFAULT_CHECK_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Resolves (optionally with details such as the backend name) or throws. */
  run(): Promise<Record<string, unknown> | undefined>;
}

export interface CheckResult {
  status: "pass" | "fail";
  required: boolean;
  latencyMs: number;
  error?: string;
  details?: Record<string, unknown>;
}

export type HealthStatus = "healthy" | "degraded" | "unhealthy";

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

export async function runHealthChecks(
  checks: readonly HealthCheck[],
): Promise<{ status: HealthStatus; checks: Record<string, CheckResult> }> {
  const results = await Promise.all(checks.map(runOne));
  const byName: Record<string, CheckResult> = {};
  checks.forEach((check, i) => {
    byName[check.name] = results[i] as CheckResult;
  });
  const failed = results.filter((r) => r.status === "fail");
  const status: HealthStatus = failed.some((r) => r.required) ? "unhealthy" : failed.length > 0 ? "degraded" : "healthy";
  return { status, checks: byName };
}

async function runOne(check: HealthCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const running = check.run();
  // A check that loses the race still settles later: observe it so it is not an unhandled rejection.
  running.catch(() => {});
  try {
    const details = await Promise.race([running, timeout]);
    return { status: "pass", required: check.required, latencyMs: elapsed(started), ...(details ? { details } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: "fail", required: check.required, latencyMs: elapsed(started), error: message.slice(0, 200) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
