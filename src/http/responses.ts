// Documented error responses, spread into every route's `responses` so the OpenAPI document
// lists each problem a route can answer with.
import { ProblemSchema } from "./errors";

const DESCRIPTIONS = {
  400: "Malformed JSON or invalid input (`MALFORMED_JSON`, `VALIDATION_FAILED`, `BAD_REQUEST`)",
  401: "Missing, unknown, expired or revoked credential (`UNAUTHENTICATED`)",
  402: "A budget in scope has less left than this would cost (`BUDGET_EXCEEDED`); the detail names it",
  403: "The credential lacks the required scope (`FORBIDDEN`)",
  404: "No such resource in this tenant (`NOT_FOUND`)",
  405: "The path exists but not with this method (`METHOD_NOT_ALLOWED`)",
  409: "Conflicts with the current state (`CONFLICT`)",
  412: "`If-Match` does not match the current ETag (`PRECONDITION_FAILED`)",
  413: "The request body is too large (`PAYLOAD_TOO_LARGE`)",
  415: "The request body is not application/json (`UNSUPPORTED_MEDIA_TYPE`)",
  429: "Rate limit exceeded; retry after `Retry-After` seconds (`RATE_LIMITED`)",
  500: "Unexpected error or misconfiguration (`INTERNAL`, `MISCONFIGURED`)",
  503: "A required dependency is unavailable (`SERVICE_UNAVAILABLE`)",
} as const;

export type ErrorStatus = keyof typeof DESCRIPTIONS;

const problemContent = { "application/problem+json": { schema: ProblemSchema } };

// A type alias, not an interface: the OpenAPI types index extensions (`x-…`), which an interface cannot satisfy.
type HeaderObject = {
  description: string;
  schema: { type: "string" | "integer"; example?: string | number; minimum?: number; maximum?: number; maxLength?: number };
};

const RETRY_AFTER: HeaderObject = {
  description: "Seconds to wait before retrying",
  schema: { type: "integer", minimum: 0, maximum: 86_400, example: 60 },
};

/** The headers each problem carries (the error model sets them; see src/http/errors.ts callers). */
const HEADERS: Partial<Record<ErrorStatus, Record<string, HeaderObject>>> = {
  401: {
    "WWW-Authenticate": {
      description: "The Bearer challenge (RFC 6750)",
      schema: { type: "string", maxLength: 256, example: 'Bearer realm="gamer-provisioner", error="invalid_token"' },
    },
  },
  405: {
    Allow: { description: "The methods the path supports", schema: { type: "string", maxLength: 64, example: "GET, HEAD" } },
  },
  429: { "Retry-After": RETRY_AFTER },
  503: { "Retry-After": RETRY_AFTER },
};

type ErrorResponse = { description: string; content: typeof problemContent; headers?: Record<string, HeaderObject> };

/** `errorResponses(400, 404)` → the `responses` entries for those problems, plus 500. */
export function errorResponses<const S extends readonly ErrorStatus[]>(...statuses: S) {
  const out = {} as Record<S[number] | 500, ErrorResponse>;
  for (const status of [...statuses, 500 as const]) {
    const headers = HEADERS[status];
    out[status] = { description: DESCRIPTIONS[status], content: problemContent, ...(headers ? { headers } : {}) };
  }
  return out;
}
