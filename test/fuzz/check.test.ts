// The fuzz properties are only as good as their checker: it must reject what the API must never send.
import { describe, expect, it } from "vitest";
import { checkResponse, PropertyFailure } from "./support/check";

const sent = { method: "POST", url: "https://api.test/vms", headers: {} };
const problem = (status: number, code: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: `urn:gamer-provisioner:problem:${code.toLowerCase().replaceAll("_", "-")}`,
    title: { 400: "Validation failed", 404: "Not found", 401: "Authentication required" }[status],
    status,
    detail: "d",
    code,
    requestId: "req_1",
    ...extra,
  });
const response = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "x-request-id": "req_1", "content-type": "application/problem+json", ...headers } });
const check = (res: Response, text: string) => () => checkResponse(sent, res, text);

describe("checkResponse", () => {
  it("accepts a 2xx and a well-formed problem", () => {
    expect(check(response(202, "{}", { "content-type": "application/json" }), "{}")).not.toThrow();
    const body = problem(400, "VALIDATION_FAILED");
    expect(check(response(400, body), body)).not.toThrow();
  });

  it.each([
    ["a 5xx", response(500, problem(500, "INTERNAL")), problem(500, "INTERNAL")],
    ["a 4xx in plain text", response(404, "Not Found", { "content-type": "text/plain" }), "Not Found"],
    ["a problem whose status differs", response(404, problem(400, "VALIDATION_FAILED")), problem(400, "VALIDATION_FAILED")],
    ["a code of another status", response(404, problem(404, "VALIDATION_FAILED")), problem(404, "VALIDATION_FAILED")],
    [
      "a problem without requestId",
      response(404, problem(404, "NOT_FOUND", { requestId: undefined })),
      problem(404, "NOT_FOUND", { requestId: undefined }),
    ],
    [
      "a requestId that is not X-Request-Id",
      response(404, problem(404, "NOT_FOUND", { requestId: "req_2" })),
      problem(404, "NOT_FOUND", { requestId: "req_2" }),
    ],
    ["a 401 without WWW-Authenticate", response(401, problem(401, "UNAUTHENTICATED")), problem(401, "UNAUTHENTICATED")],
    ["a body that is not JSON", response(400, "{"), "{"],
  ])("rejects %s", (_what, res, text) => {
    expect(check(res, text)).toThrow(PropertyFailure);
  });
});
