// Puts a request-scoped logger on the context and, once the response (including any error
// response) is known, writes one structured line per request and one `request` metrics data
// point (src/metrics/writer.ts) with the same route template, method, status and duration.
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { LOG_LEVELS } from "../../env";
import { createLogger, type LogLevel } from "../../logger";
import { metricsWriter } from "../../metrics/writer";
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
  const matched = routePath(c, -1);
  const route = matched === "*" || matched === "/*" ? null : routeTemplate(matched);
  const durationMs = Math.round((performance.now() - started) * 10) / 10;
  log[status >= 500 ? "error" : status >= 400 ? "warn" : "info"]("request", {
    method: c.req.method,
    route,
    path: c.req.path,
    status,
    durationMs,
  });
  const principal = c.get("principal");
  metricsWriter(c.env).request({
    route,
    method: c.req.method,
    status,
    durationMs,
    tenantId: principal && principal.kind !== "root" ? principal.tenantId : null,
  });
};

/** Hono's route path (`/vms/:id`) as the OpenAPI document writes it (`/vms/{id}`). */
export function routeTemplate(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)(?:\{[^}]*\})?\??/g, "{$1}");
}
