// A Provider decorator that writes one `provider` data point per call: the provider id, the
// operation, the outcome (`ok`, the ProviderError kind, or `error`) and the duration. It changes
// nothing else: results and errors pass through untouched.
import { type CreateInstanceInput, type Provider, ProviderError } from "../providers/types";
import type { MetricsWriter } from "./writer";

export function instrumentProvider(provider: Provider, metrics: MetricsWriter): Provider {
  const timed = <T>(operation: string, region: string, call: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const record = (outcome: string) => {
      try {
        metrics.providerCall({ provider: provider.id, operation, outcome, region, durationMs: performance.now() - started });
      } catch {
        // Metrics never reach the caller.
      }
    };
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (error) {
      record(outcomeOf(error));
      throw error;
    }
    return pending.then(
      (value) => {
        record("ok");
        return value;
      },
      (error: unknown) => {
        record(outcomeOf(error));
        throw error;
      },
    );
  };
  return {
    id: provider.id,
    kind: provider.kind,
    createInstance: (input: CreateInstanceInput) => timed("createInstance", input.region, () => provider.createInstance(input)),
    describeInstance: (region, instanceId) =>
      timed("describeInstance", region, () => provider.describeInstance(region, instanceId)),
    startInstance: (region, instanceId) => timed("startInstance", region, () => provider.startInstance(region, instanceId)),
    stopInstance: (region, instanceId) => timed("stopInstance", region, () => provider.stopInstance(region, instanceId)),
    terminateInstance: (region, instanceId) =>
      timed("terminateInstance", region, () => provider.terminateInstance(region, instanceId)),
    listInstances: (region, tags) => timed("listInstances", region, () => provider.listInstances(region, tags)),
  };
}

/** The ProviderError kind, or `error` for anything else (a bug, an unexpected runtime error). */
export function outcomeOf(error: unknown): string {
  return error instanceof ProviderError ? error.kind : "error";
}
