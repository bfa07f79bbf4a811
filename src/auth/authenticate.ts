// Turns `Authorization: Bearer <token>` into a Principal: the root credential, a tenant API
// key, or a player's platform JWT (with `X-Tenant-Id`). Failures are 401 with
// WWW-Authenticate; a suspended tenant is 403. Tokens are never logged.
import type { Config } from "../env";
import { ApiError } from "../http/errors";
import type { Logger } from "../logger";
import type { Store, TenantRecord } from "../store/types";
import { apiKeyCache, recentlyTouched, tenantCache } from "./cache";
import { looksLikeJwt, verifyPlayerJwt } from "./player-jwt";
import type { Principal } from "./principal";
import { digestsEqual, keyIdOf, sha256Hex } from "./tokens";
import { unauthenticated } from "./unauthenticated";

export const TENANT_HEADER = "X-Tenant-Id";

export interface AuthDeps {
  store: Store;
  config: Config;
  log: Logger;
  secret(name: string): string | undefined;
  fetch: typeof fetch;
  /** Runs background work after the response (lastUsedAt updates). */
  waitUntil(promise: Promise<unknown>): void;
}

export interface Credentials {
  authorization: string | undefined;
  tenantId: string | undefined;
}

export async function authenticate(credentials: Credentials, deps: AuthDeps): Promise<Principal> {
  const token = bearerToken(credentials.authorization);
  const root = deps.config.ROOT_API_KEY;
  if (root && digestsEqual(await sha256Hex(token), await sha256Hex(root))) return { kind: "root" };

  const keyId = keyIdOf(token);
  if (keyId) return authenticateApiKey(token, keyId, deps);
  if (looksLikeJwt(token)) return authenticatePlayerJwt(token, credentials.tenantId, deps);
  throw unauthenticated("The bearer token is not a valid API key or player token.");
}

function bearerToken(header: string | undefined): string {
  if (!header) throw unauthenticated("Send a credential: Authorization: Bearer <API key or player token>.", false);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthenticated("The Authorization header must be: Bearer <token>.");
  return match[1];
}

async function authenticateApiKey(token: string, keyId: string, deps: AuthDeps): Promise<Principal> {
  let key = apiKeyCache.get(keyId);
  if (key === undefined) {
    key = await deps.store.findApiKey(keyId);
    apiKeyCache.set(keyId, key);
  }
  if (!key || !digestsEqual(await sha256Hex(token), key.hash)) throw unauthenticated("Unknown API key.");
  const now = Date.now();
  if (key.revokedAt) throw unauthenticated("This API key has been revoked.");
  if (key.expiresAt && key.expiresAt.getTime() <= now) throw unauthenticated("This API key has expired.");
  const tenant = await activeTenant(key.tenantId, deps);
  if (!recentlyTouched.get(key.id)) {
    recentlyTouched.set(key.id, true);
    deps.waitUntil(
      deps.store
        .touchApiKey(key.id, new Date(now))
        .catch((error) => deps.log.warn("could not record API key use", { keyId: key.id, error })),
    );
  }
  return { kind: "api-key", tenantId: tenant.id, keyId: key.id, scopes: key.scopes, playerId: key.playerId };
}

async function authenticatePlayerJwt(token: string, tenantId: string | undefined, deps: AuthDeps): Promise<Principal> {
  if (!tenantId) throw unauthenticated(`A player token needs the ${TENANT_HEADER} header naming its tenant.`);
  const tenant = await activeTenant(tenantId, deps);
  const playerId = await verifyPlayerJwt(token, tenant, deps);
  return { kind: "player-jwt", tenantId: tenant.id, playerId, scopes: ["player"] };
}

async function activeTenant(tenantId: string, deps: AuthDeps): Promise<TenantRecord> {
  let tenant = tenantCache.get(tenantId);
  if (tenant === undefined) {
    tenant = await deps.store.getTenant(tenantId);
    tenantCache.set(tenantId, tenant);
  }
  if (!tenant) throw unauthenticated("Unknown tenant.");
  if (tenant.status !== "active") throw new ApiError("FORBIDDEN", "This tenant is suspended.");
  return tenant;
}

/** Forget cached auth data this isolate holds (after revoking a key or changing a tenant). */
export function forgetApiKey(keyId: string): void {
  apiKeyCache.delete(keyId);
}
export function forgetTenant(tenantId: string): void {
  tenantCache.delete(tenantId);
}
