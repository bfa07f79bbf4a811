// The fit behind DEFAULT_MODEL, kept so the evaluator can refit it with a region left out
// (leave-one-region-out cross-validation). Weighted least squares: the model is linear in
// overheadMs, the band slopes and the corridor terms. Pure; not used on the request path.
import { CORRIDOR_NAMES } from "./detours";
import type { DistanceModel, PathEstimate } from "./estimate";

export interface CalibrationSample {
  path: PathEstimate;
  rttMs: number;
}

/** The band edges DEFAULT_MODEL uses (km): fixed by hand, only the slopes are fitted. */
export const BAND_EDGES_KM: readonly number[] = [1000, 3000];

function features(path: PathEstimate, uppers: readonly number[]): number[] {
  const x = [1];
  let lower = 0;
  for (const upper of uppers) {
    x.push(Math.max(0, Math.min(path.km, upper) - lower) / 100);
    lower = upper;
  }
  for (const corridor of CORRIDOR_NAMES) x.push(path.corridor === corridor ? path.km / 100 : 0);
  return x;
}

/** Weight 1/rtt^2 minimises relative error: the short paths that decide picks count fully. */
export function fitDistanceModel(samples: readonly CalibrationSample[], edges = BAND_EDGES_KM): DistanceModel {
  const uppers = [...edges, Number.POSITIVE_INFINITY];
  const k = uppers.length + 1 + CORRIDOR_NAMES.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (const { path, rttMs } of samples) {
    if (!(rttMs > 0)) continue;
    const x = features(path, uppers);
    const w = 1 / rttMs ** 2;
    for (let i = 0; i < k; i++) {
      b[i] = (b[i] as number) + w * (x[i] as number) * rttMs;
      const row = a[i] as number[];
      for (let j = 0; j < k; j++) row[j] = (row[j] as number) + w * (x[i] as number) * (x[j] as number);
    }
  }
  // A corridor absent from the samples has an all-zero row: pin its term to 0.
  for (let i = 0; i < k; i++) if ((a[i] as number[])[i] === 0) (a[i] as number[])[i] = 1;
  const p = solve(a, b);
  const at = (i: number) => p[i] as number;
  return {
    overheadMs: at(0),
    bands: uppers.map((upper, i) => [upper, at(i + 1)] as const),
    corridors: Object.fromEntries(CORRIDOR_NAMES.map((c, i) => [c, at(uppers.length + 1 + i)])) as DistanceModel["corridors"],
  };
}

/** Gauss-Jordan elimination with partial pivoting (the systems are 7x7). */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const m = matrix.map((row, i) => [...row, rhs[i] as number]);
  const cell = (r: number, c: number) => (m[r] as number[])[c] as number;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(cell(r, c)) > Math.abs(cell(pivot, c))) pivot = r;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = cell(r, c) / cell(c, c);
      const row = m[r] as number[];
      for (let j = c; j <= n; j++) row[j] = (row[j] as number) - f * cell(c, j);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}
