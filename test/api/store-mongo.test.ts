// STORE=mongo end to end through the Worker: the API runs on MongoDB (via the MongoGateway
// Durable Objects), documents are visible in the database, and /health reports the store.
import { env } from "cloudflare:test";
import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/auth/tokens";
import { expectProblem } from "../support/http";
import { probeApp } from "../support/probe-app";
import { createKey, createTenant, jsonRequest } from "../support/tenants";

const mongo = { STORE: "mongo" };
const app = probeApp();
const fetchMongo = (path: string, init?: RequestInit) => app.fetch(path, init, mongo);

describe("STORE=mongo", () => {
  it("reports the mongo store in /health", async () => {
    const res = await fetchMongo("/health");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "healthy",
      checks: { store: { status: "pass", details: { backend: "mongo" } } },
    });
  });

  it("creates a tenant and keys, lists them, and the documents are in MongoDB", async () => {
    const t = await createTenant("mongo tenant", fetchMongo);
    const key = await createKey(t.adminToken, { name: "ops", scopes: ["operator"] }, fetchMongo);
    const res = await fetchMongo("/config/api-keys", jsonRequest("GET", t.adminToken));
    expect(res.status).toBe(200);
    const listed = (await res.json()) as { items: { id: string }[] };
    expect(listed.items.map((k) => k.id).sort()).toEqual([t.adminKeyId, key.id].sort());

    // Not in D1: the D1 store never saw this tenant.
    expect(await env.DB.prepare("SELECT id FROM tenants WHERE id = ?").bind(t.id).first()).toBeNull();

    const client = new MongoClient(env.MONGODB_URI ?? "", { serverSelectionTimeoutMS: 3000, serverMonitoringMode: "poll" });
    try {
      const db = client.db(env.MONGODB_DATABASE);
      expect(await db.collection("tenants").findOne({ _id: t.id as never })).toMatchObject({
        name: "mongo tenant",
        status: "active",
      });
      const doc = await db.collection("api_keys").findOne({ _id: key.id as never });
      expect(doc).toMatchObject({ tenantId: t.id, scopes: ["operator"], hash: await sha256Hex(key.token) });
      expect(doc?.createdAt).toBeInstanceOf(Date);
      expect(JSON.stringify(doc)).not.toContain(key.token);
    } finally {
      await client.close();
    }
  });

  it("turns /health 503 and store-backed routes 503 when MongoDB is unreachable", async () => {
    const unreachable = { STORE: "mongo", MONGODB_URI: "mongodb://127.0.0.1:9/?directConnection=true" };
    const res = await app.fetch("/health", undefined, unreachable);
    expect(res.status, await res.clone().text()).toBe(503);
    const body = (await res.json()) as { status: string; checks: { store: { status: string; error: string } } };
    expect(body.status).toBe("unhealthy");
    expect(body.checks.store.status).toBe("fail");
    expect(body.checks.store.error).not.toContain("127.0.0.1:9");

    const tenants = await app.fetch("/config/tenants", jsonRequest("GET", env.ROOT_API_KEY as string), unreachable);
    const problem = await expectProblem(tenants, 503, "SERVICE_UNAVAILABLE");
    expect(tenants.headers.get("retry-after")).toBe("5");
    expect(JSON.stringify(problem)).not.toContain("127.0.0.1");
  }, 20_000); // two round trips that each wait out the driver's 3 s server selection

  it("answers 500 MISCONFIGURED when STORE=mongo has no MONGODB_URI", async () => {
    const res = await app.fetch("/health", undefined, { STORE: "mongo", MONGODB_URI: "" });
    const problem = await expectProblem(res, 500, "MISCONFIGURED");
    expect(problem.detail).toContain("MONGODB_URI");
  });
});
