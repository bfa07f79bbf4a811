// A small hand-made tenant catalog for the pure catalog tests. Every call returns a fresh copy,
// so a test may mutate it freely. It is schema-valid (every default written out) and passes
// validateCatalog; the tests rely on the exact values below.
//
// aws (kind aws, enabled), disk 80_000/GB-month, quota in us-east-1 only
//   regions: us-east-1 (Ashburn), eu-central-1 (Frankfurt), ap-northeast-1 (Tokyo, DISABLED)
//   g5.xlarge    4 vCPU 16 GB  A10G 24 GB nvenc   us-east-1, eu-central-1, ap-northeast-1
//                1_006_000 / spot 400_000; eu-central-1 overrides to 1_200_000 / no spot
//   g4ad.xlarge  4 vCPU 16 GB  V520 8 GB amf      us-east-1           379_000 / no spot
//   c6i.2xlarge  8 vCPU 16 GB  no GPU             us-east-1, eu-central-1   340_000 / spot 150_000
// sim (kind simulated, enabled), disk 50_000/GB-month, no quotas
//   regions: local-1 (Paris, beacon), local-2 (Sydney)
//   sim.gpu.small  4 vCPU 16 GB  Sim GPU 8 GB nvenc   local-1, local-2   500_000 / spot 200_000
//   sim.cpu        2 vCPU 4 GB   no GPU               local-1            100_000 / no spot
// emulators
//   pcsx2   enabled; GPU, 4 GB VRAM, any encoder, 4 vCPU, 8 GB; aws provider-wide image with an
//           eu-central-1 override, sim provider-wide image
//   rpcs3   enabled; GPU, 8 GB VRAM, nvenc, 4 vCPU, 16 GB; aws regional images only (us-east-1,
//           eu-central-1: Tokyo is disabled so needs none), sim provider-wide image
//   dolphin DISABLED; no GPU needs, 2 vCPU, 4 GB; sim image only
import type { EmulatorProfile, TenantCatalog } from "../../src/domain/catalog/schema";

const session: EmulatorProfile["session"] = {
  idleTimeoutMinutes: 15,
  maxSessionMinutes: 240,
  stream: { width: 1920, height: 1080, fps: 60, bitrateKbps: 20_000 },
};

export function catalogFixture(): TenantCatalog {
  return {
    emulators: [
      {
        id: "pcsx2",
        name: "PCSX2 (PlayStation 2)",
        systems: ["ps2"],
        streamingHost: "sunshine",
        needs: { gpuRequired: true, minVramGb: 4, encoder: null, minVcpu: 4, minRamGb: 8, diskGb: 64 },
        images: [
          { provider: "aws", region: null, image: "ami-pcsx2" },
          { provider: "aws", region: "eu-central-1", image: "ami-pcsx2-eu" },
          { provider: "sim", region: null, image: "sim-pcsx2" },
        ],
        session: structuredClone(session),
        enabled: true,
      },
      {
        id: "rpcs3",
        name: "RPCS3 (PlayStation 3)",
        systems: ["ps3"],
        streamingHost: "sunshine",
        needs: { gpuRequired: true, minVramGb: 8, encoder: "nvenc", minVcpu: 4, minRamGb: 16, diskGb: 128 },
        images: [
          { provider: "aws", region: "us-east-1", image: "ami-rpcs3-use1" },
          { provider: "aws", region: "eu-central-1", image: "ami-rpcs3-euc1" },
          { provider: "sim", region: null, image: "sim-rpcs3" },
        ],
        session: structuredClone(session),
        enabled: true,
      },
      {
        id: "dolphin",
        name: "Dolphin (GameCube, Wii)",
        systems: ["gamecube", "wii"],
        streamingHost: "wolf",
        needs: { gpuRequired: false, minVramGb: 0, encoder: null, minVcpu: 2, minRamGb: 4, diskGb: 32 },
        images: [{ provider: "sim", region: null, image: "sim-dolphin" }],
        session: structuredClone(session),
        enabled: false,
      },
    ],
    providers: [
      {
        id: "aws",
        kind: "aws",
        name: "Amazon Web Services",
        enabled: true,
        credentialSecret: "AWS_CREDENTIALS",
        endpoint: null,
        regions: [
          { code: "us-east-1", city: "Ashburn", country: "US", lat: 39.0438, lon: -77.4874, enabled: true, beaconUrl: null },
          { code: "eu-central-1", city: "Frankfurt", country: "DE", lat: 50.1109, lon: 8.6821, enabled: true, beaconUrl: null },
          { code: "ap-northeast-1", city: "Tokyo", country: "JP", lat: 35.6762, lon: 139.6503, enabled: false, beaconUrl: null },
        ],
        instanceTypes: [
          {
            name: "g5.xlarge",
            vcpu: 4,
            ramGb: 16,
            gpu: { model: "NVIDIA A10G", count: 1, vramGb: 24, encoder: "nvenc" },
            regions: ["us-east-1", "eu-central-1", "ap-northeast-1"],
            onDemandHourlyMicros: 1_006_000,
            spotHourlyMicros: 400_000,
            regionPrices: { "eu-central-1": { onDemandHourlyMicros: 1_200_000, spotHourlyMicros: null } },
          },
          {
            name: "g4ad.xlarge",
            vcpu: 4,
            ramGb: 16,
            gpu: { model: "AMD Radeon Pro V520", count: 1, vramGb: 8, encoder: "amf" },
            regions: ["us-east-1"],
            onDemandHourlyMicros: 379_000,
            spotHourlyMicros: null,
            regionPrices: {},
          },
          {
            name: "c6i.2xlarge",
            vcpu: 8,
            ramGb: 16,
            gpu: null,
            regions: ["us-east-1", "eu-central-1"],
            onDemandHourlyMicros: 340_000,
            spotHourlyMicros: 150_000,
            regionPrices: {},
          },
        ],
        diskGbMonthMicros: 80_000,
        quotas: [{ region: "us-east-1", maxInstances: 20, maxGpus: 8 }],
        pricesAsOf: "2026-11-01",
      },
      {
        id: "sim",
        kind: "simulated",
        name: "Simulated cloud",
        enabled: true,
        credentialSecret: null,
        endpoint: null,
        regions: [
          {
            code: "local-1",
            city: "Paris",
            country: "FR",
            lat: 48.8566,
            lon: 2.3522,
            enabled: true,
            beaconUrl: "https://beacon.local-1.example.com/ping",
          },
          { code: "local-2", city: "Sydney", country: "AU", lat: -33.8688, lon: 151.2093, enabled: true, beaconUrl: null },
        ],
        instanceTypes: [
          {
            name: "sim.gpu.small",
            vcpu: 4,
            ramGb: 16,
            gpu: { model: "Simulated GPU", count: 1, vramGb: 8, encoder: "nvenc" },
            regions: ["local-1", "local-2"],
            onDemandHourlyMicros: 500_000,
            spotHourlyMicros: 200_000,
            regionPrices: {},
          },
          {
            name: "sim.cpu",
            vcpu: 2,
            ramGb: 4,
            gpu: null,
            regions: ["local-1"],
            onDemandHourlyMicros: 100_000,
            spotHourlyMicros: null,
            regionPrices: {},
          },
        ],
        diskGbMonthMicros: 50_000,
        quotas: [],
        pricesAsOf: "2026-11-01",
      },
    ],
    policy: {
      allowedProviders: null,
      defaultSessionMinutes: 120,
      maxSessionMinutes: 480,
      minSessionMinutes: 30,
      idleTimeoutMinutes: 15,
      spotAllowed: false,
      maxRttMs: 80,
      rttToleranceMs: 5,
      defaultBudgetAction: "stop",
      maxSessionsPerPlayer: 1,
    },
  };
}

/** Index lookups that fail loudly, so tests read `provider(c, "aws")` instead of `c.providers[0]!`. */
export function provider(catalog: TenantCatalog, id: string) {
  const found = catalog.providers.find((p) => p.id === id);
  if (!found) throw new Error(`fixture has no provider ${id}`);
  return found;
}

export function emulator(catalog: TenantCatalog, id: string) {
  const found = catalog.emulators.find((e) => e.id === id);
  if (!found) throw new Error(`fixture has no emulator ${id}`);
  return found;
}

export function instanceType(catalog: TenantCatalog, providerId: string, name: string) {
  const found = provider(catalog, providerId).instanceTypes.find((t) => t.name === name);
  if (!found) throw new Error(`fixture has no instance type ${providerId}/${name}`);
  return found;
}

export function region(catalog: TenantCatalog, providerId: string, code: string) {
  const found = provider(catalog, providerId).regions.find((r) => r.code === code);
  if (!found) throw new Error(`fixture has no region ${providerId}/${code}`);
  return found;
}
