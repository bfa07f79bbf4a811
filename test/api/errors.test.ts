// Every error class answers RFC 9457 problem+json with a stable code.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, expectProblem } from "../support/http";
import { probeApp } from "../support/probe-app";

const app = probeApp();
const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body,
});

afterEach(() => vi.restoreAllMocks());

describe("400", () => {
  it("MALFORMED_JSON for a body that is not JSON", async () => {
    const res = await app.fetch("/__probe/echo", json("{ not json"));
    const body = await expectProblem(res, 400, "MALFORMED_JSON");
    expect(body.type).toBe("urn:gamer-provisioner:problem:malformed-json");
    expect(body.title).toBe("Malformed JSON");
    expect(body.instance).toBe("/__probe/echo");
  });

  it("VALIDATION_FAILED naming each bad field by location", async () => {
    const res = await app.fetch("/__probe/echo", json(JSON.stringify({ region: 7, vcpu: -1 })));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    const locations = body.errors?.map((e) => e.location).sort();
    expect(locations).toEqual(["body.region", "body.vcpu"]);
    expect(body.errors?.every((e) => e.message.length > 0)).toBe(true);
    expect(body.detail).toBe("The request has 2 invalid fields.");
  });

  it("VALIDATION_FAILED for unknown fields", async () => {
    const res = await app.fetch("/__probe/echo", json(JSON.stringify({ region: "eu", vcpu: 4, colour: "red" })));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors).toEqual([{ location: "body", message: "Unknown field(s): colour" }]);
  });

  it("VALIDATION_FAILED for a bad query parameter", async () => {
    const res = await app.fetch("/__probe/echo?limit=1000", json(JSON.stringify({ region: "eu", vcpu: 4 })));
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors?.[0]?.location).toBe("query.limit");
  });

  it("VALIDATION_FAILED when a required body is missing", async () => {
    const res = await app.fetch("/__probe/echo", { method: "POST" });
    const body = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(body.errors?.map((e) => e.location).sort()).toEqual(["body.region", "body.vcpu"]);
  });

  it("accepts a valid body", async () => {
    const res = await app.fetch("/__probe/echo", json(JSON.stringify({ region: "eu", vcpu: 4 })));
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ region: "eu", vcpu: 4 });
  });
});

describe("404 and 405", () => {
  it("NOT_FOUND for an unknown route", async () => {
    const body = await expectProblem(await call("/no/such/route"), 404, "NOT_FOUND");
    expect(body.detail).toContain("/no/such/route");
  });

  it("METHOD_NOT_ALLOWED with Allow for a known path and wrong method", async () => {
    const res = await call("/health", { method: "DELETE" });
    await expectProblem(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });

  it("METHOD_NOT_ALLOWED on a route with a body too", async () => {
    const res = await app.fetch("/__probe/echo", { method: "GET" });
    await expectProblem(res, 405, "METHOD_NOT_ALLOWED");
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("413 and 415", () => {
  const big = JSON.stringify({ region: "x".repeat(300_000), vcpu: 1 }); // MAX_BODY_BYTES is 262144 in tests

  it("PAYLOAD_TOO_LARGE by Content-Length", async () => {
    const body = await expectProblem(await app.fetch("/__probe/echo", json(big)), 413, "PAYLOAD_TOO_LARGE");
    expect(body.detail).toContain("262144");
  });

  it("PAYLOAD_TOO_LARGE for a streamed body without Content-Length", async () => {
    const stream = new Blob([big]).stream();
    const res = await app.fetch("/__probe/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: stream,
      // @ts-expect-error: `duplex` is required by fetch for streamed bodies but missing from the types.
      duplex: "half",
    });
    await expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
  });

  it("UNSUPPORTED_MEDIA_TYPE for a non-JSON body", async () => {
    const res = await app.fetch("/__probe/echo", { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    await expectProblem(res, 415, "UNSUPPORTED_MEDIA_TYPE");
  });
});

describe("500", () => {
  it("INTERNAL with a generic detail; the stack goes only to the log", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = await app.fetch("/__probe/boom");
    const body = await expectProblem(res, 500, "INTERNAL");
    const raw = JSON.stringify(body);
    expect(raw).not.toContain("secret internal detail");
    expect(raw).not.toContain("stack");
    const lines = logged.mock.calls.map((args) => JSON.parse(String(args[0])));
    const failure = lines.find((l) => l.msg === "unhandled error");
    expect(failure?.error?.message).toContain("secret internal detail");
    expect(failure?.error?.stack).toContain("Error");
    expect(failure?.requestId).toBe(body.requestId);
  });
});
