// enabledRegions: the catalog's view of where VMs can run.
import { describe, expect, it } from "vitest";
import { enabledRegions } from "../../src/domain/catalog/regions";
import { catalogFixture, instanceType, provider, region } from "../support/catalog-fixture";

const keys = (entries: { provider: string; code: string }[]) => entries.map((e) => `${e.provider}/${e.code}`);

describe("enabledRegions", () => {
  it("lists every enabled region of every enabled provider, ordered by provider then code", () => {
    expect(keys(enabledRegions(catalogFixture()))).toEqual(["aws/eu-central-1", "aws/us-east-1", "sim/local-1", "sim/local-2"]);
  });

  it("copies the region's place and beacon, and the provider's kind", () => {
    const [, , local1] = enabledRegions(catalogFixture());
    expect(local1).toEqual({
      provider: "sim",
      providerKind: "simulated",
      code: "local-1",
      city: "Paris",
      country: "FR",
      lat: 48.8566,
      lon: 2.3522,
      beaconUrl: "https://beacon.local-1.example.com/ping",
      instanceTypes: ["sim.cpu", "sim.gpu.small"],
    });
  });

  it("names the instance types offered in each region, sorted", () => {
    const byKey = Object.fromEntries(enabledRegions(catalogFixture()).map((e) => [`${e.provider}/${e.code}`, e.instanceTypes]));
    expect(byKey).toEqual({
      "aws/us-east-1": ["c6i.2xlarge", "g4ad.xlarge", "g5.xlarge"],
      "aws/eu-central-1": ["c6i.2xlarge", "g5.xlarge"],
      "sim/local-1": ["sim.cpu", "sim.gpu.small"],
      "sim/local-2": ["sim.gpu.small"],
    });
  });

  it("keeps an enabled region that offers no instance type, with an empty list", () => {
    const c = catalogFixture();
    provider(c, "sim").regions.push({ ...region(c, "sim", "local-2"), code: "local-0" });
    const local0 = enabledRegions(c).find((e) => e.code === "local-0");
    expect(local0?.instanceTypes).toEqual([]);
  });

  it("excludes disabled regions", () => {
    const c = catalogFixture();
    expect(keys(enabledRegions(c))).not.toContain("aws/ap-northeast-1");
    region(c, "sim", "local-1").enabled = false;
    expect(keys(enabledRegions(c))).toEqual(["aws/eu-central-1", "aws/us-east-1", "sim/local-2"]);
    region(c, "aws", "ap-northeast-1").enabled = true;
    expect(keys(enabledRegions(c))).toContain("aws/ap-northeast-1");
  });

  it("excludes disabled providers", () => {
    const c = catalogFixture();
    provider(c, "aws").enabled = false;
    expect(keys(enabledRegions(c))).toEqual(["sim/local-1", "sim/local-2"]);
  });

  it("orders by id regardless of the order in the catalog", () => {
    const c = catalogFixture();
    c.providers.reverse();
    for (const p of c.providers) p.regions.reverse();
    expect(keys(enabledRegions(c))).toEqual(["aws/eu-central-1", "aws/us-east-1", "sim/local-1", "sim/local-2"]);
  });

  it("ignores policy.allowedProviders (it is the catalog view, not a launch filter)", () => {
    const c = catalogFixture();
    c.policy.allowedProviders = ["sim"];
    expect(keys(enabledRegions(c))).toContain("aws/us-east-1");
  });

  it("is empty for a catalog without providers", () => {
    const c = catalogFixture();
    c.providers = [];
    expect(enabledRegions(c)).toEqual([]);
  });

  it("does not let a type's unknown region create an entry", () => {
    const c = catalogFixture();
    instanceType(c, "sim", "sim.cpu").regions.push("local-9");
    expect(keys(enabledRegions(c))).toEqual(["aws/eu-central-1", "aws/us-east-1", "sim/local-1", "sim/local-2"]);
  });
});
