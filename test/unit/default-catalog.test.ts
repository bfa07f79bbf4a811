// The default (seed) catalog: schema-valid, consistent, AWS regions as in the reference data, the
// simulated cloud a faithful mirror of AWS, emulators launchable there, and fresh copies per call.
import { describe, expect, it } from "vitest";
import { defaultCatalog } from "../../src/domain/catalog/defaults";
import { type Provider, TenantCatalogSchema } from "../../src/domain/catalog/schema";
import { validateCatalog } from "../../src/domain/catalog/validate";

function provider(id: string): Provider {
  const found = defaultCatalog().providers.find((p) => p.id === id);
  if (!found) throw new Error(`no provider ${id}`);
  return found;
}

describe("default catalog", () => {
  it("parses with the catalog schema and has no cross-reference issues", () => {
    const catalog = defaultCatalog();
    const parsed = TenantCatalogSchema.safeParse(catalog);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(parsed.data).toEqual(catalog);
    expect(validateCatalog(catalog)).toEqual([]);
    expect(catalog.providers.map((p) => p.id)).toEqual(["simulated", "aws"]);
  });

  it("carries the 32 AWS regions with the reference coordinates", () => {
    const aws = provider("aws");
    expect(aws.regions).toHaveLength(32);
    expect(new Set(aws.regions.map((r) => r.code)).size).toBe(32);
    const byCode = new Map(aws.regions.map((r) => [r.code, r]));
    const expected = [
      { code: "eu-central-1", city: "Frankfurt", country: "DE", lat: 50.1109, lon: 8.6821 },
      { code: "sa-east-1", city: "São Paulo", country: "BR", lat: -23.5558, lon: -46.6396 },
      { code: "ap-southeast-2", city: "Sydney", country: "AU", lat: -33.8688, lon: 151.2093 },
      { code: "us-west-1", city: "San Jose, CA", country: "US", lat: 37.3394, lon: -121.895 },
      { code: "ca-central-1", city: "Montréal", country: "CA", lat: 45.5088, lon: -73.5878 },
      { code: "us-east-1", city: "Ashburn", country: "US", lat: 39.0458, lon: -77.4874 },
    ];
    for (const region of expected) {
      expect(byCode.get(region.code), region.code).toEqual({ ...region, enabled: true, beaconUrl: null });
    }
  });

  it("ships AWS disabled, credentialed by secret name, without quotas", () => {
    const aws = provider("aws");
    expect(aws).toMatchObject({ kind: "aws", enabled: false, credentialSecret: "AWS_CREDENTIALS", endpoint: null, quotas: [] });
    expect(aws.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const names = aws.instanceTypes.map((t) => t.name);
    for (const family of ["g4dn", "g5", "g6"]) {
      for (const size of ["xlarge", "2xlarge", "4xlarge"]) expect(names).toContain(`${family}.${size}`);
    }
    for (const type of aws.instanceTypes) {
      expect(type.gpu?.encoder, type.name).toBe("nvenc");
      // Every family is offered in these regions (verified against the AWS catalog).
      for (const code of ["us-east-1", "us-east-2", "us-west-2", "eu-central-1", "ap-northeast-1"]) {
        expect(type.regions, `${type.name} in ${code}`).toContain(code);
      }
      // us-east-1 is the default price, never an override.
      expect(Object.keys(type.regionPrices), type.name).not.toContain("us-east-1");
    }
    const g5 = aws.instanceTypes.find((t) => t.name === "g5.xlarge");
    expect(g5).toMatchObject({ vcpu: 4, ramGb: 16, onDemandHourlyMicros: 1_006_000 });
    expect(g5?.gpu).toEqual({ model: "NVIDIA A10G", count: 1, vramGb: 24, encoder: "nvenc" });
  });

  it("offers instance types only in regions of their own provider", () => {
    for (const p of defaultCatalog().providers) {
      const codes = new Set(p.regions.map((r) => r.code));
      for (const type of p.instanceTypes) {
        expect(type.regions.length, type.name).toBeGreaterThan(0);
        for (const code of [...type.regions, ...Object.keys(type.regionPrices)]) {
          expect(codes.has(code), `${p.id} ${type.name} ${code}`).toBe(true);
        }
        // A regional price only where the type is offered.
        for (const code of Object.keys(type.regionPrices)) expect(type.regions, `${p.id} ${type.name}`).toContain(code);
      }
      for (const quota of p.quotas) expect(codes.has(quota.region), `${p.id} quota ${quota.region}`).toBe(true);
    }
  });

  it("prices in whole, positive micro-dollars with spot left to operators", () => {
    for (const p of defaultCatalog().providers) {
      expect(Number.isInteger(p.diskGbMonthMicros) && p.diskGbMonthMicros > 0, `${p.id} disk`).toBe(true);
      for (const type of p.instanceTypes) {
        const prices = [type, ...Object.values(type.regionPrices)];
        for (const price of prices) {
          expect(Number.isInteger(price.onDemandHourlyMicros), `${p.id} ${type.name}`).toBe(true);
          expect(price.onDemandHourlyMicros, `${p.id} ${type.name}`).toBeGreaterThan(0);
          expect(price.spotHourlyMicros, `${p.id} ${type.name}`).toBeNull();
        }
      }
    }
  });

  it("mirrors AWS in the simulated cloud, with every type in every region", () => {
    const aws = provider("aws");
    const sim = provider("simulated");
    expect(sim).toMatchObject({
      kind: "simulated",
      name: "Simulated cloud",
      enabled: true,
      credentialSecret: null,
      endpoint: null,
    });
    expect(sim.regions).toEqual(aws.regions);
    expect(sim.diskGbMonthMicros).toBe(aws.diskGbMonthMicros);
    expect(sim.pricesAsOf).toBe(aws.pricesAsOf);
    const codes = aws.regions.map((r) => r.code);
    // Same names, specs and prices; only the offered regions differ.
    expect(sim.instanceTypes.map(({ regions: _, ...rest }) => rest)).toEqual(
      aws.instanceTypes.map(({ regions: _, ...rest }) => rest),
    );
    for (const type of sim.instanceTypes) expect(type.regions, type.name).toEqual(codes);
    expect(sim.quotas).toEqual(codes.map((region) => ({ region, maxInstances: 50, maxGpus: 50 })));
  });

  it("gives every emulator an NVENC need and a simulated image it can run on", () => {
    const catalog = defaultCatalog();
    const sim = provider("simulated");
    expect(catalog.emulators.length).toBeGreaterThanOrEqual(5);
    for (const id of ["retroarch", "dolphin", "pcsx2", "ppsspp", "rpcs3"])
      expect(catalog.emulators.map((e) => e.id)).toContain(id);
    for (const emulator of catalog.emulators) {
      const { needs } = emulator;
      expect(emulator.enabled, emulator.id).toBe(true);
      expect(needs.encoder, emulator.id).toBe("nvenc");
      expect(emulator.images, emulator.id).toContainEqual({
        provider: "simulated",
        region: null,
        image: `sim-image-${emulator.id}`,
      });
      const fits = sim.instanceTypes.filter(
        (t) =>
          t.gpu !== null &&
          t.gpu.encoder === needs.encoder &&
          t.gpu.vramGb >= needs.minVramGb &&
          t.vcpu >= needs.minVcpu &&
          t.ramGb >= needs.minRamGb,
      );
      expect(fits.length, `${emulator.id} has no instance type`).toBeGreaterThan(0);
    }
    const rpcs3 = catalog.emulators.find((e) => e.id === "rpcs3");
    expect(rpcs3?.needs).toMatchObject({ minVcpu: 8, minRamGb: 16 });
  });

  it("returns an independent copy on every call", () => {
    const first = defaultCatalog();
    const pristine = defaultCatalog();
    expect(first).not.toBe(pristine);
    first.emulators.pop();
    first.policy.maxRttMs = 999;
    const firstAws = first.providers.find((p) => p.id === "aws");
    const firstSim = first.providers.find((p) => p.id === "simulated");
    if (!firstAws || !firstSim) throw new Error("missing providers");
    firstAws.enabled = true;
    const region = firstAws.regions[0];
    const type = firstSim.instanceTypes[0];
    if (!region || !type) throw new Error("empty provider");
    region.lat = 0;
    type.onDemandHourlyMicros = 1;
    type.regions.push("nowhere-1");
    if (type.gpu) type.gpu.vramGb = 1;
    expect(defaultCatalog()).toEqual(pristine);
  });
});
