// validateCatalog: each rule yields exactly the expected issue (path, kind); the fixture none.
import { describe, expect, it } from "vitest";
import { TenantCatalogSchema } from "../../src/domain/catalog/schema";
import { providerReferences, validateCatalog } from "../../src/domain/catalog/validate";
import { catalogFixture, emulator, instanceType, provider, region } from "../support/catalog-fixture";

// Fixture indices: emulators pcsx2 0, rpcs3 1, dolphin 2; providers aws 0, sim 1;
// aws regions us-east-1 0, eu-central-1 1, ap-northeast-1 2; aws types g5 0, g4ad 1, c6i 2.
const issue = (path: (string | number)[], kind: "invalid" | "duplicate", message: string) => ({
  path,
  kind,
  message: expect.stringContaining(message),
});

describe("the catalog fixture", () => {
  it("is schema-valid as written (every default spelled out)", () => {
    const catalog = catalogFixture();
    expect(TenantCatalogSchema.parse(catalog)).toEqual(catalog);
  });

  it("has no cross-reference issues", () => {
    expect(validateCatalog(catalogFixture())).toEqual([]);
  });
});

describe("validateCatalog: duplicates", () => {
  it("reports a repeated emulator id at the second occurrence", () => {
    const c = catalogFixture();
    c.emulators.push({ ...structuredClone(emulator(c, "dolphin")), name: "Dolphin again" });
    expect(validateCatalog(c)).toEqual([issue(["emulators", 3, "id"], "duplicate", '"dolphin" (first at index 2)')]);
  });

  it("reports a repeated provider id at the second occurrence", () => {
    const c = catalogFixture();
    c.providers.push(structuredClone(provider(c, "sim")));
    expect(validateCatalog(c)).toEqual([issue(["providers", 2, "id"], "duplicate", 'provider id "sim"')]);
  });

  it("reports a repeated region code within a provider", () => {
    const c = catalogFixture();
    provider(c, "aws").regions.push({ ...region(c, "aws", "us-east-1"), city: "Virginia" });
    expect(validateCatalog(c)).toEqual([issue(["providers", 0, "regions", 3, "code"], "duplicate", '"us-east-1"')]);
  });

  it("allows the same region code in two providers", () => {
    const c = catalogFixture();
    const sim = provider(c, "sim");
    sim.regions.push({ ...region(c, "aws", "us-east-1") });
    expect(validateCatalog(c)).toEqual([]);
  });

  it("reports a repeated instance type name within a provider", () => {
    const c = catalogFixture();
    provider(c, "aws").instanceTypes.push(structuredClone(instanceType(c, "aws", "c6i.2xlarge")));
    expect(validateCatalog(c)).toEqual([issue(["providers", 0, "instanceTypes", 3, "name"], "duplicate", '"c6i.2xlarge"')]);
  });

  it("reports a repeated quota region within a provider", () => {
    const c = catalogFixture();
    provider(c, "aws").quotas.push({ region: "eu-central-1", maxInstances: 1, maxGpus: 1 });
    provider(c, "aws").quotas.push({ region: "us-east-1", maxInstances: 5, maxGpus: 5 });
    expect(validateCatalog(c)).toEqual([issue(["providers", 0, "quotas", 2, "region"], "duplicate", '"us-east-1"')]);
  });

  it("reports a region repeated in an instance type's regions", () => {
    const c = catalogFixture();
    instanceType(c, "aws", "c6i.2xlarge").regions.push("us-east-1");
    expect(validateCatalog(c)).toEqual([issue(["providers", 0, "instanceTypes", 2, "regions", 2], "duplicate", '"us-east-1"')]);
  });

  it("reports two images for the same provider and region", () => {
    const c = catalogFixture();
    emulator(c, "pcsx2").images.push({ provider: "aws", region: "eu-central-1", image: "ami-other" });
    expect(validateCatalog(c)).toEqual([issue(["emulators", 0, "images", 3], "duplicate", 'region "eu-central-1"')]);
  });

  it("reports two provider-wide images for the same provider", () => {
    const c = catalogFixture();
    emulator(c, "pcsx2").images.push({ provider: "sim", region: null, image: "sim-other" });
    expect(validateCatalog(c)).toEqual([issue(["emulators", 0, "images", 3], "duplicate", "every region")]);
  });

  it("reports a provider repeated in policy.allowedProviders", () => {
    const c = catalogFixture();
    c.policy.allowedProviders = ["sim", "aws", "sim"];
    expect(validateCatalog(c)).toEqual([issue(["policy", "allowedProviders", 2], "duplicate", '"sim"')]);
  });
});

describe("validateCatalog: references", () => {
  it("rejects an instance type offered in a region its provider lacks", () => {
    const c = catalogFixture();
    instanceType(c, "aws", "c6i.2xlarge").regions.push("local-1");
    expect(validateCatalog(c)).toEqual([
      issue(["providers", 0, "instanceTypes", 2, "regions", 2], "invalid", '"local-1" is not a region of provider "aws"'),
    ]);
  });

  it("rejects a regionPrices key that is not a region of the provider", () => {
    const c = catalogFixture();
    instanceType(c, "sim", "sim.cpu").regionPrices["us-west-2"] = { onDemandHourlyMicros: 1, spotHourlyMicros: null };
    expect(validateCatalog(c)).toEqual([
      issue(["providers", 1, "instanceTypes", 1, "regionPrices", "us-west-2"], "invalid", '"us-west-2"'),
    ]);
  });

  it("rejects a quota for a region the provider lacks", () => {
    const c = catalogFixture();
    provider(c, "sim").quotas.push({ region: "local-9", maxInstances: 1, maxGpus: 0 });
    expect(validateCatalog(c)).toEqual([issue(["providers", 1, "quotas", 0, "region"], "invalid", '"local-9"')]);
  });

  it("rejects an image naming an unknown provider", () => {
    const c = catalogFixture();
    emulator(c, "rpcs3").images.push({ provider: "gcp", region: null, image: "img" });
    expect(validateCatalog(c)).toEqual([issue(["emulators", 1, "images", 3, "provider"], "invalid", 'unknown provider "gcp"')]);
  });

  it("rejects an image naming a region its provider lacks (checked on disabled emulators too)", () => {
    const c = catalogFixture();
    emulator(c, "dolphin").images.push({ provider: "sim", region: "us-east-1", image: "img" });
    expect(validateCatalog(c)).toEqual([issue(["emulators", 2, "images", 1, "region"], "invalid", '"us-east-1"')]);
  });

  it("accepts a regional image for a disabled region", () => {
    const c = catalogFixture();
    emulator(c, "rpcs3").images.push({ provider: "aws", region: "ap-northeast-1", image: "ami-rpcs3-apne1" });
    expect(validateCatalog(c)).toEqual([]);
  });

  it("rejects an unknown provider in policy.allowedProviders", () => {
    const c = catalogFixture();
    c.policy.allowedProviders = ["sim", "gcp"];
    expect(validateCatalog(c)).toEqual([issue(["policy", "allowedProviders", 1], "invalid", 'unknown provider "gcp"')]);
  });

  it("accepts a disabled provider and an empty list in policy.allowedProviders", () => {
    const c = catalogFixture();
    provider(c, "aws").enabled = false;
    c.policy.allowedProviders = ["aws"];
    expect(validateCatalog(c)).toEqual([]);
    c.policy.allowedProviders = [];
    expect(validateCatalog(c)).toEqual([]);
  });
});

describe("validateCatalog: image coverage", () => {
  it("requires an image for every enabled provider", () => {
    const c = catalogFixture();
    emulator(c, "pcsx2").images = emulator(c, "pcsx2").images.filter((img) => img.provider !== "sim");
    expect(validateCatalog(c)).toEqual([issue(["emulators", 0, "images"], "invalid", 'no image for provider "sim"')]);
  });

  it("requires a regional image for every enabled region when there is no provider-wide one", () => {
    const c = catalogFixture();
    emulator(c, "rpcs3").images = emulator(c, "rpcs3").images.filter((img) => img.region !== "eu-central-1");
    const issues = validateCatalog(c);
    expect(issues).toEqual([issue(["emulators", 1, "images"], "invalid", 'provider "aws" in regions eu-central-1')]);
  });

  it("names every uncovered region once a disabled one is enabled", () => {
    const c = catalogFixture();
    region(c, "aws", "ap-northeast-1").enabled = true;
    emulator(c, "rpcs3").images = emulator(c, "rpcs3").images.filter((img) => img.region !== "us-east-1");
    expect(validateCatalog(c)).toEqual([
      issue(["emulators", 1, "images"], "invalid", 'provider "aws" in regions us-east-1, ap-northeast-1'),
    ]);
  });

  it("lets a provider-wide image cover every region, enabled or not", () => {
    const c = catalogFixture();
    region(c, "aws", "ap-northeast-1").enabled = true;
    provider(c, "aws").regions.push({ ...region(c, "aws", "us-east-1"), code: "us-west-2" });
    // pcsx2 has aws provider-wide; rpcs3 now misses ap-northeast-1 and us-west-2.
    expect(validateCatalog(c)).toEqual([
      issue(["emulators", 1, "images"], "invalid", 'provider "aws" in regions ap-northeast-1, us-west-2'),
    ]);
  });

  it("does not require images from disabled emulators", () => {
    const c = catalogFixture();
    expect(emulator(c, "dolphin").images.some((img) => img.provider === "aws")).toBe(false);
    emulator(c, "dolphin").enabled = true;
    expect(validateCatalog(c)).toEqual([
      issue(["emulators", 2, "images"], "invalid", 'emulator "dolphin" has no image for provider "aws"'),
    ]);
  });

  it("does not require images for disabled providers", () => {
    const c = catalogFixture();
    provider(c, "aws").enabled = false;
    for (const e of c.emulators) e.images = e.images.filter((img) => img.provider !== "aws");
    expect(validateCatalog(c)).toEqual([]);
  });

  it("requires an image for an enabled provider even when none of its regions is enabled", () => {
    const c = catalogFixture();
    for (const r of provider(c, "sim").regions) r.enabled = false;
    emulator(c, "pcsx2").images = emulator(c, "pcsx2").images.filter((img) => img.provider !== "sim");
    expect(validateCatalog(c)).toEqual([issue(["emulators", 0, "images"], "invalid", 'no image for provider "sim"')]);
  });

  it("reports one issue per uncovered provider, in provider order", () => {
    const c = catalogFixture();
    emulator(c, "pcsx2").images = [];
    expect(validateCatalog(c)).toEqual([
      issue(["emulators", 0, "images"], "invalid", '"aws"'),
      issue(["emulators", 0, "images"], "invalid", '"sim"'),
    ]);
  });
});

describe("validateCatalog: several problems", () => {
  it("reports all of them in a stable order", () => {
    const c = catalogFixture();
    c.emulators.push(structuredClone(emulator(c, "pcsx2")));
    instanceType(c, "aws", "g5.xlarge").regions.push("nowhere");
    c.policy.allowedProviders = ["nope"];
    expect(validateCatalog(c)).toEqual([
      issue(["emulators", 3, "id"], "duplicate", "pcsx2"),
      issue(["providers", 0, "instanceTypes", 0, "regions", 3], "invalid", "nowhere"),
      issue(["policy", "allowedProviders", 0], "invalid", "nope"),
    ]);
  });
});

describe("providerReferences", () => {
  it("lists every emulator with an image for the provider, then the policy", () => {
    const c = catalogFixture();
    c.policy.allowedProviders = ["sim"];
    expect(providerReferences(c, "sim")).toEqual([
      "emulators.pcsx2.images",
      "emulators.rpcs3.images",
      "emulators.dolphin.images",
      "policy.allowedProviders",
    ]);
  });

  it("counts regional images and ignores emulators without one for the provider", () => {
    expect(providerReferences(catalogFixture(), "aws")).toEqual(["emulators.pcsx2.images", "emulators.rpcs3.images"]);
  });

  it("is empty for an unreferenced (or unknown) provider", () => {
    const c = catalogFixture();
    for (const e of c.emulators) e.images = e.images.filter((img) => img.provider !== "aws");
    expect(providerReferences(c, "aws")).toEqual([]);
    expect(providerReferences(c, "gcp")).toEqual([]);
  });

  it("does not count policy.allowedProviders = null (every provider) as a reference", () => {
    const c = catalogFixture();
    for (const e of c.emulators) e.images = [];
    expect(c.policy.allowedProviders).toBeNull();
    expect(providerReferences(c, "sim")).toEqual([]);
  });

  it("names a place once even when ids repeat", () => {
    const c = catalogFixture();
    c.emulators.push(structuredClone(emulator(c, "dolphin")));
    expect(providerReferences(c, "sim").filter((p) => p === "emulators.dolphin.images")).toHaveLength(1);
  });
});
