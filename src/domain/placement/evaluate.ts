// The evaluator's core (scripts/placement-eval.ts does the I/O): every region of a measured
// inter-region RTT matrix stands in for a player at its coordinates; the model picks among the
// OTHER regions it has measurements to, and the pick is scored against the measured best. The
// nearest region (great circle) is the baseline. The model is scored on the estimator alone
// (no price, no tolerance), and without the last mile, which shifts every candidate alike.
import { type CalibrationSample, fitDistanceModel } from "./calibrate";
import {
  backboneRttMs,
  DEFAULT_MODEL,
  type DistanceModel,
  type Endpoint,
  endpointAt,
  type PathEstimate,
  pathKm,
} from "./estimate";
import { distanceKm } from "./geo";

/** RFC 4180-ish: quoted fields ("San Jose, CA"), "" escapes, CRLF; rows keyed by the header. */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = "";
  let row: string[] = [];
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = "";
  };
  const endRow = () => {
    endField();
    records.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (quoted) field += ch;
    else if (ch === ",") endField();
    else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
    } else field += ch;
  }
  if (field !== "" || row.length > 0) endRow();
  const [header, ...body] = records.filter((r) => r.some((f) => f.trim() !== ""));
  if (!header) return [];
  const keys = header.map((h) => h.trim());
  return body.map((r) => Object.fromEntries(keys.map((k, i) => [k, (r[i] ?? "").trim()])));
}

export interface RegionPoint extends Endpoint {
  region: string;
}

/** The provider's regions with valid coordinates (others are skipped: they cannot be scored). */
export function readRegions(rows: readonly Record<string, string>[], provider: string): Map<string, RegionPoint> {
  const out = new Map<string, RegionPoint>();
  for (const r of rows) {
    const lat = Number(r.lat);
    const lon = Number(r.lon);
    if (r.provider !== provider || !r.region || r.lat === "" || r.lon === "") continue;
    if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) continue;
    out.set(r.region, { region: r.region, ...endpointAt(lat, lon, r.country) });
  }
  return out;
}

export type Matrix = Map<string, Map<string, number>>;

export function readMatrix(rows: readonly Record<string, string>[]): Matrix {
  const m: Matrix = new Map();
  for (const r of rows) {
    const rtt = Number(r.rtt_ms);
    if (!r.from || !r.to || r.rtt_ms === "" || !Number.isFinite(rtt) || rtt < 0) continue;
    const row = m.get(r.from) ?? new Map<string, number>();
    m.set(r.from, row.set(r.to, rtt));
  }
  return m;
}

export interface Metrics {
  top1: number;
  within5ms: number;
  meanExcessMs: number;
  p95ExcessMs: number;
  maxExcessMs: number;
  sources: number;
}

export interface Pick {
  source: string;
  model: { region: string; estimatedRttMs: number };
  baseline: { region: string };
  best: { region: string; rttMs: number };
}

export interface Evaluation {
  model: Metrics;
  baseline: Metrics;
  picks: Pick[];
}

/** Lowest score wins; ties by region code, so the result is deterministic. */
function argmin(regions: readonly string[], score: (r: string) => number): string {
  let best = regions[0] as string;
  for (const r of regions.slice(1)) {
    const d = score(r) - score(best);
    if (d < 0 || (d === 0 && r < best)) best = r;
  }
  return best;
}

type PathFn = (a: Endpoint, b: Endpoint) => PathEstimate;
/** The ablation: the great circle, with no detour hubs and no corridor terms. */
const greatCircle: PathFn = (a, b) => ({ km: distanceKm(a, b), via: [], corridor: null });

function pickFor(
  source: RegionPoint,
  measured: Map<string, number>,
  regions: Map<string, RegionPoint>,
  model: DistanceModel,
  path: PathFn,
) {
  const others = [...measured.keys()].filter((r) => r !== source.region && regions.has(r)).sort();
  if (others.length === 0) return null;
  const point = (r: string) => regions.get(r) as RegionPoint;
  const estimate = (r: string) => backboneRttMs(path(source, point(r)), model);
  const rtt = (r: string) => measured.get(r) as number;
  const chosen = argmin(others, estimate);
  return {
    source: source.region,
    model: { region: chosen, estimatedRttMs: Math.round(estimate(chosen) * 10) / 10 },
    baseline: { region: argmin(others, (r) => distanceKm(source, point(r))) },
    best: { region: argmin(others, rtt), rttMs: rtt(argmin(others, rtt)) },
  };
}

function metrics(picks: readonly Pick[], matrix: Matrix, which: "model" | "baseline"): Metrics {
  const excess = picks.map((p) => (matrix.get(p.source)?.get(p[which].region) as number) - p.best.rttMs).sort((a, b) => a - b);
  const n = excess.length;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    top1: round(n && picks.filter((p) => p[which].region === p.best.region).length / n),
    within5ms: round(n && excess.filter((e) => e <= 5).length / n),
    meanExcessMs: round(n && excess.reduce((a, b) => a + b, 0) / n),
    p95ExcessMs: round(n && (excess[Math.ceil(0.95 * n) - 1] as number)),
    maxExcessMs: round(n && (excess[n - 1] as number)),
    sources: n,
  };
}

function allPicks(
  matrix: Matrix,
  regions: Map<string, RegionPoint>,
  modelFor: (source: string) => DistanceModel,
  path: PathFn = pathKm,
): Pick[] {
  const picks: Pick[] = [];
  for (const source of [...matrix.keys()].sort()) {
    const point = regions.get(source);
    const pick = point && pickFor(point, matrix.get(source) as Map<string, number>, regions, modelFor(source), path);
    if (pick) picks.push(pick);
  }
  return picks;
}

export function evaluatePlacement(matrix: Matrix, regions: Map<string, RegionPoint>, model = DEFAULT_MODEL): Evaluation {
  const picks = allPicks(matrix, regions, () => model);
  return { model: metrics(picks, matrix, "model"), baseline: metrics(picks, matrix, "baseline"), picks };
}

/**
 * The same model without detours.ts (great-circle paths, no corridor terms, refitted): shows
 * how much of the score the detour hubs earn. Those hubs are cable-map facts, not fitted, but
 * they were chosen with this kind of matrix in view, which cross-validation cannot undo.
 */
export function evaluateWithoutDetours(matrix: Matrix, regions: Map<string, RegionPoint>): Metrics {
  const model = fitDistanceModel(calibrationSamples(matrix, regions, undefined, greatCircle));
  return metrics(
    allPicks(matrix, regions, () => model, greatCircle),
    matrix,
    "model",
  );
}

/** The matrix as fitting samples, leaving out every pair that touches `exclude`. */
export function calibrationSamples(
  matrix: Matrix,
  regions: Map<string, RegionPoint>,
  exclude?: string,
  path: PathFn = pathKm,
): CalibrationSample[] {
  const samples: CalibrationSample[] = [];
  for (const [from, row] of matrix) {
    for (const [to, rttMs] of row) {
      const a = regions.get(from);
      const b = regions.get(to);
      if (a && b && from !== to && from !== exclude && to !== exclude) samples.push({ path: path(a, b), rttMs });
    }
  }
  return samples;
}

/** Leave-one-region-out: each source is scored by a model refitted without any of its pairs. */
export function crossValidate(matrix: Matrix, regions: Map<string, RegionPoint>): Metrics {
  const picks = allPicks(matrix, regions, (source) => fitDistanceModel(calibrationSamples(matrix, regions, source)));
  return metrics(picks, matrix, "model");
}
