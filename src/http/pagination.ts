// Shared query parameters and envelope for cursor-paginated lists.
import { z } from "@hono/zod-openapi";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "../store/types";

export const PageQuerySchema = z.object({
  cursor: z.string().max(1024).optional().openapi({
    description: "`nextCursor` from the previous page; omit for the first page",
    // Documented, not enforced here: decodeCursor answers 400 BAD_REQUEST to anything else.
    pattern: "^[A-Za-z0-9_-]{1,1024}$",
    example: "InZtXzAxIg",
  }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .openapi({ description: `Items per page (1-${MAX_PAGE_LIMIT})`, example: DEFAULT_PAGE_LIMIT }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` to read the next page; null at the end" }),
    })
    .openapi(name);
}
