// The fuzz driver: two properties per operation of the OpenAPI document, each run one request.
//  - hostile: any credential (valid, another scope, malformed, a forged or odd player JWT, none),
//    awkward path parameters (unicode, `..`, `/`, very long, raw or encoded), random and repeated
//    query parameters, odd Idempotency-Key / If-Match / Last-Event-ID / X-Request-Id headers, and
//    bodies that are valid, broken in one place, random JSON, not JSON, deeply nested, over the
//    body limit, absent, or sent with the wrong content type;
//  - well-formed: a valid credential and inputs that follow the operation's schemas (mostly the
//    documented examples, ids seen in earlier responses), sometimes with one field broken, so the
//    handlers behind validation are exercised too.
// Every response must satisfy checkResponse (never a 5xx; every 4xx a problem+json agreeing with
// its status) and, when the request reached this operation, have a status the document lists.
import { createExecutionContext, env } from "cloudflare:test";
import fc from "fast-check";
import { sign } from "hono/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { BASE } from "../../support/http";
import { createKey, createTenant, jsonRequest, ROOT_KEY } from "../../support/tenants";
import {
  anyJson,
  awkwardString,
  CONTENT_TYPES,
  deeplyNested,
  type ExampleBias,
  fromSchema,
  headerValue,
  hugeBody,
  MAX_BODY_BYTES,
  mutated,
  notJson,
} from "./arbitraries";
import { checkResponse, describeExchange, PropertyFailure, type Sent } from "./check";
import { type Doc, matchesTemplate, type Operation, operationsOf, type Param } from "./model";

/** Runs per operation and property: 14 hostile + 10 well-formed requests per operation. */
export const HOSTILE_RUNS = 14;
export const WELL_FORMED_RUNS = 10;
/**
 * Fixed so CI is reproducible; each operation and property derives its own seed from it. A
 * failure prints the seed, the path and the shrunk counterexample, and the exchange (request and
 * response). To replay one, pass `{ seed, path }` in the fc.assert options below; to explore new
 * inputs locally, change BASE_SEED. Ids seen in earlier responses feed later runs, so a replay is
 * exact only for the whole file.
 */
export const BASE_SEED = 20_260_501;

const JWT_AUDIENCE = "fuzz-launcher";
const JWT_ISSUER = "https://auth.fuzz.test";

/**
 * Calls the Worker's entry in this isolate, with the real bindings. Not SELF.fetch: with
 * @cloudflare/vitest-pool-workers 0.15.1 each SELF.fetch in a test file costs more than the one
 * before (≈2 ms per request after 50, ≈10 ms after 200), which a thousand requests cannot afford.
 */
export function callWorker(path: string, init?: RequestInit): Promise<Response> {
  return Promise.resolve(worker.fetch(new Request(`${BASE}${path}`, init), env, createExecutionContext()));
}

/** What a run sends as its credential. */
type Auth =
  | { kind: "none" }
  | { kind: "valid" }
  | { kind: "token"; token: string }
  | { kind: "header"; value: string }
  | { kind: "jwt"; claims: Record<string, unknown>; tenantHeader: string | null };

/** A path parameter: a value, or (pooled) the n-th id seen so far that fits the parameter. */
interface PathValue {
  value: string;
  pooled: number | null;
  raw: boolean;
}

interface Spec {
  auth: Auth;
  path: Record<string, PathValue>;
  query: [string, string][] | string;
  headers: Record<string, string>;
  body: { text: string | null; contentType: string | null } | null;
}

/** The fuzzing tenant of a test file: it accepts HS256 player tokens signed with TEST_PLAYER_JWT_KEY. */
export interface FuzzTenant {
  id: string;
  adminToken: string;
}

export interface OperationCredentials {
  /** Tokens this operation must accept (fresh keys, so each operation has its own rate-limit bucket). */
  valid: string[];
  /** Well-formed tokens this operation must refuse (another scope, the root key on a tenant route). */
  other: string[];
}

/** Ids (`id`, `…Id` fields) seen in responses, so later operations can address real resources. */
const seenIds: string[] = [];
/** The fuzzer's own keys: never picked from the pool (revoking them would end the fuzzing). */
const ownKeyIds = new Set<string>();

function harvestIds(value: unknown, depth = 0): void {
  if (depth > 4 || !value || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item === "string" && (key === "id" || key.endsWith("Id")) && item.length <= 128 && !seenIds.includes(item)) {
      if (seenIds.length < 500) seenIds.push(item);
    } else harvestIds(item, depth + 1);
  }
}

function hashSeed(text: string): number {
  let h = BASE_SEED | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export async function setUpTenant(): Promise<FuzzTenant> {
  const t = await createTenant("Fuzzing tenant", callWorker);
  ownKeyIds.add(t.adminKeyId);
  const playerAuth = { audience: JWT_AUDIENCE, issuer: JWT_ISSUER, hs256SecretName: "TEST_PLAYER_JWT_KEY", jwksUrl: null };
  const res = await callWorker("/config/tenant", jsonRequest("PATCH", t.adminToken, { playerAuth }));
  expect(res.status, await res.text()).toBe(200);
  return { id: t.id, adminToken: t.adminToken };
}

export async function credentialsFor(op: Operation, tenant: FuzzTenant, index: number): Promise<OperationCredentials> {
  const key = async (scope: "admin" | "operator" | "player") => {
    const created = await createKey(
      tenant.adminToken,
      { name: `fuzz ${scope} ${index}`, scopes: [scope], ...(scope === "player" ? { playerId: `fuzz-player-${index}` } : {}) },
      callWorker,
    );
    ownKeyIds.add(created.id);
    return created.token;
  };
  switch (op.access.kind) {
    case "public":
    case "agent":
      return { valid: [], other: [await key("admin")] };
    case "root":
      return { valid: [ROOT_KEY], other: [await key("admin")] };
    case "tenant": {
      const valid = [await key("admin")];
      const other = [ROOT_KEY];
      for (const scope of ["operator", "player"] as const) {
        (op.access.scopes.includes(scope) ? valid : other).push(await key(scope));
      }
      return { valid, other };
    }
  }
}

const jwtClaims: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    sub: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:@|-]{1,128}$/), awkwardString, anyJson),
    aud: fc.oneof({ weight: 4, arbitrary: fc.constant(JWT_AUDIENCE) }, { weight: 1, arbitrary: anyJson }),
    iss: fc.oneof({ weight: 4, arbitrary: fc.constant(JWT_ISSUER) }, { weight: 1, arbitrary: anyJson }),
    exp: fc.oneof(
      { weight: 4, arbitrary: fc.constant("in-5-min") },
      { weight: 1, arbitrary: fc.constantFrom("expired", 1e20, -1, "tomorrow", null) },
    ),
    nbf: fc.oneof(fc.constant("now"), anyJson),
    extra: anyJson,
  },
  { requiredKeys: ["sub", "exp"] },
);

function hostileAuth(op: Operation, creds: OperationCredentials): fc.Arbitrary<Auth> {
  const malformed = fc.oneof(
    fc.constantFrom(
      "Bearer",
      "Bearer ",
      "Basic dXNlcjpwYXNz",
      "bearer gpk_x",
      "Bearer a b",
      "Token abc",
      "Bearer gpk_",
      "Bearer .",
    ),
    fc.constant(`Bearer gpk_${"0".repeat(26)}_${"A".repeat(40)}`),
    headerValue.map((v) => `Bearer ${v}`),
    headerValue,
  );
  const options: fc.WeightedArbitrary<Auth>[] = [
    { weight: 2, arbitrary: fc.constant({ kind: "none" }) },
    { weight: 2, arbitrary: malformed.map((value) => ({ kind: "header", value })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(jwtClaims, fc.oneof(fc.constant("tenant"), fc.constant(null), headerValue))
        .map(([claims, tenantHeader]) => ({ kind: "jwt", claims, tenantHeader })),
    },
  ];
  if (creds.valid.length > 0) options.push({ weight: 5, arbitrary: fc.constant({ kind: "valid" }) });
  if (creds.other.length > 0) {
    options.push({ weight: 1, arbitrary: fc.constantFrom(...creds.other).map((token) => ({ kind: "token", token })) });
  }
  if (op.access.kind === "agent") {
    options.push({
      weight: 3,
      arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{20,64}$/).map((token) => ({ kind: "token", token })),
    });
  }
  return fc.oneof(...options);
}

function wellFormedAuth(op: Operation, creds: OperationCredentials): fc.Arbitrary<Auth> {
  if (creds.valid.length > 0) return fc.constant({ kind: "valid" });
  // Public operations take none; agent operations need a VM's own token, which a test cannot know.
  return op.access.kind === "agent"
    ? fc.stringMatching(/^[A-Za-z0-9_-]{32,64}$/).map((token) => ({ kind: "token", token }))
    : fc.constant({ kind: "none" });
}

const asText = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function hostileParam(doc: Doc, param: Param): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: fromSchema(doc, param.schema).map(asText) }, { weight: 2, arbitrary: awkwardString });
}

/** Mostly percent-encoded; sometimes raw, so `/`, `..`, `%zz` and `?` reach the router as typed. */
const rawOrEncoded = fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

function pathArb(doc: Doc, op: Operation, mode: "hostile" | "well-formed"): fc.Arbitrary<Record<string, PathValue>> {
  const entries = op.params
    .filter((p) => p.in === "path")
    .map((p) => {
      const value: fc.Arbitrary<PathValue> =
        mode === "hostile"
          ? fc.record({ value: hostileParam(doc, p), pooled: fc.constant(null), raw: rawOrEncoded })
          : fc.record({
              value: fromSchema(doc, p.schema, "most").map(asText),
              pooled: fc.option(fc.nat(), { freq: 4, nil: null }).map((n) => (n === null ? null : n)),
              raw: fc.constant(false),
            });
      return [p.name, value] as const;
    });
  return fc.record(Object.fromEntries(entries));
}

function queryArb(doc: Doc, op: Operation, mode: "hostile" | "well-formed"): fc.Arbitrary<[string, string][] | string> {
  const known = op.params.filter((p) => p.in === "query");
  const value = (p: Param) => (mode === "hostile" ? hostileParam(doc, p) : fromSchema(doc, p.schema, "most").map(asText));
  const chosen = fc.tuple(
    ...known.map((p) => fc.option(value(p), { freq: p.required ? 100 : 2, nil: undefined }).map((v) => [p.name, v] as const)),
  );
  const extra =
    mode === "hostile"
      ? fc.array(fc.tuple(fc.oneof(awkwardString, fc.constantFrom(...known.map((p) => p.name), "limit")), awkwardString), {
          maxLength: 2,
        })
      : fc.constant([] as [string, string][]);
  const pairs = fc
    .tuple(chosen, extra)
    .map(([some, more]) => [
      ...some.filter((p): p is readonly [string, string] => p[1] !== undefined).map(([k, v]) => [k, v] as [string, string]),
      ...more,
    ]);
  if (mode === "well-formed") return pairs;
  const raw = fc.constantFrom("?", "?&&", "?=", "?%zz=1", "?limit=%", "?a=1&a=2&a", `?cursor=${"x".repeat(2000)}`, "?%00=%00");
  return fc.oneof({ weight: 5, arbitrary: pairs }, { weight: 1, arbitrary: raw });
}

function hostileHeaders(op: Operation): fc.Arbitrary<Record<string, string>> {
  const documented = op.params.filter((p) => p.in === "header").map((p) => p.name.toLowerCase());
  const ifMatch = fc.oneof(
    fc.constantFrom(
      '"v1"',
      '"v2"',
      "*",
      'W/"v1"',
      '"v1", "v2"',
      '"v999999999999999"',
      '"v1234567890123456"',
      "v1",
      '"v-1"',
      '""',
    ),
    headerValue,
  );
  const idempotencyKey = fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,255}$/), headerValue);
  const lastEventId = fc.oneof(fc.constantFrom("0", "1", "-1", "99999999999999999999", "abc", "1.5"), headerValue);
  const optional = (arb: fc.Arbitrary<string>, likely: boolean) => fc.option(arb, { freq: likely ? 1 : 4, nil: undefined });
  return fc
    .record({
      "if-match": optional(ifMatch, documented.includes("if-match")),
      "idempotency-key": optional(idempotencyKey, documented.includes("idempotency-key")),
      "last-event-id": optional(lastEventId, documented.includes("last-event-id")),
      "x-request-id": optional(headerValue, false),
      origin: optional(fc.constantFrom("https://play.example.com", "https://evil.example", "null", "file://"), false),
      accept: optional(fc.constantFrom("text/event-stream", "application/xml", "*/*", "application/problem+json"), false),
      "if-none-match": optional(headerValue, false),
      "x-forwarded-for": optional(headerValue, false),
    })
    .map(definedOnly);
}

/** The documented headers, with values that follow their schemas. */
function wellFormedHeaders(doc: Doc, op: Operation): fc.Arbitrary<Record<string, string>> {
  const documented = op.params.filter((p) => p.in === "header");
  return fc
    .record(
      Object.fromEntries(
        documented.map((p) => [
          p.name.toLowerCase(),
          fc.option(p.name.toLowerCase() === "if-match" ? fc.constant("*") : fromSchema(doc, p.schema, "most").map(asText), {
            freq: 2,
            nil: undefined,
          }),
        ]),
      ),
    )
    .map(definedOnly);
}

const definedOnly = (h: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>;

const json = (v: unknown) => JSON.stringify(v) ?? "null";

function hostileBody(doc: Doc, op: Operation): fc.Arbitrary<Spec["body"]> {
  const valid = op.body ? fromSchema(doc, op.body.schema) : anyJson;
  const text: fc.Arbitrary<string | null> = fc.oneof(
    { weight: 3, arbitrary: valid.map(json) },
    { weight: 4, arbitrary: mutated(valid).map(json) },
    { weight: 2, arbitrary: anyJson.map(json) },
    { weight: 1, arbitrary: notJson },
    { weight: 1, arbitrary: deeplyNested },
    { weight: 1, arbitrary: hugeBody },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const declared = op.body?.contentTypes ?? ["application/json"];
  const contentType: fc.Arbitrary<string | null> = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...declared) },
    { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const withBody = fc.record({ text, contentType });
  // Operations without a body get one now and then too.
  return op.body ? withBody : fc.option(withBody, { freq: 4, nil: null });
}

function wellFormedBody(doc: Doc, op: Operation, bias: ExampleBias): fc.Arbitrary<Spec["body"]> {
  if (!op.body) return fc.constant(null);
  const valid = fromSchema(doc, op.body.schema, bias);
  return fc.record({
    text: fc.oneof({ weight: 4, arbitrary: valid.map(json) }, { weight: 1, arbitrary: mutated(valid).map(json) }),
    contentType: fc.constantFrom(...op.body.contentTypes),
  });
}

function specArb(doc: Doc, op: Operation, creds: OperationCredentials, mode: "hostile" | "well-formed"): fc.Arbitrary<Spec> {
  return fc.record({
    auth: mode === "hostile" ? hostileAuth(op, creds) : wellFormedAuth(op, creds),
    path: pathArb(doc, op, mode),
    query: queryArb(doc, op, mode),
    headers: mode === "hostile" ? hostileHeaders(op) : wellFormedHeaders(doc, op),
    body: mode === "hostile" ? hostileBody(doc, op) : wellFormedBody(doc, op, "most"),
  });
}

async function authHeaders(auth: Auth, creds: OperationCredentials, tenant: FuzzTenant, run: number) {
  switch (auth.kind) {
    case "none":
      return {};
    case "valid":
      return { authorization: `Bearer ${creds.valid[run % creds.valid.length]}` };
    case "token":
      return { authorization: `Bearer ${auth.token}` };
    case "header":
      return { authorization: auth.value };
    case "jwt": {
      const now = Math.floor(Date.now() / 1000);
      const times: Record<string, unknown> = { "in-5-min": now + 300, expired: now - 60, now };
      const claims = Object.fromEntries(
        Object.entries(auth.claims).map(([k, v]) => [k, typeof v === "string" && v in times ? times[v] : v]),
      );
      const token = await sign(claims as never, env.TEST_PLAYER_JWT_KEY, "HS256");
      const tenantHeader = auth.tenantHeader === "tenant" ? tenant.id : auth.tenantHeader;
      return { authorization: `Bearer ${token}`, ...(tenantHeader !== null ? { "x-tenant-id": tenantHeader } : {}) };
    }
  }
}

/** A lone surrogate becomes U+FFFD (encodeURIComponent throws on it; a real client would send that). */
const wellFormed = (text: string) =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

function pathValue(op: Operation, name: string, p: PathValue): string {
  if (p.pooled !== null) {
    const param = op.params.find((q) => q.in === "path" && q.name === name);
    const pattern = typeof param?.schema.pattern === "string" ? new RegExp(param.schema.pattern) : null;
    const fits = pattern ? seenIds.filter((id) => pattern.test(id) && !ownKeyIds.has(id)) : [];
    if (fits.length > 0) return encodeURIComponent(fits[p.pooled % fits.length] as string);
  }
  return p.raw ? p.value : encodeURIComponent(wellFormed(p.value));
}

function urlOf(op: Operation, spec: Spec): string {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const p = spec.path[name];
    return p ? pathValue(op, name, p) : "";
  });
  const query =
    typeof spec.query === "string"
      ? spec.query
      : spec.query.length > 0
        ? `?${spec.query.map(([k, v]) => `${encodeURIComponent(wellFormed(k))}=${encodeURIComponent(wellFormed(v))}`).join("&")}`
        : "";
  return `${BASE}${path}${query}`;
}

async function send(op: Operation, spec: Spec, creds: OperationCredentials, tenant: FuzzTenant, run: number) {
  const headers: Record<string, string> = { ...spec.headers, ...(await authHeaders(spec.auth, creds, tenant, run)) };
  let body: Uint8Array | undefined;
  if (spec.body && spec.body.text !== null && op.method !== "GET") {
    // Bytes (a lone surrogate becomes U+FFFD, as on the wire), so fetch adds no content-type of
    // its own when the spec sends none.
    body = new TextEncoder().encode(spec.body.text);
    if (spec.body.contentType !== null) headers["content-type"] = spec.body.contentType;
  }
  const sent: Sent = { method: op.method, url: urlOf(op, spec), headers, body };
  let res: Response;
  try {
    res = await callWorker(sent.url.slice(BASE.length), { method: sent.method, headers, body });
  } catch (error) {
    throw new PropertyFailure(`the request itself failed: ${error}\n${describeExchange(sent, 0, new Headers(), "")}`);
  }
  const text = await readBody(res);
  if (res.status < 300 && (res.headers.get("content-type") ?? "").includes("json")) {
    try {
      harvestIds(JSON.parse(text));
    } catch {
      // checked elsewhere
    }
  }
  return { sent, res, text };
}

/** Reads the body; an event stream (200 text/event-stream) is never read to its end. */
async function readBody(res: Response): Promise<string> {
  if (!(res.headers.get("content-type") ?? "").includes("text/event-stream")) return res.text();
  await res.body?.cancel();
  return "(event stream)";
}

function checkDocumented(op: Operation, sent: Sent, res: Response, text: string): void {
  const pathname = new URL(sent.url).pathname;
  if (!matchesTemplate(op.path, pathname)) return; // `..` or a `/` in a parameter: another route answered
  if (op.statuses.has(res.status)) return;
  const bytes = sent.body === undefined ? 0 : typeof sent.body === "string" ? sent.body.length : sent.body.byteLength;
  if (res.status === 413 && bytes > MAX_BODY_BYTES) return; // the body limit applies before routing
  throw new PropertyFailure(
    `status ${res.status} is not among the documented responses of ${op.key} (${[...op.statuses].join(", ")})\n` +
      describeExchange(sent, res.status, res.headers, text),
  );
}

/** fast-check's report, with the counterexample clipped (a fuzzed body can be 250 kB). */
async function report(details: fc.RunDetails<[Spec]>): Promise<void> {
  if (!details.failed) return;
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);
  const cause =
    details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? "interrupted");
  throw new Error(
    `Property failed after ${details.numRuns} run(s), shrunk ${details.numShrinks} time(s)\n` +
      `replay with { seed: ${details.seed}, path: "${details.counterexamplePath}" }\n` +
      `counterexample: ${clip(fc.stringify(details.counterexample), 1_500)}\n${cause}`,
  );
}

/** Declares the two properties of each operation the predicate selects. */
export function fuzzOperations(doc: Doc, select: (op: Operation) => boolean): void {
  const operations = operationsOf(doc).filter(select);
  let tenant: FuzzTenant;
  beforeAll(async () => {
    tenant = await setUpTenant();
  });

  describe.each(operations.map((op, index) => [op.key, op, index] as const))("%s", (_key, op, index) => {
    let creds: OperationCredentials;
    beforeAll(async () => {
      creds = await credentialsFor(op, tenant, index);
    });

    it.each([
      ["hostile", HOSTILE_RUNS],
      ["well-formed", WELL_FORMED_RUNS],
    ] as const)(
      "%s input: never 5xx; every 4xx a documented problem+json",
      async (mode, numRuns) => {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(specArb(doc, op, creds, mode), async (spec) => {
            const { sent, res, text } = await send(op, spec, creds, tenant, run++);
            checkResponse(sent, res, text);
            checkDocumented(op, sent, res, text);
          }),
          // Shrinking replays requests; bound it so a failure is reported in reasonable time.
          { numRuns, seed: hashSeed(`${mode} ${op.key}`), interruptAfterTimeLimit: 30_000, asyncReporter: report },
        );
      },
      60_000,
    );
  });
}
