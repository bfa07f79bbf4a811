// The zod-openapi `defaultHook`: every request-validation failure becomes one 400 problem
// listing each bad field by location (`body.region`, `query.limit`, ...).
import type { Hook, z } from "@hono/zod-openapi";
import { ApiError, type FieldError } from "./errors";

const LOCATION: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by every route, whatever its types.
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  throw validationError(LOCATION[result.target] ?? result.target, result.error.issues);
};

export function validationError(location: string, issues: z.core.$ZodIssue[]): ApiError {
  const errors: FieldError[] = issues.map((issue) => ({
    location: [location, ...issue.path.map(String)].join("."),
    message: describeIssue(issue),
  }));
  const count = errors.length === 1 ? "1 invalid field" : `${errors.length} invalid fields`;
  return new ApiError("VALIDATION_FAILED", `The request has ${count}.`, { errors });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `Unknown field(s): ${issue.keys.join(", ")}`;
  return issue.message;
}
