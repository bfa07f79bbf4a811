// A missing or invalid setting answers every request with a 500 naming it, never its value.
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectProblem } from "../support/http";
import { probeApp } from "../support/probe-app";

const app = probeApp();
afterEach(() => vi.restoreAllMocks());

describe("invalid settings", () => {
  it.each([
    ["ENVIRONMENT", { ENVIRONMENT: "prod-eu-secret-value" }],
    ["ALLOWED_ORIGINS", { ALLOWED_ORIGINS: "https://ok.example.com,not-a-secret-origin" }],
    ["MAX_BODY_BYTES", { MAX_BODY_BYTES: "lots-secret-value" }],
    ["LOG_LEVEL", { LOG_LEVEL: "chatty-secret-value" }],
  ])("%s: 500 MISCONFIGURED naming the setting on every route", async (setting, bindings) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    for (const path of ["/", "/health", "/health/live", "/no/such/route"]) {
      const res = await app.fetch(path, undefined, bindings as Partial<Env>);
      const body = await expectProblem(res, 500, "MISCONFIGURED");
      expect(body.detail).toContain(setting);
      expect(JSON.stringify(body)).not.toContain("secret-value");
    }
    const lines = logged.mock.calls.map((args) => String(args[0]));
    expect(lines.some((l) => l.includes("invalid configuration") && l.includes(setting))).toBe(true);
    expect(lines.join("\n")).not.toContain("secret-value");
  });

  it("a missing required setting is named as required", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.fetch("/", undefined, { ENVIRONMENT: undefined } as unknown as Partial<Env>);
    const body = await expectProblem(res, 500, "MISCONFIGURED");
    expect(body.detail).toContain("ENVIRONMENT");
    expect(logged.mock.calls.map((a) => String(a[0])).join()).toContain("is required");
  });
});
