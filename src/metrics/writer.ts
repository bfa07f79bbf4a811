// Metrics: one Workers Analytics Engine data point per request, provider call, store call and
// launch, written through the `METRICS` binding (dataset `gamer_provisioner_metrics`).
//
// Dataset schema. Every point has `index1` = `blob1` = its kind, so each kind is sampled on its
// own and a query selects one kind with `WHERE blob1 = '…'`; `double1` is always a duration in
// milliseconds. Blobs are truncated to 256 characters; "" stands for "not known".
//
//   request   blob2 route template (`/vms/{id}`; "" when no route matched), blob3 method,
//             blob4 status as text (`"404"`), blob5 tenant id; double1 duration, double2 status
//   provider  blob2 provider id (`simulated`, `aws`), blob3 operation (`createInstance`, …),
//             blob4 outcome: `ok`, the ProviderError kind (`capacity`, `quota`, `rate-limited`,
//             `transient`, `invalid-request`, `not-found`, `auth`) or `error` (anything else
//             thrown), blob5 region; double1 duration
//   store     blob2 backend (`d1`, `mongo`), blob3 operation (the Store method, `upsertVm`, …),
//             blob4 outcome: `ok` or `error` (the call threw); double1 duration
//   launch    blob2 provider id, blob3 region, blob4 `warm` or `cold`, blob5 tenant id;
//             double1 time to playable (session accepted → playable), double2 attempts
//
// Writing never throws into the caller and never waits: `writeDataPoint` is fire-and-forget, and
// each call is guarded. Without the binding (or past MAX_POINTS_PER_WRITER, below the runtime's
// 250 points per invocation) points are dropped. Locally Miniflare simulates the binding: it
// accepts points and keeps nothing, so tests assert on this module's calls.

/** The part of `AnalyticsEngineDataset` this module uses (the binding, or a test double). */
export interface DataPointSink {
  writeDataPoint(point?: AnalyticsEngineDataPoint): void;
}

export type MetricKind = "request" | "provider" | "store" | "launch";

export interface RequestPoint {
  /** The matched route template, or null when no route matched (404, 405). */
  route: string | null;
  method: string;
  status: number;
  durationMs: number;
  tenantId?: string | null;
}

export interface ProviderCallPoint {
  provider: string;
  operation: string;
  /** `ok`, a ProviderError kind, or `error` for anything else thrown. */
  outcome: string;
  region: string | null;
  durationMs: number;
}

export interface StoreCallPoint {
  backend: string;
  operation: string;
  outcome: "ok" | "error";
  durationMs: number;
}

export interface LaunchPoint {
  provider: string;
  region: string;
  warm: boolean;
  timeToPlayableMs: number;
  attempts: number;
  tenantId: string;
}

export interface MetricsWriter {
  request(point: RequestPoint): void;
  providerCall(point: ProviderCallPoint): void;
  storeCall(point: StoreCallPoint): void;
  launch(point: LaunchPoint): void;
}

/** Points one writer sends at most (the runtime accepts 250 per invocation; a request uses few). */
export const MAX_POINTS_PER_WRITER = 200;
const MAX_BLOB = 256;

const blob = (value: string | null | undefined) => (value ?? "").slice(0, MAX_BLOB);
const ms = (value: number) => (Number.isFinite(value) ? Math.round(value * 10) / 10 : 0);

/** The data point for each kind, exactly as the schema above lays it out. */
export const dataPoints = {
  request: (p: RequestPoint): AnalyticsEngineDataPoint => ({
    indexes: ["request"],
    blobs: ["request", blob(p.route), blob(p.method), String(p.status), blob(p.tenantId)],
    doubles: [ms(p.durationMs), p.status],
  }),
  providerCall: (p: ProviderCallPoint): AnalyticsEngineDataPoint => ({
    indexes: ["provider"],
    blobs: ["provider", blob(p.provider), blob(p.operation), blob(p.outcome), blob(p.region)],
    doubles: [ms(p.durationMs)],
  }),
  storeCall: (p: StoreCallPoint): AnalyticsEngineDataPoint => ({
    indexes: ["store"],
    blobs: ["store", blob(p.backend), blob(p.operation), p.outcome],
    doubles: [ms(p.durationMs)],
  }),
  launch: (p: LaunchPoint): AnalyticsEngineDataPoint => ({
    indexes: ["launch"],
    blobs: ["launch", blob(p.provider), blob(p.region), p.warm ? "warm" : "cold", blob(p.tenantId)],
    doubles: [ms(p.timeToPlayableMs), p.attempts],
  }),
};

/** A writer that drops every point (no binding configured). */
export const NO_METRICS: MetricsWriter = { request() {}, providerCall() {}, storeCall() {}, launch() {} };

/**
 * A writer over the binding (`env.METRICS`); a no-op writer when it is absent. Reads the binding
 * defensively, so callers can pass any env (tests build partial ones).
 */
export function metricsWriter(env: unknown): MetricsWriter {
  const sink = (env as { METRICS?: unknown } | null | undefined)?.METRICS;
  return isSink(sink) ? writerFor(sink) : NO_METRICS;
}

/** A writer over any sink (tests pass a recording one). */
export function writerFor(sink: DataPointSink): MetricsWriter {
  let written = 0;
  const write = (build: () => AnalyticsEngineDataPoint) => {
    if (written >= MAX_POINTS_PER_WRITER) return;
    written++;
    try {
      sink.writeDataPoint(build());
    } catch {
      // Metrics are best effort: a failing write must never reach the caller.
    }
  };
  return {
    request: (p) => write(() => dataPoints.request(p)),
    providerCall: (p) => write(() => dataPoints.providerCall(p)),
    storeCall: (p) => write(() => dataPoints.storeCall(p)),
    launch: (p) => write(() => dataPoints.launch(p)),
  };
}

function isSink(value: unknown): value is DataPointSink {
  return (
    typeof value === "object" && value !== null && typeof (value as { writeDataPoint?: unknown }).writeDataPoint === "function"
  );
}
