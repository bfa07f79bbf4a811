// Per-request infrastructure. Built by one middleware and put on the context, so handlers never
// construct I/O objects and never read `c.env`. Nothing here may be cached at module scope:
// workerd cancels a request that touches another request's socket.
import type { Config } from "./env";
import type { HealthCheck } from "./health/checks";
import type { Logger } from "./logger";

export interface Services {
  /** Dependency checks reported by GET /health (the store registers one). */
  healthChecks: HealthCheck[];
}

export interface ServiceContext {
  env: Env;
  config: Config;
  log: Logger;
}

export type ServicesFactory = (ctx: ServiceContext) => Services;

export const buildServices: ServicesFactory = () => ({
  healthChecks: [],
});
