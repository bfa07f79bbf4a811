// Builds this request's infrastructure (see src/services.ts) and puts it on the context.
import type { MiddlewareHandler } from "hono";
import type { ServicesFactory } from "../../services";
import type { AppEnv } from "../types";

export const services =
  (factory: ServicesFactory): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    c.set("services", factory({ env: c.env, config: c.get("config"), log: c.get("log") }));
    await next();
  };
