// Builds this request's infrastructure (see src/services.ts) and puts it on the context.
import type { MiddlewareHandler } from "hono";
import type { ServicesFactory } from "../../services";
import type { AppEnv } from "../types";

export const services =
  (factory: ServicesFactory): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const log = c.get("log");
    const waitUntil = (promise: Promise<unknown>) => {
      try {
        c.executionCtx.waitUntil(promise);
      } catch {
        // No execution context (an app called directly, as in some tests): let it run detached.
        promise.catch((error) => log.warn("background work failed", { error }));
      }
    };
    c.set("services", factory({ env: c.env, config: c.get("config"), log, waitUntil }));
    await next();
  };
