// /billing/webhooks: registration (secret shown once), validation, access and tenant isolation
// through the Worker; delivery to a real HTTP receiver (test/webhook-receiver-setup.ts) with the
// signature recomputed here, subscription filtering, dedupe, retries and the attempt log.
// Retries are brought forward with the actor's own `deliverDue(now)` (what its alarm calls).
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type WebhookActorClient, webhookActors } from "../../src/actors/webhooks/client";
import { CreatedWebhookEndpointSchema, DeliverySchema, WebhookEndpointSchema } from "../../src/routes/billing/webhooks";
import { emitWebhook } from "../../src/webhooks/emit";
import { WEBHOOK_MAX_ATTEMPTS, WEBHOOK_RETRY_DELAYS_MS, type WebhookEvent } from "../../src/webhooks/events";
import { call, expectProblem } from "../support/http";
import { createKey, createTenant, jsonRequest, type TestTenant } from "../support/tenants";

const RECEIVER = env.WEBHOOK_RECEIVER_URL;
const webhooks = webhookActors(env.WEBHOOK_ACTOR);
const stub = (tenantId: string) => env.WEBHOOK_ACTOR.get(env.WEBHOOK_ACTOR.idFromName(tenantId));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LATER = 24 * 3_600_000;

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  status: number;
}

const received = async (path: string): Promise<Received[]> =>
  (await (await fetch(`${RECEIVER}/__requests?path=${encodeURIComponent(path)}`)).json()) as Received[];
const failNext = async (path: string, count: number) => {
  await fetch(`${RECEIVER}/__fail?path=${encodeURIComponent(path)}&count=${count}`, { method: "POST" });
};

/** A receiver path of this test's own. */
const hookPath = () => `/hooks/${crypto.randomUUID()}`;

async function register(t: TestTenant, body: Record<string, unknown>) {
  const res = await call("/billing/webhooks", jsonRequest("POST", t.adminToken, body));
  const text = await res.text();
  expect(res.status, text).toBe(201);
  return { created: CreatedWebhookEndpointSchema.parse(JSON.parse(text)), location: res.headers.get("location") };
}

async function deliveries(t: TestTenant, query = "") {
  const res = await call(`/billing/webhooks/deliveries${query}`, jsonRequest("GET", t.adminToken));
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return DeliverySchema.array().parse(JSON.parse(text).items);
}

function event(type: WebhookEvent["type"], data: Record<string, unknown> = {}): WebhookEvent {
  return { id: `${type}:${crypto.randomUUID()}`, type, at: new Date().toISOString(), data };
}

/** Runs the alarm (it may also have fired by itself) until the receiver has `count` requests at `path`. */
async function receivedAtLeast(tenantId: string, path: string, count: number): Promise<Received[]> {
  for (let i = 0; i < 200; i++) {
    const got = await received(path);
    if (got.length >= count) return got;
    await runDurableObjectAlarm(stub(tenantId));
    await sleep(25);
  }
  throw new Error(`the receiver did not get ${count} request(s) at ${path}`);
}

/** Waits until the actor has logged `count` attempts (the receiver answers before the outcome is recorded). */
async function logged(client: WebhookActorClient, count: number) {
  for (let i = 0; i < 200; i++) {
    const log = await client.deliveries(null, 200);
    if (log.length >= count) return log;
    await sleep(20);
  }
  throw new Error(`fewer than ${count} attempts were logged`);
}

/** Makes the queued retries due now (the next is at least 10 s away) and attempts them: what the alarm does then. */
const retryNow = (client: WebhookActorClient) => client.deliverDue(Date.now() + LATER);

async function hmacHex(key: string, message: string): Promise<string> {
  const k = await crypto.subtle.importKey("raw", new TextEncoder().encode(key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("registering endpoints", () => {
  it("returns the secret once, with a Location, and never lists it", async () => {
    const t = await createTenant();
    const { created, location } = await register(t, {
      url: "https://hooks.acme.example/gamer",
      events: ["vm.running", "budget.exceeded"],
      description: "ops alerts",
    });
    expect(created.id).toMatch(/^whk_[0-9a-z]{26}$/);
    expect(location).toBe(`/billing/webhooks/${created.id}`);
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
    expect(created).toMatchObject({ enabled: true, description: "ops alerts", events: ["vm.running", "budget.exceeded"] });

    const res = await call("/billing/webhooks", jsonRequest("GET", t.adminToken));
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain(created.secret);
    const items = WebhookEndpointSchema.array().parse(JSON.parse(text).items);
    expect(items).toHaveLength(1);
    expect(items[0]).not.toHaveProperty("secret");
    expect(items[0]?.id).toBe(created.id);
  });

  it("gives each endpoint its own secret and deletes with 204, then 404", async () => {
    const t = await createTenant();
    const a = await register(t, { url: "https://a.example/h", events: ["vm.failed"] });
    const b = await register(t, { url: "https://b.example/h", events: ["vm.failed"] });
    expect(a.created.secret).not.toBe(b.created.secret);
    expect((await call(`/billing/webhooks/${a.created.id}`, jsonRequest("DELETE", t.adminToken))).status).toBe(204);
    await expectProblem(await call(`/billing/webhooks/${a.created.id}`, jsonRequest("DELETE", t.adminToken)), 404, "NOT_FOUND");
    const list = (await (await call("/billing/webhooks", jsonRequest("GET", t.adminToken))).json()) as {
      items: { id: string }[];
    };
    expect(list.items.map((e) => e.id)).toEqual([b.created.id]);
  });

  it("allows http only to 127.0.0.1 and localhost", async () => {
    const t = await createTenant();
    await register(t, { url: "http://127.0.0.1:9999/hook", events: ["vm.running"] });
    await register(t, { url: "http://localhost/hook", events: ["vm.running"] });
  });
});

describe("validation", () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["plain http to a public host", { url: "http://hooks.example/x", events: ["vm.running"] }, "body.url", "https"],
    ["not a URL", { url: "hooks.example/x", events: ["vm.running"] }, "body.url", "absolute URL"],
    ["another scheme", { url: "ftp://hooks.example/x", events: ["vm.running"] }, "body.url", "https"],
    ["credentials in the URL", { url: "https://u:p@hooks.example/x", events: ["vm.running"] }, "body.url", "credentials"],
    ["an unknown event", { url: "https://hooks.example/x", events: ["vm.running", "vm.exploded"] }, "body.events.1", ""],
    ["no events", { url: "https://hooks.example/x", events: [] }, "body.events", ""],
    ["a repeated event", { url: "https://hooks.example/x", events: ["vm.failed", "vm.failed"] }, "body.events", "repeat"],
    ["an unknown field", { url: "https://hooks.example/x", events: ["vm.failed"], secret: "mine" }, "body", "secret"],
  ];
  for (const [name, body, location, message] of cases) {
    it(`400 for ${name}, naming ${location}`, async () => {
      const t = await createTenant();
      const problem = await expectProblem(
        await call("/billing/webhooks", jsonRequest("POST", t.adminToken, body)),
        400,
        "VALIDATION_FAILED",
      );
      expect(problem.errors?.[0]?.location).toBe(location);
      expect(problem.errors?.[0]?.message).toContain(message);
    });
  }

  it("400 for a malformed endpoint id and a bad deliveries query", async () => {
    const t = await createTenant();
    await expectProblem(await call("/billing/webhooks/nope", jsonRequest("DELETE", t.adminToken)), 400, "VALIDATION_FAILED");
    const problem = await expectProblem(
      await call("/billing/webhooks/deliveries?limit=0", jsonRequest("GET", t.adminToken)),
      400,
      "VALIDATION_FAILED",
    );
    expect(problem.errors?.[0]?.location).toBe("query.limit");
  });
});

describe("access", () => {
  it("needs a key with the admin scope", async () => {
    const t = await createTenant();
    await expectProblem(await call("/billing/webhooks", jsonRequest("GET", null)), 401, "UNAUTHENTICATED");
    const operator = await createKey(t.adminToken, { name: "ops", scopes: ["operator"] });
    await expectProblem(await call("/billing/webhooks", jsonRequest("GET", operator.token)), 403, "FORBIDDEN");
    await expectProblem(
      await call(
        "/billing/webhooks",
        jsonRequest("POST", operator.token, { url: "https://x.example/h", events: ["vm.running"] }),
      ),
      403,
      "FORBIDDEN",
    );
  });

  it("keeps tenants apart: another tenant sees nothing and cannot delete", async () => {
    const a = await createTenant();
    const b = await createTenant();
    const { created } = await register(a, { url: "https://a.example/h", events: ["vm.running"] });
    await webhooks(a.id).emit(event("vm.running"));
    const listed = (await (await call("/billing/webhooks", jsonRequest("GET", b.adminToken))).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
    await expectProblem(await call(`/billing/webhooks/${created.id}`, jsonRequest("DELETE", b.adminToken)), 404, "NOT_FOUND");
    expect(await deliveries(b, `?endpoint=${created.id}`)).toEqual([]);
    const still = (await (await call("/billing/webhooks", jsonRequest("GET", a.adminToken))).json()) as {
      items: { id: string }[];
    };
    expect(still.items.map((e) => e.id)).toEqual([created.id]);
  });
});

describe("delivery", () => {
  it("POSTs the event signed with the endpoint's secret, and logs the attempt", async () => {
    const t = await createTenant();
    const path = hookPath();
    const { created } = await register(t, { url: `${RECEIVER}${path}`, events: ["vm.running"] });
    const sent = event("vm.running", { vmId: "vm_test", region: "eu-central-1" });
    expect(await emitWebhook(webhooks, t.id, sent)).toBe(1);

    const [request] = await receivedAtLeast(t.id, path, 1);
    expect(request).toBeDefined();
    if (!request) return;
    expect(JSON.parse(request.body)).toEqual({ id: sent.id, type: "vm.running", at: sent.at, data: sent.data });
    expect(request.headers["content-type"]).toContain("application/json");
    expect(request.headers["x-gp-webhook-id"]).toBe(sent.id);
    const timestamp = request.headers["x-gp-webhook-timestamp"] ?? "";
    expect(timestamp).toMatch(/^\d+$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const expected = await hmacHex(created.secret, `${timestamp}.${request.body}`);
    expect(request.headers["x-gp-webhook-signature"]).toBe(`v1=${expected}`);

    await logged(webhooks(t.id), 1);
    const log = await deliveries(t, `?endpoint=${created.id}`);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      endpointId: created.id,
      eventId: sent.id,
      event: "vm.running",
      attempt: 1,
      status: "delivered",
      httpStatus: 200,
      error: null,
      nextAttemptAt: null,
    });
  });

  it("delivers only subscribed events, once per event id", async () => {
    const t = await createTenant();
    const path = hookPath();
    await register(t, { url: `${RECEIVER}${path}`, events: ["vm.failed"] });
    const client = webhooks(t.id);
    expect(await client.emit(event("vm.running"))).toBe(0);
    expect(await client.emit(event("session.ended"))).toBe(0);
    const failed = event("vm.failed", { vmId: "vm_x", reason: "capacity" });
    expect(await client.emit(failed)).toBe(1);
    expect(await client.emit(failed)).toBe(0); // the same id again: deduped
    await receivedAtLeast(t.id, path, 1);
    await logged(client, 1);
    expect(await retryNow(client)).toBe(0);
    const got = await received(path);
    expect(got.map((r) => JSON.parse(r.body).type)).toEqual(["vm.failed"]);
  });

  it("retries a failing endpoint with backoff until it answers 2xx, logging every attempt", async () => {
    const t = await createTenant();
    const path = hookPath();
    const { created } = await register(t, { url: `${RECEIVER}${path}`, events: ["budget.threshold"] });
    await failNext(path, 2);
    const client = webhooks(t.id);
    const before = Date.now();
    await client.emit(event("budget.threshold", { budgetId: "bud_1", percent: 80 }));
    await receivedAtLeast(t.id, path, 1);

    const first = await logged(client, 1);
    expect(first[0]).toMatchObject({ attempt: 1, status: "pending", httpStatus: 500, error: "HTTP 500" });
    const due = Date.parse(first[0]?.nextAttemptAt ?? "");
    expect(due - before).toBeGreaterThanOrEqual(WEBHOOK_RETRY_DELAYS_MS[0]); // backing off, not hammering
    expect(due - Date.now()).toBeLessThanOrEqual(WEBHOOK_RETRY_DELAYS_MS[0]);
    expect(await client.deliverDue()).toBe(0); // not due yet

    expect(await retryNow(client)).toBe(1);
    expect(await retryNow(client)).toBe(1);
    const log = await deliveries(t, `?endpoint=${created.id}`);
    expect(log.map((e) => [e.attempt, e.status, e.httpStatus])).toEqual([
      [3, "delivered", 200],
      [2, "pending", 500],
      [1, "pending", 500],
    ]);
    expect(new Set(log.map((e) => e.id)).size).toBe(1); // one delivery, three attempts
    const bodies = (await received(path)).map((r) => r.body);
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1); // the same event each time
    expect(await retryNow(client)).toBe(0); // nothing left
  });

  it(`marks a delivery failed after ${WEBHOOK_MAX_ATTEMPTS} attempts`, async () => {
    const t = await createTenant();
    const path = hookPath();
    await register(t, { url: `${RECEIVER}${path}`, events: ["vm.stopped"] });
    await failNext(path, 100);
    const client = webhooks(t.id);
    await client.emit(event("vm.stopped"));
    await receivedAtLeast(t.id, path, 1);
    await logged(client, 1);
    for (let attempt = 2; attempt <= WEBHOOK_MAX_ATTEMPTS; attempt++) expect(await retryNow(client)).toBe(1);
    expect(await retryNow(client)).toBe(0);

    const log = await deliveries(t, "?limit=50");
    expect(log.map((e) => e.attempt)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(log[0]).toMatchObject({ status: "failed", httpStatus: 500, nextAttemptAt: null });
    expect(log.slice(1).every((e) => e.status === "pending" && e.nextAttemptAt !== null)).toBe(true);
    expect(await received(path)).toHaveLength(WEBHOOK_MAX_ATTEMPTS);
  });

  it("logs an unreachable endpoint's error, and a failing endpoint does not hold up others", async () => {
    const t = await createTenant();
    const path = hookPath();
    const dead = await register(t, { url: "http://127.0.0.1:1/unreachable", events: ["session.ended"] });
    const live = await register(t, { url: `${RECEIVER}${path}`, events: ["session.ended"] });
    expect(await webhooks(t.id).emit(event("session.ended", { sessionId: "ses_1" }))).toBe(2);
    await receivedAtLeast(t.id, path, 1);
    const log = await logged(webhooks(t.id), 2);
    const deadAttempt = log.find((e) => e.endpointId === dead.created.id);
    expect(deadAttempt).toMatchObject({ status: "pending", httpStatus: null });
    expect(deadAttempt?.error).toBeTruthy();
    expect(log.find((e) => e.endpointId === live.created.id)).toMatchObject({ status: "delivered" });
  });

  it("drops queued deliveries when their endpoint is deleted", async () => {
    const t = await createTenant();
    const path = hookPath();
    const { created } = await register(t, { url: `${RECEIVER}${path}`, events: ["vm.running"] });
    await failNext(path, 1);
    const client = webhooks(t.id);
    await client.emit(event("vm.running"));
    await receivedAtLeast(t.id, path, 1);
    await logged(client, 1);
    expect((await call(`/billing/webhooks/${created.id}`, jsonRequest("DELETE", t.adminToken))).status).toBe(204);
    expect(await retryNow(client)).toBe(0);
    expect(await received(path)).toHaveLength(1);
  });
});
