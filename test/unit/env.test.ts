import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/env";

const base = { ENVIRONMENT: "production", ALLOWED_ORIGINS: "", LOG_LEVEL: "info", MAX_BODY_BYTES: "65536" };

describe("parseConfig", () => {
  it("parses a complete configuration", () => {
    const result = parseConfig({ ...base, ALLOWED_ORIGINS: " https://a.example.com , http://localhost:5173 " });
    expect(result).toEqual({
      ok: true,
      config: {
        ENVIRONMENT: "production",
        ALLOWED_ORIGINS: ["https://a.example.com", "http://localhost:5173"],
        LOG_LEVEL: "info",
        MAX_BODY_BYTES: 65536,
        STORE: "d1",
        MONGODB_DATABASE: "gamer_provisioner",
        MONGO_GATEWAY_SHARDS: 4,
      },
    });
  });

  it("requires MONGODB_URI with STORE=mongo, and checks its scheme", () => {
    const missing = parseConfig({ ...base, STORE: "mongo" });
    expect(missing).toEqual({ ok: false, problems: [{ setting: "MONGODB_URI", message: "is required when STORE=mongo" }] });
    const wrong = parseConfig({ ...base, STORE: "mongo", MONGODB_URI: "postgres://db.example/x" });
    expect(wrong.ok).toBe(false);
    const ok = parseConfig({ ...base, STORE: "mongo", MONGODB_URI: "mongodb+srv://u:p@cluster0.example.net/?retryWrites=true" });
    expect(ok.ok).toBe(true);
  });

  it("checks the development keys' format", () => {
    const result = parseConfig({ ...base, DEV_ADMIN_API_KEY: "not-a-key" });
    expect(result).toMatchObject({ ok: false, problems: [{ setting: "DEV_ADMIN_API_KEY" }] });
  });

  it("applies defaults for optional settings left empty", () => {
    const result = parseConfig({ ENVIRONMENT: "development", LOG_LEVEL: "", MAX_BODY_BYTES: "" });
    expect(result).toMatchObject({ ok: true, config: { LOG_LEVEL: "info", MAX_BODY_BYTES: 1048576, ALLOWED_ORIGINS: [] } });
  });

  it.each([["https://a.example.com/"], ["https://a.example.com/path"], ["ftp://a.example.com"], ["*"]])(
    "rejects the origin %s",
    (origin) => {
      const result = parseConfig({ ...base, ALLOWED_ORIGINS: origin });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems[0]?.setting).toBe("ALLOWED_ORIGINS");
    },
  );

  it("reports every bad setting, without values", () => {
    const result = parseConfig({ ENVIRONMENT: "qa-hidden", MAX_BODY_BYTES: "12" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.setting).sort()).toEqual(["ENVIRONMENT", "MAX_BODY_BYTES"]);
    expect(JSON.stringify(result.problems)).not.toContain("qa-hidden");
  });

  it("ignores bindings it does not know (Durable Objects, D1)", () => {
    expect(parseConfig({ ...base, DB: { prepare() {} } }).ok).toBe(true);
  });
});
