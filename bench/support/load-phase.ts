// One load phase with autocannon against a local API, and its summary: throughput, latency
// percentiles (exact, from every response), statuses (429 apart from other non-2xx), connection
// errors and timeouts.
//
//   const summary = await runPhase({
//     name: "POST /launch/preview", baseUrl: api.baseUrl, connections: 200, durationSeconds: 15,
//     request: () => ({ method: "POST", path: "/launch/preview", token: nextKey(), body: { ... } }),
//   });
//   console.log(formatTable([summary]));
//
// `request` is called for every request sent (fresh bodies, keys spread round-robin, ...).
// Several runs of one endpoint (e.g. bursts with pauses between them) combine with
// `mergeSummaries`; `waitUntilIdle` is such a pause: until the API answers promptly again.
import autocannon from "autocannon";

export interface PhaseRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface PhaseOptions {
  name: string;
  baseUrl: string;
  connections: number;
  /** Bounded by time... */
  durationSeconds?: number;
  /** ...or by a number of requests (wins over durationSeconds; at least `connections`). */
  amount?: number;
  /** A watchdog: the phase is stopped after this long whatever its bound. Default duration + 60 s, or 300 s. */
  maxSeconds?: number;
  /** A request slower than this counts as a timeout. Default 30 s. */
  timeoutSeconds?: number;
  request: () => PhaseRequest;
}

export interface PhaseSummary {
  name: string;
  connections: number;
  /** Seconds under load (pauses between merged runs excluded). */
  seconds: number;
  /** Responses received. */
  responses: number;
  requestsPerSecond: number;
  /** Milliseconds, over every response (any status). */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  statuses: Record<string, number>;
  ok: number;
  rateLimited: number;
  /** Non-2xx other than 429 (5xx included). */
  otherNon2xx: number;
  serverErrors: number;
  /** Connection errors (timeouts not included). */
  errors: number;
  timeouts: number;
  /** The watchdog had to stop it. */
  stoppedByWatchdog: boolean;
  /** How many runs were merged into this summary. */
  runs: number;
  /** Every response's latency (ms), for merging. */
  latencies: number[];
}

export function runPhase(options: PhaseOptions): Promise<PhaseSummary> {
  const timeout = options.timeoutSeconds ?? 30;
  const maxSeconds = options.maxSeconds ?? (options.amount ? 300 : (options.durationSeconds ?? 10) + 60);
  const build = (): autocannon.Request => {
    const r = options.request();
    const headers: Record<string, string> = { ...r.headers };
    if (r.token) headers.authorization = `Bearer ${r.token}`;
    if (r.body !== undefined) headers["content-type"] = "application/json";
    return { method: r.method, path: r.path, headers, body: r.body === undefined ? undefined : JSON.stringify(r.body) };
  };
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    let stoppedByWatchdog = false;
    const instance = autocannon(
      {
        url: options.baseUrl,
        title: options.name,
        connections: options.amount ? Math.min(options.connections, options.amount) : options.connections,
        timeout,
        ...(options.amount ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
        requests: [{ setupRequest: (request) => ({ ...request, ...build() }) }],
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) reject(error);
        else resolve(summarize(options.name, result, latencies, stoppedByWatchdog));
      },
    );
    instance.on("response", (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
    const watchdog = setTimeout(() => {
      stoppedByWatchdog = true;
      instance.stop();
    }, maxSeconds * 1000);
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return round1(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0);
}

function latencyOf(latencies: number[]): PhaseSummary["latencyMs"] {
  const sorted = [...latencies].sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((sum, x) => sum + x, 0) / sorted.length : 0;
  return {
    mean: round1(mean),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: round1(sorted[sorted.length - 1] ?? 0),
  };
}

function counts(statuses: Record<string, number>) {
  const count = (predicate: (code: number) => boolean) =>
    Object.entries(statuses).reduce((sum, [code, n]) => (predicate(Number(code)) ? sum + n : sum), 0);
  return {
    responses: count(() => true),
    ok: count((c) => c >= 200 && c < 300),
    rateLimited: count((c) => c === 429),
    otherNon2xx: count((c) => (c < 200 || c >= 300) && c !== 429),
    serverErrors: count((c) => c >= 500),
  };
}

function summarize(name: string, result: autocannon.Result, latencies: number[], stoppedByWatchdog: boolean): PhaseSummary {
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
  const c = counts(statuses);
  return {
    name,
    connections: result.connections,
    seconds: result.duration,
    ...c,
    requestsPerSecond: round1(c.responses / Math.max(result.duration, 0.001)),
    latencyMs: latencyOf(latencies),
    statuses,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    stoppedByWatchdog,
    runs: 1,
    latencies,
  };
}

/** One summary for several runs of the same endpoint: counts added, percentiles over all responses. */
export function mergeSummaries(name: string, parts: PhaseSummary[]): PhaseSummary {
  const statuses: Record<string, number> = {};
  for (const part of parts) for (const [code, n] of Object.entries(part.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const c = counts(statuses);
  const seconds = Math.round(parts.reduce((sum, p) => sum + p.seconds, 0) * 100) / 100;
  const latencies = parts.flatMap((p) => p.latencies);
  return {
    name,
    connections: Math.max(0, ...parts.map((p) => p.connections)),
    seconds,
    ...c,
    requestsPerSecond: round1(c.responses / Math.max(seconds, 0.001)),
    latencyMs: latencyOf(latencies),
    statuses,
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
    timeouts: parts.reduce((sum, p) => sum + p.timeouts, 0),
    stoppedByWatchdog: parts.some((p) => p.stoppedByWatchdog),
    runs: parts.reduce((sum, p) => sum + p.runs, 0),
    latencies,
  };
}

/**
 * Waits until `GET <path>` answers within `thresholdMs` three times in a row (the API has worked
 * through its backlog), or `maxMs` passed. Resolves to the time waited (ms).
 */
export async function waitUntilIdle(
  baseUrl: string,
  options: { path?: string; thresholdMs?: number; maxMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  const deadline = started + (options.maxMs ?? 60_000);
  let streak = 0;
  while (Date.now() < deadline && streak < 3) {
    const t0 = performance.now();
    try {
      const response = await fetch(`${baseUrl}${options.path ?? "/health/live"}`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      streak = response.ok && performance.now() - t0 <= (options.thresholdMs ?? 50) ? streak + 1 : 0;
    } catch {
      streak = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return Date.now() - started;
}

/** A fixed-width table, one row per phase. */
export function formatTable(summaries: PhaseSummary[]): string {
  const header = [
    "endpoint",
    "conns",
    "s",
    "responses",
    "req/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "429",
    "other non-2xx",
    "errors",
    "timeouts",
  ];
  const rows = summaries.map((s) => [
    s.runs > 1 ? `${s.name} (${s.runs} bursts)` : s.name,
    String(s.connections),
    s.seconds.toFixed(1),
    String(s.responses),
    s.requestsPerSecond.toFixed(0),
    s.latencyMs.p50.toFixed(0),
    s.latencyMs.p99.toFixed(0),
    s.latencyMs.max.toFixed(0),
    String(s.rateLimited),
    s.otherNon2xx === 0
      ? "0"
      : `${s.otherNon2xx} (${Object.entries(s.statuses)
          .filter(([c]) => !c.startsWith("2") && c !== "429")
          .map(([c, n]) => `${c}×${n}`)
          .join(" ")})`,
    String(s.errors),
    String(s.timeouts),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
