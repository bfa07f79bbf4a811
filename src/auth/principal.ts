// Who is calling, once authenticated, and what they may do.
import type { Scope } from "../store/types";

export type Principal =
  | { kind: "root" }
  | { kind: "api-key"; tenantId: string; keyId: string; scopes: Scope[]; playerId: string | null }
  | { kind: "player-jwt"; tenantId: string; playerId: string; scopes: ["player"] };

export type TenantPrincipal = Exclude<Principal, { kind: "root" }>;

/** `admin` may do everything in its tenant; other scopes only what a route names. */
export function hasAnyScope(principal: TenantPrincipal, allowed: readonly Scope[]): boolean {
  const scopes: readonly Scope[] = principal.scopes;
  return scopes.includes("admin") || scopes.some((scope) => allowed.includes(scope));
}

/** The rate-limit identity: one bucket per credential. */
export function credentialKey(principal: Principal): string {
  switch (principal.kind) {
    case "root":
      return "root";
    case "api-key":
      return principal.keyId;
    case "player-jwt":
      return `jwt:${principal.tenantId}:${principal.playerId}`;
  }
}
