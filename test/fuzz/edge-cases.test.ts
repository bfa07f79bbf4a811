// The classic hostile inputs, sent to every operation of the document on every run (the
// properties sample them; these are always sent): bodies nested 10,000 and 50,000 deep, over the body
// limit, not JSON, not declared as JSON; path parameters that are `..`, unicode, control
// characters or 100,000 characters long; no credential. Each answer must satisfy checkResponse,
// and the ones with a single right answer must give it.
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "./support/arbitraries";
import { checkResponse } from "./support/check";
import { callWorker, credentialsFor, type FuzzTenant, type OperationCredentials, setUpTenant } from "./support/fuzz";
import { loadDocument, type Operation, operationsOf, resolve } from "./support/model";

const doc = await loadDocument();
const operations = operationsOf(doc);

let tenant: FuzzTenant;
beforeAll(async () => {
  tenant = await setUpTenant();
});

/** The operation's URL with each path parameter set to `value`, or to its documented example. */
function urlOf(op: Operation, value?: string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (value !== undefined) return value;
    const param = op.params.find((p) => p.in === "path" && p.name === name);
    const example = param ? resolve(doc, param.schema).example : undefined;
    return encodeURIComponent(typeof example === "string" ? example : "x");
  });
}

async function send(op: Operation, url: string, init: { headers?: Record<string, string>; body?: string }) {
  const headers = init.headers ?? {};
  const body = op.method === "GET" ? undefined : init.body;
  const res = await callWorker(url, { method: op.method, headers, body });
  const text = (res.headers.get("content-type") ?? "").includes("event-stream") ? "" : await res.text();
  if (text === "") await res.body?.cancel();
  checkResponse({ method: op.method, url: `https://api.test${url}`, headers, body }, res, text);
  return { status: res.status, text };
}

// 10,000 parses (and overflowed a recursive merge patch once); 50,000 is past the parser's own limit.
const nested = (depth: number) => [`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`, `${"[".repeat(depth)}${"]".repeat(depth)}`];
const DEEP = [...nested(10_000), ...nested(50_000)];
const overLimit = JSON.stringify({ name: "x".repeat(MAX_BODY_BYTES) });
const PARAMS = ["..", "%2e%2e", "..%2F..%2Fhealth", encodeURIComponent("😀\u202e"), "%00", "%zz", "a".repeat(100_000)];

describe.each(operations.map((op, index) => [op.key, op, index] as const))("%s", (_key, op, index) => {
  let creds: OperationCredentials;
  let auth: Record<string, string>;
  beforeAll(async () => {
    creds = await credentialsFor(op, tenant, 1_000 + index);
    auth = creds.valid[0] ? { authorization: `Bearer ${creds.valid[0]}` } : {};
  });
  const json = (extra: Record<string, string> = {}) => ({
    ...auth,
    "content-type": op.body?.contentTypes[0] ?? "application/json",
    ...extra,
  });
  const where = (what: string, text: string) => `${op.key} ${what}: ${text.slice(0, 300)}`;

  it("bodies nested 10,000 and 50,000 deep", async () => {
    for (const body of DEEP) await send(op, urlOf(op), { headers: json(), body });
  });

  if (op.method !== "GET")
    it("a body over the limit: 413", async () => {
      const { status, text } = await send(op, urlOf(op), { headers: json(), body: overLimit });
      expect(status, where("over the limit", text)).toBe(413);
    });

  if (op.body !== null && op.access.kind !== "agent")
    it("a body that is not JSON: 400; not declared as JSON: 415", async () => {
      const broken = await send(op, urlOf(op), { headers: json(), body: '{"a":' });
      expect(broken.status, where("not JSON", broken.text)).toBe(400);
      const plain = await send(op, urlOf(op), { headers: json({ "content-type": "text/plain" }), body: "{}" });
      expect(plain.status, where("text/plain", plain.text)).toBe(415);
    });

  if (op.params.some((p) => p.in === "path"))
    it("awkward path parameters", async () => {
      for (const value of PARAMS) await send(op, urlOf(op, value), { headers: json(), body: "{}" });
    });

  if (op.access.kind !== "public")
    it("no credential: 401", async () => {
      const { status, text } = await send(op, urlOf(op), {
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      // The agent's callbacks check the path and body before the per-VM token.
      if (op.access.kind === "agent") expect([400, 401], where("no credential", text)).toContain(status);
      else expect(status, where("no credential", text)).toBe(401);
    });
});
