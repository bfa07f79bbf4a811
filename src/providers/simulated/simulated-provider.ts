// SimulatedProvider: the Provider port on the Worker side of the simulated cloud. Each call goes
// over RPC to the account's SimulatedCloud (named `${tenantId}:${providerId}`) with the limits
// the catalog sets; its `{ ok: false }` answers become ProviderErrors again, and a failed RPC
// (the object unreachable, reset or overloaded) is a transient error.
import type { Provider as CatalogProvider } from "../../domain/catalog/schema";
import { type CreateInstanceInput, fromProviderErrorData, type InstanceInfo, type Provider, ProviderError } from "../types";
import type { CreateLimits, SimResult } from "./requests";
import type { SimulatedCloud } from "./simulated-cloud";

/** The name of an account's SimulatedCloud. */
export function simulatedAccountName(tenantId: string, providerId: string): string {
  return `${tenantId}:${providerId}`;
}

/** The stub of an account's SimulatedCloud (for configure(), inspect() and interrupt()). */
export function simulatedCloudStub(
  namespace: DurableObjectNamespace<SimulatedCloud>,
  tenantId: string,
  providerId: string,
): DurableObjectStub<SimulatedCloud> {
  return namespace.get(namespace.idFromName(simulatedAccountName(tenantId, providerId)));
}

export class SimulatedProvider implements Provider {
  readonly id: string;
  readonly kind = "simulated" as const;
  readonly #namespace: DurableObjectNamespace<SimulatedCloud>;
  readonly #objectId: DurableObjectId;
  readonly #config: CatalogProvider;

  constructor(namespace: DurableObjectNamespace<SimulatedCloud>, tenantId: string, config: CatalogProvider) {
    this.id = config.id;
    this.#namespace = namespace;
    this.#objectId = namespace.idFromName(simulatedAccountName(tenantId, config.id));
    this.#config = config;
  }

  async createInstance(input: CreateInstanceInput): Promise<InstanceInfo> {
    const limits = this.#limits(input);
    return this.#call((cloud) => cloud.createInstance(input, limits));
  }

  async describeInstance(region: string, instanceId: string): Promise<InstanceInfo | null> {
    return this.#call((cloud) => cloud.describeInstance(region, instanceId));
  }

  async startInstance(region: string, instanceId: string): Promise<void> {
    await this.#call((cloud) => cloud.startInstance(region, instanceId));
  }

  async stopInstance(region: string, instanceId: string): Promise<void> {
    await this.#call((cloud) => cloud.stopInstance(region, instanceId));
  }

  async terminateInstance(region: string, instanceId: string): Promise<void> {
    await this.#call((cloud) => cloud.terminateInstance(region, instanceId));
  }

  async listInstances(region: string, tags: Record<string, string>): Promise<InstanceInfo[]> {
    return this.#call((cloud) => cloud.listInstances(region, tags));
  }

  /**
   * The catalog's limits for this create. Like a real cloud, an instance type or region the
   * account does not offer is an invalid request (checked here: the object has no catalog).
   */
  #limits(input: CreateInstanceInput): CreateLimits {
    const region = this.#config.regions.find((r) => r.code === input.region);
    if (!region) {
      throw new ProviderError("invalid-request", `Region '${input.region}' does not exist in provider '${this.id}'.`, {
        code: "InvalidParameterValue",
      });
    }
    const type = this.#config.instanceTypes.find((t) => t.name === input.instanceType);
    if (!type) {
      throw new ProviderError(
        "invalid-request",
        `Instance type '${input.instanceType}' does not exist in provider '${this.id}'.`,
        {
          code: "InvalidParameterValue",
        },
      );
    }
    if (!type.regions.includes(input.region)) {
      throw new ProviderError("invalid-request", `Instance type '${input.instanceType}' is not offered in ${input.region}.`, {
        code: "Unsupported",
      });
    }
    const quota = this.#config.quotas.find((q) => q.region === input.region);
    return {
      maxInstances: quota?.maxInstances ?? null,
      maxGpus: quota?.maxGpus ?? null,
      gpusPerInstance: type.gpu?.count ?? 0,
    };
  }

  /** One RPC: `{ ok: false }` is rethrown as its ProviderError, an RPC failure as transient. */
  async #call<T>(operation: (cloud: DurableObjectStub<SimulatedCloud>) => Promise<SimResult<T>>): Promise<T> {
    let result: SimResult<T>;
    try {
      // A fresh stub per call: a stub that saw an exception may be broken for good.
      result = await operation(this.#namespace.get(this.#objectId));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ProviderError("transient", `The simulated cloud did not answer: ${reason}`, { code: null, cause: error });
    }
    if (!result.ok) throw fromProviderErrorData(result.error);
    return result.value;
  }
}
