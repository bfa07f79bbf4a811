// What a protected route spreads into `createRoute`: the OpenAPI security requirement, the
// access rule it documents (`x-access`), and the middleware that enforces that same rule.
import { type AccessRule, requireAuth } from "./middleware/auth";
import { BEARER_SCHEME } from "./openapi";

export function guarded(rule: AccessRule) {
  return {
    security: [{ [BEARER_SCHEME]: [] }],
    "x-access":
      "root" in rule ? ["root"] : ["admin", ...rule.scopes.filter((s) => s !== "admin"), ...(rule.allowRoot ? ["root"] : [])],
    middleware: [requireAuth(rule)],
  };
}
