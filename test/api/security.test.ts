// Every protected operation in the OpenAPI document rejects missing, malformed, unknown,
// expired and revoked credentials (401 + WWW-Authenticate) and wrong scopes (403); tenants
// never see each other's data (404, so ids do not leak).
import { env } from "cloudflare:test";
import type { OpenAPIV3_1 } from "openapi-types";
import { beforeAll, describe, expect, it } from "vitest";
import { newApiKey } from "../../src/auth/api-keys";
import { D1Store } from "../../src/store/d1/d1-store";
import { call, expectProblem } from "../support/http";
import { createKey, createTenant, jsonRequest, ROOT_KEY, type TestTenant } from "../support/tenants";

interface Operation {
  method: string;
  path: string;
  access: string[];
}

async function protectedOperations(): Promise<Operation[]> {
  const doc = (await (await call("/openapi.json")).json()) as OpenAPIV3_1.Document;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      const operation = op as OpenAPIV3_1.OperationObject & { "x-access"?: string[] };
      // Operations for API keys and player tokens (the agent routes use per-VM tokens: test/api/vm-agent.test.ts).
      if (operation.security?.some((requirement) => "bearerAuth" in requirement))
        ops.push({ method: method.toUpperCase(), path, access: operation["x-access"] ?? [] });
    }
  }
  return ops;
}

const concrete = (path: string) => path.replace(/\{id\}/g, "key_00000000000000000000000000");
const send = (op: Operation, headers: Record<string, string>) =>
  call(concrete(op.path), {
    method: op.method,
    headers: { ...headers, ...(["POST", "PUT", "PATCH"].includes(op.method) ? { "content-type": "application/json" } : {}) },
    ...(["POST", "PUT", "PATCH"].includes(op.method) ? { body: "{}" } : {}),
  });

let tenant: TestTenant;
let ops: Operation[];
let expiredToken: string;
let revokedToken: string;

beforeAll(async () => {
  ops = await protectedOperations();
  tenant = await createTenant("security");
  const expired = await newApiKey({
    tenantId: tenant.id,
    name: "expired",
    scopes: ["admin"],
    playerId: null,
    expiresAt: new Date(Date.now() - 1000),
    now: new Date(Date.now() - 60_000),
  });
  await new D1Store(env.DB).createApiKey(expired.record);
  expiredToken = expired.token;
  const revoked = await createKey(tenant.adminToken, { name: "revoked", scopes: ["admin"] });
  await call(`/config/api-keys/${revoked.id}`, jsonRequest("DELETE", tenant.adminToken));
  revokedToken = revoked.token;
});

describe("every protected operation", () => {
  it("is documented with its access rule", () => {
    expect(ops.length).toBeGreaterThanOrEqual(8);
    for (const op of ops) expect(op.access.length, `${op.method} ${op.path}`).toBeGreaterThan(0);
  });

  const cases: [string, () => Record<string, string>, string | null][] = [
    ["no credential", () => ({}), null],
    ["a malformed header", () => ({ authorization: "Token abc" }), "Bearer"],
    ["a token that is not a key", () => ({ authorization: "Bearer hello" }), "not a valid"],
    [
      "an unknown key",
      () => ({ authorization: "Bearer gpk_00000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }),
      "Unknown",
    ],
    ["a key with a wrong secret", () => ({ authorization: `Bearer ${tenant.adminToken.slice(0, -4)}AAAA` }), "Unknown"],
    ["an expired key", () => ({ authorization: `Bearer ${expiredToken}` }), "expired"],
    ["a revoked key", () => ({ authorization: `Bearer ${revokedToken}` }), "revoked"],
  ];

  it.each(cases)("answers 401 with WWW-Authenticate to %s", async (_label, headers, detail) => {
    for (const op of ops) {
      const res = await send(op, headers());
      const problem = await expectProblem(res, 401, "UNAUTHENTICATED");
      expect(res.headers.get("www-authenticate"), `${op.method} ${op.path}`).toMatch(/^Bearer realm="gamer-provisioner"/);
      if (detail) expect(problem.detail).toContain(detail);
    }
  });

  it("answers 403 to a credential without the scope", { timeout: 30_000 }, async () => {
    for (const [i, op] of ops.entries()) {
      if (op.access.includes("player")) continue;
      // A player per operation: each player has its own rate limit (20 a minute in tests).
      const player = async () =>
        (await createKey(tenant.adminToken, { name: "p", scopes: ["player"], playerId: `p-sec-${i}` })).token;
      const rootOnly = op.access.length === 1 && op.access[0] === "root";
      const wrong = rootOnly ? tenant.adminToken : await player();
      await expectProblem(await send(op, { authorization: `Bearer ${wrong}` }), 403, "FORBIDDEN");
    }
  });

  it("answers 403 to the root credential on tenant operations", { timeout: 30_000 }, async () => {
    for (const op of ops.filter((o) => !o.access.includes("root"))) {
      await expectProblem(await send(op, { authorization: `Bearer ${ROOT_KEY}` }), 403, "FORBIDDEN");
    }
  });
});

describe("tenant isolation", () => {
  it("tenant A cannot read, list or revoke tenant B's keys", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    const bKey = await createKey(b.adminToken, { name: "b-ops", scopes: ["operator"] });
    await expectProblem(await call(`/config/api-keys/${bKey.id}`, jsonRequest("GET", a.adminToken)), 404, "NOT_FOUND");
    await expectProblem(await call(`/config/api-keys/${bKey.id}`, jsonRequest("DELETE", a.adminToken)), 404, "NOT_FOUND");
    const listed = (await (await call("/config/api-keys", jsonRequest("GET", a.adminToken))).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((k) => k.id)).toEqual([a.adminKeyId]);
    // B's key still works: A's attempt changed nothing.
    expect((await call(`/config/api-keys/${bKey.id}`, jsonRequest("GET", b.adminToken))).status).toBe(200);
    const me = (await (await call("/config/tenant", jsonRequest("GET", a.adminToken))).json()) as { id: string };
    expect(me.id).toBe(a.id);
  });
});

describe("rate limits", () => {
  it("limits each player: 429 with Retry-After past the limit", async () => {
    const t = await createTenant("rate");
    const player = await createKey(t.adminToken, { name: "busy player", scopes: ["player"], playerId: "p-busy" });
    // PLAYER_RATE_LIMITER allows 20 per 60 s window in tests; refused (403) attempts count too.
    // A burst may straddle a window boundary, so the 429 comes by the 41st request at the latest.
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 41 && !limited; i++) {
      const res = await call("/config/tenant", jsonRequest("GET", player.token));
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses.slice(0, 20).every((s) => s === 403)).toBe(true);
    expect(limited, `no 429 in ${statuses.length} requests`).not.toBeNull();
    const res = limited as Response;
    await expectProblem(res, 429, "RATE_LIMITED");
    expect(res.headers.get("retry-after")).toBe("60");
    // Another player of the same tenant is not affected.
    const other = await createKey(t.adminToken, { name: "calm player", scopes: ["player"], playerId: "p-calm" });
    expect((await call("/config/tenant", jsonRequest("GET", other.token))).status).toBe(403);
  });
});
