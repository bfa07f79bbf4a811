// POST /config/api-keys (admin): issue a key; its token is shown once, only its hash is kept.
import { createRoute, type RouteHandler, z } from "@hono/zod-openapi";
import { newApiKey } from "../../auth/api-keys";
import { tenantPrincipal } from "../../http/middleware/auth";
import { errorResponses } from "../../http/responses";
import { guarded } from "../../http/security";
import type { AppEnv } from "../../http/types";
import { validationError } from "../../http/validation";
import { apiKeyBody } from "./mappers";
import { CreatedApiKeySchema, PlayerIdSchema, ScopeSchema } from "./schema";

const CreateApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ example: "launcher backend" }),
    scopes: z
      .array(ScopeSchema)
      .min(1)
      .max(3)
      .refine((s) => new Set(s).size === s.length, "must not repeat a scope")
      .refine((s) => !s.includes("player") || s.length === 1, "a player key has only the player scope"),
    playerId: PlayerIdSchema.optional().openapi({ description: "Required with the player scope: the player this key acts for" }),
    expiresAt: z.iso
      .datetime({ offset: true })
      .max(64)
      .optional()
      .openapi({ description: "When the key stops working (RFC 3339, in the future); omit for no expiry" }),
  })
  .refine((v) => v.scopes.includes("player") === (v.playerId !== undefined), {
    message: "playerId is required with the player scope and allowed only with it",
    path: ["playerId"],
  })
  .openapi("CreateApiKey");

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/config/api-keys",
  operationId: "createApiKey",
  tags: ["config"],
  summary: "Create an API key",
  description:
    "Issues an API key with the given scopes. The token is returned in this response only; the API keeps just its " +
    "SHA-256. Player keys are bound to one player id. Scope `admin`.",
  ...guarded({ scopes: ["admin"] }),
  request: { body: { required: true, content: { "application/json": { schema: CreateApiKeyBody } } } },
  responses: {
    201: { description: "The key and its token (shown once)", content: { "application/json": { schema: CreatedApiKeySchema } } },
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

export const createApiKey: RouteHandler<typeof createApiKeyRoute, AppEnv> = async (c) => {
  const { tenantId } = tenantPrincipal(c);
  const body = c.req.valid("json");
  const now = new Date();
  const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (expiresAt && expiresAt <= now) {
    throw validationError("body", [
      { code: "custom", path: ["expiresAt"], message: "must be in the future", input: body.expiresAt },
    ]);
  }
  const { record, token } = await newApiKey({
    tenantId,
    name: body.name,
    scopes: body.scopes,
    playerId: body.playerId ?? null,
    expiresAt,
    now,
  });
  await c.get("services").store.createApiKey(record);
  c.get("log").info("api key created", { keyId: record.id, scopes: record.scopes });
  return c.json({ ...apiKeyBody(record), token }, 201, { Location: `/config/api-keys/${record.id}` });
};
