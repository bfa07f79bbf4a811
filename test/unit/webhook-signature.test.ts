// Webhook signing: HMAC-SHA256 against RFC 4231's test vector, the v1 scheme against a vector
// computed independently (Node's crypto.createHmac), secrets, URL rule and retry schedule.
import { describe, expect, it } from "vitest";
import { nextAttemptAt, WEBHOOK_MAX_ATTEMPTS, webhookUrlProblem } from "../../src/webhooks/events";
import { hmacSha256Hex, newWebhookSecret, signWebhook } from "../../src/webhooks/signature";

describe("webhook signatures", () => {
  it("computes HMAC-SHA256 (RFC 4231, test case 2)", async () => {
    expect(await hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("signs <timestamp>.<body> with the secret as v1=<hex>", async () => {
    // node -e 'console.log(require("crypto").createHmac("sha256","whsec_test").update("1700000000.{\"id\":\"evt_1\"}").digest("hex"))'
    expect(await signWebhook("whsec_test", 1_700_000_000, '{"id":"evt_1"}')).toBe(
      "v1=c89214b5b5da833daed6f0b8c5bb6bd58cea9022bd80ccc78230f3942d632925",
    );
    expect(await signWebhook("whsec_test", 1_700_000_001, '{"id":"evt_1"}')).not.toBe(
      await signWebhook("whsec_test", 1_700_000_000, '{"id":"evt_1"}'),
    );
  });

  it("makes secrets of 32 random bytes, base64url", () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});

describe("endpoint URLs", () => {
  it.each([
    ["https://hooks.example/x", null],
    ["http://127.0.0.1:8080/x", null],
    ["http://localhost/x", null],
    ["http://hooks.example/x", "must use https (http only for 127.0.0.1 or localhost)"],
    ["http://127.0.0.2/x", "must use https (http only for 127.0.0.1 or localhost)"],
    ["ws://hooks.example/x", "must use https (http only for 127.0.0.1 or localhost)"],
    ["https://user:pw@hooks.example/x", "must not contain credentials"],
    ["/relative", "must be an absolute URL"],
  ])("%s → %s", (url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });
});

describe("retry schedule", () => {
  it("backs off 10 s, 1 min, 5 min, 30 min, 2 h, then gives up after 6 attempts", () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => (nextAttemptAt(attempt, 0) ?? -1) / 1000);
    expect(delays).toEqual([10, 60, 300, 1800, 7200]);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(6);
    expect(nextAttemptAt(6, 0)).toBeNull();
  });
});
