// The catalog's view of where VMs can run: every enabled region of every enabled provider, with
// the instance types offered there. Policy (allowedProviders) is applied at launch time, not
// here, so operators see the whole catalog.
import type { Provider, ProviderRegion, TenantCatalog } from "./schema";

export interface RegionEntry {
  provider: string;
  providerKind: "simulated" | "aws";
  code: string;
  city: string;
  country: string;
  lat: number;
  lon: number;
  beaconUrl: string | null;
  instanceTypes: string[];
}

export function enabledRegions(catalog: TenantCatalog): RegionEntry[] {
  return catalog.providers
    .filter((p) => p.enabled)
    .flatMap((p) => p.regions.filter((r) => r.enabled).map((r) => regionEntry(p, r)))
    .sort((a, b) => compareText(a.provider, b.provider) || compareText(a.code, b.code));
}

function regionEntry(provider: Provider, region: ProviderRegion): RegionEntry {
  const offered = provider.instanceTypes.filter((t) => t.regions.includes(region.code)).map((t) => t.name);
  return {
    provider: provider.id,
    providerKind: provider.kind,
    code: region.code,
    city: region.city,
    country: region.country,
    lat: region.lat,
    lon: region.lon,
    beaconUrl: region.beaconUrl,
    // A Set because a (schema-valid but unvalidated) catalog may repeat a type name.
    instanceTypes: [...new Set(offered)].sort(compareText),
  };
}

/** Code-unit order: the same on every runtime and locale, unlike localeCompare. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
