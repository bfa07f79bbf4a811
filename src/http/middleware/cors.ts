// CORS from settings: any origin in development, otherwise only ALLOWED_ORIGINS.
import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";
import { TENANT_HEADER } from "../../auth/authenticate";
import type { Config } from "../../env";
import type { AppEnv } from "../types";
import { REQUEST_ID_HEADER } from "./request-id";

const handler = honoCors({
  origin: (origin, c) => {
    const { ENVIRONMENT, ALLOWED_ORIGINS } = c.get("config") as Config;
    if (ENVIRONMENT === "development") return "*";
    return ALLOWED_ORIGINS.includes(origin) ? origin : null;
  },
  allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  // Every request header the API reads: a browser launcher sends X-Tenant-Id with a player JWT.
  allowHeaders: [
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-Match",
    "If-None-Match",
    "Last-Event-ID",
    TENANT_HEADER,
    REQUEST_ID_HEADER,
  ],
  exposeHeaders: [REQUEST_ID_HEADER, "ETag", "Location", "Retry-After", "WWW-Authenticate"],
  maxAge: 600,
});

export const cors = (): MiddlewareHandler<AppEnv> => handler as unknown as MiddlewareHandler<AppEnv>;
