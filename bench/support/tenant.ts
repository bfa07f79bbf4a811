// A benchmark's own tenant and API keys on a local API (see ./local-api.ts), made through the API
// itself: the root key creates the tenant (and its first admin key), the admin key issues the rest.
//
//   const { tenantId, adminKey } = await createTenant(api, "load test");
//   const operators = await createApiKeys(api.baseUrl, adminKey, { count: 20, scopes: ["operator"] });
//   const { perCredential } = rateLimits();     // from wrangler.toml: { limit: 1200, period: 60 }
//
// Each credential has its own rate-limit bucket (KEY_RATE_LIMITER), so a load test spreads its
// requests over enough keys (`keysFor`) to measure the API, not the limiter.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./local-api";

export type Scope = "admin" | "operator" | "player";

/** A failed API call: the status and the problem+json body (or the first bytes of the text). */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body.slice(0, 500)}`);
    this.name = "ApiCallError";
  }
}

/** One JSON call with a bearer token; resolves to the parsed body of a 2xx, throws ApiCallError otherwise. */
export async function apiCall<T>(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new ApiCallError(response.status, text, `${method} ${path}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface BenchTenant {
  tenantId: string;
  /** The tenant's first admin key (token). */
  adminKey: string;
}

/** POST /config/tenants with the root key: a new tenant (default catalog) and its admin key. */
export async function createTenant(api: { baseUrl: string; rootKey: string }, name: string): Promise<BenchTenant> {
  const created = await apiCall<{ tenant: { id: string }; adminKey: { token: string } }>(
    api.baseUrl,
    api.rootKey,
    "POST",
    "/config/tenants",
    { name },
  );
  return { tenantId: created.tenant.id, adminKey: created.adminKey.token };
}

export interface CreateKeysOptions {
  count: number;
  scopes: Scope[];
  /** Required with the player scope (the same player for every key). */
  playerId?: string;
  /** Key names are `<namePrefix> <n>`. Default "bench key". */
  namePrefix?: string;
  /** Requests in flight at once. Default 8. */
  concurrency?: number;
}

/**
 * POST /config/api-keys `count` times with an admin key; resolves to the tokens. At most
 * (per-credential limit − 100) keys per admin key and minute: ask for more with several admin keys.
 */
export async function createApiKeys(baseUrl: string, adminKey: string, options: CreateKeysOptions): Promise<string[]> {
  const budget = rateLimits().perCredential.limit - 100;
  if (options.count > budget) {
    throw new Error(`createApiKeys: ${options.count} keys exceed what one admin key may create per minute (${budget})`);
  }
  const tokens: string[] = new Array(options.count);
  let next = 0;
  const worker = async () => {
    while (next < options.count) {
      const n = next++;
      const created = await apiCall<{ token: string }>(baseUrl, adminKey, "POST", "/config/api-keys", {
        name: `${options.namePrefix ?? "bench key"} ${n + 1}`,
        scopes: options.scopes,
        ...(options.playerId ? { playerId: options.playerId } : {}),
      });
      tokens[n] = created.token;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, options.count) }, worker));
  return tokens;
}

export interface RateLimit {
  limit: number;
  period: number;
}

/** The [[ratelimits]] of wrangler.toml: per credential (KEY_RATE_LIMITER) and per player (PLAYER_RATE_LIMITER). */
export function rateLimits(): { perCredential: RateLimit; perPlayer: RateLimit } {
  const toml = readFileSync(join(PROJECT_ROOT, "wrangler.toml"), "utf8");
  const find = (name: string): RateLimit => {
    const block = new RegExp(
      `name\\s*=\\s*"${name}"[^\\[]*?simple\\s*=\\s*\\{\\s*limit\\s*=\\s*(\\d+)\\s*,\\s*period\\s*=\\s*(\\d+)`,
    ).exec(toml);
    if (!block?.[1] || !block[2])
      throw new Error(`wrangler.toml: no [[ratelimits]] named ${name} with simple = { limit, period }`);
    return { limit: Number(block[1]), period: Number(block[2]) };
  };
  return { perCredential: find("KEY_RATE_LIMITER"), perPlayer: find("PLAYER_RATE_LIMITER") };
}

/**
 * How many credentials `requests` requests need so that none exceeds `share` of its per-credential
 * limit (default 80 %), assuming they are spread evenly and all fall in one rate-limit window.
 */
export function keysFor(requests: number, share = 0.8): number {
  const { perCredential } = rateLimits();
  return Math.max(1, Math.ceil(requests / Math.floor(perCredential.limit * share)));
}
