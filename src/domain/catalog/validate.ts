// Cross-reference checks the zod schema cannot express: unique ids, references between
// providers, instance types, quotas, emulator images and policy, and image coverage. The input
// is already schema-valid; every issue carries a path from the catalog root so the API can
// answer like a validation error. Pure: no I/O, deterministic order.
import type { EmulatorProfile, InstanceType, Provider, TenantCatalog, TenantPolicy } from "./schema";

export interface CatalogIssue {
  path: (string | number)[];
  message: string;
  kind: "invalid" | "duplicate";
}

type Path = (string | number)[];

export function validateCatalog(catalog: TenantCatalog): CatalogIssue[] {
  // With duplicate provider ids (reported below) references resolve to the first one.
  const providers = firstById(catalog.providers);
  return [
    ...duplicateIssues(
      catalog.emulators.map((e) => e.id),
      (i) => ["emulators", i, "id"],
      "emulator id",
    ),
    ...duplicateIssues(
      catalog.providers.map((p) => p.id),
      (i) => ["providers", i, "id"],
      "provider id",
    ),
    ...catalog.providers.flatMap((p, i) => providerIssues(p, ["providers", i])),
    ...catalog.emulators.flatMap((e, i) => imageIssues(e, ["emulators", i], providers)),
    ...catalog.emulators.flatMap((e, i) => coverageIssues(e, ["emulators", i, "images"], providers)),
    ...policyIssues(catalog.policy, providers),
  ];
}

/** Places that reference the provider, so deleting it can be refused with the list. */
export function providerReferences(catalog: TenantCatalog, providerId: string): string[] {
  const places = catalog.emulators
    .filter((e) => e.images.some((img) => img.provider === providerId))
    .map((e) => `emulators.${e.id}.images`);
  if (catalog.policy.allowedProviders?.includes(providerId)) places.push("policy.allowedProviders");
  return [...new Set(places)];
}

// --- providers -------------------------------------------------------------------------------

function providerIssues(provider: Provider, base: Path): CatalogIssue[] {
  const codes = new Set(provider.regions.map((r) => r.code));
  return [
    ...duplicateIssues(
      provider.regions.map((r) => r.code),
      (i) => [...base, "regions", i, "code"],
      `region code in provider "${provider.id}"`,
    ),
    ...duplicateIssues(
      provider.instanceTypes.map((t) => t.name),
      (i) => [...base, "instanceTypes", i, "name"],
      `instance type in provider "${provider.id}"`,
    ),
    ...duplicateIssues(
      provider.quotas.map((q) => q.region),
      (i) => [...base, "quotas", i, "region"],
      `quota region in provider "${provider.id}"`,
    ),
    ...provider.instanceTypes.flatMap((type, t) => instanceTypeIssues(type, codes, provider.id, [...base, "instanceTypes", t])),
    ...provider.quotas.flatMap((quota, q) =>
      codes.has(quota.region) ? [] : [unknownRegion(quota.region, provider.id, [...base, "quotas", q, "region"])],
    ),
  ];
}

function instanceTypeIssues(type: InstanceType, codes: Set<string>, providerId: string, base: Path): CatalogIssue[] {
  return [
    ...type.regions.flatMap((code, k) => (codes.has(code) ? [] : [unknownRegion(code, providerId, [...base, "regions", k])])),
    // A repeated region would list the same offer twice.
    ...duplicateIssues(type.regions, (k) => [...base, "regions", k], `region of instance type "${type.name}"`),
    ...Object.keys(type.regionPrices).flatMap((code) =>
      codes.has(code) ? [] : [unknownRegion(code, providerId, [...base, "regionPrices", code])],
    ),
  ];
}

// --- emulators -------------------------------------------------------------------------------

function imageIssues(emulator: EmulatorProfile, base: Path, providers: Map<string, Provider>): CatalogIssue[] {
  const references = emulator.images.flatMap((img, k): CatalogIssue[] => {
    const provider = providers.get(img.provider);
    if (!provider) return [invalid([...base, "images", k, "provider"], `unknown provider "${img.provider}"`)];
    if (img.region !== null && !provider.regions.some((r) => r.code === img.region)) {
      return [unknownRegion(img.region, provider.id, [...base, "images", k, "region"])];
    }
    return [];
  });
  // One image per (provider, region); region null is the provider-wide slot.
  const keys = emulator.images.map((img) => `${img.provider}\u0000${img.region ?? ""}`);
  const repeats = duplicateIndices(keys).map(([k]): CatalogIssue => {
    const img = emulator.images[k];
    const where = img?.region ? `region "${img.region}"` : "every region";
    return duplicate([...base, "images", k], `duplicate image for provider "${img?.provider}" in ${where}`);
  });
  return [...references, ...repeats];
}

/** An enabled emulator must be launchable on every enabled region of every enabled provider. */
function coverageIssues(emulator: EmulatorProfile, path: Path, providers: Map<string, Provider>): CatalogIssue[] {
  if (!emulator.enabled) return [];
  return [...providers.values()]
    .filter((p) => p.enabled)
    .flatMap((provider): CatalogIssue[] => {
      const images = emulator.images.filter((img) => img.provider === provider.id);
      if (images.length === 0) {
        return [invalid(path, `emulator "${emulator.id}" has no image for provider "${provider.id}"`)];
      }
      if (images.some((img) => img.region === null)) return [];
      const covered = new Set(images.map((img) => img.region));
      const uncovered = provider.regions.filter((r) => r.enabled && !covered.has(r.code)).map((r) => r.code);
      if (uncovered.length === 0) return [];
      const message = `emulator "${emulator.id}" has no image for provider "${provider.id}" in regions ${uncovered.join(", ")}`;
      return [invalid(path, message)];
    });
}

// --- policy ----------------------------------------------------------------------------------

function policyIssues(policy: TenantPolicy, providers: Map<string, Provider>): CatalogIssue[] {
  const allowed = policy.allowedProviders;
  if (allowed === null) return [];
  const base: Path = ["policy", "allowedProviders"];
  return [
    ...allowed.flatMap((id, j) => (providers.has(id) ? [] : [invalid([...base, j], `unknown provider "${id}"`)])),
    ...duplicateIssues(allowed, (j) => [...base, j], "allowed provider"),
  ];
}

// --- helpers ---------------------------------------------------------------------------------

function firstById(providers: readonly Provider[]): Map<string, Provider> {
  const byId = new Map<string, Provider>();
  for (const p of providers) if (!byId.has(p.id)) byId.set(p.id, p);
  return byId;
}

/** [index, index of the first occurrence] for every repeated key, in order. */
function duplicateIndices(keys: readonly string[]): [number, number][] {
  const first = new Map<string, number>();
  const repeats: [number, number][] = [];
  for (const [index, key] of keys.entries()) {
    const seen = first.get(key);
    if (seen === undefined) first.set(key, index);
    else repeats.push([index, seen]);
  }
  return repeats;
}

function duplicateIssues(keys: readonly string[], pathOf: (index: number) => Path, what: string): CatalogIssue[] {
  return duplicateIndices(keys).map(([index, seen]) =>
    duplicate(pathOf(index), `duplicate ${what} "${keys[index]}" (first at index ${seen})`),
  );
}

function unknownRegion(code: string, providerId: string, path: Path): CatalogIssue {
  return invalid(path, `"${code}" is not a region of provider "${providerId}"`);
}

function invalid(path: Path, message: string): CatalogIssue {
  return { path, message, kind: "invalid" };
}

function duplicate(path: Path, message: string): CatalogIssue {
  return { path, message, kind: "duplicate" };
}
