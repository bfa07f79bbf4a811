// Scores the placement estimator against a measured inter-region RTT matrix.
//   npm run placement:eval -- --matrix <csv> --regions <csv> --provider <name> [--json]
// The matrix CSV has from,to,rtt_ms; the regions CSV provider,region,country,lat,lon (extra
// columns ignored, quoted fields fine). See src/domain/placement/evaluate.ts for the method.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fitDistanceModel } from "../src/domain/placement/calibrate";
import {
  calibrationSamples,
  crossValidate,
  evaluatePlacement,
  evaluateWithoutDetours,
  type Metrics,
  parseCsv,
  readMatrix,
  readRegions,
} from "../src/domain/placement/evaluate";

const { values } = parseArgs({
  options: {
    matrix: { type: "string" },
    regions: { type: "string" },
    provider: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
if (!values.matrix || !values.regions || !values.provider) {
  console.error("usage: placement-eval --matrix <csv> --regions <csv> --provider <name> [--json]");
  process.exit(2);
}

const matrix = readMatrix(parseCsv(readFileSync(values.matrix, "utf8")));
const regions = readRegions(parseCsv(readFileSync(values.regions, "utf8")), values.provider);
const result = evaluatePlacement(matrix, regions);
if (result.picks.length === 0) {
  console.error(`no source region of the matrix has coordinates for provider "${values.provider}"`);
  process.exit(1);
}

if (values.json) {
  console.log(JSON.stringify(result));
} else {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const line = (name: string, m: Metrics) =>
    `${name.padEnd(34)} top-1 ${pct(m.top1).padStart(6)}  within 5 ms ${pct(m.within5ms).padStart(6)}  excess mean ${m.meanExcessMs.toFixed(2)} / p95 ${m.p95ExcessMs.toFixed(1)} / max ${m.maxExcessMs.toFixed(1)} ms  sources ${m.sources}`;
  console.log(line("model (DEFAULT_MODEL)", result.model));
  console.log(line("baseline (nearest region)", result.baseline));
  // The band slopes and corridor terms were fitted on this kind of data: refit without each
  // region in turn and score that region, so the figure is not flattered by the fit.
  console.log(line("model, leave-one-region-out refit", crossValidate(matrix, regions)));
  // The detour hubs are not fitted, so cross-validation says nothing about them: show what they earn.
  console.log(line("ablation: no detours/corridors", evaluateWithoutDetours(matrix, regions)));
  const refit = fitDistanceModel(calibrationSamples(matrix, regions));
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  const bands = refit.bands.map(([upper, slope]) => `${Number.isFinite(upper) ? `<=${upper} km` : "beyond"}: ${r3(slope)}`);
  console.log(
    `refit on this matrix: overheadMs ${r3(refit.overheadMs)}, msPer100Km ${bands.join(", ")}, corridors ${JSON.stringify(refit.corridors, (_k, v) => (typeof v === "number" ? r3(v) : v))}`,
  );
  for (const p of result.picks.filter((p) => p.model.region !== p.best.region)) {
    const rtt = matrix.get(p.source)?.get(p.model.region);
    console.log(`  miss: ${p.source} -> ${p.model.region} (${rtt} ms measured) instead of ${p.best.region} (${p.best.rttMs} ms)`);
  }
}
