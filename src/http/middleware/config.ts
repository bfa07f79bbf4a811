// Validates the Worker's settings before anything uses them. When one is missing or invalid
// every request answers 500 MISCONFIGURED naming the setting (never its value), and it is logged.
import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../../env";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

export const config = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const result = loadConfig(c.env ?? {});
  if (!result.ok) {
    c.get("log").error("invalid configuration", { problems: result.problems });
    const names = [...new Set(result.problems.map((p) => p.setting))].join(", ");
    throw new ApiError("MISCONFIGURED", `The server is misconfigured: invalid or missing setting(s) ${names}. See the logs.`);
  }
  c.set("config", result.config);
  await next();
};
