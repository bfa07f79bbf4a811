// POST /config/tenants (root): a new tenant and its first admin key, shown once.

import type { RouteHandler } from "@hono/zod-openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { newApiKey } from "../../auth/api-keys";
import { seedCatalog } from "../../catalog/tenant-catalog";
import { newId } from "../../domain/ids";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { apiKeyBody, tenantBody } from "./mappers";
import { CreatedApiKeySchema, PlayerAuthSchema, TenantNameSchema, TenantSchema } from "./schema";

const CreateTenantBody = z
  .strictObject({
    name: TenantNameSchema,
    playerAuth: PlayerAuthSchema.nullable().default(null),
  })
  .openapi("CreateTenant");

const CreatedTenantSchema = z.object({ tenant: TenantSchema, adminKey: CreatedApiKeySchema }).openapi("CreatedTenant");

export const createTenantRoute = createRoute({
  method: "post",
  path: "/config/tenants",
  operationId: "createTenant",
  tags: ["config"],
  summary: "Create a tenant",
  description:
    "Root credential only. Creates a tenant, its first `admin` API key (the token is in this response only) and its " +
    "starting catalog (the default emulator profiles, providers and policy). " +
    "The key is written before the tenant, so a failure never leaves a tenant nobody can administer.",
  ...guarded({ root: true }),
  request: { body: { required: true, content: { "application/json": { schema: CreateTenantBody } } } },
  responses: {
    201: { description: "The tenant and its admin key", content: { "application/json": { schema: CreatedTenantSchema } } },
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

export const createTenant: RouteHandler<typeof createTenantRoute, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const { store } = c.get("services");
  const now = new Date();
  const tenantId = newId("ten");
  const { record, token } = await newApiKey({
    tenantId,
    name: "initial admin key",
    scopes: ["admin"],
    playerId: null,
    expiresAt: null,
    now,
  });
  await store.createApiKey(record);
  const tenant = {
    id: tenantId,
    name: body.name,
    status: "active" as const,
    playerAuth: body.playerAuth,
    createdAt: now,
    updatedAt: now,
  };
  await store.createTenant(tenant);
  // The starting catalog; if this write fails the tenant still reads the same default (version 0).
  await seedCatalog(store, tenantId).catch((error) =>
    c.get("log").warn("could not write the default catalog", { tenantId, error }),
  );
  c.get("log").info("tenant created", { tenantId });
  return c.json({ tenant: tenantBody(tenant), adminKey: { ...apiKeyBody(record), token } }, 201, { Location: "/config/tenant" });
};
