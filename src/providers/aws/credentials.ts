// AWS credentials come from a Worker secret holding JSON:
//   {"accessKeyId":"AKIA…","secretAccessKey":"…","sessionToken":"…"}   (sessionToken optional)
// Errors name the secret, never its content: no part of the value, and no JSON.parse message
// (V8 quotes the offending input in it), reaches a message or a cause.
import { ProviderError } from "../types";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

function invalid(secretName: string, problem: string): ProviderError {
  return new ProviderError("auth", `AWS credentials secret ${secretName} ${problem}`, { code: "InvalidCredentialsSecret" });
}

function credentialString(value: unknown): value is string {
  return typeof value === "string" && value !== "" && !/\s/.test(value);
}

/**
 * Parses the credentials secret named `secretName`, whose value is `raw` (name first, value second).
 * Throws a ProviderError of kind `auth` (code `InvalidCredentialsSecret`) when it is missing or
 * malformed.
 */
export function parseAwsCredentials(secretName: string, raw: string | null | undefined): AwsCredentials {
  if (raw === undefined || raw === null || raw.trim() === "") throw invalid(secretName, "is not set");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalid(secretName, 'is not valid JSON (expected {"accessKeyId":"…","secretAccessKey":"…","sessionToken":"…"?})');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalid(secretName, "must be a JSON object with accessKeyId and secretAccessKey");
  }
  const { accessKeyId, secretAccessKey, sessionToken } = parsed as Record<string, unknown>;
  if (!credentialString(accessKeyId)) throw invalid(secretName, "has no valid accessKeyId (a non-empty string without spaces)");
  if (!credentialString(secretAccessKey)) {
    throw invalid(secretName, "has no valid secretAccessKey (a non-empty string without spaces)");
  }
  if (sessionToken !== undefined && sessionToken !== null && !credentialString(sessionToken)) {
    throw invalid(secretName, "has an invalid sessionToken (a non-empty string without spaces, or absent)");
  }
  return typeof sessionToken === "string" ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}
