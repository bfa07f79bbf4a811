// The Provider port over the EC2 Query API (RunInstances, DescribeInstances, Start/Stop/
// TerminateInstances). One instance per RunInstances (MinCount = MaxCount = 1).
//
// createInstance sends:
//   ClientToken = input.idempotencyToken (≤ 64 ASCII chars): EC2 answers a repeated RunInstances
//     with the same token with the instance it already launched, so a retried create never makes a
//     second one. The same token with different parameters is IdempotentParameterMismatch.
//   ImageId, InstanceType, MinCount=1, MaxCount=1, UserData = base64(UTF-8 of input.userData)
//     (EC2 limits user data to 16 KB before encoding; larger is refused here).
//   TagSpecification.1 (instance) and TagSpecification.2 (volume), both with every input tag
//     (keys sorted, so a retry sends byte-identical parameters).
//   BlockDeviceMapping.1: DeviceName=/dev/sda1, Ebs.VolumeSize=input.diskGb, Ebs.VolumeType=gp3,
//     Ebs.DeleteOnTermination=true. ASSUMPTION: the image's root device is /dev/sda1 (Ubuntu and
//     Windows AMIs). For an AMI whose root device is another name (Amazon Linux: /dev/xvda), this
//     mapping would add a second, empty volume instead of resizing the root one; images in the
//     catalog must use /dev/sda1 (or this must read the AMI's rootDeviceName via DescribeImages).
//   spot → InstanceMarketOptions.MarketType=spot, SpotOptions.SpotInstanceType=one-time,
//     SpotOptions.InstanceInterruptionBehavior=terminate. EC2 refuses StopInstances on such an
//     instance (UnsupportedOperation → invalid-request): a spot VM can only be terminated.
//
// describeInstance answers null when EC2 does not know the id (InvalidInstanceID.NotFound or
// .Malformed) or returns no reservation. terminateInstance treats an unknown id as done.
// listInstances filters by `tag:<key>` for each tag and by instance-state-name (everything but
// terminated), following NextToken. EC2 states map 1:1 to InstanceState.
//
// Endpoint override convention: see ec2-client.ts (`<endpoint>/<region>/`; null in production).
import type { CreateInstanceInput, InstanceInfo, Provider } from "../types";
import { ProviderError } from "../types";
import type { AwsCredentials } from "./credentials";
import { Ec2Client, type Ec2Params } from "./ec2-client";
import {
  type Ec2Instance,
  Ec2XmlError,
  parseDescribeInstancesResponse,
  parseRunInstancesResponse,
  parseStateChangeResponse,
} from "./ec2-xml";

/** The root device name assumed for every image (see the header). */
export const ROOT_DEVICE_NAME = "/dev/sda1";
/** EC2's limit on user data, in bytes before base64. */
export const MAX_USER_DATA_BYTES = 16 * 1024;
/** States listInstances asks for: all but terminated. */
export const LISTED_STATES = ["pending", "running", "shutting-down", "stopping", "stopped"] as const;
const MAX_LIST_PAGES = 1000;

export interface AwsEc2ProviderOptions {
  /** The catalog id of this provider. */
  id: string;
  credentials: AwsCredentials;
  /** null → https://ec2.<region>.amazonaws.com/; otherwise a base URL (`<endpoint>/<region>/`). */
  endpoint: string | null;
  fetch?: typeof fetch;
  /** DescribeInstances MaxResults for listInstances (EC2 accepts 5–1000; default 1000). */
  listPageSize?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
}

function invalid(message: string): ProviderError {
  return new ProviderError("invalid-request", message);
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export class AwsEc2Provider implements Provider {
  readonly id: string;
  readonly kind = "aws" as const;
  private readonly client: Ec2Client;
  private readonly listPageSize: number;

  constructor(options: AwsEc2ProviderOptions) {
    this.id = options.id;
    this.client = new Ec2Client({
      credentials: options.credentials,
      endpoint: options.endpoint,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
    });
    const pageSize = options.listPageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 5 || pageSize > 1000) {
      throw new RangeError(`listPageSize must be an integer from 5 to 1000, got ${pageSize}`);
    }
    this.listPageSize = pageSize;
  }

  async createInstance(input: CreateInstanceInput): Promise<InstanceInfo> {
    const token = input.idempotencyToken;
    if (token.length < 1 || token.length > 64 || !/^[\x20-\x7e]+$/.test(token)) {
      throw invalid("idempotencyToken must be 1 to 64 printable ASCII characters (EC2 ClientToken)");
    }
    if (!Number.isInteger(input.diskGb) || input.diskGb < 1) {
      throw invalid(`diskGb must be a positive integer, got ${input.diskGb}`);
    }
    const userDataBytes = new TextEncoder().encode(input.userData).length;
    if (userDataBytes > MAX_USER_DATA_BYTES) {
      throw invalid(`userData is ${userDataBytes} bytes; EC2 accepts at most ${MAX_USER_DATA_BYTES}`);
    }

    const params: Ec2Params = {
      ClientToken: token,
      ImageId: input.image,
      InstanceType: input.instanceType,
      MinCount: "1",
      MaxCount: "1",
      UserData: base64Utf8(input.userData),
      "BlockDeviceMapping.1.DeviceName": ROOT_DEVICE_NAME,
      "BlockDeviceMapping.1.Ebs.VolumeSize": String(input.diskGb),
      "BlockDeviceMapping.1.Ebs.VolumeType": "gp3",
      "BlockDeviceMapping.1.Ebs.DeleteOnTermination": "true",
    };
    const tags = Object.entries(input.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (tags.length > 0) {
      ["instance", "volume"].forEach((resourceType, s) => {
        const spec = `TagSpecification.${s + 1}`;
        params[`${spec}.ResourceType`] = resourceType;
        tags.forEach(([key, value], t) => {
          params[`${spec}.Tag.${t + 1}.Key`] = key;
          params[`${spec}.Tag.${t + 1}.Value`] = value;
        });
      });
    }
    if (input.spot) {
      params["InstanceMarketOptions.MarketType"] = "spot";
      params["InstanceMarketOptions.SpotOptions.SpotInstanceType"] = "one-time";
      params["InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior"] = "terminate";
    }

    const instances = await this.client.call(input.region, "RunInstances", params, (xml) => {
      const launched = parseRunInstancesResponse(xml);
      if (launched.length !== 1) throw new Ec2XmlError(`RunInstances returned ${launched.length} instances, expected 1`);
      return launched;
    });
    return toInstanceInfo(instances[0] as Ec2Instance, input.region);
  }

  async describeInstance(region: string, instanceId: string): Promise<InstanceInfo | null> {
    try {
      const page = await this.client.call(
        region,
        "DescribeInstances",
        { "InstanceId.1": instanceId },
        parseDescribeInstancesResponse,
      );
      const found = page.instances.find((instance) => instance.instanceId === instanceId);
      return found ? toInstanceInfo(found, region) : null;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "not-found") return null;
      throw error;
    }
  }

  async startInstance(region: string, instanceId: string): Promise<void> {
    await this.client.call(region, "StartInstances", { "InstanceId.1": instanceId }, (xml) =>
      parseStateChangeResponse(xml, "StartInstances"),
    );
  }

  async stopInstance(region: string, instanceId: string): Promise<void> {
    await this.client.call(region, "StopInstances", { "InstanceId.1": instanceId }, (xml) =>
      parseStateChangeResponse(xml, "StopInstances"),
    );
  }

  async terminateInstance(region: string, instanceId: string): Promise<void> {
    try {
      await this.client.call(region, "TerminateInstances", { "InstanceId.1": instanceId }, (xml) =>
        parseStateChangeResponse(xml, "TerminateInstances"),
      );
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "not-found") return;
      throw error;
    }
  }

  async listInstances(region: string, tags: Record<string, string>): Promise<InstanceInfo[]> {
    const filters: Ec2Params = { "Filter.1.Name": "instance-state-name" };
    LISTED_STATES.forEach((state, i) => {
      filters[`Filter.1.Value.${i + 1}`] = state;
    });
    Object.entries(tags).forEach(([key, value], i) => {
      filters[`Filter.${i + 2}.Name`] = `tag:${key}`;
      filters[`Filter.${i + 2}.Value.1`] = value;
    });

    const byId = new Map<string, InstanceInfo>();
    const seenTokens = new Set<string>();
    let nextToken: string | null = null;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const params: Ec2Params = { ...filters, MaxResults: String(this.listPageSize) };
      if (nextToken) params.NextToken = nextToken;
      const result = await this.client.call(region, "DescribeInstances", params, parseDescribeInstancesResponse);
      for (const instance of result.instances) {
        // EC2 filters server-side; terminated is dropped here too, in case a filter is ignored.
        if (instance.state !== "terminated") byId.set(instance.instanceId, toInstanceInfo(instance, region));
      }
      nextToken = result.nextToken;
      if (!nextToken) return [...byId.values()];
      if (seenTokens.has(nextToken)) {
        throw new ProviderError("transient", `EC2 DescribeInstances in ${region} repeated a NextToken`, {
          code: "MalformedResponse",
        });
      }
      seenTokens.add(nextToken);
    }
    throw new ProviderError("transient", `EC2 DescribeInstances in ${region} returned more than ${MAX_LIST_PAGES} pages`, {
      code: "MalformedResponse",
    });
  }
}

/**
 * EC2's view of an instance as InstanceInfo. launchedAt: EC2's launchTime is the time the
 * instance was last started; while pending it has not run yet, so null then.
 */
export function toInstanceInfo(instance: Ec2Instance, region: string): InstanceInfo {
  const launchTime = instance.launchTime ? new Date(instance.launchTime) : null;
  const launchedAt = instance.state === "pending" || !launchTime || Number.isNaN(launchTime.getTime()) ? null : launchTime;
  return {
    instanceId: instance.instanceId,
    state: instance.state,
    region,
    instanceType: instance.instanceType ?? "",
    spot: instance.instanceLifecycle === "spot",
    launchedAt,
    tags: instance.tags,
    publicIp: instance.ipAddress,
  };
}
