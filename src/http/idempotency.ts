// The Idempotency-Key request header, shared by every operation that honours it.
import { z } from "@hono/zod-openapi";

export function idempotencyKeyHeader(description: string) {
  return z.object({
    "idempotency-key": z
      .string()
      .regex(/^[\x21-\x7e]{1,255}$/, "must be 1-255 visible ASCII characters")
      .optional()
      .openapi({ description, example: "click-7f3a" }),
  });
}
