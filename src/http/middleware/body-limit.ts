// Rejects request bodies above MAX_BODY_BYTES with 413 before any handler reads them.
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

export const bodyLimit = (): MiddlewareHandler<AppEnv> => (c, next) => {
  const maxSize = c.get("config").MAX_BODY_BYTES;
  return honoBodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError("PAYLOAD_TOO_LARGE", `The request body exceeds the limit of ${maxSize} bytes.`);
    },
  })(c, next);
};
