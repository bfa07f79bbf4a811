// The simulated cloud that `npm start` and the tests launch on: a mirror of the AWS world (the
// same regions, coordinates, instance types, specs and prices) so placement and pricing behave
// as they would for real. Unlike AWS, every type is offered in every region (at the us-east-1
// price where AWS lists none): the simulation has no capacity gaps, only quotas to hit.
import type { Provider } from "../schema";
import { AWS_PROVIDER } from "./aws";

export const SIMULATED_QUOTA = { maxInstances: 50, maxGpus: 50 } as const;

export function simulatedMirror(source: Provider): Provider {
  const codes = source.regions.map((r) => r.code);
  return {
    id: "simulated",
    kind: "simulated",
    name: "Simulated cloud",
    enabled: true,
    credentialSecret: null,
    endpoint: null,
    regions: source.regions.map((r) => ({ ...r, enabled: true })),
    instanceTypes: source.instanceTypes.map((t) => ({ ...structuredClone(t), regions: [...codes] })),
    diskGbMonthMicros: source.diskGbMonthMicros,
    quotas: codes.map((region) => ({ region, ...SIMULATED_QUOTA })),
    pricesAsOf: source.pricesAsOf,
  };
}

export const SIMULATED_PROVIDER: Provider = simulatedMirror(AWS_PROVIDER);
