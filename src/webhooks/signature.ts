// Webhook signatures. Every delivery is a POST whose JSON body is `{ id, type, at, data }`, with:
//
//   X-GP-Webhook-Id:        the event id (the same on every retry: dedupe on it)
//   X-GP-Webhook-Timestamp: unix seconds when this attempt was signed
//   X-GP-Webhook-Signature: v1=<hex HMAC-SHA256(key = the endpoint's secret as UTF-8 text,
//                                               message = `${timestamp}.${rawBody}`)>
//
// To verify: recompute the HMAC over the timestamp header, a ".", and the raw body bytes exactly as
// received; compare in constant time; reject timestamps more than 5 minutes from your clock
// (replay protection). The `v1=` prefix versions the scheme.

export const SIGNATURE_HEADER = "X-GP-Webhook-Signature";
export const TIMESTAMP_HEADER = "X-GP-Webhook-Timestamp";
export const WEBHOOK_ID_HEADER = "X-GP-Webhook-Id";

const encoder = new TextEncoder();

/** Lowercase hex HMAC-SHA256 of `message` under `key` (both UTF-8). */
export async function hmacSha256Hex(key: string, message: string): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The `X-GP-Webhook-Signature` value for `body` sent at `timestamp` (unix seconds). */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  return `v1=${await hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

/** A new endpoint secret: 32 random bytes, base64url without padding (43 characters). */
export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
