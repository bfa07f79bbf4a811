// Per-credential and per-player request limits with the Workers Rate Limiting binding.
// The periods must equal `simple.period` of the [[ratelimits]] in wrangler.toml (a test checks).
import { ApiError } from "../http/errors";
import { credentialKey, type Principal } from "./principal";

export const RATE_LIMIT_PERIOD_SECONDS = 60;

export interface RateLimiters {
  perCredential: RateLimit;
  perPlayer: RateLimit;
}

export async function enforceRateLimits(principal: Principal, limiters: RateLimiters): Promise<void> {
  const checks = [limiters.perCredential.limit({ key: credentialKey(principal) })];
  const playerId = principal.kind === "root" ? null : principal.playerId;
  if (principal.kind !== "root" && playerId) {
    checks.push(limiters.perPlayer.limit({ key: `${principal.tenantId}:${playerId}` }));
  }
  const outcomes = await Promise.all(checks);
  if (outcomes.some((o) => !o.success)) {
    throw new ApiError("RATE_LIMITED", `Too many requests; retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.`, {
      headers: { "Retry-After": String(RATE_LIMIT_PERIOD_SECONDS) },
    });
  }
}
