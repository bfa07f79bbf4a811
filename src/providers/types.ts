// The Provider port: what the VM actor needs from a cloud. Implemented by SimulatedProvider
// (the embedded cloud, a Durable Object) and AwsEc2Provider (the EC2 Query API). Every instance
// carries tags naming its tenant, VM and deployment, so reconciliation can list them.

/** Tag keys every instance carries. */
export const TAG_TENANT = "gp:tenant";
export const TAG_VM = "gp:vm";
export const TAG_DEPLOYMENT = "gp:deployment";

export type InstanceState = "pending" | "running" | "stopping" | "stopped" | "shutting-down" | "terminated";

export interface InstanceInfo {
  instanceId: string;
  state: InstanceState;
  region: string;
  instanceType: string;
  spot: boolean;
  /** When the instance last entered `running` at the provider (null before that). */
  launchedAt: Date | null;
  tags: Record<string, string>;
  /** Where the player's client connects, once known. */
  publicIp: string | null;
}

export interface CreateInstanceInput {
  /**
   * The provider's own idempotency token (EC2 ClientToken), derived from the VM id and attempt:
   * a retried create returns the same instance instead of a second one.
   */
  idempotencyToken: string;
  region: string;
  instanceType: string;
  image: string;
  /** cloud-init user data (plain text; adapters encode it as their API wants). */
  userData: string;
  spot: boolean;
  diskGb: number;
  tags: Record<string, string>;
}

export type ProviderErrorKind =
  | "capacity" // no capacity for this type in this region/zone now
  | "quota" // an account limit (vCPU, instance count) would be exceeded
  | "rate-limited" // slow down; retry after retryAfterMs
  | "transient" // a server-side or network failure: retry with backoff
  | "invalid-request" // the request itself is wrong (bad image, bad type): do not retry
  | "not-found" // no such instance
  | "auth"; // credentials missing, wrong or not allowed

/** The one error type adapters throw; `retryable` tells the actor whether to try again. */
export class ProviderError extends Error {
  readonly kind: ProviderErrorKind;
  /** The provider's own error code, e.g. `InsufficientInstanceCapacity`. */
  readonly code: string | null;
  readonly retryAfterMs: number | null;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { code?: string | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.code = options.code ?? null;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }

  get retryable(): boolean {
    return this.kind === "transient" || this.kind === "rate-limited" || this.kind === "capacity";
  }
}

/** A plain-data form of ProviderError, for crossing Durable Object RPC (classes do not survive it). */
export interface ProviderErrorData {
  kind: ProviderErrorKind;
  message: string;
  code: string | null;
  retryAfterMs: number | null;
}

export function toProviderErrorData(error: ProviderError): ProviderErrorData {
  return { kind: error.kind, message: error.message, code: error.code, retryAfterMs: error.retryAfterMs };
}

export function fromProviderErrorData(data: ProviderErrorData): ProviderError {
  return new ProviderError(data.kind, data.message, { code: data.code, retryAfterMs: data.retryAfterMs });
}

export interface Provider {
  /** The catalog id of this provider (e.g. `simulated`, `aws`). */
  readonly id: string;
  readonly kind: "simulated" | "aws";
  createInstance(input: CreateInstanceInput): Promise<InstanceInfo>;
  /** null when the provider does not know the instance (never created, or long gone). */
  describeInstance(region: string, instanceId: string): Promise<InstanceInfo | null>;
  startInstance(region: string, instanceId: string): Promise<void>;
  stopInstance(region: string, instanceId: string): Promise<void>;
  /** Terminating an already terminated or unknown instance is not an error. */
  terminateInstance(region: string, instanceId: string): Promise<void>;
  /** Instances in the region carrying every given tag, terminated ones excluded. */
  listInstances(region: string, tags: Record<string, string>): Promise<InstanceInfo[]>;
}
