// Signed EC2 Query API calls: `POST` with a form-encoded body (`Action`, `Version=2016-11-15`,
// the action's parameters), signed with SigV4 by aws4fetch for service `ec2` in the call's region.
// Every failure becomes a ProviderError (see ec2-errors.ts): EC2 error documents by their code,
// other HTTP failures by status, network failures and timeouts as transient, unreadable success
// bodies as transient (`MalformedResponse`).
//
// Endpoints: with `endpoint: null` (a real deployment) a region's endpoint is
// `https://ec2.<region>.amazonaws.com/`. An endpoint override is a BASE URL to which the region and
// a slash are appended — `http://127.0.0.1:8787/` → `http://127.0.0.1:8787/us-east-1/` — so one test
// endpoint can serve many regions (test/support/fake-ec2.mjs). Region and service are always set
// explicitly for signing, since they cannot be guessed from such a host.
//
// aws4fetch's own retry loop is not used (requests are signed with AwsClient.sign and sent once):
// retrying is the caller's decision, made from ProviderError.retryable. RunInstances is safe to
// retry because it carries a ClientToken.
import { AwsClient } from "aws4fetch";
import { ProviderError } from "../types";
import type { AwsCredentials } from "./credentials";
import { ec2ProviderError } from "./ec2-errors";
import { Ec2XmlError, parseErrorResponse } from "./ec2-xml";

export const EC2_API_VERSION = "2016-11-15";
const DEFAULT_TIMEOUT_MS = 30_000;
/** Commercial and GovCloud region names (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`). */
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export interface Ec2ClientOptions {
  credentials: AwsCredentials;
  /** null → the real regional endpoint; otherwise a base URL that `<region>/` is appended to. */
  endpoint: string | null;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Query parameters of one call, besides Action and Version. */
export type Ec2Params = Record<string, string>;

export class Ec2Client {
  private readonly credentials: AwsCredentials;
  private readonly endpoint: string | null;
  private readonly fetchImpl: (request: Request) => Promise<Response>;
  private readonly timeoutMs: number;
  private readonly signers = new Map<string, AwsClient>();

  constructor(options: Ec2ClientOptions) {
    this.credentials = options.credentials;
    this.endpoint = options.endpoint;
    const custom = options.fetch;
    // Called through a closure: workerd's fetch must not be invoked with another `this`.
    this.fetchImpl = custom ? (request) => custom(request) : (request) => fetch(request);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The URL calls for `region` are posted to. */
  endpointFor(region: string): string {
    if (!REGION_PATTERN.test(region)) {
      throw new ProviderError("invalid-request", `not an AWS region name: ${JSON.stringify(region)}`, { code: "InvalidRegion" });
    }
    if (this.endpoint === null) return `https://ec2.${region}.amazonaws.com/`;
    const base = this.endpoint.endsWith("/") ? this.endpoint : `${this.endpoint}/`;
    return new URL(`${region}/`, base).toString();
  }

  private signer(region: string): AwsClient {
    let signer = this.signers.get(region);
    if (!signer) {
      signer = new AwsClient({
        accessKeyId: this.credentials.accessKeyId,
        secretAccessKey: this.credentials.secretAccessKey,
        sessionToken: this.credentials.sessionToken,
        service: "ec2",
        region,
        retries: 0,
      });
      this.signers.set(region, signer);
    }
    return signer;
  }

  /** Calls `action` in `region` and parses the success body with `parse`. */
  async call<T>(region: string, action: string, params: Ec2Params, parse: (xml: string) => T): Promise<T> {
    const url = this.endpointFor(region);
    const form = new URLSearchParams({ Action: action, Version: EC2_API_VERSION });
    for (const [key, value] of Object.entries(params)) form.append(key, value);

    let response: Response;
    let body: string;
    try {
      const request = await this.signer(region).sign(url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body: form.toString(),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      response = await this.fetchImpl(request);
      body = await response.text();
    } catch (cause) {
      const what = cause instanceof Error && cause.name === "TimeoutError" ? `timed out after ${this.timeoutMs} ms` : "failed";
      throw new ProviderError("transient", `EC2 ${action} in ${region} ${what}: ${describe(cause)}`, {
        code: "NetworkError",
        cause,
      });
    }

    if (!response.ok) {
      const error = parseErrorResponse(body);
      throw ec2ProviderError({
        action,
        region,
        status: response.status,
        code: error?.code ?? null,
        message: error?.message ?? (error ? null : `${response.statusText || "error"} (no EC2 error document)`),
        requestId: error?.requestId ?? response.headers.get("x-amzn-requestid"),
        retryAfterHeader: response.headers.get("retry-after"),
      });
    }
    try {
      return parse(body);
    } catch (cause) {
      if (!(cause instanceof Ec2XmlError)) throw cause;
      throw new ProviderError(
        "transient",
        `EC2 ${action} in ${region} answered a response that could not be read: ${cause.message}`,
        {
          code: "MalformedResponse",
          cause,
        },
      );
    }
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
