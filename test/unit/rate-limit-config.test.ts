// The Retry-After we send must match the rate limiters' period in wrangler.toml.
import { describe, expect, it } from "vitest";
import { RATE_LIMIT_PERIOD_SECONDS } from "../../src/auth/rate-limit";
import wranglerToml from "../../wrangler.toml?raw";

describe("rate limiter configuration", () => {
  it("declares both limiters with the period Retry-After announces", () => {
    for (const name of ["KEY_RATE_LIMITER", "PLAYER_RATE_LIMITER"]) {
      const block = new RegExp(`name = "${name}"[\\s\\S]*?simple = \\{ limit = (\\d+), period = (\\d+) \\}`).exec(wranglerToml);
      expect(block, name).not.toBeNull();
      expect(Number(block?.[2])).toBe(RATE_LIMIT_PERIOD_SECONDS);
    }
  });
});
