// Puts a request-scoped logger on the context and writes one structured line per request
// once the response (including any error response) is known.
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { LOG_LEVELS } from "../../env";
import { createLogger, type LogLevel } from "../../logger";
import type { AppEnv } from "../types";

export const accessLog = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  // The logger exists before settings are validated, so read the level defensively.
  const rawLevel = (c.env as unknown as Record<string, unknown> | undefined)?.LOG_LEVEL;
  const level = LOG_LEVELS.includes(rawLevel as LogLevel) ? (rawLevel as LogLevel) : "info";
  const log = createLogger(level, { requestId: c.get("requestId") });
  c.set("log", log);
  const started = performance.now();
  await next();
  const status = c.res.status;
  const route = routePath(c, -1);
  log[status >= 500 ? "error" : status >= 400 ? "warn" : "info"]("request", {
    method: c.req.method,
    route: route === "*" || route === "/*" ? null : route,
    path: c.req.path,
    status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
};
