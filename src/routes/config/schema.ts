// Schemas shared by the /config tenancy routes: tenants and API keys.
import { z } from "@hono/zod-openapi";
import { PLAYER_ID_PATTERN } from "../../auth/player-jwt";
import { pageOf } from "../../http/pagination";

export const ScopeSchema = z.enum(["admin", "operator", "player"]).openapi({
  description:
    "`admin`: everything in the tenant; `operator`: VMs and config, read billing; `player`: launch and its own sessions",
  example: "operator",
});

export const PlayerIdSchema = z
  .string()
  .regex(PLAYER_ID_PATTERN, "must be 1-128 of A-Z a-z 0-9 . _ : @ | -")
  .openapi({ description: "The platform's player id", example: "player-42" });

const Timestamp = z.string().openapi({ description: "RFC 3339 timestamp (UTC)", example: "2026-11-27T10:00:00.000Z" });

export const PlayerAuthSchema = z
  .strictObject({
    audience: z.string().min(1).max(256).openapi({ description: "Required `aud` claim", example: "acme-launcher" }),
    issuer: z
      .string()
      .min(1)
      .max(256)
      .nullable()
      .default(null)
      .openapi({ description: "Required `iss` claim (null: any)", example: "https://auth.acme.example" }),
    hs256SecretName: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]{2,63}$/, "must be the NAME of a Worker secret (A-Z, 0-9, _)")
      .nullable()
      .default(null)
      .openapi({
        description: "HS256: name of the Worker secret holding the shared key (never the key)",
        example: "ACME_PLAYER_JWT_KEY",
      }),
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullable()
      .default(null)
      .openapi({ description: "RS256/ES256: the platform's JWKS URL", example: null }),
  })
  .refine((v) => (v.hs256SecretName === null) !== (v.jwksUrl === null), {
    message: "set exactly one of hs256SecretName and jwksUrl",
  })
  .openapi("PlayerAuth", { description: "How players may authenticate with the platform's own JWT (`sub` = player id)" });

export const TenantSchema = z
  .object({
    id: z.string().openapi({ example: "ten_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
    name: z.string().openapi({ example: "Acme Cloud Gaming" }),
    status: z.enum(["active", "suspended"]).openapi({ example: "active" }),
    playerAuth: PlayerAuthSchema.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .openapi("Tenant");

export const TenantNameSchema = z.string().trim().min(1).max(100).openapi({ example: "Acme Cloud Gaming" });

export const ApiKeySchema = z
  .object({
    id: z.string().openapi({ example: "key_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
    name: z.string().openapi({ example: "launcher backend" }),
    prefix: z.string().openapi({ description: "The token's first characters, to recognise it", example: "gpk_01jdz8k3" }),
    scopes: z.array(ScopeSchema),
    playerId: PlayerIdSchema.nullable(),
    createdAt: Timestamp,
    expiresAt: Timestamp.nullable(),
    lastUsedAt: Timestamp.nullable().openapi({ description: "Updated at most once a minute" }),
    revokedAt: Timestamp.nullable(),
  })
  .openapi("ApiKey");

export const CreatedApiKeySchema = ApiKeySchema.extend({
  token: z.string().openapi({
    description: "The secret token. Shown only in this response: store it now; only its hash is kept.",
    example: "gpk_01jdz8k3m5q7r9t1v3x5z7b9d1_Zm9vYmFyYmF6cXV4cXV1eGZvb2JhcmJhenF1eA",
  }),
}).openapi("CreatedApiKey");

export const ApiKeyPageSchema = pageOf(ApiKeySchema, "ApiKeyPage");
export const TenantPageSchema = pageOf(TenantSchema, "TenantPage");

export const KeyIdParamSchema = z.object({
  id: z
    .string()
    .regex(/^key_[0-9a-z]{1,64}$/, "must be an API key id (key_…)")
    .openapi({ param: { name: "id", in: "path" }, example: "key_01jdz8k3m5q7r9t1v3x5z7b9d1" }),
});
