// The catalog a tenant reads until it writes its own: the simulated cloud (enabled), AWS
// (disabled until an operator adds credentials and images), the default emulators and policy.
// Parsed once at module load so a bad edit to the data fails loudly, in tests first.
import { type TenantCatalog, TenantCatalogSchema } from "../schema";
import { AWS_PROVIDER } from "./aws";
import { DEFAULT_EMULATORS } from "./emulators";
import { DEFAULT_POLICY } from "./policy";
import { SIMULATED_PROVIDER } from "./simulated";

const DEFAULT_CATALOG: TenantCatalog = TenantCatalogSchema.parse({
  emulators: DEFAULT_EMULATORS,
  providers: [SIMULATED_PROVIDER, AWS_PROVIDER],
  policy: DEFAULT_POLICY,
});

/** A fresh deep copy on every call: callers mutate what they get. */
export function defaultCatalog(): TenantCatalog {
  return structuredClone(DEFAULT_CATALOG);
}
