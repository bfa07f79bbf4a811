// One structured JSON line per request: method, route, status, duration, request id.
import { afterEach, describe, expect, it, vi } from "vitest";
import { probeApp } from "../support/probe-app";

const app = probeApp();
afterEach(() => vi.restoreAllMocks());

function captured(spy: { mock: { calls: unknown[][] } }) {
  return spy.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>).filter((l) => l.msg === "request");
}

describe("access log", () => {
  it("writes one line for a successful request", async () => {
    const info = vi.spyOn(console, "log").mockImplementation(() => {});
    await app.fetch("/health/live", { headers: { "x-request-id": "log-test-1" } }, { LOG_LEVEL: "info" });
    const lines = captured(info);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "info",
      method: "GET",
      route: "/health/live",
      path: "/health/live",
      status: 200,
      requestId: "log-test-1",
    });
    expect(typeof lines[0]?.durationMs).toBe("number");
  });

  it("logs client errors as warnings with no matched route", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await app.fetch("/nope", undefined, { LOG_LEVEL: "info" });
    expect(captured(warn)).toEqual([expect.objectContaining({ level: "warn", status: 404, route: null, path: "/nope" })]);
  });

  it("logs the final status of a 405", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await app.fetch("/health", { method: "POST" }, { LOG_LEVEL: "info" });
    expect(captured(warn)).toEqual([expect.objectContaining({ status: 405, method: "POST", path: "/health" })]);
  });

  it("never writes the Authorization header or a key", async () => {
    const all = [vi.spyOn(console, "log"), vi.spyOn(console, "warn"), vi.spyOn(console, "error")];
    for (const spy of all) spy.mockImplementation(() => {});
    await app.fetch("/nope", { headers: { authorization: "Bearer gpk_supersecret" } }, { LOG_LEVEL: "debug" });
    const text = all.flatMap((s) => s.mock.calls.map((a) => String(a[0]))).join("\n");
    expect(text).not.toContain("gpk_supersecret");
  });
});
