// The error ladder: our ApiError → Hono's HTTPException → anything else (500, logged with its
// stack, generic detail to the client). Also the 404 and 405 answers.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { InvalidCursorError } from "../store/paging";
import { StoreUnavailableError } from "../store/types";
import { ApiError, type ErrorCode, problem } from "./errors";
import type { AppEnv } from "./types";

const HTTP_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  412: "PRECONDITION_FAILED",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
  503: "SERVICE_UNAVAILABLE",
};

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) {
    if (error.status >= 500) {
      c.get("log")?.error("request failed", {
        code: error.code,
        detail: error.message,
        ...(error.cause ? { cause: error.cause } : {}),
      });
    }
    return problem(c, error);
  }
  if (error instanceof HTTPException) return problem(c, fromHttpException(error));
  if (error instanceof InvalidCursorError) return problem(c, new ApiError("BAD_REQUEST", error.message));
  if (error instanceof StoreUnavailableError) {
    c.get("log")?.error("store unavailable", { error });
    return problem(
      c,
      new ApiError("SERVICE_UNAVAILABLE", "The data store is unavailable; retry later.", { headers: { "Retry-After": "5" } }),
    );
  }
  c.get("log")?.error("unhandled error", { error });
  return problem(c, new ApiError("INTERNAL", "An unexpected error occurred. Quote the request id if you report it."));
};

function fromHttpException(error: HTTPException): ApiError {
  if (error.status === 400 && /malformed json/i.test(error.message)) {
    return new ApiError("MALFORMED_JSON", "The request body is not valid JSON.");
  }
  if (error.status === 415) {
    return new ApiError("UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
  }
  const code = HTTP_EXCEPTION_CODES[error.status] ?? (error.status >= 500 ? "INTERNAL" : "BAD_REQUEST");
  return new ApiError(code, error.status >= 500 ? "An unexpected error occurred." : error.message || code);
}

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  problem(c, new ApiError("NOT_FOUND", `No route matches ${c.req.method} ${c.req.path}.`));

export const methodNotAllowed = (c: Context<AppEnv>, allowed: string[]) =>
  problem(
    c,
    new ApiError("METHOD_NOT_ALLOWED", `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(", ")}.`, {
      headers: { Allow: allowed.join(", ") },
    }),
  );
