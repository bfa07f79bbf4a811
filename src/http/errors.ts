// The closed error model: every failure the API reports has one of these codes, and is sent
// as RFC 9457 problem+json by `problem()` below. Add a code here before using it anywhere.
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ERRORS = {
  BAD_REQUEST: { status: 400, title: "Bad request" },
  MALFORMED_JSON: { status: 400, title: "Malformed JSON" },
  VALIDATION_FAILED: { status: 400, title: "Validation failed" },
  UNAUTHENTICATED: { status: 401, title: "Authentication required" },
  BUDGET_EXCEEDED: { status: 402, title: "Budget exceeded" },
  FORBIDDEN: { status: 403, title: "Forbidden" },
  NOT_FOUND: { status: 404, title: "Not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  CONFLICT: { status: 409, title: "Conflict" },
  NO_FEASIBLE_PLACEMENT: { status: 409, title: "No feasible placement" },
  PRECONDITION_FAILED: { status: 412, title: "Precondition failed" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  INTERNAL: { status: 500, title: "Internal server error" },
  MISCONFIGURED: { status: 500, title: "Server misconfigured" },
  SERVICE_UNAVAILABLE: { status: 503, title: "Service unavailable" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

/** Where a validation problem is: `body.region`, `query.limit`, `path.id`, `header.if-match`. */
export const FieldErrorSchema = z
  .object({
    location: z.string().openapi({ example: "body.region" }),
    message: z.string().openapi({ example: "Invalid input: expected string, received number" }),
  })
  .openapi("FieldError");
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const ProblemSchema = z
  .object({
    type: z.string().openapi({
      description: "URI identifying the problem type (stable per code)",
      example: "urn:gamer-provisioner:problem:validation-failed",
    }),
    title: z.string().openapi({ description: "Short summary of the problem type", example: "Validation failed" }),
    status: z.number().int().openapi({ description: "HTTP status code", example: 400 }),
    detail: z.string().openapi({
      description: "Explanation specific to this occurrence",
      example: "The request has 1 invalid field.",
    }),
    code: z.enum(ERROR_CODES).openapi({ description: "Stable machine-readable error code", example: "VALIDATION_FAILED" }),
    requestId: z
      .string()
      .openapi({ description: "Echo of X-Request-Id; quote it when reporting a problem", example: "req_3f9c2a7d" }),
    instance: z.string().optional().openapi({ description: "The request path", example: "/vms" }),
    errors: z.array(FieldErrorSchema).optional().openapi({ description: "Per-field problems (validation failures only)" }),
  })
  .openapi("Problem", { description: "An RFC 9457 problem details object" });
export type Problem = z.infer<typeof ProblemSchema>;

export interface ApiErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  cause?: unknown;
}

/** The one error type handlers throw; `onError` turns it into problem+json. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, detail: string, options: ApiErrorOptions = {}) {
    super(detail, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.errors = options.errors;
    this.headers = options.headers;
  }
}

export function problemType(code: ErrorCode): string {
  return `urn:gamer-provisioner:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Builds the problem+json response for `error` on this request. */
export function problem(c: Context, error: ApiError): Response {
  const body: Problem = {
    type: problemType(error.code),
    title: ERRORS[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    requestId: (c.get("requestId") as string | undefined) ?? "",
    instance: c.req.path,
    ...(error.errors ? { errors: error.errors } : {}),
  };
  return c.body(JSON.stringify(body), error.status, { ...error.headers, "Content-Type": PROBLEM_CONTENT_TYPE });
}
