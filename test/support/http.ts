// Helpers for API tests: call the Worker and read problem+json answers.
import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { type Problem, ProblemSchema } from "../../src/http/errors";

export const BASE = "https://api.test";

export function call(path: string, init?: RequestInit): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, init);
}

/** Asserts `res` is a problem+json with this status and code, and returns it parsed. */
export async function expectProblem(res: Response, status: number, code: Problem["code"]): Promise<Problem> {
  const text = await res.text();
  expect(res.status, `expected ${status} ${code}, got ${res.status}: ${text}`).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = ProblemSchema.parse(JSON.parse(text));
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}
