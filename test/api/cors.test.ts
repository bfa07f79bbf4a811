// Tests pin ENVIRONMENT=production with two allowed origins (vitest.config.ts).
import { describe, expect, it } from "vitest";
import { call } from "../support/http";
import { probeApp } from "../support/probe-app";

const preflight = (origin: string): RequestInit => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
});

describe("CORS outside development", () => {
  it("allows a listed origin and exposes the request id", async () => {
    const res = await call("/health/live", { headers: { origin: "https://play.example.com" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://play.example.com");
    expect(res.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("gives no CORS grant to an unlisted origin", async () => {
    const res = await call("/health/live", { headers: { origin: "https://evil.example.net" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("answers a preflight from a listed origin", async () => {
    const res = await call("/health", preflight("https://admin.example.com"));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://admin.example.com");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("grants nothing on a preflight from an unlisted origin", async () => {
    const res = await call("/health", preflight("https://evil.example.net"));
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("sets CORS headers on error responses too", async () => {
    const res = await call("/missing", { headers: { origin: "https://play.example.com" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://play.example.com");
  });
});

describe("CORS in development", () => {
  const dev = probeApp();

  it("allows any origin with *", async () => {
    const res = await dev.fetch("/health/live", { headers: { origin: "http://localhost:5173" } }, { ENVIRONMENT: "development" });
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers any preflight", async () => {
    const res = await dev.fetch("/health", preflight("https://anything.example.org"), { ENVIRONMENT: "development" });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});
