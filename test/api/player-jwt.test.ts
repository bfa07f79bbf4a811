// Players may authenticate with their platform's JWT (HS256 by secret name, or JWKS), with
// the tenant named in X-Tenant-Id; exp, nbf, aud and iss are verified.

import { env } from "cloudflare:test";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { buildServices } from "../../src/services";
import { expectProblem } from "../support/http";
import { probeApp } from "../support/probe-app";
import { createTenant, jsonRequest } from "../support/tenants";

const app = probeApp();
const now = () => Math.floor(Date.now() / 1000);
const KEY = env.TEST_PLAYER_JWT_KEY;

async function hsTenant(issuer: string | null = "https://auth.acme.test") {
  const t = await createTenant("jwt", app.fetch);
  const playerAuth = { audience: "acme-launcher", issuer, hs256SecretName: "TEST_PLAYER_JWT_KEY", jwksUrl: null };
  const res = await app.fetch("/config/tenant", jsonRequest("PATCH", t.adminToken, { playerAuth }));
  expect(res.status, await res.text()).toBe(200);
  return t;
}

const whoami = (token: string, tenantId?: string, fetcher = app.fetch) =>
  fetcher("/__probe/whoami", { headers: { authorization: `Bearer ${token}`, ...(tenantId ? { "x-tenant-id": tenantId } : {}) } });

const claims = (extra: Record<string, unknown> = {}) => ({
  sub: "player-42",
  aud: "acme-launcher",
  iss: "https://auth.acme.test",
  exp: now() + 300,
  ...extra,
});

describe("HS256 player tokens", () => {
  it("authenticate the player named by sub", async () => {
    const t = await hsTenant();
    const res = await whoami(await sign(claims(), KEY, "HS256"), t.id);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ kind: "player-jwt", tenantId: t.id, playerId: "player-42", scopes: ["player"] });
  });

  it.each([
    ["expired", claims({ exp: now() - 10 }), "expired"],
    ["not yet valid", claims({ nbf: now() + 600 }), "not valid"],
    ["for another audience", claims({ aud: "someone-else" }), "not valid"],
    ["from another issuer", claims({ iss: "https://evil.test" }), "not valid"],
    ["without exp", { sub: "p", aud: "acme-launcher", iss: "https://auth.acme.test" }, "exp"],
    ["with a bad sub", claims({ sub: "has spaces" }), "sub"],
  ])("are refused when %s", async (_label, payload, detail) => {
    const t = await hsTenant();
    const res = await whoami(await sign(payload, KEY, "HS256"), t.id);
    const problem = await expectProblem(res, 401, "UNAUTHENTICATED");
    expect(problem.detail).toContain(detail);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("are refused when signed with another key", async () => {
    const t = await hsTenant();
    await expectProblem(
      await whoami(await sign(claims(), "another-key-entirely-0123456789", "HS256"), t.id),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("need X-Tenant-Id, and a tenant that accepts them", async () => {
    const t = await hsTenant();
    const token = await sign(claims(), KEY, "HS256");
    expect((await expectProblem(await whoami(token), 401, "UNAUTHENTICATED")).detail).toContain("X-Tenant-Id");
    const other = await createTenant("no jwt", app.fetch);
    expect((await expectProblem(await whoami(token, other.id), 401, "UNAUTHENTICATED")).detail).toContain("does not accept");
    await expectProblem(await whoami(token, "ten_unknown"), 401, "UNAUTHENTICATED");
    expect((await whoami(token, t.id)).status).toBe(200);
  });

  it("carry only the player scope", async () => {
    const t = await hsTenant();
    const token = await sign(claims(), KEY, "HS256");
    await expectProblem(
      await app.fetch("/config/api-keys", { headers: { authorization: `Bearer ${token}`, "x-tenant-id": t.id } }),
      403,
      "FORBIDDEN",
    );
  });
});

describe("JWKS player tokens", () => {
  it("verify RS256 tokens against the tenant's JWKS (fetched once, cached)", async () => {
    const pair = (await crypto.subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    )) as CryptoKeyPair;
    const publicJwk = { ...((await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey), kid: "k1", alg: "RS256" };
    const privateJwk = { ...((await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey), kid: "k1", alg: "RS256" };
    const jwksUrl = `https://auth.acme.test/${crypto.randomUUID()}/jwks.json`;
    const fetched: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      fetched.push(String(input));
      return Response.json({ keys: [publicJwk] });
    };
    const jwksApp = probeApp({
      services: (ctx) => {
        const real = buildServices(ctx);
        return { ...real, auth: { ...real.auth, fetch: fakeFetch } };
      },
    });
    const t = await createTenant("jwks", jwksApp.fetch);
    const playerAuth = { audience: "acme-launcher", issuer: null, hs256SecretName: null, jwksUrl };
    expect((await jwksApp.fetch("/config/tenant", jsonRequest("PATCH", t.adminToken, { playerAuth }))).status).toBe(200);

    const token = await sign({ sub: "player-rs", aud: "acme-launcher", exp: now() + 300 }, privateJwk as never, "RS256");
    const res = await whoami(token, t.id, jwksApp.fetch);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ kind: "player-jwt", playerId: "player-rs" });
    expect((await whoami(token, t.id, jwksApp.fetch)).status).toBe(200);
    expect(fetched).toEqual([jwksUrl]);

    const forged = await sign({ sub: "player-rs", aud: "acme-launcher", exp: now() + 300 }, KEY, "HS256");
    await expectProblem(await whoami(forged, t.id, jwksApp.fetch), 401, "UNAUTHENTICATED");
  });
});
