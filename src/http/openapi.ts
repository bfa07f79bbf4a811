// OpenAPI 3.1 document at /openapi.json and interactive docs (Scalar) at /docs.
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { Config } from "../env";
import { API_TITLE, VERSION } from "../version";
import type { AppEnv } from "./types";

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";
export const BEARER_SCHEME = "bearerAuth";
export const AGENT_SCHEME = "agentToken";

export const TAGS = [
  { name: "launch", description: "Players ask to play: placement, session start or resume, live status" },
  { name: "vms", description: "VM lifecycle on cloud providers and the in-VM agent callbacks" },
  { name: "config", description: "Tenants, API keys, emulator profiles, provider catalogs and tenant policy" },
  { name: "billing", description: "Usage metering, costs, budgets that act, scheduled checks" },
  { name: "health", description: "Identity, readiness and liveness" },
];

/** How the document names the environment it describes (OWASP API9: inventory). */
const ENVIRONMENT_LABEL: Record<Config["ENVIRONMENT"], string> = {
  development: "local development",
  staging: "staging",
  production: "production",
};

export function registerDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "An API key (`gpk_...`) or, for players on /launch, a platform-issued JWT: `Authorization: Bearer <token>`.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", AGENT_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The per-VM agent token from the VM's user data (the in-VM agent's credential, not an API key).",
  });
  app.doc31(OPENAPI_PATH, (c) => {
    const environment = (c.get("config") as Config | undefined)?.ENVIRONMENT ?? "production";
    return {
      openapi: "3.1.0",
      info: {
        title: API_TITLE,
        version: VERSION,
        description:
          "Control plane that puts cloud-gaming players on GPU VMs close to them. " +
          "Every error is `application/problem+json` (RFC 9457) with a stable `code` and the request's `requestId`.",
        contact: { name: "Gamer Provisioner platform team" },
      },
      servers: [
        {
          url: new URL(c.req.url).origin,
          description: `This deployment (${ENVIRONMENT_LABEL[environment]})`,
          // Public: players' launchers call it from the internet.
          "x-internal": false,
        },
      ],
      tags: TAGS,
    };
  });
  app.get(DOCS_PATH, Scalar({ url: OPENAPI_PATH, pageTitle: `${API_TITLE} — API reference` }));
}
