// A tenant's catalog: emulator profiles, cloud providers (regions, instance types, prices,
// quotas) and policy. Stored as ONE versioned document per tenant, so every change is atomic
// and reads cache by version. These schemas validate the API's input and the stored document
// alike; cross-references (duplicates, images, references) are checked in validate.ts.
import { z } from "@hono/zod-openapi";

/** Lowercase slug ids: `pcsx2`, `aws`, `g5.xlarge` is NOT a slug (instance names have their own rule). */
export const SlugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a slug: lowercase letters, digits and '-', at most 63")
  .openapi({ example: "pcsx2" });

/** Integer micro-dollars (1 USD = 1,000,000). */
export const MicrosSchema = z
  .number()
  .int("must be a whole number of micro-dollars")
  .min(0, "must not be negative")
  // $1 billion: far above any price, and keeps sums of prices well inside the safe integer range.
  .max(1_000_000_000_000_000, "must be at most 10^15 micro-dollars")
  .openapi({ description: "Money in integer micro-dollars (1 USD = 1000000)", example: 1006000 });

const RegionCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a region code: lowercase letters, digits and '-'")
  .openapi({ example: "eu-central-1" });

const InstanceTypeNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, "must be an instance type name: lowercase letters, digits, '.' and '-'")
  .openapi({ example: "g5.xlarge" });

export const EncoderSchema = z.enum(["nvenc", "amf", "quicksync"]).openapi({
  description: "Hardware video encoder (NVIDIA NVENC, AMD AMF, Intel Quick Sync)",
  example: "nvenc",
});

// --- emulator profiles ----------------------------------------------------------------------

export const EmulatorImageSchema = z
  .strictObject({
    provider: SlugSchema.openapi({ example: "aws" }),
    region: RegionCodeSchema.nullable()
      .default(null)
      .openapi({ description: "null: this image serves every region of the provider (images that are regional name one)" }),
    image: z
      .string()
      .min(1)
      .max(256)
      .openapi({ description: "Provider image id (e.g. an AMI)", example: "ami-0abcdef1234567890" }),
  })
  .openapi("EmulatorImage");

export const EmulatorNeedsSchema = z
  .strictObject({
    gpuRequired: z.boolean().openapi({ example: true }),
    minVramGb: z.number().min(0).max(1024).openapi({ example: 4 }),
    encoder: EncoderSchema.nullable().openapi({ description: "Required hardware encoder; null: software encoding is fine" }),
    minVcpu: z.number().int().min(1).max(1024).openapi({ example: 4 }),
    minRamGb: z.number().min(0.5).max(4096).openapi({ example: 8 }),
    diskGb: z.number().int().min(1).max(65536).openapi({ description: "Disk the VM boots with", example: 64 }),
  })
  .openapi("EmulatorNeeds");

export const StreamSettingsSchema = z
  .strictObject({
    width: z.number().int().min(320).max(7680).openapi({ example: 1920 }),
    height: z.number().int().min(240).max(4320).openapi({ example: 1080 }),
    fps: z.number().int().min(15).max(240).openapi({ example: 60 }),
    bitrateKbps: z.number().int().min(500).max(500_000).openapi({ example: 20000 }),
  })
  .openapi("StreamSettings");

export const SessionDefaultsSchema = z
  .strictObject({
    idleTimeoutMinutes: z.number().int().min(1).max(1440).openapi({ example: 15 }),
    maxSessionMinutes: z.number().int().min(5).max(10080).openapi({ example: 240 }),
    stream: StreamSettingsSchema,
  })
  .openapi("SessionDefaults");

export const EmulatorProfileSchema = z
  .strictObject({
    id: SlugSchema,
    name: z.string().trim().min(1).max(100).openapi({ example: "PCSX2 (PlayStation 2)" }),
    systems: z
      .array(SlugSchema)
      .min(1)
      .max(32)
      .openapi({ description: "Systems it runs", example: ["ps2"] }),
    streamingHost: z.enum(["sunshine", "wolf"]).openapi({ description: "The streaming host on the VM", example: "sunshine" }),
    needs: EmulatorNeedsSchema,
    images: z
      .array(EmulatorImageSchema)
      .max(512)
      .openapi({ description: "The image to boot, per provider (and region where regional)" }),
    session: SessionDefaultsSchema,
    enabled: z.boolean().default(true),
  })
  .openapi("EmulatorProfile");

// --- providers --------------------------------------------------------------------------------

export const ProviderRegionSchema = z
  .strictObject({
    code: RegionCodeSchema,
    city: z.string().min(1).max(100).openapi({ example: "Frankfurt" }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code")
      .openapi({ example: "DE" }),
    lat: z.number().min(-90).max(90).openapi({ example: 50.1109 }),
    lon: z.number().min(-180).max(180).openapi({ example: 8.6821 }),
    enabled: z.boolean().default(true),
    beaconUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .default(null)
      .openapi({ description: "Where clients measure their RTT to this region (optional)", example: null }),
  })
  .openapi("ProviderRegion");

export const GpuSchema = z
  .strictObject({
    model: z.string().min(1).max(64).openapi({ example: "NVIDIA A10G" }),
    count: z.number().int().min(1).max(16).openapi({ example: 1 }),
    vramGb: z.number().min(1).max(1024).openapi({ description: "VRAM per GPU", example: 24 }),
    encoder: EncoderSchema.nullable(),
  })
  .openapi("Gpu");

export const RegionPriceSchema = z
  .strictObject({
    onDemandHourlyMicros: MicrosSchema,
    spotHourlyMicros: MicrosSchema.nullable().default(null),
  })
  .openapi("RegionPrice");

export const InstanceTypeSchema = z
  .strictObject({
    name: InstanceTypeNameSchema,
    vcpu: z.number().int().min(1).max(1024).openapi({ example: 4 }),
    ramGb: z.number().min(0.5).max(32768).openapi({ example: 16 }),
    gpu: GpuSchema.nullable(),
    regions: z
      .array(RegionCodeSchema)
      .min(1)
      .max(512)
      .openapi({ description: "Regions that offer it", example: ["us-east-1"] }),
    onDemandHourlyMicros: MicrosSchema.openapi({ description: "On-demand price per hour (micro-dollars)" }),
    spotHourlyMicros: MicrosSchema.nullable()
      .default(null)
      .openapi({ description: "Spot price per hour; null: no spot capacity priced" }),
    regionPrices: z
      .record(RegionCodeSchema, RegionPriceSchema)
      .default({})
      .openapi({ description: "Per-region prices where they differ from the default ones" }),
  })
  .openapi("InstanceType");

export const QuotaSchema = z
  .strictObject({
    region: RegionCodeSchema,
    maxInstances: z.number().int().min(0).max(1_000_000).openapi({ example: 20 }),
    maxGpus: z.number().int().min(0).max(1_000_000).openapi({ example: 20 }),
  })
  .openapi("Quota");

export const ProviderSchema = z
  .strictObject({
    id: SlugSchema.openapi({ example: "aws" }),
    kind: z.enum(["simulated", "aws"]).openapi({ description: "Which adapter drives it", example: "aws" }),
    name: z.string().trim().min(1).max(100).openapi({ example: "Amazon Web Services" }),
    enabled: z.boolean().default(true),
    credentialSecret: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{2,63}$/, "must be the NAME of a Worker secret (A-Z, 0-9, _)")
      .nullable()
      .default(null)
      .openapi({
        description: "Name of the Worker secret holding the credentials (never the secret itself)",
        example: "AWS_CREDENTIALS",
      }),
    endpoint: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .default(null)
      .openapi({ description: "API endpoint override (null: the provider's public endpoint)", example: null }),
    regions: z.array(ProviderRegionSchema).max(512),
    instanceTypes: z.array(InstanceTypeSchema).max(512),
    diskGbMonthMicros: MicrosSchema.openapi({ description: "Disk price per GB-month (micro-dollars)", example: 80000 }),
    quotas: z
      .array(QuotaSchema)
      .max(512)
      .default([])
      .openapi({ description: "Per-region limits; a region without one is unlimited" }),
    pricesAsOf: z.iso
      .date()
      .openapi({ description: "Date the prices were taken from the provider's list", example: "2026-11-01" }),
  })
  .openapi("Provider");

// --- policy -------------------------------------------------------------------------------------

export const TenantPolicySchema = z
  .strictObject({
    allowedProviders: z
      .array(SlugSchema)
      .max(64)
      .nullable()
      .default(null)
      .openapi({ description: "Providers launches may use; null: every enabled provider", example: null }),
    defaultSessionMinutes: z.number().int().min(5).max(10080).openapi({ example: 120 }),
    maxSessionMinutes: z.number().int().min(5).max(10080).openapi({ example: 480 }),
    minSessionMinutes: z
      .number()
      .int()
      .min(1)
      .max(10080)
      .openapi({ description: "Minimum session length used to project a launch's cost", example: 30 }),
    idleTimeoutMinutes: z.number().int().min(1).max(1440).openapi({ example: 15 }),
    spotAllowed: z.boolean().openapi({ example: false }),
    maxRttMs: z
      .number()
      .int()
      .min(5)
      .max(1000)
      .openapi({ description: "Regions estimated slower are never chosen", example: 80 }),
    rttToleranceMs: z
      .number()
      .int()
      .min(0)
      .max(100)
      .openapi({ description: "Regions within this RTT of the best count as equally close (then price decides)", example: 5 }),
    defaultBudgetAction: z.enum(["notify", "stop", "terminate"]).openapi({ example: "stop" }),
    maxSessionsPerPlayer: z
      .number()
      .int()
      .min(1)
      .max(10)
      .default(1)
      .openapi({ description: "Live launch sessions a player may have at once", example: 1 }),
  })
  .refine((p) => p.defaultSessionMinutes <= p.maxSessionMinutes, {
    message: "must not exceed maxSessionMinutes",
    path: ["defaultSessionMinutes"],
  })
  .refine((p) => p.minSessionMinutes <= p.maxSessionMinutes, {
    message: "must not exceed maxSessionMinutes",
    path: ["minSessionMinutes"],
  })
  .openapi("TenantPolicy");

export const TenantCatalogSchema = z
  .strictObject({
    emulators: z.array(EmulatorProfileSchema).max(256),
    providers: z.array(ProviderSchema).max(32),
    policy: TenantPolicySchema,
  })
  .openapi("TenantCatalog");

export type EmulatorProfile = z.infer<typeof EmulatorProfileSchema>;
export type Provider = z.infer<typeof ProviderSchema>;
export type ProviderRegion = z.infer<typeof ProviderRegionSchema>;
export type InstanceType = z.infer<typeof InstanceTypeSchema>;
export type Quota = z.infer<typeof QuotaSchema>;
export type TenantPolicy = z.infer<typeof TenantPolicySchema>;
export type TenantCatalog = z.infer<typeof TenantCatalogSchema>;
export type Encoder = z.infer<typeof EncoderSchema>;
