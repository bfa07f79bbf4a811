// meetsNeeds, hourlyPrice and eligibleOffers: what can run an emulator, where, at what price.
import { describe, expect, it } from "vitest";
import { type EmulatorNeeds, eligibleOffers, hourlyPrice, meetsNeeds, type Offer } from "../../src/domain/catalog/eligibility";
import type { InstanceType } from "../../src/domain/catalog/schema";
import { catalogFixture, emulator, instanceType, provider, region } from "../support/catalog-fixture";

const gpuType = (over: Partial<InstanceType> = {}, gpu: Partial<NonNullable<InstanceType["gpu"]>> = {}): InstanceType => ({
  name: "gpu.test",
  vcpu: 4,
  ramGb: 16,
  gpu: { model: "Test GPU", count: 1, vramGb: 8, encoder: "nvenc", ...gpu },
  regions: ["r1"],
  onDemandHourlyMicros: 1_000_000,
  spotHourlyMicros: null,
  regionPrices: {},
  ...over,
});
const cpuType = (over: Partial<InstanceType> = {}): InstanceType => gpuType({ gpu: null, ...over });

// Needs exactly equal to gpuType(): every boundary is met with nothing to spare.
const needs = (over: Partial<EmulatorNeeds> = {}): EmulatorNeeds => ({
  gpuRequired: true,
  minVramGb: 8,
  encoder: "nvenc",
  minVcpu: 4,
  minRamGb: 16,
  diskGb: 64,
  ...over,
});
const noGpuNeeds = (over: Partial<EmulatorNeeds> = {}) => needs({ gpuRequired: false, minVramGb: 0, encoder: null, ...over });

const keys = (offers: Offer[] | null) => offers?.map((o) => `${o.provider}/${o.region}/${o.instanceType}`);

describe("meetsNeeds", () => {
  it("accepts a type that meets every need exactly (boundaries are inclusive)", () => {
    expect(meetsNeeds(gpuType(), needs())).toBe(true);
  });

  it("rejects a type one step short on vCPU or RAM", () => {
    expect(meetsNeeds(gpuType({ vcpu: 3 }), needs())).toBe(false);
    expect(meetsNeeds(gpuType({ ramGb: 15.5 }), needs())).toBe(false);
    expect(meetsNeeds(cpuType({ vcpu: 3 }), noGpuNeeds())).toBe(false);
    expect(meetsNeeds(cpuType({ ramGb: 15.5 }), noGpuNeeds())).toBe(false);
  });

  it("accepts more than needed", () => {
    expect(meetsNeeds(gpuType({ vcpu: 64, ramGb: 256 }, { vramGb: 80 }), needs())).toBe(true);
  });

  it("requires a GPU when gpuRequired", () => {
    expect(meetsNeeds(cpuType(), needs({ minVramGb: 0, encoder: null }))).toBe(false);
    expect(meetsNeeds(gpuType(), needs({ minVramGb: 0, encoder: null }))).toBe(true);
  });

  it("compares VRAM per GPU: more GPUs do not add up", () => {
    expect(meetsNeeds(gpuType({}, { vramGb: 7.9 }), needs())).toBe(false);
    expect(meetsNeeds(gpuType({}, { count: 4, vramGb: 4 }), needs())).toBe(false);
    expect(meetsNeeds(gpuType({}, { count: 4, vramGb: 8 }), needs())).toBe(true);
  });

  it("requires the named encoder, and a GPU that has one", () => {
    expect(meetsNeeds(gpuType({}, { encoder: "amf" }), needs())).toBe(false);
    expect(meetsNeeds(gpuType({}, { encoder: null }), needs())).toBe(false);
    expect(meetsNeeds(gpuType({}, { encoder: "quicksync" }), needs({ encoder: "quicksync" }))).toBe(true);
  });

  it("accepts any encoder (or none) when the emulator names none", () => {
    expect(meetsNeeds(gpuType({}, { encoder: "amf" }), needs({ encoder: null }))).toBe(true);
    expect(meetsNeeds(gpuType({}, { encoder: null }), needs({ encoder: null }))).toBe(true);
  });

  it("passes every type through the GPU checks when no GPU, VRAM or encoder is needed", () => {
    expect(meetsNeeds(cpuType(), noGpuNeeds())).toBe(true);
    expect(meetsNeeds(gpuType({}, { encoder: null, vramGb: 1 }), noGpuNeeds())).toBe(true);
  });

  it("treats VRAM or an encoder as needing a GPU even when gpuRequired is false", () => {
    expect(meetsNeeds(cpuType(), noGpuNeeds({ minVramGb: 0.5 }))).toBe(false);
    expect(meetsNeeds(cpuType(), noGpuNeeds({ encoder: "nvenc" }))).toBe(false);
    expect(meetsNeeds(gpuType(), noGpuNeeds({ minVramGb: 8, encoder: "nvenc" }))).toBe(true);
  });
});

describe("hourlyPrice", () => {
  it("uses the type's default prices where the region has no override", () => {
    const g5 = instanceType(catalogFixture(), "aws", "g5.xlarge");
    expect(hourlyPrice(g5, "us-east-1")).toEqual({ onDemandHourlyMicros: 1_006_000, spotHourlyMicros: 400_000 });
  });

  it("replaces both prices with the region's override (a null spot price there means no spot)", () => {
    const g5 = instanceType(catalogFixture(), "aws", "g5.xlarge");
    expect(hourlyPrice(g5, "eu-central-1")).toEqual({ onDemandHourlyMicros: 1_200_000, spotHourlyMicros: null });
  });

  it("can add a spot price in one region only", () => {
    const type = cpuType({ regionPrices: { r2: { onDemandHourlyMicros: 900_000, spotHourlyMicros: 300_000 } } });
    expect(hourlyPrice(type, "r1")).toEqual({ onDemandHourlyMicros: 1_000_000, spotHourlyMicros: null });
    expect(hourlyPrice(type, "r2")).toEqual({ onDemandHourlyMicros: 900_000, spotHourlyMicros: 300_000 });
  });

  it("does not read inherited properties as overrides (a region may be called 'constructor')", () => {
    expect(hourlyPrice(cpuType(), "constructor")).toEqual({ onDemandHourlyMicros: 1_000_000, spotHourlyMicros: null });
  });
});

describe("eligibleOffers", () => {
  it("returns null for an unknown emulator and [] for a disabled one", () => {
    const c = catalogFixture();
    expect(eligibleOffers(c, "mame")).toBeNull();
    expect(eligibleOffers(c, "dolphin")).toEqual([]);
    emulator(c, "dolphin").enabled = true;
    expect(keys(eligibleOffers(c, "dolphin"))).toEqual([
      "sim/local-1/sim.cpu",
      "sim/local-1/sim.gpu.small",
      "sim/local-2/sim.gpu.small",
    ]);
  });

  it("lists the types meeting the needs in enabled regions, cheapest on-demand first", () => {
    expect(keys(eligibleOffers(catalogFixture(), "pcsx2"))).toEqual([
      "aws/us-east-1/g4ad.xlarge",
      "sim/local-1/sim.gpu.small",
      "sim/local-2/sim.gpu.small",
      "aws/us-east-1/g5.xlarge",
      "aws/eu-central-1/g5.xlarge",
    ]);
  });

  it("fills an offer from the provider, region, type, prices, image, disk and quota", () => {
    const offers = eligibleOffers(catalogFixture(), "pcsx2") ?? [];
    expect(offers.find((o) => o.instanceType === "g5.xlarge" && o.region === "us-east-1")).toEqual({
      provider: "aws",
      providerKind: "aws",
      region: "us-east-1",
      city: "Ashburn",
      country: "US",
      lat: 39.0438,
      lon: -77.4874,
      instanceType: "g5.xlarge",
      vcpu: 4,
      ramGb: 16,
      gpu: { model: "NVIDIA A10G", count: 1, vramGb: 24, encoder: "nvenc" },
      onDemandHourlyMicros: 1_006_000,
      spotHourlyMicros: 400_000,
      image: "ami-pcsx2",
      diskGb: 64,
      diskGbMonthMicros: 80_000,
      quota: { maxInstances: 20, maxGpus: 8 },
    });
  });

  it("attaches the region's quota, or null where the provider has none", () => {
    const offers = eligibleOffers(catalogFixture(), "pcsx2") ?? [];
    const quotaOf = (key: string) => offers.find((o) => `${o.provider}/${o.region}/${o.instanceType}` === key)?.quota;
    expect(quotaOf("aws/us-east-1/g4ad.xlarge")).toEqual({ maxInstances: 20, maxGpus: 8 });
    expect(quotaOf("aws/eu-central-1/g5.xlarge")).toBeNull();
    expect(quotaOf("sim/local-1/sim.gpu.small")).toBeNull();
  });

  it("uses the regional price override", () => {
    const eu = eligibleOffers(catalogFixture(), "pcsx2")?.find((o) => o.region === "eu-central-1");
    expect(eu).toMatchObject({ onDemandHourlyMicros: 1_200_000, spotHourlyMicros: null });
  });

  it("resolves the regional image first, else the provider-wide one", () => {
    const images = Object.fromEntries(
      (eligibleOffers(catalogFixture(), "pcsx2") ?? []).map((o) => [`${o.provider}/${o.region}`, o.image]),
    );
    expect(images).toEqual({
      "aws/us-east-1": "ami-pcsx2",
      "aws/eu-central-1": "ami-pcsx2-eu",
      "sim/local-1": "sim-pcsx2",
      "sim/local-2": "sim-pcsx2",
    });
  });

  it("leaves out regions where the emulator has no image", () => {
    const c = catalogFixture();
    expect(keys(eligibleOffers(c, "rpcs3"))).toEqual([
      "sim/local-1/sim.gpu.small",
      "sim/local-2/sim.gpu.small",
      "aws/us-east-1/g5.xlarge",
      "aws/eu-central-1/g5.xlarge",
    ]);
    emulator(c, "rpcs3").images = emulator(c, "rpcs3").images.filter((img) => img.region !== "eu-central-1");
    const offers = eligibleOffers(c, "rpcs3") ?? [];
    expect(offers.map((o) => `${o.region}:${o.image}`)).toEqual([
      "local-1:sim-rpcs3",
      "local-2:sim-rpcs3",
      "us-east-1:ami-rpcs3-use1",
    ]);
    emulator(c, "rpcs3").images = [];
    expect(eligibleOffers(c, "rpcs3")).toEqual([]);
  });

  it("leaves out types that miss the needs (no GPU, too little VRAM, wrong encoder)", () => {
    const types = new Set((eligibleOffers(catalogFixture(), "rpcs3") ?? []).map((o) => o.instanceType));
    // c6i/sim.cpu: no GPU; g4ad: AMF encoder; sim.gpu.small: 8 GB nvenc meets exactly.
    expect([...types].sort()).toEqual(["g5.xlarge", "sim.gpu.small"]);
  });

  it("leaves out disabled regions, disabled providers, and regions that do not offer the type", () => {
    const c = catalogFixture();
    region(c, "aws", "ap-northeast-1").enabled = true;
    emulator(c, "pcsx2").images.push({ provider: "aws", region: "ap-northeast-1", image: "ami-pcsx2-apne1" });
    expect(keys(eligibleOffers(c, "pcsx2"))).toContain("aws/ap-northeast-1/g5.xlarge");
    region(c, "aws", "ap-northeast-1").enabled = false;
    expect(keys(eligibleOffers(c, "pcsx2"))).not.toContain("aws/ap-northeast-1/g5.xlarge");
    // g4ad is offered in us-east-1 only.
    expect(keys(eligibleOffers(c, "pcsx2"))?.filter((k) => k.endsWith("g4ad.xlarge"))).toEqual(["aws/us-east-1/g4ad.xlarge"]);
    provider(c, "sim").enabled = false;
    expect(keys(eligibleOffers(c, "pcsx2"))?.every((k) => k.startsWith("aws/"))).toBe(true);
  });

  it("applies policy.allowedProviders (null: every enabled provider; []: none)", () => {
    const c = catalogFixture();
    c.policy.allowedProviders = ["sim"];
    expect(keys(eligibleOffers(c, "pcsx2"))).toEqual(["sim/local-1/sim.gpu.small", "sim/local-2/sim.gpu.small"]);
    c.policy.allowedProviders = [];
    expect(eligibleOffers(c, "pcsx2")).toEqual([]);
  });

  it("does not let the policy re-enable a disabled provider", () => {
    const c = catalogFixture();
    provider(c, "sim").enabled = false;
    c.policy.allowedProviders = ["sim"];
    expect(eligibleOffers(c, "pcsx2")).toEqual([]);
  });

  it("applies options.providers on top of the policy", () => {
    const c = catalogFixture();
    expect(keys(eligibleOffers(c, "pcsx2", { providers: ["aws"] }))).toEqual([
      "aws/us-east-1/g4ad.xlarge",
      "aws/us-east-1/g5.xlarge",
      "aws/eu-central-1/g5.xlarge",
    ]);
    expect(eligibleOffers(c, "pcsx2", { providers: [] })).toEqual([]);
    c.policy.allowedProviders = ["sim"];
    expect(eligibleOffers(c, "pcsx2", { providers: ["aws"] })).toEqual([]);
    expect(keys(eligibleOffers(c, "pcsx2", { providers: ["aws", "sim"] }))).toEqual([
      "sim/local-1/sim.gpu.small",
      "sim/local-2/sim.gpu.small",
    ]);
  });

  it("in spot mode keeps only offers with a spot price (default or regional), cheapest spot first", () => {
    const c = catalogFixture();
    expect(keys(eligibleOffers(c, "pcsx2", { spot: true }))).toEqual([
      "sim/local-1/sim.gpu.small",
      "sim/local-2/sim.gpu.small",
      "aws/us-east-1/g5.xlarge",
    ]);
    // Spot order can differ from on-demand order.
    instanceType(c, "aws", "g5.xlarge").spotHourlyMicros = 150_000;
    expect(keys(eligibleOffers(c, "pcsx2", { spot: true }))?.[0]).toBe("aws/us-east-1/g5.xlarge");
    expect(eligibleOffers(c, "pcsx2", { spot: false })?.[0]?.instanceType).toBe("g4ad.xlarge");
  });

  it("in spot mode includes a spot price that exists only as a regional override", () => {
    const c = catalogFixture();
    instanceType(c, "aws", "g4ad.xlarge").regionPrices["us-east-1"] = {
      onDemandHourlyMicros: 379_000,
      spotHourlyMicros: 120_000,
    };
    expect(eligibleOffers(c, "pcsx2", { spot: true })?.[0]).toMatchObject({
      instanceType: "g4ad.xlarge",
      spotHourlyMicros: 120_000,
    });
  });

  it("breaks price ties by provider, then region, then instance type, whatever the catalog order", () => {
    const c = catalogFixture();
    instanceType(c, "sim", "sim.gpu.small").onDemandHourlyMicros = 379_000;
    provider(c, "aws").instanceTypes.push({
      ...structuredClone(instanceType(c, "aws", "g4ad.xlarge")),
      name: "g4dn.xlarge",
      gpu: { model: "NVIDIA T4", count: 1, vramGb: 16, encoder: "nvenc" },
    });
    const expected = [
      "aws/us-east-1/g4ad.xlarge",
      "aws/us-east-1/g4dn.xlarge",
      "sim/local-1/sim.gpu.small",
      "sim/local-2/sim.gpu.small",
      "aws/us-east-1/g5.xlarge",
      "aws/eu-central-1/g5.xlarge",
    ];
    expect(keys(eligibleOffers(c, "pcsx2"))).toEqual(expected);
    c.providers.reverse();
    for (const p of c.providers) {
      p.regions.reverse();
      p.instanceTypes.reverse();
    }
    expect(keys(eligibleOffers(c, "pcsx2"))).toEqual(expected);
  });

  it("returns offers that do not share objects with the catalog", () => {
    const c = catalogFixture();
    const [first] = eligibleOffers(c, "pcsx2") ?? [];
    if (first?.gpu) first.gpu.vramGb = 1;
    expect(instanceType(c, "aws", "g4ad.xlarge").gpu?.vramGb).toBe(8);
  });

  it("uses the emulator's disk and the provider's disk price", () => {
    const offers = eligibleOffers(catalogFixture(), "rpcs3") ?? [];
    expect(new Set(offers.map((o) => `${o.provider}:${o.diskGb}:${o.diskGbMonthMicros}`))).toEqual(
      new Set(["sim:128:50000", "aws:128:80000"]),
    );
  });
});
