// The Hono environment shared by every router and middleware.
import type { Principal } from "../auth/principal";
import type { Config } from "../env";
import type { Logger } from "../logger";
import type { Services } from "../services";

export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Echoed in `X-Request-Id` and in every problem and log line. */
    requestId: string;
    /** Request-scoped structured logger (carries the request id). */
    log: Logger;
    /** Parsed settings; present on every request that reaches a handler. */
    config: Config;
    /** Infrastructure built for this request (store, actor clients, health checks). */
    services: Services;
    /** Set by `requireAuth` on protected routes. */
    principal?: Principal;
  };
};
