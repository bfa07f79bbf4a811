// EC2 error codes → ProviderError kinds. EC2 documents two families: client errors (HTTP 4xx) and
// server errors (HTTP 5xx); the code, not the status, says what happened — InsufficientInstanceCapacity
// is a *server* error (5xx) yet means "no capacity", RequestLimitExceeded arrives as 503. So the
// code decides first; the HTTP status only classifies codes not listed here.
//
// Decisions worth knowing:
// - MaxSpotInstanceCountExceeded → quota. It means the account's Spot limit (a service quota) is
//   reached, not that AWS lacks spot capacity (that is InsufficientInstanceCapacity /
//   UnfulfillableCapacity). Retrying does not help until instances go away or the quota is raised.
// - InvalidInstanceID.NotFound / .Malformed → not-found: the instance cannot exist. Other
//   `Invalid*.NotFound` codes (an AMI, subnet, key pair, security group) are configuration
//   mistakes → invalid-request.
// - IdempotentParameterMismatch → invalid-request: the same ClientToken was reused with other
//   parameters; retrying the same request cannot succeed.
// - IncorrectInstanceState / UnsupportedOperation → invalid-request (e.g. starting a terminated
//   instance, or stopping a Spot Instance of a one-time request, which EC2 refuses).
// - RequestExpired (the signature's timestamp is too old, e.g. a slow retry) → transient: a retry
//   signs afresh.
import { ProviderError, type ProviderErrorKind } from "../types";

/** Backoff hint for throttling when EC2 sends no Retry-After (it normally does not). */
export const DEFAULT_RATE_LIMIT_RETRY_MS = 1000;

const CODE_KINDS: Record<string, ProviderErrorKind> = {
  // No capacity for this type/zone right now.
  InsufficientInstanceCapacity: "capacity",
  InsufficientHostCapacity: "capacity",
  InsufficientReservedInstanceCapacity: "capacity",
  InsufficientCapacity: "capacity",
  InsufficientAddressCapacity: "capacity",
  InsufficientVolumeCapacity: "capacity",
  UnfulfillableCapacity: "capacity",
  // Account limits.
  VcpuLimitExceeded: "quota",
  InstanceLimitExceeded: "quota",
  MaxSpotInstanceCountExceeded: "quota",
  VolumeLimitExceeded: "quota",
  MaxIOPSLimitExceeded: "quota",
  // Throttling.
  RequestLimitExceeded: "rate-limited",
  Throttling: "rate-limited",
  ThrottlingException: "rate-limited",
  // Server side.
  InternalError: "transient",
  InternalFailure: "transient",
  ServiceUnavailable: "transient",
  Unavailable: "transient",
  RequestExpired: "transient",
  // The instance does not exist.
  "InvalidInstanceID.NotFound": "not-found",
  "InvalidInstanceID.Malformed": "not-found",
  // Credentials.
  AuthFailure: "auth",
  UnauthorizedOperation: "auth",
  InvalidClientTokenId: "auth",
  SignatureDoesNotMatch: "auth",
  IncompleteSignature: "auth",
  MissingAuthenticationToken: "auth",
  OptInRequired: "auth",
  PendingVerification: "auth",
  Blocked: "auth",
  // The request itself.
  InvalidParameterValue: "invalid-request",
  InvalidParameterCombination: "invalid-request",
  InvalidParameter: "invalid-request",
  UnknownParameter: "invalid-request",
  MissingParameter: "invalid-request",
  Unsupported: "invalid-request",
  UnsupportedOperation: "invalid-request",
  IdempotentParameterMismatch: "invalid-request",
  IncorrectInstanceState: "invalid-request",
  IncorrectState: "invalid-request",
  InvalidAction: "invalid-request",
  MissingAction: "invalid-request",
  MalformedQueryString: "invalid-request",
  DryRunOperation: "invalid-request",
};

/** `Client.UnauthorizedOperation` / `Server.InternalError` → the bare code. */
export function normalizeEc2Code(code: string): string {
  return code.replace(/^(?:Client|Server)\./, "");
}

/** The kind for an EC2 error code (null when unknown) and HTTP status. */
export function kindForEc2Error(code: string | null, status: number): ProviderErrorKind {
  if (code) {
    const bare = normalizeEc2Code(code);
    const known = CODE_KINDS[bare];
    if (known) return known;
    if (bare.startsWith("InvalidInstanceID.")) return "not-found";
    if (bare.startsWith("Invalid") || bare.startsWith("Missing")) return "invalid-request";
  }
  if (status === 429) return "rate-limited";
  if (status === 401 || status === 403) return "auth";
  if (status >= 500) return "transient";
  return "invalid-request";
}

/** Retry-After (seconds or an HTTP date) → milliseconds; null when absent or unusable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export interface Ec2ErrorDetails {
  action: string;
  region: string;
  status: number;
  code: string | null;
  message: string | null;
  requestId: string | null;
  retryAfterHeader?: string | null;
}

/** The ProviderError for a failed EC2 call. The message names action, region, code and request id. */
export function ec2ProviderError(details: Ec2ErrorDetails): ProviderError {
  const kind = kindForEc2Error(details.code, details.status);
  const code = details.code ? normalizeEc2Code(details.code) : null;
  const retryAfterMs =
    kind === "rate-limited" ? (parseRetryAfter(details.retryAfterHeader ?? null) ?? DEFAULT_RATE_LIMIT_RETRY_MS) : null;
  const parts = [`EC2 ${details.action} in ${details.region} failed (HTTP ${details.status}`];
  parts.push(code ? `, ${code})` : ")");
  if (details.message) parts.push(`: ${details.message}`);
  if (details.requestId) parts.push(` [request ${details.requestId}]`);
  return new ProviderError(kind, parts.join(""), { code, retryAfterMs });
}
