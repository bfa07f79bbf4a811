// Route-level access control: authenticate the bearer credential (401), count the request
// against its rate limits (429; refused attempts count too, so probing is limited), then check
// it may call this route (403). Sets `principal` on the context.
import type { MiddlewareHandler } from "hono";
import { authenticate, TENANT_HEADER } from "../../auth/authenticate";
import { hasAnyScope, type Principal, type TenantPrincipal } from "../../auth/principal";
import { enforceRateLimits } from "../../auth/rate-limit";
import type { Scope } from "../../store/types";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

/**
 * `root`: only the root credential. `scopes`: a tenant credential with one of them (admin always
 * may); with `allowRoot`, the root credential too (the handler then acts across tenants).
 */
export type AccessRule = { root: true } | { scopes: readonly Scope[]; allowRoot?: boolean };

export const requireAuth =
  (rule: AccessRule): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const { auth, rateLimiters } = c.get("services");
    const principal = await authenticate(
      { authorization: c.req.header("Authorization"), tenantId: c.req.header(TENANT_HEADER) },
      auth,
    );
    await enforceRateLimits(principal, rateLimiters);
    authorize(principal, rule);
    c.set("principal", principal);
    await next();
  };

function authorize(principal: Principal, rule: AccessRule): void {
  if ("root" in rule) {
    if (principal.kind !== "root") throw new ApiError("FORBIDDEN", "This operation needs the root credential.");
    return;
  }
  if (principal.kind === "root") {
    if (rule.allowRoot) return;
    throw new ApiError("FORBIDDEN", "The root credential has no tenant; use an API key of the tenant.");
  }
  if (!hasAnyScope(principal, rule.scopes)) {
    const scopes = [...new Set(["admin", ...rule.scopes])].join(", ");
    throw new ApiError("FORBIDDEN", `This operation needs one of the scopes: ${scopes}.`);
  }
}

/** The authenticated tenant principal of a route guarded by `requireAuth({ scopes })`. */
export function tenantPrincipal(c: { get(key: "principal"): Principal | undefined }): TenantPrincipal {
  const principal = c.get("principal");
  if (!principal || principal.kind === "root") throw new Error("tenantPrincipal used on a route without a tenant rule");
  return principal;
}
