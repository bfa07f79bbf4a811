// The AWS EC2 adapter against the fake EC2 Query API (test/support/fake-ec2.mjs, started by
// test/fake-ec2-setup.ts), which checks requests against the documented API and records them.
import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsEc2Provider, type AwsEc2ProviderOptions } from "../../src/providers/aws/aws-provider";
import { parseAwsCredentials } from "../../src/providers/aws/credentials";
import { Ec2Client } from "../../src/providers/aws/ec2-client";
import { type CreateInstanceInput, ProviderError, TAG_DEPLOYMENT, TAG_TENANT, TAG_VM } from "../../src/providers/types";

const REGION = "us-east-1";
const endpoint = env.FAKE_EC2_ENDPOINT;
const credentials = parseAwsCredentials("AWS_TEST_CREDENTIALS", env.AWS_TEST_CREDENTIALS);

interface RecordedRequest {
  method: string;
  path: string;
  region: string | null;
  headers: Record<string, string>;
  params: Record<string, string>;
  action: string | null;
  credential: { accessKeyId: string; date: string; region: string; service: string; signedHeaders: string[] } | null;
  signatureValid: boolean | null;
  status: number;
  errorCode: string | null;
}

interface FakeInstance {
  instanceId: string;
  clientToken: string | null;
  state: string;
  region: string;
}

async function recorded(): Promise<RecordedRequest[]> {
  const response = await fetch(`${endpoint}__requests`);
  return (await response.json()) as RecordedRequest[];
}

async function fakeInstances(): Promise<FakeInstance[]> {
  const response = await fetch(`${endpoint}__instances`);
  return (await response.json()) as FakeInstance[];
}

function aws(options: Partial<AwsEc2ProviderOptions> = {}): AwsEc2Provider {
  return new AwsEc2Provider({ id: "aws-test", credentials, endpoint, ...options });
}

let counter = 0;
function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

function launch(overrides: Partial<CreateInstanceInput> = {}): CreateInstanceInput {
  const vm = unique("vm");
  return {
    idempotencyToken: `${vm}-attempt-1`,
    region: REGION,
    instanceType: "g5.xlarge",
    image: "ami-0abcdef1234567890",
    userData: '#cloud-config\nwrite_files:\n  - path: /etc/gp/agent.json\n    content: \'{"name":"Zoë 🎮"}\'\n',
    spot: false,
    diskGb: 128,
    tags: { [TAG_TENANT]: "tenant-1", [TAG_VM]: vm, [TAG_DEPLOYMENT]: "dep-1" },
    ...overrides,
  };
}

async function providerError(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error("expected a ProviderError");
}

function decodeBase64Utf8(value: string): string {
  return new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
}

beforeEach(async () => {
  await fetch(`${endpoint}__reset`, { method: "POST" });
});

describe("createInstance", () => {
  it("sends one signed RunInstances with the token, tags, base64 user data and a gp3 root disk", async () => {
    const input = launch();
    const info = await aws().createInstance(input);

    expect(info).toMatchObject({ state: "pending", region: REGION, instanceType: "g5.xlarge", spot: false, publicIp: null });
    expect(info.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(info.launchedAt).toBeNull();
    expect(info.tags).toEqual(input.tags);

    const [request, ...others] = await recorded();
    expect(others).toHaveLength(0);
    expect(request).toMatchObject({
      method: "POST",
      path: `/${REGION}/`,
      action: "RunInstances",
      status: 200,
      signatureValid: true,
    });
    expect(request?.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ec2\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.credential).toMatchObject({ accessKeyId: "AKIDEXAMPLE", region: REGION, service: "ec2" });
    expect(request?.credential?.signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date"]));

    const params = request?.params ?? {};
    expect(params).toMatchObject({
      Action: "RunInstances",
      Version: "2016-11-15",
      ClientToken: input.idempotencyToken,
      ImageId: input.image,
      InstanceType: "g5.xlarge",
      MinCount: "1",
      MaxCount: "1",
      "BlockDeviceMapping.1.DeviceName": "/dev/sda1",
      "BlockDeviceMapping.1.Ebs.VolumeSize": "128",
      "BlockDeviceMapping.1.Ebs.VolumeType": "gp3",
      "BlockDeviceMapping.1.Ebs.DeleteOnTermination": "true",
      "TagSpecification.1.ResourceType": "instance",
      "TagSpecification.2.ResourceType": "volume",
    });
    expect(decodeBase64Utf8(params.UserData ?? "")).toBe(input.userData);
    for (const spec of [1, 2]) {
      const tags: Record<string, string> = {};
      for (let t = 1; params[`TagSpecification.${spec}.Tag.${t}.Key`] !== undefined; t++) {
        tags[params[`TagSpecification.${spec}.Tag.${t}.Key`] as string] = params[
          `TagSpecification.${spec}.Tag.${t}.Value`
        ] as string;
      }
      expect(tags).toEqual(input.tags);
    }
    expect(Object.keys(params).some((key) => key.startsWith("InstanceMarketOptions"))).toBe(false);
  });

  it("asks for a one-time spot instance that terminates on interruption", async () => {
    const info = await aws().createInstance(launch({ spot: true }));
    expect(info.spot).toBe(true);
    const [request] = await recorded();
    expect(request?.params).toMatchObject({
      "InstanceMarketOptions.MarketType": "spot",
      "InstanceMarketOptions.SpotOptions.SpotInstanceType": "one-time",
      "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior": "terminate",
    });
  });

  it("is idempotent: the same token returns the same instance and launches only one", async () => {
    const input = launch();
    const provider = aws();
    const first = await provider.createInstance(input);
    const second = await provider.createInstance(input);
    expect(second.instanceId).toBe(first.instanceId);

    const launched = (await fakeInstances()).filter((i) => i.clientToken === input.idempotencyToken);
    expect(launched.map((i) => i.instanceId)).toEqual([first.instanceId]);
    const runs = (await recorded()).filter((r) => r.action === "RunInstances");
    expect(runs.map((r) => r.params.ClientToken)).toEqual([input.idempotencyToken, input.idempotencyToken]);
    expect(await provider.listInstances(REGION, { [TAG_VM]: input.tags[TAG_VM] as string })).toHaveLength(1);
  });

  it("reports a reused token with other parameters as invalid-request (IdempotentParameterMismatch)", async () => {
    const input = launch();
    await aws().createInstance(input);
    const error = await providerError(aws().createInstance({ ...input, diskGb: 256 }));
    expect(error).toMatchObject({ kind: "invalid-request", code: "IdempotentParameterMismatch", retryable: false });
  });

  it("refuses inputs EC2 would reject without sending them", async () => {
    const provider = aws();
    const tooLongToken = await providerError(provider.createInstance(launch({ idempotencyToken: "x".repeat(65) })));
    expect(tooLongToken.kind).toBe("invalid-request");
    const nonAsciiToken = await providerError(provider.createInstance(launch({ idempotencyToken: "vm-é" })));
    expect(nonAsciiToken.kind).toBe("invalid-request");
    const badDisk = await providerError(provider.createInstance(launch({ diskGb: 0 })));
    expect(badDisk.kind).toBe("invalid-request");
    const bigUserData = await providerError(provider.createInstance(launch({ userData: "x".repeat(16 * 1024 + 1) })));
    expect(bigUserData.kind).toBe("invalid-request");
    const badRegion = await providerError(provider.createInstance(launch({ region: "../evil" })));
    expect(badRegion).toMatchObject({ kind: "invalid-request", code: "InvalidRegion" });
    expect(await recorded()).toHaveLength(0);
  });

  it("accepts user data of exactly 16 KB and a 64-character token", async () => {
    const input = launch({ idempotencyToken: "t".repeat(64), userData: "y".repeat(16 * 1024) });
    const info = await aws().createInstance(input);
    expect(info.state).toBe("pending");
  });

  it("signs for the call's region and keeps regions apart", async () => {
    const provider = aws();
    const info = await provider.createInstance(launch({ region: "eu-west-1" }));
    expect(info.region).toBe("eu-west-1");
    const [request] = await recorded();
    expect(request).toMatchObject({ path: "/eu-west-1/", signatureValid: true });
    expect(request?.credential?.region).toBe("eu-west-1");
    expect(await provider.describeInstance("us-east-1", info.instanceId)).toBeNull();
    expect((await provider.describeInstance("eu-west-1", info.instanceId))?.instanceId).toBe(info.instanceId);
  });
});

describe("describeInstance", () => {
  it("reports pending, then running with a public IP and launch time", async () => {
    const provider = aws();
    const input = launch();
    const created = await provider.createInstance(input);

    const first = await provider.describeInstance(REGION, created.instanceId);
    expect(first).toMatchObject({ instanceId: created.instanceId, state: "pending", publicIp: null, launchedAt: null });
    const second = await provider.describeInstance(REGION, created.instanceId);
    expect(second).toMatchObject({ state: "running", region: REGION, instanceType: "g5.xlarge", spot: false, tags: input.tags });
    expect(second?.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(second?.launchedAt).toBeInstanceOf(Date);
    expect(Math.abs((second?.launchedAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);

    const describes = (await recorded()).filter((r) => r.action === "DescribeInstances");
    expect(describes[0]?.params["InstanceId.1"]).toBe(created.instanceId);
    expect(describes[0]?.params.MaxResults).toBeUndefined();
  });

  it("reports a spot instance as spot", async () => {
    const provider = aws();
    const created = await provider.createInstance(launch({ spot: true }));
    expect((await provider.describeInstance(REGION, created.instanceId))?.spot).toBe(true);
  });

  it("answers null for an unknown or malformed instance id", async () => {
    const provider = aws();
    expect(await provider.describeInstance(REGION, "i-0123456789abcdef0")).toBeNull();
    expect(await provider.describeInstance(REGION, "i-not-an-id")).toBeNull();
    expect((await recorded()).map((r) => r.errorCode)).toEqual(["InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed"]);
  });
});

describe("start, stop and terminate", () => {
  it("moves an instance through stop, start and terminate", async () => {
    const provider = aws();
    const { instanceId } = await provider.createInstance(launch());
    const state = async () => (await provider.describeInstance(REGION, instanceId))?.state;
    expect(await state()).toBe("pending");
    expect(await state()).toBe("running");

    await provider.stopInstance(REGION, instanceId);
    expect(await state()).toBe("stopping");
    const stopped = await provider.describeInstance(REGION, instanceId);
    expect(stopped).toMatchObject({ state: "stopped", publicIp: null });

    await provider.startInstance(REGION, instanceId);
    expect(await state()).toBe("pending");
    expect(await state()).toBe("running");

    await provider.terminateInstance(REGION, instanceId);
    expect(await state()).toBe("shutting-down");
    expect(await state()).toBe("terminated");
    // Terminating again is not an error.
    await provider.terminateInstance(REGION, instanceId);

    const actions = (await recorded()).filter((r) => r.action !== "DescribeInstances");
    expect(actions.map((r) => [r.action, r.params["InstanceId.1"] ?? null, r.status])).toEqual([
      ["RunInstances", null, 200],
      ["StopInstances", instanceId, 200],
      ["StartInstances", instanceId, 200],
      ["TerminateInstances", instanceId, 200],
      ["TerminateInstances", instanceId, 200],
    ]);
  });

  it("treats terminating an unknown instance as done", async () => {
    await aws().terminateInstance(REGION, "i-0123456789abcdef0");
    expect((await recorded()).map((r) => r.errorCode)).toEqual(["InvalidInstanceID.NotFound"]);
  });

  it("reports starting or stopping an unknown instance as not-found", async () => {
    const provider = aws();
    expect(await providerError(provider.startInstance(REGION, "i-0123456789abcdef0"))).toMatchObject({
      kind: "not-found",
      code: "InvalidInstanceID.NotFound",
      retryable: false,
    });
    expect((await providerError(provider.stopInstance(REGION, "i-0123456789abcdef0"))).kind).toBe("not-found");
  });

  it("reports starting a terminated instance as invalid-request (IncorrectInstanceState)", async () => {
    const provider = aws();
    const { instanceId } = await provider.createInstance(launch());
    await provider.terminateInstance(REGION, instanceId);
    const error = await providerError(provider.startInstance(REGION, instanceId));
    expect(error).toMatchObject({ kind: "invalid-request", code: "IncorrectInstanceState" });
  });

  it("cannot stop a one-time spot instance (EC2 refuses; the VM must be terminated instead)", async () => {
    const provider = aws();
    const { instanceId } = await provider.createInstance(launch({ spot: true }));
    const error = await providerError(provider.stopInstance(REGION, instanceId));
    expect(error).toMatchObject({ kind: "invalid-request", code: "UnsupportedOperation", retryable: false });
  });
});

describe("listInstances", () => {
  it("filters by every tag and by live states, following NextToken pages", async () => {
    const provider = aws({ listPageSize: 5 });
    const deployment = unique("dep");
    const mine = { [TAG_TENANT]: "tenant-a", [TAG_DEPLOYMENT]: deployment };
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const input = launch();
      created.push((await provider.createInstance({ ...input, tags: { ...input.tags, ...mine } })).instanceId);
    }
    // Same deployment, another tenant; and another deployment: neither is listed.
    const other = launch();
    await provider.createInstance({ ...other, tags: { ...other.tags, [TAG_TENANT]: "tenant-b", [TAG_DEPLOYMENT]: deployment } });
    await provider.createInstance(launch());
    // One terminated (excluded) and one stopped (included).
    const [gone, stopped] = created as [string, string];
    await provider.terminateInstance(REGION, gone);
    await provider.describeInstance(REGION, gone);
    expect((await provider.describeInstance(REGION, gone))?.state).toBe("terminated");
    await provider.describeInstance(REGION, stopped);
    await provider.stopInstance(REGION, stopped);

    const before = (await recorded()).length;
    const listed = await provider.listInstances(REGION, mine);

    expect(listed.map((i) => i.instanceId).sort()).toEqual(created.slice(1).sort());
    expect(listed.every((i) => i.tags[TAG_DEPLOYMENT] === deployment && i.tags[TAG_TENANT] === "tenant-a")).toBe(true);
    expect(listed.find((i) => i.instanceId === stopped)?.state).toBe("stopping");

    const pages = (await recorded()).slice(before);
    expect(pages).toHaveLength(2);
    expect(pages[0]?.params).toMatchObject({
      Action: "DescribeInstances",
      MaxResults: "5",
      "Filter.1.Name": "instance-state-name",
      "Filter.1.Value.1": "pending",
      "Filter.1.Value.2": "running",
      "Filter.1.Value.3": "shutting-down",
      "Filter.1.Value.4": "stopping",
      "Filter.1.Value.5": "stopped",
      "Filter.2.Name": `tag:${TAG_TENANT}`,
      "Filter.2.Value.1": "tenant-a",
      "Filter.3.Name": `tag:${TAG_DEPLOYMENT}`,
      "Filter.3.Value.1": deployment,
    });
    expect(pages[0]?.params.NextToken).toBeUndefined();
    expect(pages[1]?.params.NextToken).toEqual(expect.any(String));
    expect(pages.every((p) => p.status === 200)).toBe(true);
  });

  it("answers an empty list when nothing matches", async () => {
    expect(await aws().listInstances(REGION, { [TAG_DEPLOYMENT]: unique("none") })).toEqual([]);
  });
});

describe("errors", () => {
  it.each([
    ["ami-capacity", "capacity", "InsufficientInstanceCapacity", true, 500],
    ["ami-quota", "quota", "VcpuLimitExceeded", false, 400],
    ["ami-throttle", "rate-limited", "RequestLimitExceeded", true, 503],
    ["ami-500", "transient", "InternalError", true, 500],
    ["ami-bad", "invalid-request", "InvalidAMIID.NotFound", false, 400],
  ] as const)("maps %s to %s (%s)", async (image, kind, code, retryable, status) => {
    const error = await providerError(aws().createInstance(launch({ image })));
    expect(error).toMatchObject({ kind, code, retryable });
    expect(error.message).toContain(code);
    expect(error.message).toContain(REGION);
    expect(error.retryAfterMs).toBe(kind === "rate-limited" ? 1000 : null);
    // Sent once: retrying is the caller's decision.
    expect((await recorded()).map((r) => [r.status, r.errorCode])).toEqual([[status, code]]);
  });

  it("maps rejected credentials to auth", async () => {
    const blocked = aws({
      credentials: { accessKeyId: "AKIDBADBADBAD", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    });
    expect(await providerError(blocked.describeInstance(REGION, "i-0123456789abcdef0"))).toMatchObject({
      kind: "auth",
      code: "AuthFailure",
      retryable: false,
    });
    const wrongSecret = aws({ credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-the-secret" } });
    expect(await providerError(wrongSecret.listInstances(REGION, {}))).toMatchObject({
      kind: "auth",
      code: "SignatureDoesNotMatch",
    });
    expect((await recorded()).map((r) => r.status)).toEqual([401, 403]);
  });

  it("uses Retry-After when the endpoint sends it", async () => {
    const withRetryAfter: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.set("retry-after", "3");
      return new Response(response.body, { status: response.status, headers });
    };
    const error = await providerError(aws({ fetch: withRetryAfter }).createInstance(launch({ image: "ami-throttle" })));
    expect(error).toMatchObject({ kind: "rate-limited", retryAfterMs: 3000 });
  });

  it("maps a network failure to transient", async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError("Network connection lost.");
    };
    const error = await providerError(aws({ fetch: failing }).describeInstance(REGION, "i-0123456789abcdef0"));
    expect(error).toMatchObject({ kind: "transient", code: "NetworkError", retryable: true });
  });

  it("maps a non-XML gateway error to transient and an unreadable success body to transient", async () => {
    const gateway: typeof fetch = async () =>
      new Response("<html>Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" });
    expect(await providerError(aws({ fetch: gateway }).listInstances(REGION, {}))).toMatchObject({
      kind: "transient",
      code: null,
    });
    const truncated: typeof fetch = async () => new Response("<RunInstancesResponse><instancesSet><item>", { status: 200 });
    expect(await providerError(aws({ fetch: truncated }).createInstance(launch()))).toMatchObject({
      kind: "transient",
      code: "MalformedResponse",
    });
  });

  it("signs with the region in the credential scope that the endpoint checks", async () => {
    // Sent to another region's path than signed for: the fake refuses it, as EC2 would.
    const misrouted: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      return fetch(new Request(request.url.replace(`/${REGION}/`, "/eu-west-1/"), request));
    };
    const error = await providerError(aws({ fetch: misrouted }).describeInstance(REGION, "i-0123456789abcdef0"));
    expect(error).toMatchObject({ kind: "auth", code: "AuthFailure" });
  });

  it("signs the session token of temporary credentials", async () => {
    const session = aws({ credentials: { ...credentials, sessionToken: "FwoGZXIvYXdzEXAMPLESESSIONTOKEN" } });
    expect(await session.describeInstance(REGION, "i-0123456789abcdef0")).toBeNull();
    const [request] = await recorded();
    expect(request?.headers["x-amz-security-token"]).toBe("FwoGZXIvYXdzEXAMPLESESSIONTOKEN");
    expect(request?.credential?.signedHeaders).toContain("x-amz-security-token");
    expect(request?.signatureValid).toBe(true);
  });
});

describe("endpoints", () => {
  it("uses the regional amazonaws.com endpoint without an override", async () => {
    const seen: Request[] = [];
    const capture: typeof fetch = async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(
        '<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>x</requestId><reservationSet/></DescribeInstancesResponse>',
        { status: 200 },
      );
    };
    const provider = new AwsEc2Provider({ id: "aws", credentials, endpoint: null, fetch: capture });
    expect(await provider.describeInstance("eu-central-1", "i-0123456789abcdef0")).toBeNull();
    expect(seen[0]?.url).toBe("https://ec2.eu-central-1.amazonaws.com/");
    expect(seen[0]?.headers.get("authorization")).toContain("/eu-central-1/ec2/aws4_request");
  });

  it("appends the region to an override base URL", () => {
    const client = new Ec2Client({ credentials, endpoint: "http://127.0.0.1:9999" });
    expect(client.endpointFor("ap-southeast-2")).toBe("http://127.0.0.1:9999/ap-southeast-2/");
    expect(new Ec2Client({ credentials, endpoint: "http://h/base/" }).endpointFor("us-gov-west-1")).toBe(
      "http://h/base/us-gov-west-1/",
    );
  });
});

describe("parseAwsCredentials", () => {
  it("reads access key, secret and optional session token", () => {
    expect(parseAwsCredentials("AWS_X", '{"accessKeyId":"AKIA1","secretAccessKey":"s3cr3t"}')).toEqual({
      accessKeyId: "AKIA1",
      secretAccessKey: "s3cr3t",
    });
    expect(parseAwsCredentials("AWS_X", '{"accessKeyId":"AKIA1","secretAccessKey":"s3cr3t","sessionToken":"tok"}')).toEqual({
      accessKeyId: "AKIA1",
      secretAccessKey: "s3cr3t",
      sessionToken: "tok",
    });
  });

  it.each([
    ["unset", undefined, ["TOPSECRET"]],
    ["empty", "  ", ["TOPSECRET"]],
    ["not JSON", "AKIA-LEAKED:TOPSECRETVALUE", ["AKIA-LEAKED", "TOPSECRETVALUE"]],
    ["truncated JSON", '{"accessKeyId":"AKIA-LEAKED","secretAccessKey":"TOPSECRETVALUE"', ["AKIA-LEAKED", "TOPSECRETVALUE"]],
    ["an array", '["AKIA-LEAKED","TOPSECRETVALUE"]', ["AKIA-LEAKED", "TOPSECRETVALUE"]],
    ["no secret", '{"accessKeyId":"AKIA-LEAKED"}', ["AKIA-LEAKED"]],
    ["a numeric secret", '{"accessKeyId":"AKIA-LEAKED","secretAccessKey":12345678}', ["AKIA-LEAKED", "12345678"]],
    ["a secret with spaces", '{"accessKeyId":"AKIA-LEAKED","secretAccessKey":"TOP SECRET"}', ["AKIA-LEAKED", "TOP SECRET"]],
    [
      "a bad session token",
      '{"accessKeyId":"AKIA-LEAKED","secretAccessKey":"TOPSECRETVALUE","sessionToken":7}',
      ["TOPSECRETVALUE"],
    ],
  ])("rejects %s, naming the secret but never its value", (_case, raw, fragments) => {
    let caught: unknown;
    try {
      parseAwsCredentials("AWS_CREDENTIALS_PROD", raw);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProviderError);
    const error = caught as ProviderError;
    expect(error).toMatchObject({ kind: "auth", code: "InvalidCredentialsSecret", retryable: false });
    expect(error.message).toContain("AWS_CREDENTIALS_PROD");
    expect(error.cause).toBeUndefined();
    const everything = [error.message, String(error), error.stack ?? "", JSON.stringify(error)].join("\n");
    for (const fragment of fragments) expect(everything).not.toContain(fragment);
  });
});
