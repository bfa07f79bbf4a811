// Seeds the development tenant once per isolate before the first request is handled.
// Only with ENVIRONMENT=development; a failed attempt is retried by the next request.
import type { MiddlewareHandler } from "hono";
import { seedDevelopmentTenant } from "../../auth/dev-seed";
import type { AppEnv } from "../types";

let seeded: Promise<void> | undefined;

export const devSeed = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const config = c.get("config");
  if (config.ENVIRONMENT === "development" && (config.DEV_ADMIN_API_KEY || config.DEV_PLAYER_API_KEY)) {
    seeded ??= seedDevelopmentTenant(c.get("services").store, config).catch((error) => {
      seeded = undefined;
      c.get("log").warn("development seed failed; will retry", { error });
    });
    await seeded;
  }
  await next();
};
