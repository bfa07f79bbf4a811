// Builds the Provider adapter for a catalog provider entry. Credentials come from the Worker
// secret the entry names (never from the catalog itself).
import type { Provider as CatalogProvider } from "../domain/catalog/schema";
import { AwsEc2Provider } from "./aws/aws-provider";
import { parseAwsCredentials } from "./aws/credentials";
import { SimulatedProvider } from "./simulated/simulated-provider";
import type { Provider } from "./types";

export function createProvider(env: Env, tenantId: string, config: CatalogProvider): Provider {
  if (config.kind === "simulated") return new SimulatedProvider(env.SIMULATED_CLOUD, tenantId, config);
  const secretName = config.credentialSecret ?? "";
  const secret = (env as unknown as Record<string, unknown>)[secretName];
  return new AwsEc2Provider({
    id: config.id,
    credentials: parseAwsCredentials(secretName, typeof secret === "string" ? secret : undefined),
    endpoint: config.endpoint,
  });
}
