// Players can authenticate with their platform's own JWT (`sub` = player id) instead of a
// long-lived key. Each tenant configures the audience, the issuer and either an HS256 key (by
// the name of a Worker secret) or a JWKS URL (RS256/ES256).
import { verify, verifyWithJwks } from "hono/jwt";
import { ApiError } from "../http/errors";
import type { PlayerAuthConfig, TenantRecord } from "../store/types";
import { type JsonWebKeyWithKid, jwksCache } from "./cache";
import { unauthenticated } from "./unauthenticated";

export const PLAYER_ID_PATTERN = /^[A-Za-z0-9._:@|-]{1,128}$/;

export interface JwtDeps {
  /** Reads a Worker secret by name. */
  secret(name: string): string | undefined;
  fetch: typeof fetch;
}

export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

/** Verifies a player's JWT for this tenant and returns the player id (`sub`). */
export async function verifyPlayerJwt(token: string, tenant: TenantRecord, deps: JwtDeps): Promise<string> {
  const auth = tenant.playerAuth;
  if (!auth) throw unauthenticated("This tenant does not accept player tokens; use an API key.");
  const verification = { aud: auth.audience, ...(auth.issuer ? { iss: auth.issuer } : {}), exp: true, nbf: true };
  let payload: Record<string, unknown>;
  try {
    payload = auth.hs256SecretName
      ? await verify(token, hs256Key(auth, deps), { alg: "HS256", ...verification })
      : await verifyWithJwks(token, { keys: await jwks(auth, deps), allowedAlgorithms: ["RS256", "ES256"], verification });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const name = error instanceof Error ? error.name : "";
    throw unauthenticated(
      name === "JwtTokenExpired" ? "The player token has expired." : "The player token is not valid for this tenant.",
    );
  }
  if (typeof payload.exp !== "number") throw unauthenticated("The player token must have an exp claim.");
  const sub = payload.sub;
  if (typeof sub !== "string" || !PLAYER_ID_PATTERN.test(sub)) {
    throw unauthenticated("The player token's sub claim must be a player id (1-128 of A-Z a-z 0-9 . _ : @ | -).");
  }
  return sub;
}

function hs256Key(auth: PlayerAuthConfig, deps: JwtDeps): string {
  const key = auth.hs256SecretName ? deps.secret(auth.hs256SecretName) : undefined;
  if (!key) throw unauthenticated("This tenant's player token key is not configured on the server.");
  return key;
}

async function jwks(auth: PlayerAuthConfig, deps: JwtDeps): Promise<JsonWebKeyWithKid[]> {
  const url = auth.jwksUrl;
  if (!url) throw unauthenticated("This tenant's player token key is not configured.");
  const cached = jwksCache.get(url);
  if (cached) return cached;
  let keys: JsonWebKeyWithKid[];
  try {
    const res = await deps.fetch(url, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error("no keys array");
    keys = body.keys as JsonWebKeyWithKid[];
  } catch (cause) {
    throw new ApiError("SERVICE_UNAVAILABLE", "The tenant's JWKS endpoint could not be read; retry later.", {
      cause,
      headers: { "Retry-After": "5" },
    });
  }
  jwksCache.set(url, keys);
  return keys;
}
