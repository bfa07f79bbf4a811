import { describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { call } from "../support/http";

describe("GET /", () => {
  it("names the API and its package version", async () => {
    const res = await call("/");
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ message: "Gamer Provisioner API", version: pkg.version });
  });
});

describe("GET /health", () => {
  it("reports healthy with the service name, version and checks", async () => {
    const res = await call("/health");
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: "healthy", service: "provisioner-api", version: pkg.version });
    expect(typeof body.checks).toBe("object");
  });

  it("answers HEAD like GET, without a body", async () => {
    const res = await call("/health", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("GET /health/live", () => {
  it("answers 200 alive", async () => {
    const res = await call("/health/live");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "alive" });
  });
});

describe("secure headers", () => {
  it("are set on every response", async () => {
    const res = await call("/health/live");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});
