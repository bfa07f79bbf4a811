import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../support/http";

describe("X-Request-Id", () => {
  it("is generated when the caller sends none", async () => {
    const res = await call("/health/live");
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("echoes a sane incoming id", async () => {
    const res = await call("/health/live", { headers: { "x-request-id": "launcher-7f3a_01=" } });
    expect(res.headers.get("x-request-id")).toBe("launcher-7f3a_01=");
  });

  it.each([
    ["too long", "a".repeat(129)],
    ["with spaces", "not ok"],
    ["with markup", "<script>"],
  ])("replaces an id %s", async (_label, incoming) => {
    const res = await call("/health/live", { headers: { "x-request-id": incoming } });
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("is echoed on errors, in the header and the problem body", async () => {
    const res = await call("/nowhere", { headers: { "x-request-id": "trace-123" } });
    const body = await expectProblem(res, 404, "NOT_FOUND");
    expect(body.requestId).toBe("trace-123");
  });

  it("differs between requests", async () => {
    const [a, b] = await Promise.all([call("/health/live"), call("/health/live")]);
    expect(a.headers.get("x-request-id")).not.toBe(b.headers.get("x-request-id"));
  });
});
