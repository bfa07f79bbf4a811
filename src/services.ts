// Per-request infrastructure. Built by one middleware and put on the context, so handlers never
// construct I/O objects and never read `c.env`. Nothing here may be cached at module scope:
// workerd cancels a request that touches another request's socket.
import { type PlayerActors, playerActors } from "./actors/player/client";
import { type VmActors, vmActors } from "./actors/vm/client";
import { type WebhookActors, webhookActors } from "./actors/webhooks/client";
import type { AuthDeps } from "./auth/authenticate";
import type { RateLimiters } from "./auth/rate-limit";
import type { Config } from "./env";
import type { HealthCheck } from "./health/checks";
import type { Logger } from "./logger";
import { createStore, storeHealthCheck } from "./store/create-store";
import type { Store } from "./store/types";

export interface Services {
  store: Store;
  /** Dependency checks reported by GET /health. */
  healthChecks: HealthCheck[];
  /** What authentication needs (store, secrets, background work). */
  auth: AuthDeps;
  rateLimiters: RateLimiters;
  /** The VM actor for a VM id. */
  vmActors: VmActors;
  /** The player actor for a (tenant, player). */
  playerActors: PlayerActors;
  /** The tenant's webhook actor (endpoints, deliveries); emit through src/webhooks/emit.ts. */
  webhooks: WebhookActors;
  /** Runs work after the response without delaying it. */
  waitUntil(promise: Promise<unknown>): void;
}

export interface ServiceContext {
  env: Env;
  config: Config;
  log: Logger;
  waitUntil(promise: Promise<unknown>): void;
}

export type ServicesFactory = (ctx: ServiceContext) => Services;

export const buildServices: ServicesFactory = ({ env, config, log, waitUntil }) => {
  const store = createStore(env, config);
  const secrets = env as unknown as Record<string, unknown>;
  return {
    store,
    healthChecks: [storeHealthCheck(store)],
    auth: {
      store,
      config,
      log,
      waitUntil,
      fetch: (input, init) => fetch(input, init),
      secret: (name) => {
        const value = secrets[name];
        return typeof value === "string" && value.length > 0 ? value : undefined;
      },
    },
    rateLimiters: { perCredential: env.KEY_RATE_LIMITER, perPlayer: env.PLAYER_RATE_LIMITER },
    vmActors: vmActors(env.VM_ACTOR),
    playerActors: playerActors(env.PLAYER_ACTOR),
    webhooks: webhookActors(env.WEBHOOK_ACTOR),
    waitUntil,
  };
};
