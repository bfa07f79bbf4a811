// Builds the API: middleware in order, route groups, docs, error handling.
// Kept free of `cloudflare:*` imports so it can be built in any test environment.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { methodNotAllowed as methodNotAllowedMiddleware } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import { createRouter } from "./http/factory";
import { accessLog } from "./http/middleware/access-log";
import { bodyLimit } from "./http/middleware/body-limit";
import { config } from "./http/middleware/config";
import { cors } from "./http/middleware/cors";
import { devSeed } from "./http/middleware/dev-seed";
import { requestId } from "./http/middleware/request-id";
import { services } from "./http/middleware/services";
import { methodNotAllowed, notFound, onError } from "./http/on-error";
import { registerDocs } from "./http/openapi";
import type { AppEnv } from "./http/types";
import { billingRoutes } from "./routes/billing";
import { configRoutes } from "./routes/config";
import { healthRoutes } from "./routes/health";
import { launchRoutes } from "./routes/launch";
import { vmRoutes } from "./routes/vms";
import { buildServices, type ServicesFactory } from "./services";

export interface AppOptions {
  /** Replaces the per-request infrastructure (tests inject failing health checks this way). */
  services?: ServicesFactory;
  /** Extra routers mounted at `/` after the built-in ones (tests use it for probe routes). */
  extraRoutes?: OpenAPIHono<AppEnv>[];
}

export function createApp(options: AppOptions = {}): OpenAPIHono<AppEnv> {
  const app = createRouter();

  // Order matters: the id and the log line must exist even when settings are invalid.
  app.use(requestId());
  app.use(accessLog());
  app.use(methodNotAllowedMiddleware({ app, onMethodNotAllowed: methodNotAllowed }));
  app.use(secureHeaders());
  app.use(config());
  app.use(cors());
  app.use(bodyLimit());
  app.use(services(options.services ?? buildServices));
  app.use(devSeed());

  app.route("/", healthRoutes);
  app.route("/", configRoutes);
  app.route("/", vmRoutes);
  app.route("/", launchRoutes);
  app.route("/", billingRoutes);
  for (const routes of options.extraRoutes ?? []) app.route("/", routes);

  registerDocs(app);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}
