// Building API key records: from a freshly issued token, or (development seed) a given one.
import type { ApiKeyRecord, Scope } from "../store/types";
import { issueApiKey, keyIdOf, sha256Hex, TOKEN_DISPLAY_PREFIX_LENGTH } from "./tokens";

export interface NewApiKey {
  tenantId: string;
  name: string;
  scopes: Scope[];
  playerId: string | null;
  expiresAt: Date | null;
  now: Date;
}

export async function newApiKey(input: NewApiKey): Promise<{ record: ApiKeyRecord; token: string }> {
  const issued = await issueApiKey();
  return { record: keyRecord(input, issued.id, issued.hash, issued.prefix), token: issued.token };
}

/** The record for a token chosen elsewhere (the development seed's keys from .dev.vars). */
export async function apiKeyFromToken(token: string, input: NewApiKey): Promise<ApiKeyRecord> {
  const id = keyIdOf(token);
  if (!id) throw new Error("not an API key token");
  return keyRecord(input, id, await sha256Hex(token), token.slice(0, TOKEN_DISPLAY_PREFIX_LENGTH));
}

function keyRecord(input: NewApiKey, id: string, hash: string, prefix: string): ApiKeyRecord {
  return {
    id,
    tenantId: input.tenantId,
    name: input.name,
    hash,
    prefix,
    scopes: input.scopes,
    playerId: input.playerId,
    createdAt: input.now,
    expiresAt: input.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
  };
}
