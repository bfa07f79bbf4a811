// The properties every response must have, whatever was sent: never a 5xx, and every 4xx an
// RFC 9457 problem+json that agrees with the HTTP status and the closed error model.
import { ERRORS, ProblemSchema, problemType } from "../../../src/http/errors";

export interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export class PropertyFailure extends Error {
  override name = "PropertyFailure";
}

const clip = (text: string, max = 600) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);

export function describeExchange(sent: Sent, status: number, headers: Headers, text: string): string {
  const body =
    sent.body === undefined
      ? "(no body)"
      : typeof sent.body === "string"
        ? JSON.stringify(clip(sent.body, 300))
        : `${sent.body.byteLength} bytes`;
  const sentHeaders = Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, clip(v, 120)]));
  return [
    `→ ${sent.method} ${clip(sent.url, 300)}`,
    `  headers ${JSON.stringify(sentHeaders)}`,
    `  body ${body}`,
    `← ${status} ${headers.get("content-type") ?? "(no content-type)"}`,
    `  ${clip(text)}`,
  ].join("\n");
}

/** Throws a PropertyFailure naming the exchange when a response breaks a property. */
export function checkResponse(sent: Sent, res: Response, text: string): void {
  const fail = (why: string) => {
    throw new PropertyFailure(`${why}\n${describeExchange(sent, res.status, res.headers, text)}`);
  };
  if (res.status >= 500) fail(`server error ${res.status}`);
  if (res.status < 400) return;

  const requestId = res.headers.get("x-request-id");
  if (!requestId) fail("no X-Request-Id on an error response");
  if (!(res.headers.get("content-type") ?? "").startsWith("application/problem+json")) {
    fail("a 4xx that is not application/problem+json");
  }
  if (sent.method === "HEAD") return; // no body to check
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail("a problem+json body that is not JSON");
  }
  const parsed = ProblemSchema.safeParse(json);
  if (!parsed.success) fail(`not a valid problem: ${parsed.error.message}`);
  const problem = parsed.data as NonNullable<typeof parsed.data>;
  if (problem.status !== res.status) fail(`problem status ${problem.status} differs from HTTP ${res.status}`);
  if (ERRORS[problem.code].status !== res.status) fail(`code ${problem.code} does not belong to status ${res.status}`);
  if (problem.type !== problemType(problem.code)) fail(`type ${problem.type} does not match code ${problem.code}`);
  if (problem.title !== ERRORS[problem.code].title) fail(`title does not match code ${problem.code}`);
  if (problem.requestId !== requestId) fail("requestId differs from X-Request-Id");
  if (res.status === 401 && !res.headers.get("www-authenticate")) fail("a 401 without WWW-Authenticate");
  if (res.status === 405 && !res.headers.get("allow")) fail("a 405 without Allow");
  if (res.status === 429 && !res.headers.get("retry-after")) fail("a 429 without Retry-After");
}
