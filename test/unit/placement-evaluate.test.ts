// The evaluator's core on a small fixture: CSV parsing, picks, metrics, cross-validation.
import { describe, expect, it } from "vitest";
import { crossValidate, evaluatePlacement, parseCsv, readMatrix, readRegions } from "../../src/domain/placement/evaluate";

// Six regions; RTTs shaped like the real AWS ones. Cape Town's nearest region is Sao Paulo, but
// the path detours through the US (340 ms): the nearest-region baseline gets it wrong.
const REGIONS = [
  "provider,region,city,country,lat,lon,extra",
  'x,sjc,"San Jose, CA",US,37.3394,-121.895,1',
  'x,pdx,"Boardman, OR",US,45.8399,-119.7006,2',
  "x,iad,Ashburn,US,39.0458,-77.4874,3",
  "x,gru,São Paulo,BR,-23.5558,-46.6396,4",
  "x,cpt,Cape Town,ZA,-33.9249,18.4241,5",
  "x,lhr,London,GB,51.5074,-0.1278,6",
  "x,nowhere,Nowhere,US,,,7",
  "y,other,Elsewhere,US,10,10,8",
].join("\r\n");

const RTT: Record<string, Record<string, number>> = {
  sjc: { pdx: 22, iad: 62, gru: 175, cpt: 286, lhr: 138 },
  pdx: { sjc: 22, iad: 66, gru: 175, cpt: 273, lhr: 130 },
  iad: { sjc: 62, pdx: 60, gru: 115, cpt: 226, lhr: 76 },
  gru: { sjc: 175, pdx: 175, iad: 115, cpt: 339, lhr: 187 },
  cpt: { sjc: 286, pdx: 273, iad: 226, gru: 337, lhr: 149 },
  lhr: { sjc: 138, pdx: 130, iad: 76, gru: 187, cpt: 149 },
};
const MATRIX = [
  "from,to,rtt_ms,note",
  ...Object.entries(RTT).flatMap(([from, row]) => [
    `${from},${from},2,self`,
    ...Object.entries(row).map(([to, r]) => `${from},${to},${r},x`),
  ]),
  "unknown,sjc,10,no coordinates",
].join("\n");

describe("parseCsv", () => {
  it("handles quoted fields, escaped quotes, CRLF and extra columns", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\r\n\r\n1,2')).toEqual([
      { a: "x, y", b: 'say "hi"' },
      { a: "1", b: "2" },
    ]);
    expect(readRegions(parseCsv(REGIONS), "x").get("sjc")).toMatchObject({ lat: 37.3394, lon: -121.895, group: "na" });
  });

  it("skips regions without coordinates and other providers", () => {
    expect([...readRegions(parseCsv(REGIONS), "x").keys()]).toEqual(["sjc", "pdx", "iad", "gru", "cpt", "lhr"]);
  });
});

describe("evaluatePlacement", () => {
  const matrix = readMatrix(parseCsv(MATRIX));
  const regions = readRegions(parseCsv(REGIONS), "x");

  it("picks for every source with coordinates, never the source itself", () => {
    const result = evaluatePlacement(matrix, regions);
    expect(result.picks.map((p) => p.source)).toEqual(["cpt", "gru", "iad", "lhr", "pdx", "sjc"]);
    for (const p of result.picks) expect([p.model.region, p.baseline.region, p.best.region]).not.toContain(p.source);
    expect(result.picks.find((p) => p.source === "cpt")).toMatchObject({
      model: { region: "lhr" },
      baseline: { region: "gru" },
      best: { region: "lhr", rttMs: 149 },
    });
    expect(result.model).toMatchObject({ top1: 1, within5ms: 1, meanExcessMs: 0, maxExcessMs: 0, sources: 6 });
    expect(result.baseline.sources).toBe(6);
    expect(result.baseline.top1).toBeLessThan(1);
    // gru -> cpt (339 ms) instead of iad (115); cpt -> gru (337) instead of lhr (149).
    expect(result.baseline).toMatchObject({ top1: 0.667, maxExcessMs: 224 });
  });

  it("cross-validates by refitting without each source", () => {
    // Six regions are far too few to refit seven constants: only the shape is checked here.
    const cv = crossValidate(matrix, regions);
    expect(cv.sources).toBe(6);
    for (const share of [cv.top1, cv.within5ms]) expect(share >= 0 && share <= 1).toBe(true);
    expect(cv.maxExcessMs).toBeGreaterThanOrEqual(cv.p95ExcessMs);
  });
});
