#!/usr/bin/env node
// A fake Amazon EC2 Query API endpoint for tests (node:http, no dependencies). Started by
// test/fake-ec2-setup.ts; prints `READY <port>` once it listens on 127.0.0.1.
//
// Multi-region: the region is the first path segment — POST http://127.0.0.1:<port>/<region>/ — the
// convention of the adapter's endpoint override (src/providers/aws/ec2-client.ts).
//
// It checks each request the way the documented API does (and a little more strictly):
//   - POST, `content-type: application/x-www-form-urlencoded`, Action, Version=2016-11-15, no
//     unknown parameters, list indexes from 1 and contiguous;
//   - a SigV4 `Authorization` header: Credential=<key>/<yyyymmdd>/<region>/ec2/aws4_request with the
//     region of the path, x-amz-date within 15 minutes and of the credential's day, host and
//     x-amz-date (and x-amz-security-token when sent) signed, and the signature itself recomputed
//     with the key's secret (known keys: the AWS documentation example AKIDEXAMPLE, plus any given
//     as JSON {"<key>":"<secret>"} in FAKE_EC2_CREDENTIALS);
//   - per action: required parameters, MinCount = MaxCount = 1, UserData valid base64 of ≤ 16 KB,
//     ClientToken ≤ 64 ASCII characters, tag rules, block device mapping and spot options values.
// It answers with the documented XML shapes, or a documented error document
//   <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
// with HTTP 400 for client errors, 401/403 for credential errors, 500 for server errors
// (InternalError, InsufficientInstanceCapacity — a server error in EC2's documentation) and 503 for
// RequestLimitExceeded, as EC2 does.
//
// Behaviour: in-memory instances per region; a transitional state (pending, stopping,
// shutting-down) advances (to running, stopped, terminated) after DescribeInstances has reported it
// once; ClientToken idempotency per region (same token + same parameters → the same reservation;
// other parameters → IdempotentParameterMismatch); DescribeInstances filters instance-id,
// instance-state-name, instance-type, tag:<key> and tag-key (values may use * and ?), and paginates
// with MaxResults (5–1000, not with InstanceId) and an opaque NextToken. Stopping a Spot Instance of
// a one-time request is refused (UnsupportedOperation), as EC2 does.
//
// Failure injection: ImageId ami-capacity → InsufficientInstanceCapacity (500), ami-quota →
// VcpuLimitExceeded (400), ami-throttle → RequestLimitExceeded (503), ami-500 → InternalError
// (500), ami-bad → InvalidAMIID.NotFound (400); access key AKIDBADBADBAD → AuthFailure (401).
//
// Test hooks: GET /__requests (every EC2 request received, with its parsed parameters, headers,
// credential scope, signature verdict, status and error code), GET /__instances, POST /__reset.
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const API_VERSION = "2016-11-15";
const XMLNS = `http://ec2.amazonaws.com/doc/${API_VERSION}/`;
const OWNER_ID = "123456789012";
const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const BLOCKED_ACCESS_KEY = "AKIDBADBADBAD";
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const MAX_USER_DATA_BYTES = 16 * 1024;
const STATE_CODES = { pending: 0, running: 16, "shutting-down": 32, terminated: 48, stopping: 64, stopped: 80 };

const credentials = new Map([["AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"]]);
if (process.env.FAKE_EC2_CREDENTIALS) {
  for (const [key, secret] of Object.entries(JSON.parse(process.env.FAKE_EC2_CREDENTIALS))) credentials.set(key, secret);
}

/** Injected failures by ImageId: [HTTP status, code, message]. */
const INJECTED = {
  "ami-capacity": [
    500,
    "InsufficientInstanceCapacity",
    "We currently do not have sufficient capacity in the Availability Zone you requested.",
  ],
  "ami-quota": [
    400,
    "VcpuLimitExceeded",
    "You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to.",
  ],
  "ami-throttle": [503, "RequestLimitExceeded", "Request limit exceeded."],
  "ami-500": [500, "InternalError", "An internal error has occurred."],
  "ami-bad": [400, "InvalidAMIID.NotFound", "The image id '[ami-bad]' does not exist"],
};

// ── State ───────────────────────────────────────────────────────────────────────────────────────

let requests = [];
let instances = new Map(); // instanceId → instance
let clientTokens = new Map(); // `${region}\n${token}` → { fingerprint, instanceId }
let sequence = 0;

function reset() {
  requests = [];
  instances = new Map();
  clientTokens = new Map();
}

class Ec2Error extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const clientError = (code, message) => new Ec2Error(400, code, message);

// ── XML ─────────────────────────────────────────────────────────────────────────────────────────

function esc(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]);
}

const el = (name, value) => (value === null || value === undefined ? "" : `<${name}>${esc(value)}</${name}>`);

function documentXml(action, inner) {
  const requestId = randomUUID();
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">\n  <requestId>${requestId}</requestId>\n${inner}\n</${action}Response>\n`;
}

function errorXml(code, message) {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
}

function stateXml(name, state) {
  return `<${name}><code>${STATE_CODES[state]}</code><name>${state}</name></${name}>`;
}

function tagSetXml(tags) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return "";
  return `<tagSet>${entries.map(([k, v]) => `<item>${el("key", k)}${el("value", v)}</item>`).join("")}</tagSet>`;
}

function instanceXml(i) {
  return [
    "<item>",
    el("instanceId", i.instanceId),
    el("imageId", i.imageId),
    stateXml("instanceState", i.state),
    el("privateDnsName", `ip-${i.privateIp.replaceAll(".", "-")}.${i.region}.compute.internal`),
    el("dnsName", i.ipAddress ? `ec2-${i.ipAddress.replaceAll(".", "-")}.${i.region}.compute.amazonaws.com` : ""),
    "<reason/>",
    "<amiLaunchIndex>0</amiLaunchIndex>",
    "<productCodes/>",
    el("instanceType", i.instanceType),
    el("launchTime", i.launchTime),
    `<placement>${el("availabilityZone", i.availabilityZone)}<groupName/><tenancy>default</tenancy></placement>`,
    "<monitoring><state>disabled</state></monitoring>",
    el("subnetId", "subnet-56f5f633"),
    el("vpcId", "vpc-11112222"),
    el("privateIpAddress", i.privateIp),
    el("ipAddress", i.ipAddress),
    "<sourceDestCheck>true</sourceDestCheck>",
    "<groupSet><item><groupId>sg-e4076980</groupId><groupName>default</groupName></item></groupSet>",
    el("architecture", "x86_64"),
    el("rootDeviceType", "ebs"),
    el("rootDeviceName", "/dev/sda1"),
    `<blockDeviceMapping>${i.blockDevices
      .map(
        (d) =>
          `<item>${el("deviceName", d.deviceName)}<ebs>${el("volumeId", d.volumeId)}<status>attached</status>${el("attachTime", i.launchTime)}${el("deleteOnTermination", d.deleteOnTermination)}</ebs></item>`,
      )
      .join("")}</blockDeviceMapping>`,
    i.spot ? el("instanceLifecycle", "spot") : "",
    i.spot ? el("spotInstanceRequestId", i.spotInstanceRequestId) : "",
    el("virtualizationType", "hvm"),
    el("clientToken", i.clientToken ?? ""),
    tagSetXml(i.tags),
    el("hypervisor", "xen"),
    "<ebsOptimized>false</ebsOptimized>",
    "</item>",
  ].join("");
}

function reservationXml(i) {
  return `<item>${el("reservationId", i.reservationId)}${el("ownerId", OWNER_ID)}<groupSet/><instancesSet>${instanceXml(i)}</instancesSet></item>`;
}

// ── SigV4 ───────────────────────────────────────────────────────────────────────────────────────

const sha256Hex = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; null when not that shape. */
function parseAuthorization(header) {
  const match =
    /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/([^/,\s]+)\s*,\s*SignedHeaders=([a-z0-9;-]+)\s*,\s*Signature=([0-9a-f]{64})$/.exec(
      header ?? "",
    );
  if (!match) return null;
  const [, accessKeyId, date, region, service, terminator, signedHeaders, signature] = match;
  return { accessKeyId, date, region, service, terminator, signedHeaders: signedHeaders.split(";"), signature };
}

function expectedSignature(req, url, rawBody, auth, secret) {
  // Non-S3 services: every path segment URI-encoded twice (once by the client's URL, once here).
  const canonicalUri = url.pathname
    .replace(/\/+/g, "/")
    .split("/")
    .map((segment) => rfc3986(segment))
    .join("/");
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = auth.signedHeaders
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const payloadHash = req.headers["x-amz-content-sha256"] ?? sha256Hex(rawBody);
  const canonicalRequest = [
    req.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/${auth.terminator}`;
  const stringToSign = ["AWS4-HMAC-SHA256", req.headers["x-amz-date"], scope, sha256Hex(canonicalRequest)].join("\n");
  const kDate = hmac(`AWS4${secret}`, auth.date);
  const kSigning = hmac(hmac(hmac(kDate, auth.region), auth.service), "aws4_request");
  return createHmac("sha256", kSigning).update(stringToSign).digest("hex");
}

/** Checks the SigV4 signature of an EC2 request to `region`; throws the error EC2 would answer. */
function authenticate(req, url, rawBody, region, record) {
  const header = req.headers.authorization;
  if (!header) throw new Ec2Error(401, "AuthFailure", "The request is not signed: a SigV4 Authorization header is required.");
  const auth = parseAuthorization(header);
  if (!auth) throw new Ec2Error(401, "AuthFailure", "The Authorization header is not a valid AWS4-HMAC-SHA256 authorization.");
  record.credential = {
    accessKeyId: auth.accessKeyId,
    date: auth.date,
    region: auth.region,
    service: auth.service,
    signedHeaders: auth.signedHeaders,
  };
  if (auth.accessKeyId === BLOCKED_ACCESS_KEY) {
    throw new Ec2Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
  }
  if (auth.terminator !== "aws4_request") throw new Ec2Error(401, "AuthFailure", "Credential should end with aws4_request.");
  if (auth.service !== "ec2") {
    throw new Ec2Error(401, "AuthFailure", `Credential should be scoped to correct service: 'ec2', not '${auth.service}'.`);
  }
  if (auth.region !== region) {
    throw new Ec2Error(401, "AuthFailure", `Credential should be scoped to a valid region: '${region}', not '${auth.region}'.`);
  }
  const amzDate = req.headers["x-amz-date"];
  const dateMatch = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? "");
  if (!dateMatch) throw new Ec2Error(401, "AuthFailure", "The request must carry an X-Amz-Date header (YYYYMMDDTHHMMSSZ).");
  if (amzDate.slice(0, 8) !== auth.date) {
    throw new Ec2Error(401, "AuthFailure", "The credential date does not match the X-Amz-Date header.");
  }
  const [, y, mo, d, h, mi, s] = dateMatch.map(Number);
  if (Math.abs(Date.UTC(y, mo - 1, d, h, mi, s) - Date.now()) > MAX_CLOCK_SKEW_MS) {
    throw clientError("RequestExpired", "Request has expired.");
  }
  for (const required of ["host", "x-amz-date", ...(req.headers["x-amz-security-token"] ? ["x-amz-security-token"] : [])]) {
    if (!auth.signedHeaders.includes(required)) {
      throw new Ec2Error(403, "SignatureDoesNotMatch", `The header ${required} must be signed.`);
    }
  }
  const secret = credentials.get(auth.accessKeyId);
  if (!secret) throw new Ec2Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials");
  const expected = expectedSignature(req, url, rawBody, auth, secret);
  record.signatureValid = timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
  if (!record.signatureValid) {
    throw new Ec2Error(
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    );
  }
}

// ── Parameters ──────────────────────────────────────────────────────────────────────────────────

const ALLOWED = {
  RunInstances: [
    /^(?:Action|Version|DryRun|ImageId|InstanceType|MinCount|MaxCount|ClientToken|UserData|KeyName|SubnetId)$/,
    /^SecurityGroupId\.\d+$/,
    /^TagSpecification\.\d+\.(?:ResourceType|Tag\.\d+\.(?:Key|Value))$/,
    /^BlockDeviceMapping\.\d+\.(?:DeviceName|NoDevice|Ebs\.(?:VolumeSize|VolumeType|DeleteOnTermination|Iops|Throughput|Encrypted))$/,
    /^InstanceMarketOptions\.(?:MarketType|SpotOptions\.(?:InstanceInterruptionBehavior|SpotInstanceType|MaxPrice))$/,
    /^IamInstanceProfile\.(?:Name|Arn)$/,
  ],
  DescribeInstances: [
    /^(?:Action|Version|DryRun|MaxResults|NextToken)$/,
    /^InstanceId\.\d+$/,
    /^Filter\.\d+\.(?:Name|Value\.\d+)$/,
  ],
  StartInstances: [/^(?:Action|Version|DryRun)$/, /^InstanceId\.\d+$/],
  StopInstances: [/^(?:Action|Version|DryRun|Force|Hibernate)$/, /^InstanceId\.\d+$/],
  TerminateInstances: [/^(?:Action|Version|DryRun)$/, /^InstanceId\.\d+$/],
};

/** The indexes N of `<prefix>.N…` keys, checked to run 1, 2, 3, … without gaps. */
function listIndexes(params, prefix) {
  const pattern = new RegExp(`^${prefix.replaceAll(".", "\\.")}\\.(\\d+)(?:\\.|$)`);
  const found = new Set();
  for (const key of params.keys()) {
    const match = pattern.exec(key);
    if (match) found.add(Number(match[1]));
  }
  const sorted = [...found].sort((a, b) => a - b);
  sorted.forEach((index, position) => {
    if (index !== position + 1) {
      throw clientError("InvalidParameterValue", `The indexes of ${prefix}.N must start at 1 and be contiguous.`);
    }
  });
  return sorted;
}

function requireParam(params, name) {
  const value = params.get(name);
  if (value === undefined || value === "")
    throw clientError("MissingParameter", `The request must contain the parameter ${name}`);
  return value;
}

function instanceIds(params, required) {
  const ids = listIndexes(params, "InstanceId").map((n) => params.get(`InstanceId.${n}`));
  if (required && ids.length === 0) throw clientError("MissingParameter", "The request must contain the parameter InstanceId");
  for (const id of ids) {
    if (!/^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/.test(id)) {
      throw clientError("InvalidInstanceID.Malformed", `Invalid id: "${id}" (expecting "i-...")`);
    }
  }
  return ids;
}

/** The instances of `region` with these ids; InvalidInstanceID.NotFound naming any unknown one. */
function lookUp(region, ids) {
  const missing = ids.filter((id) => instances.get(id)?.region !== region);
  if (missing.length === 1) throw clientError("InvalidInstanceID.NotFound", `The instance ID '${missing[0]}' does not exist`);
  if (missing.length > 1)
    throw clientError("InvalidInstanceID.NotFound", `The instance IDs '${missing.join(", ")}' do not exist`);
  return ids.map((id) => instances.get(id));
}

// ── Actions ─────────────────────────────────────────────────────────────────────────────────────

const hex = (bytes) => randomBytes(bytes).toString("hex");
const nowIso = () => `${new Date().toISOString().slice(0, 19)}.000Z`;

function parseTagSpecifications(params) {
  const byType = {};
  for (const n of listIndexes(params, "TagSpecification")) {
    const prefix = `TagSpecification.${n}`;
    const resourceType = requireParam(params, `${prefix}.ResourceType`);
    if (!["instance", "volume", "network-interface", "spot-instances-request", "elastic-gpu"].includes(resourceType)) {
      throw clientError("InvalidParameterValue", `'${resourceType}' is not a valid taggable resource type for this operation.`);
    }
    if (byType[resourceType]) {
      throw clientError(
        "InvalidParameterValue",
        "The same resource type may not be specified more than once in tag specifications",
      );
    }
    const tags = {};
    const tagIndexes = listIndexes(params, `${prefix}.Tag`);
    if (tagIndexes.length > 50) throw clientError("TagLimitExceeded", "The maximum number of tags per resource is 50.");
    for (const t of tagIndexes) {
      const key = requireParam(params, `${prefix}.Tag.${t}.Key`);
      const value = params.get(`${prefix}.Tag.${t}.Value`) ?? "";
      if (key.length > 128) throw clientError("InvalidParameterValue", "Tag keys must be at most 128 characters long");
      if (value.length > 256) throw clientError("InvalidParameterValue", "Tag values must be at most 256 characters long");
      if (/^aws:/i.test(key))
        throw clientError("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
      if (Object.hasOwn(tags, key)) throw clientError("InvalidParameterValue", `Duplicate tag key '${key}' specified.`);
      tags[key] = value;
    }
    byType[resourceType] = tags;
  }
  return byType;
}

function parseBlockDevices(params) {
  return listIndexes(params, "BlockDeviceMapping").map((n) => {
    const prefix = `BlockDeviceMapping.${n}`;
    const deviceName = requireParam(params, `${prefix}.DeviceName`);
    if (!/^(?:\/dev\/)?(?:sd[a-z]\d{0,2}|xvd[a-z]{1,2}\d{0,2})$/.test(deviceName)) {
      throw clientError("InvalidBlockDeviceMapping", `Invalid device name ${deviceName}`);
    }
    const volumeType = params.get(`${prefix}.Ebs.VolumeType`) ?? "gp2";
    if (!["standard", "io1", "io2", "gp2", "gp3", "sc1", "st1"].includes(volumeType)) {
      throw clientError("InvalidParameterValue", `Value (${volumeType}) for parameter volumeType is invalid.`);
    }
    const sizeText = params.get(`${prefix}.Ebs.VolumeSize`);
    let volumeSize = null;
    if (sizeText !== undefined) {
      volumeSize = /^\d+$/.test(sizeText) ? Number(sizeText) : Number.NaN;
      if (!(volumeSize >= 1 && volumeSize <= 16384)) {
        throw clientError(
          "InvalidParameterValue",
          `Volume size ${sizeText} is not an integer from 1 to 16384 (GiB) for ${volumeType}.`,
        );
      }
    }
    const deleteOnTermination = params.get(`${prefix}.Ebs.DeleteOnTermination`) ?? "true";
    if (!["true", "false"].includes(deleteOnTermination)) {
      throw clientError("InvalidParameterValue", `Value (${deleteOnTermination}) for parameter deleteOnTermination is invalid.`);
    }
    return { deviceName, volumeType, volumeSize, deleteOnTermination, volumeId: `vol-${hex(9).slice(0, 17)}` };
  });
}

function parseMarketOptions(params) {
  const marketType = params.get("InstanceMarketOptions.MarketType");
  const behavior = params.get("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior");
  const spotType = params.get("InstanceMarketOptions.SpotOptions.SpotInstanceType");
  if (marketType === undefined) {
    if (behavior !== undefined || spotType !== undefined) {
      throw clientError("InvalidParameterCombination", "SpotOptions require InstanceMarketOptions.MarketType=spot");
    }
    return null;
  }
  if (!["spot", "capacity-block"].includes(marketType)) {
    throw clientError("InvalidParameterValue", `Value (${marketType}) for parameter MarketType is invalid.`);
  }
  if (marketType !== "spot") {
    if (behavior !== undefined || spotType !== undefined) {
      throw clientError("InvalidParameterCombination", "SpotOptions require InstanceMarketOptions.MarketType=spot");
    }
    return null;
  }
  if (behavior !== undefined && !["hibernate", "stop", "terminate"].includes(behavior)) {
    throw clientError("InvalidParameterValue", `Value (${behavior}) for parameter InstanceInterruptionBehavior is invalid.`);
  }
  if (spotType !== undefined && !["one-time", "persistent"].includes(spotType)) {
    throw clientError("InvalidParameterValue", `Value (${spotType}) for parameter SpotInstanceType is invalid.`);
  }
  const spotInstanceType = spotType ?? "one-time";
  const interruptionBehavior = behavior ?? "terminate";
  if (spotInstanceType === "persistent" && interruptionBehavior === "terminate") {
    throw clientError(
      "InvalidParameterCombination",
      "Persistent Spot Instance requests are only supported when the instance interruption behavior is hibernate or stop.",
    );
  }
  return { spotInstanceType, interruptionBehavior };
}

function runInstances(region, params) {
  const minCount = requireParam(params, "MinCount");
  const maxCount = requireParam(params, "MaxCount");
  if (!/^\d+$/.test(minCount) || !/^\d+$/.test(maxCount)) {
    throw clientError("InvalidParameterValue", "MinCount and MaxCount must be integers");
  }
  if (minCount !== "1" || maxCount !== "1") {
    throw clientError(
      "InvalidParameterValue",
      "This endpoint launches exactly one instance per request (MinCount = MaxCount = 1).",
    );
  }
  const imageId = requireParam(params, "ImageId");
  if (!/^ami-[0-9a-z]{1,17}$/.test(imageId))
    throw clientError("InvalidAMIID.Malformed", `Invalid id: "${imageId}" (expecting "ami-...")`);
  const instanceType = params.get("InstanceType") ?? "m1.small";
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
    throw clientError("InvalidParameterValue", `Invalid value '${instanceType}' for InstanceType.`);
  }
  const userData = params.get("UserData");
  if (userData !== undefined) {
    if (userData.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(userData)) {
      throw clientError("InvalidParameterValue", "Invalid BASE64 encoding of user data.");
    }
    if (Buffer.from(userData, "base64").length > MAX_USER_DATA_BYTES) {
      throw clientError("InvalidParameterValue", `User data is limited to ${MAX_USER_DATA_BYTES} bytes.`);
    }
  }
  const clientToken = params.get("ClientToken");
  if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken))) {
    throw clientError("InvalidParameterValue", "Value for parameter clientToken is invalid: at most 64 ASCII characters.");
  }
  const tagsByType = parseTagSpecifications(params);
  const blockDevices = parseBlockDevices(params);
  const market = parseMarketOptions(params);
  if (params.get("DryRun") === "true") {
    throw new Ec2Error(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
  }

  const fingerprint = JSON.stringify([...params.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const tokenKey = clientToken ? `${region}\n${clientToken}` : null;
  const previous = tokenKey ? clientTokens.get(tokenKey) : undefined;
  if (previous) {
    if (previous.fingerprint !== fingerprint) {
      throw clientError(
        "IdempotentParameterMismatch",
        "Arguments on this idempotent request are inconsistent with arguments used in previous request(s).",
      );
    }
    const instance = instances.get(previous.instanceId);
    return runInstancesXml(instance);
  }

  const injected = INJECTED[imageId];
  if (injected) throw new Ec2Error(...injected);

  sequence += 1;
  const rootDevice = blockDevices.find((d) => d.deviceName === "/dev/sda1");
  const instance = {
    sequence,
    instanceId: `i-${hex(9).slice(0, 17)}`,
    reservationId: `r-${hex(9).slice(0, 17)}`,
    region,
    availabilityZone: `${region}a`,
    imageId,
    instanceType,
    state: "pending",
    launchTime: nowIso(),
    privateIp: `10.0.${sequence % 250}.${(sequence % 200) + 10}`,
    ipAddress: null,
    spot: market !== null,
    spotInstanceType: market?.spotInstanceType ?? null,
    spotInstanceRequestId: market ? `sir-${hex(4)}` : null,
    clientToken: clientToken ?? null,
    userData: userData === undefined ? null : Buffer.from(userData, "base64").toString("utf8"),
    tags: tagsByType.instance ?? {},
    volumeTags: tagsByType.volume ?? {},
    blockDevices: rootDevice
      ? blockDevices
      : [
          {
            deviceName: "/dev/sda1",
            volumeType: "gp2",
            volumeSize: 8,
            deleteOnTermination: "true",
            volumeId: `vol-${hex(9).slice(0, 17)}`,
          },
          ...blockDevices,
        ],
  };
  instances.set(instance.instanceId, instance);
  if (tokenKey) clientTokens.set(tokenKey, { fingerprint, instanceId: instance.instanceId });
  return runInstancesXml(instance);
}

function runInstancesXml(instance) {
  return documentXml(
    "RunInstances",
    `  ${el("reservationId", instance.reservationId)}${el("ownerId", OWNER_ID)}<groupSet/>\n  <instancesSet>${instanceXml(instance)}</instancesSet>`,
  );
}

/** A transitional state reported once moves on (pending → running, …). */
function advance(instance) {
  if (instance.state === "pending") {
    instance.state = "running";
    instance.ipAddress = `198.51.100.${(instance.sequence % 250) + 1}`;
  } else if (instance.state === "stopping") {
    instance.state = "stopped";
    instance.ipAddress = null;
  } else if (instance.state === "shutting-down") {
    instance.state = "terminated";
    instance.ipAddress = null;
  }
}

function globMatcher(pattern) {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replaceAll("*", ".*")
    .replaceAll("?", ".");
  return new RegExp(`^${source}$`, "s");
}

const FILTERS = {
  "instance-id": (i) => [i.instanceId],
  "instance-state-name": (i) => [i.state],
  "instance-type": (i) => [i.instanceType],
  "tag-key": (i) => Object.keys(i.tags),
};

function parseFilters(params) {
  return listIndexes(params, "Filter").map((n) => {
    const name = requireParam(params, `Filter.${n}.Name`);
    const values = listIndexes(params, `Filter.${n}.Value`).map((v) => params.get(`Filter.${n}.Value.${v}`));
    if (values.length === 0) throw clientError("InvalidParameterValue", `The filter '${name}' requires at least one value.`);
    let extract = FILTERS[name];
    if (!extract && name.startsWith("tag:") && name.length > 4) {
      const key = name.slice(4);
      extract = (i) => (Object.hasOwn(i.tags, key) ? [i.tags[key]] : []);
    }
    if (!extract) throw clientError("InvalidParameterValue", `The filter '${name}' is invalid`);
    if (name === "instance-state-name") {
      for (const value of values) {
        if (!Object.hasOwn(STATE_CODES, value))
          throw clientError("InvalidParameterValue", `The filter value '${value}' is invalid`);
      }
    }
    const matchers = values.map(globMatcher);
    return (i) => extract(i).some((actual) => matchers.some((m) => m.test(actual)));
  });
}

function describeInstances(region, params) {
  const ids = instanceIds(params, false);
  const filters = parseFilters(params);
  const maxResultsText = params.get("MaxResults");
  let maxResults = null;
  if (maxResultsText !== undefined) {
    if (ids.length > 0) {
      throw clientError("InvalidParameterCombination", "The parameter instancesSet cannot be used with the parameter maxResults");
    }
    maxResults = /^\d+$/.test(maxResultsText) ? Number(maxResultsText) : Number.NaN;
    if (!(maxResults >= 5 && maxResults <= 1000)) {
      throw clientError(
        "InvalidParameterValue",
        `Value ( ${maxResultsText} ) for parameter maxResults is invalid. Expecting a value from 5 to 1000.`,
      );
    }
  }
  const selection = ids.length > 0 ? lookUp(region, ids) : [...instances.values()].filter((i) => i.region === region);
  const matching = selection.filter((i) => filters.every((f) => f(i))).sort((a, b) => a.sequence - b.sequence);

  const queryKey = JSON.stringify([...params.entries()].filter(([k]) => k.startsWith("Filter.")).sort());
  let offset = 0;
  const nextTokenText = params.get("NextToken");
  if (nextTokenText !== undefined) {
    let token;
    try {
      token = JSON.parse(Buffer.from(nextTokenText, "base64url").toString("utf8"));
    } catch {
      token = null;
    }
    if (!token || token.query !== queryKey || token.region !== region || !Number.isInteger(token.offset)) {
      throw clientError("InvalidParameterValue", "The token provided is invalid or does not belong to this query.");
    }
    offset = token.offset;
  }
  const end = maxResults === null ? matching.length : Math.min(matching.length, offset + maxResults);
  const page = matching.slice(offset, end);
  const nextToken =
    end < matching.length
      ? Buffer.from(JSON.stringify({ region, query: queryKey, offset: end, salt: hex(4) })).toString("base64url")
      : null;

  const xml = documentXml(
    "DescribeInstances",
    `  <reservationSet>${page.map(reservationXml).join("")}</reservationSet>${nextToken ? `\n  ${el("nextToken", nextToken)}` : ""}`,
  );
  for (const instance of page) advance(instance);
  return xml;
}

function stateChangeXml(action, changes) {
  return documentXml(
    action,
    `  <instancesSet>${changes
      .map(
        ({ instance, previous }) =>
          `<item>${el("instanceId", instance.instanceId)}${stateXml("currentState", instance.state)}${stateXml("previousState", previous)}</item>`,
      )
      .join("")}</instancesSet>`,
  );
}

function changeStates(action, region, params, change) {
  const targets = lookUp(region, instanceIds(params, true));
  if (params.get("DryRun") === "true") {
    throw new Ec2Error(412, "DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
  }
  for (const instance of targets) change(instance, true);
  const changes = targets.map((instance) => {
    const previous = instance.state;
    change(instance, false);
    return { instance, previous };
  });
  return stateChangeXml(action, changes);
}

function incorrectState(instance, verb) {
  return clientError(
    "IncorrectInstanceState",
    `The instance '${instance.instanceId}' is not in a state from which it can be ${verb}.`,
  );
}

function startInstances(region, params) {
  return changeStates("StartInstances", region, params, (i, check) => {
    if (check) {
      if (!["pending", "running", "stopped"].includes(i.state)) throw incorrectState(i, "started");
      return;
    }
    if (i.state === "stopped") {
      i.state = "pending";
      i.launchTime = nowIso();
    }
  });
}

function stopInstances(region, params) {
  return changeStates("StopInstances", region, params, (i, check) => {
    if (check) {
      if (i.spot && i.spotInstanceType === "one-time") {
        throw clientError(
          "UnsupportedOperation",
          `You can't stop the Spot Instance '${i.instanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`,
        );
      }
      if (["shutting-down", "terminated"].includes(i.state)) throw incorrectState(i, "stopped");
      return;
    }
    if (i.state === "pending" || i.state === "running") i.state = "stopping";
  });
}

function terminateInstances(region, params) {
  return changeStates("TerminateInstances", region, params, (i, check) => {
    if (!check && !["shutting-down", "terminated"].includes(i.state)) i.state = "shutting-down";
  });
}

const ACTIONS = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  TerminateInstances: terminateInstances,
};

// ── HTTP ────────────────────────────────────────────────────────────────────────────────────────

function handleEc2(req, url, rawBody, record) {
  const match = /^\/([^/]+)\/$/.exec(url.pathname);
  if (!match) throw new Ec2Error(404, "InvalidRequest", "This endpoint serves EC2 at /<region>/ only.");
  const region = match[1];
  record.region = region;
  if (!REGION_PATTERN.test(region)) throw new Ec2Error(404, "InvalidRequest", `'${region}' is not a region name.`);
  if (req.method !== "POST") throw clientError("InvalidRequest", "Use POST with a form-encoded body.");
  const contentType = req.headers["content-type"] ?? "";
  if (!/^application\/x-www-form-urlencoded(?:\s*;|$)/i.test(contentType)) {
    throw clientError("InvalidRequest", "The body must be application/x-www-form-urlencoded.");
  }
  const form = new URLSearchParams(rawBody.toString("utf8"));
  const params = new Map();
  for (const [key, value] of form) {
    if (params.has(key)) throw clientError("MalformedQueryString", `The parameter ${key} is given more than once.`);
    params.set(key, value);
  }
  record.params = Object.fromEntries(params);
  record.action = params.get("Action") ?? null;

  authenticate(req, url, rawBody, region, record);

  const action = params.get("Action");
  if (!action) throw clientError("MissingAction", "The request must contain the parameter Action");
  const version = params.get("Version");
  if (!version) throw clientError("MissingParameter", "The request must contain the parameter Version");
  if (version !== API_VERSION)
    throw clientError("InvalidParameterValue", `Unsupported API version ${version}; use ${API_VERSION}.`);
  const handler = ACTIONS[action];
  if (!handler) throw clientError("InvalidAction", `The action ${action} is not valid for this web service.`);
  for (const key of params.keys()) {
    if (!ALLOWED[action].some((pattern) => pattern.test(key))) {
      throw clientError("UnknownParameter", `The parameter ${key} is not recognized`);
    }
  }
  return handler(region, params);
}

function send(res, status, contentType, body) {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function summary(i) {
  const { sequence: _sequence, ...rest } = i;
  return rest;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const rawBody = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://fake-ec2.invalid");
    if (url.pathname === "/__requests" && req.method === "GET") {
      return send(res, 200, "application/json", JSON.stringify(requests));
    }
    if (url.pathname === "/__instances" && req.method === "GET") {
      return send(res, 200, "application/json", JSON.stringify([...instances.values()].map(summary)));
    }
    if (url.pathname === "/__reset" && req.method === "POST") {
      reset();
      return send(res, 200, "application/json", '{"ok":true}');
    }
    const record = {
      at: new Date().toISOString(),
      method: req.method,
      path: url.pathname,
      region: null,
      headers: { ...req.headers },
      params: {},
      action: null,
      credential: null,
      signatureValid: null,
      status: 200,
      errorCode: null,
    };
    requests.push(record);
    let status = 200;
    let body;
    try {
      body = handleEc2(req, url, rawBody, record);
    } catch (error) {
      if (!(error instanceof Ec2Error)) {
        console.error(error);
        status = 500;
        body = errorXml("InternalError", "An internal error has occurred.");
        record.errorCode = "InternalError";
      } else {
        status = error.status;
        body = errorXml(error.code, error.message);
        record.errorCode = error.code;
      }
    }
    record.status = status;
    send(res, status, "text/xml;charset=UTF-8", body);
  });
});

const port = Number(process.argv[2] ?? 0);
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`READY ${typeof address === "object" && address ? address.port : port}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
