// POST /config/tenants (root), GET/PATCH /config/tenant (admin), GET /config/tenants (root).
import { describe, expect, it } from "vitest";
import { CreatedApiKeySchema, TenantSchema } from "../../src/routes/config/schema";
import { call, expectProblem } from "../support/http";
import { createTenant, jsonRequest, ROOT_KEY } from "../support/tenants";

describe("POST /config/tenants", () => {
  it("creates a tenant and its first admin key, shown once", async () => {
    const res = await call("/config/tenants", jsonRequest("POST", ROOT_KEY, { name: "Acme Cloud Gaming" }));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(res.headers.get("location")).toBe("/config/tenant");
    const body = (await res.json()) as { tenant: unknown; adminKey: unknown };
    const tenant = TenantSchema.parse(body.tenant);
    const key = CreatedApiKeySchema.parse(body.adminKey);
    expect(tenant).toMatchObject({ name: "Acme Cloud Gaming", status: "active", playerAuth: null });
    expect(tenant.id).toMatch(/^ten_[0-9a-z]{26}$/);
    expect(key.scopes).toEqual(["admin"]);
    expect(key.token).toMatch(/^gpk_[0-9a-z]{26}_[A-Za-z0-9_-]{43}$/);
    expect(key.token.startsWith(key.prefix)).toBe(true);

    const me = await call("/config/tenant", jsonRequest("GET", key.token));
    expect(me.status).toBe(200);
    expect(TenantSchema.parse(await me.json())).toEqual(tenant);
  });

  it("validates the body", async () => {
    const res = await call("/config/tenants", jsonRequest("POST", ROOT_KEY, { name: "", extra: 1 }));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors?.map((e) => e.location).sort()).toEqual(["body", "body.name"]);
  });

  it("validates playerAuth: exactly one key source", async () => {
    const both = { audience: "x", hs256SecretName: "A_KEY", jwksUrl: "https://auth.example.com/jwks.json" };
    const res = await call("/config/tenants", jsonRequest("POST", ROOT_KEY, { name: "x", playerAuth: both }));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors?.[0]?.location).toBe("body.playerAuth");
  });

  it("is root-only: a tenant admin gets 403", async () => {
    const t = await createTenant();
    await expectProblem(await call("/config/tenants", jsonRequest("POST", t.adminToken, { name: "x" })), 403, "FORBIDDEN");
  });
});

describe("GET /config/tenants", () => {
  it("lists tenants for root, paginated", async () => {
    const created = [await createTenant("one"), await createTenant("two")];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=1&cursor=${cursor}` : "?limit=1";
      const res = await call(`/config/tenants${query}`, jsonRequest("GET", ROOT_KEY));
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(created.map((t) => t.id)));
  });

  it("answers 400 to a cursor it did not make", async () => {
    await expectProblem(await call("/config/tenants?cursor=bogus!", jsonRequest("GET", ROOT_KEY)), 400, "BAD_REQUEST");
  });
});

describe("PATCH /config/tenant", () => {
  it("renames and configures player tokens", async () => {
    const t = await createTenant();
    const playerAuth = {
      audience: "acme-launcher",
      issuer: "https://auth.acme.test",
      hs256SecretName: "ACME_JWT_KEY",
      jwksUrl: null,
    };
    const res = await call("/config/tenant", jsonRequest("PATCH", t.adminToken, { name: "Renamed", playerAuth }));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(TenantSchema.parse(await res.json())).toMatchObject({ name: "Renamed", playerAuth });
  });

  it("rejects an empty patch", async () => {
    const t = await createTenant();
    await expectProblem(await call("/config/tenant", jsonRequest("PATCH", t.adminToken, {})), 400, "VALIDATION_FAILED");
  });
});
