// GET /health runs the checks registered by the services (the store registers one).
import { describe, expect, it } from "vitest";
import type { HealthCheck } from "../../src/health/checks";
import { buildServices } from "../../src/services";
import { probeApp } from "../support/probe-app";

const withChecks = (...healthChecks: HealthCheck[]) => probeApp({ services: (ctx) => ({ ...buildServices(ctx), healthChecks }) });
const ok: HealthCheck = { name: "store", required: true, run: async () => ({ backend: "d1" }) };
const down = (required: boolean): HealthCheck => ({
  name: required ? "store" : "analytics",
  required,
  run: async () => {
    throw new Error("unreachable");
  },
});

describe("GET /health with checks", () => {
  it("200 healthy when every check passes", async () => {
    const res = await withChecks(ok).fetch("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "healthy",
      checks: { store: { status: "pass", details: { backend: "d1" } } },
    });
  });

  it("503 unhealthy when a required check fails", async () => {
    const res = await withChecks(down(true)).fetch("/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unhealthy", checks: { store: { status: "fail", error: "unreachable" } } });
  });

  it("200 degraded when only an optional check fails", async () => {
    const res = await withChecks(ok, down(false)).fetch("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "degraded" });
  });

  it("/health/live stays 200 whatever the checks say", async () => {
    const res = await withChecks(down(true)).fetch("/health/live");
    expect(res.status).toBe(200);
  });
});
