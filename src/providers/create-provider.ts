// Builds the Provider adapter for a catalog provider entry. Credentials come from the Worker
// secret the entry names (never from the catalog itself). Every call is measured (a `provider`
// data point, src/metrics/), so the VM actor and the jobs get metrics without knowing it.
import type { Provider as CatalogProvider } from "../domain/catalog/schema";
import { instrumentProvider } from "../metrics/instrumented-provider";
import { metricsWriter } from "../metrics/writer";
import { AwsEc2Provider } from "./aws/aws-provider";
import { parseAwsCredentials } from "./aws/credentials";
import { SimulatedProvider } from "./simulated/simulated-provider";
import type { Provider } from "./types";

export function createProvider(env: Env, tenantId: string, config: CatalogProvider): Provider {
  return instrumentProvider(adapterFor(env, tenantId, config), metricsWriter(env));
}

function adapterFor(env: Env, tenantId: string, config: CatalogProvider): Provider {
  if (config.kind === "simulated") return new SimulatedProvider(env.SIMULATED_CLOUD, tenantId, config);
  const secretName = config.credentialSecret ?? "";
  const secret = (env as unknown as Record<string, unknown>)[secretName];
  return new AwsEc2Provider({
    id: config.id,
    credentials: parseAwsCredentials(secretName, typeof secret === "string" ? secret : undefined),
    endpoint: config.endpoint,
  });
}
