import { describe, expect, it } from "vitest";
import { type HealthCheck, runHealthChecks } from "../../src/health/checks";

const pass = (name: string, required = true): HealthCheck => ({ name, required, run: async () => ({ backend: "test" }) });
const fail = (name: string, required = true): HealthCheck => ({
  name,
  required,
  run: async () => {
    throw new Error("connection refused");
  },
});
const hang = (name: string, required = true): HealthCheck => ({
  name,
  required,
  timeoutMs: 50,
  run: () => new Promise(() => {}),
});

describe("runHealthChecks", () => {
  it("is healthy with no checks", async () => {
    expect(await runHealthChecks([])).toEqual({ status: "healthy", checks: {} });
  });

  it("is healthy when every check passes, with latency and details", async () => {
    const result = await runHealthChecks([pass("store"), pass("cache", false)]);
    expect(result.status).toBe("healthy");
    expect(result.checks.store).toMatchObject({ status: "pass", required: true, details: { backend: "test" } });
    expect(result.checks.store?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("is unhealthy when a required check fails", async () => {
    const result = await runHealthChecks([fail("store"), pass("cache", false)]);
    expect(result.status).toBe("unhealthy");
    expect(result.checks.store).toMatchObject({ status: "fail", error: "connection refused" });
  });

  it("is degraded when only optional checks fail", async () => {
    const result = await runHealthChecks([pass("store"), fail("cache", false)]);
    expect(result.status).toBe("degraded");
  });

  it("fails a check that exceeds its timeout", async () => {
    const result = await runHealthChecks([hang("store")]);
    expect(result.status).toBe("unhealthy");
    expect(result.checks.store?.error).toBe("timed out after 50 ms");
  });
});
