// Resolves an emulator's needs against a tenant catalog: which (provider, region, instance
// type) offers can run it, at what price, with which image. Placement scores these offers by
// the player's RTT; this module knows nothing about players. Pure: no I/O, deterministic order.
import type { EmulatorProfile, InstanceType, Provider, ProviderRegion, TenantCatalog } from "./schema";

// The schema exports no name for it; derived so it follows the schema.
export type EmulatorNeeds = EmulatorProfile["needs"];

export interface HourlyPrice {
  onDemandHourlyMicros: number;
  spotHourlyMicros: number | null;
}

export interface Offer extends HourlyPrice {
  provider: string;
  providerKind: Provider["kind"];
  region: string;
  city: string;
  country: string;
  lat: number;
  lon: number;
  instanceType: string;
  vcpu: number;
  ramGb: number;
  gpu: InstanceType["gpu"];
  /** The resolved image id: the regional image for this region, else the provider-wide one. */
  image: string;
  diskGb: number;
  diskGbMonthMicros: number;
  /** The provider's quota for this region; null: unlimited. */
  quota: { maxInstances: number; maxGpus: number } | null;
}

export interface OfferOptions {
  /** Only offers with a spot price, ordered by it. */
  spot?: boolean;
  /** Restrict to these provider ids (on top of policy.allowedProviders). */
  providers?: readonly string[];
}

export function meetsNeeds(type: InstanceType, needs: EmulatorNeeds): boolean {
  return meetsGpuNeeds(type.gpu, needs) && type.vcpu >= needs.minVcpu && type.ramGb >= needs.minRamGb;
}

function meetsGpuNeeds(gpu: InstanceType["gpu"], needs: EmulatorNeeds): boolean {
  // A type without a GPU has no VRAM and no hardware encoder, so any GPU need rules it out.
  if (gpu === null) return !needs.gpuRequired && needs.minVramGb === 0 && needs.encoder === null;
  // VRAM is per GPU: a game runs on one GPU, so more GPUs do not add up.
  if (gpu.vramGb < needs.minVramGb) return false;
  return needs.encoder === null || gpu.encoder === needs.encoder;
}

export function hourlyPrice(type: InstanceType, region: string): HourlyPrice {
  // A regional price replaces both defaults (its spot price defaults to null: no spot there).
  // Object.hasOwn: "constructor" is a valid region code and must not hit the prototype.
  const override = Object.hasOwn(type.regionPrices, region) ? type.regionPrices[region] : undefined;
  const price = override ?? type;
  return { onDemandHourlyMicros: price.onDemandHourlyMicros, spotHourlyMicros: price.spotHourlyMicros };
}

/** null: no such emulator; []: nothing can run it (a disabled emulator runs nowhere). */
export function eligibleOffers(catalog: TenantCatalog, emulatorId: string, options: OfferOptions = {}): Offer[] | null {
  const emulator = catalog.emulators.find((e) => e.id === emulatorId);
  if (!emulator) return null;
  if (!emulator.enabled) return [];
  const offers = usableProviders(catalog, options).flatMap((p) => providerOffers(p, emulator));
  const priced = options.spot ? offers.filter((o) => o.spotHourlyMicros !== null) : offers;
  const priceOf = (o: Offer) => (options.spot ? (o.spotHourlyMicros ?? 0) : o.onDemandHourlyMicros);
  return priced.sort((a, b) => priceOf(a) - priceOf(b) || compareOfferKeys(a, b));
}

function usableProviders(catalog: TenantCatalog, options: OfferOptions): Provider[] {
  const allowed = catalog.policy.allowedProviders;
  const requested = options.providers;
  return catalog.providers.filter(
    (p) => p.enabled && (allowed === null || allowed.includes(p.id)) && (requested === undefined || requested.includes(p.id)),
  );
}

function providerOffers(provider: Provider, emulator: EmulatorProfile): Offer[] {
  const types = provider.instanceTypes.filter((t) => meetsNeeds(t, emulator.needs));
  return provider.regions
    .filter((r) => r.enabled)
    .flatMap((region) => {
      const image = resolveImage(emulator, provider.id, region.code);
      if (image === null) return [];
      return types.filter((t) => t.regions.includes(region.code)).map((t) => offer(provider, region, t, emulator, image));
    });
}

/** The regional image wins over the provider-wide one; null: the emulator cannot boot there. */
function resolveImage(emulator: EmulatorProfile, providerId: string, region: string): string | null {
  const images = emulator.images.filter((img) => img.provider === providerId);
  const chosen = images.find((img) => img.region === region) ?? images.find((img) => img.region === null);
  return chosen?.image ?? null;
}

function offer(provider: Provider, region: ProviderRegion, type: InstanceType, emulator: EmulatorProfile, image: string): Offer {
  const quota = provider.quotas.find((q) => q.region === region.code);
  return {
    provider: provider.id,
    providerKind: provider.kind,
    region: region.code,
    city: region.city,
    country: region.country,
    lat: region.lat,
    lon: region.lon,
    instanceType: type.name,
    vcpu: type.vcpu,
    ramGb: type.ramGb,
    // Copied so a caller editing an offer cannot change a cached catalog.
    gpu: type.gpu && { ...type.gpu },
    ...hourlyPrice(type, region.code),
    image,
    diskGb: emulator.needs.diskGb,
    diskGbMonthMicros: provider.diskGbMonthMicros,
    quota: quota ? { maxInstances: quota.maxInstances, maxGpus: quota.maxGpus } : null,
  };
}

/** Ties on price break by provider, region, then instance type: same input, same order. */
function compareOfferKeys(a: Offer, b: Offer): number {
  return compareText(a.provider, b.provider) || compareText(a.region, b.region) || compareText(a.instanceType, b.instanceType);
}

/** Code-unit order: the same on every runtime and locale, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
