// The one router factory: every route group is built here so validation errors and
// context types are identical everywhere.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./types";
import { validationHook } from "./validation";

export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
