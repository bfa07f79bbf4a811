// API key tokens: `gpk_<26 id chars>_<secret>`. The id part makes lookup a primary-key read;
// only the SHA-256 of the whole token is stored, and it is compared in constant time.
import { randomChars } from "../domain/ids";

const TOKEN = /^gpk_([0-9a-z]{26})_([A-Za-z0-9_-]{32,128})$/;
export const TOKEN_DISPLAY_PREFIX_LENGTH = 12;

export interface IssuedApiKey {
  id: string;
  token: string;
  hash: string;
  prefix: string;
}

export async function issueApiKey(): Promise<IssuedApiKey> {
  const idBody = randomChars(26);
  const secret = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const token = `gpk_${idBody}_${secret}`;
  return { id: `key_${idBody}`, token, hash: await sha256Hex(token), prefix: token.slice(0, TOKEN_DISPLAY_PREFIX_LENGTH) };
}

/** The key id a token claims, or null when it is not an API key token. */
export function keyIdOf(token: string): string | null {
  const match = TOKEN.exec(token);
  return match ? `key_${match[1]}` : null;
}

export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Compares two hex digests without leaking where they differ. */
export function digestsEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  if (left.byteLength !== right.byteLength) return false;
  return crypto.subtle.timingSafeEqual(left, right);
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
