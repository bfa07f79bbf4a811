// /config/api-keys: issue, list, get, revoke; tokens shown once and stored hashed.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/tokens";
import { ApiKeyPageSchema, ApiKeySchema, CreatedApiKeySchema } from "../../src/routes/config/schema";
import { call, expectProblem } from "../support/http";
import { createKey, createTenant, jsonRequest } from "../support/tenants";

describe("POST /config/api-keys", () => {
  it("issues an operator key with an expiry; the token works", async () => {
    const t = await createTenant();
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await call(
      "/config/api-keys",
      jsonRequest("POST", t.adminToken, { name: "ops", scopes: ["operator"], expiresAt }),
    );
    expect(res.status, await res.clone().text()).toBe(201);
    const key = CreatedApiKeySchema.parse(await res.json());
    expect(res.headers.get("location")).toBe(`/config/api-keys/${key.id}`);
    expect(key).toMatchObject({ name: "ops", scopes: ["operator"], playerId: null, expiresAt, revokedAt: null });
    // An operator may not manage keys, but is authenticated (403, not 401).
    await expectProblem(await call("/config/api-keys", jsonRequest("GET", key.token)), 403, "FORBIDDEN");
  });

  it("binds player keys to a player", async () => {
    const t = await createTenant();
    const key = await createKey(t.adminToken, { name: "p", scopes: ["player"], playerId: "player-7" });
    expect(key).toMatchObject({ scopes: ["player"], playerId: "player-7" });
  });

  it.each([
    ["no scopes", { name: "x", scopes: [] }, "body.scopes"],
    ["unknown scope", { name: "x", scopes: ["root"] }, "body.scopes.0"],
    ["repeated scope", { name: "x", scopes: ["admin", "admin"] }, "body.scopes"],
    ["player mixed with others", { name: "x", scopes: ["player", "operator"], playerId: "p" }, "body.scopes"],
    ["player without playerId", { name: "x", scopes: ["player"] }, "body.playerId"],
    ["playerId without player scope", { name: "x", scopes: ["operator"], playerId: "p" }, "body.playerId"],
    ["bad playerId", { name: "x", scopes: ["player"], playerId: "has space" }, "body.playerId"],
    ["expiry in the past", { name: "x", scopes: ["operator"], expiresAt: "2020-01-01T00:00:00Z" }, "body.expiresAt"],
    ["unknown field", { name: "x", scopes: ["operator"], owner: "me" }, "body"],
  ])("rejects %s", async (_label, body, location) => {
    const t = await createTenant();
    const problem = await expectProblem(
      await call("/config/api-keys", jsonRequest("POST", t.adminToken, body)),
      400,
      "VALIDATION_FAILED",
    );
    expect(problem.errors?.map((e) => e.location)).toContain(location);
  });

  it("stores only the SHA-256 of the token", async () => {
    const t = await createTenant();
    const key = await createKey(t.adminToken, { name: "hashed", scopes: ["operator"] });
    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?").bind(key.id).first<Record<string, unknown>>();
    expect(row).not.toBeNull();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(key.token);
    expect(stored).not.toContain(key.token.split("_").at(-1));
    expect(stored).toContain(await sha256Hex(key.token));
  });
});

describe("GET /config/api-keys", () => {
  it("lists the tenant's keys without tokens or hashes, paginated", async () => {
    const t = await createTenant();
    const made = [
      await createKey(t.adminToken, { name: "a", scopes: ["operator"] }),
      await createKey(t.adminToken, { name: "b", scopes: ["admin"] }),
    ];
    const first = await call("/config/api-keys?limit=2", jsonRequest("GET", t.adminToken));
    expect(first.status).toBe(200);
    const text = await first.clone().text();
    expect(text).not.toContain("token");
    expect(text).not.toContain("hash");
    const page1 = ApiKeyPageSchema.parse(await first.json());
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = ApiKeyPageSchema.parse(
      await (await call(`/config/api-keys?limit=2&cursor=${page1.nextCursor}`, jsonRequest("GET", t.adminToken))).json(),
    );
    const ids = [...page1.items, ...page2.items].map((k) => k.id);
    expect(ids.sort()).toEqual([t.adminKeyId, ...made.map((k) => k.id)].sort());
  });

  it("records when a key was last used", async () => {
    const t = await createTenant();
    await call("/config/tenant", jsonRequest("GET", t.adminToken));
    await new Promise((r) => setTimeout(r, 50)); // the write runs after the response
    const res = await call(`/config/api-keys/${t.adminKeyId}`, jsonRequest("GET", t.adminToken));
    expect(ApiKeySchema.parse(await res.json()).lastUsedAt).not.toBeNull();
  });
});

describe("DELETE /config/api-keys/{id}", () => {
  it("revokes: the key answers 401 at once; revoking again is a no-op", async () => {
    const t = await createTenant();
    const key = await createKey(t.adminToken, { name: "short-lived", scopes: ["admin"] });
    expect((await call("/config/tenant", jsonRequest("GET", key.token))).status).toBe(200);
    const res = await call(`/config/api-keys/${key.id}`, jsonRequest("DELETE", t.adminToken));
    expect(res.status).toBe(204);
    const denied = await call("/config/tenant", jsonRequest("GET", key.token));
    const problem = await expectProblem(denied, 401, "UNAUTHENTICATED");
    expect(problem.detail).toContain("revoked");
    expect((await call(`/config/api-keys/${key.id}`, jsonRequest("DELETE", t.adminToken))).status).toBe(204);
    const listed = ApiKeySchema.parse(await (await call(`/config/api-keys/${key.id}`, jsonRequest("GET", t.adminToken))).json());
    expect(listed.revokedAt).not.toBeNull();
  });

  it("answers 404 for an unknown key and 400 for a malformed id", async () => {
    const t = await createTenant();
    await expectProblem(
      await call("/config/api-keys/key_00000000000000000000000000", jsonRequest("DELETE", t.adminToken)),
      404,
      "NOT_FOUND",
    );
    await expectProblem(await call("/config/api-keys/not-a-key", jsonRequest("DELETE", t.adminToken)), 400, "VALIDATION_FAILED");
  });
});
