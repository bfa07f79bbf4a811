// Settings (vars and secrets) parsed once per isolate with zod. A bad setting must never
// half-start the API: every request then gets a clear 500 naming the setting, never its value.
import { z } from "@hono/zod-openapi";

export const ENVIRONMENTS = ["development", "staging", "production"] as const;
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** An exact browser origin: scheme, host and optional port, nothing else. */
const Origin = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.origin === value;
  } catch {
    return false;
  }
}, "must be a comma-separated list of origins like https://play.example.com (no path, no trailing slash)");

const OriginList = z
  .string()
  .default("")
  .transform((raw) =>
    raw
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part.length > 0),
  )
  .pipe(z.array(Origin));

/** An API key token as issued by this API (`gpk_<26 id chars>_<secret>`). */
const ApiKeyToken = z
  .string()
  .regex(/^gpk_[0-9a-z]{26}_[A-Za-z0-9_-]{32,128}$/, "must be an API key token: gpk_<26 id chars>_<32+ secret chars>");

export const ConfigSchema = z
  .object({
    ENVIRONMENT: z.enum(ENVIRONMENTS),
    ALLOWED_ORIGINS: OriginList,
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    MAX_BODY_BYTES: z.coerce
      .number()
      .int("must be a whole number of bytes")
      .min(1024, "must be at least 1024")
      .max(10 * 1024 * 1024, "must be at most 10485760")
      .default(1048576),
    /** Which Store backs the API: the embedded D1 database or MongoDB Atlas. */
    STORE: z.enum(["d1", "mongo"]).default("d1"),
    /** Secret. Seed-list connection string (`mongodb://` or `mongodb+srv://`); required with STORE=mongo. */
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/, "must be a mongodb:// or mongodb+srv:// connection string")
      .optional(),
    MONGODB_DATABASE: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, "must be 1-63 letters, digits, '_' or '-'")
      .default("gamer_provisioner"),
    /** How many MongoGateway Durable Objects share the load (each holds one small connection pool). */
    MONGO_GATEWAY_SHARDS: z.coerce.number().int().min(1).max(64).default(4),
    /** Secret. The root credential: creates tenants and their first admin key. */
    ROOT_API_KEY: z.string().min(32, "must be at least 32 characters").optional(),
    /** Development only: the demo tenant's admin and player keys seeded by `npm start`. */
    DEV_ADMIN_API_KEY: ApiKeyToken.optional(),
    DEV_PLAYER_API_KEY: ApiKeyToken.optional(),
  })
  .superRefine((config, ctx) => {
    if (config.STORE === "mongo" && !config.MONGODB_URI) {
      ctx.addIssue({ code: "custom", path: ["MONGODB_URI"], message: "is required when STORE=mongo" });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/** One problem with one setting. `message` never contains the setting's value. */
export interface SettingProblem {
  setting: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: SettingProblem[] };

// The bindings object is stable for an isolate, so parse it once per object.
const cache = new WeakMap<object, ConfigResult>();

export function loadConfig(bindings: object): ConfigResult {
  const cached = cache.get(bindings);
  if (cached) return cached;
  const result = parseConfig(bindings as Record<string, unknown>);
  cache.set(bindings, result);
  return result;
}

export function parseConfig(raw: Record<string, unknown>): ConfigResult {
  // Only the keys the schema knows are read: bindings may hold objects (D1, Durable Objects).
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.shape) as (keyof Config)[]) {
    const value = raw[key];
    // An empty var means "not set" so that defaults apply.
    input[key] = value === "" && key !== "ALLOWED_ORIGINS" ? undefined : value;
  }
  const parsed = ConfigSchema.safeParse(input);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.map((issue) => ({
    setting: String(issue.path[0] ?? "unknown"),
    message: input[String(issue.path[0])] === undefined && issue.code !== "custom" ? "is required" : issue.message,
  }));
  return { ok: false, problems };
}
