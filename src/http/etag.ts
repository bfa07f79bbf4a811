// Optimistic concurrency on the tenant catalog: every response carries the catalog version as
// a strong ETag; writes may send If-Match (412 when it no longer matches).
import { ApiError } from "./errors";

export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** The versions an If-Match header accepts: null without the header, "any" for `*`. */
export function parseIfMatch(header: string | undefined): number[] | "any" | null {
  if (header === undefined) return null;
  const value = header.trim();
  if (value === "*") return "any";
  const versions = value.split(",").map((tag) => /^"v(\d{1,15})"$/.exec(tag.trim())?.[1]);
  if (versions.length === 0 || versions.some((v) => v === undefined)) {
    throw new ApiError("PRECONDITION_FAILED", 'If-Match must be an ETag from this API, like "v3" (quotes included), or *.');
  }
  return versions.map(Number);
}
