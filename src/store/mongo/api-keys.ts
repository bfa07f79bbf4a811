// API keys: `_id` = key id (embedded in the token, so authentication is a primary-key lookup).
import { z } from "@hono/zod-openapi";
import type { Db } from "mongodb";
import { normalizePage } from "../paging";
import type { ApiKeyRecord, Page, PageRequest } from "../types";
import { COLLECTIONS, NullableDate, NullableString, parseDocument, readPage, unlessDuplicate } from "./documents";

export const ApiKeyDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  name: z.string(),
  hash: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(["admin", "operator", "player"])),
  playerId: NullableString,
  createdAt: z.date(),
  expiresAt: NullableDate,
  lastUsedAt: NullableDate,
  revokedAt: NullableDate,
});
export type ApiKeyDocument = z.output<typeof ApiKeyDocument>;

export function apiKeyToDocument(key: ApiKeyRecord): ApiKeyDocument {
  return {
    _id: key.id,
    tenantId: key.tenantId,
    name: key.name,
    hash: key.hash,
    prefix: key.prefix,
    scopes: [...key.scopes],
    playerId: key.playerId,
    createdAt: key.createdAt,
    expiresAt: key.expiresAt,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

export function apiKeyFromDocument(doc: unknown): ApiKeyRecord {
  const { _id, ...rest } = parseDocument(ApiKeyDocument, COLLECTIONS.apiKeys, doc);
  return {
    id: _id,
    tenantId: rest.tenantId,
    name: rest.name,
    hash: rest.hash,
    prefix: rest.prefix,
    scopes: rest.scopes,
    playerId: rest.playerId,
    createdAt: rest.createdAt,
    expiresAt: rest.expiresAt,
    lastUsedAt: rest.lastUsedAt,
    revokedAt: rest.revokedAt,
  };
}

const apiKeys = (db: Db) => db.collection<ApiKeyDocument>(COLLECTIONS.apiKeys);

export async function createApiKey(db: Db, key: ApiKeyRecord): Promise<{ created: boolean }> {
  const result = await unlessDuplicate(() => apiKeys(db).insertOne(apiKeyToDocument(key)));
  return { created: result !== "duplicate" };
}

/** Authentication only: whatever the tenant. */
export async function findApiKey(db: Db, id: string): Promise<ApiKeyRecord | null> {
  const doc = await apiKeys(db).findOne({ _id: id });
  return doc ? apiKeyFromDocument(doc) : null;
}

export async function getApiKey(db: Db, tenantId: string, id: string): Promise<ApiKeyRecord | null> {
  const doc = await apiKeys(db).findOne({ _id: id, tenantId });
  return doc ? apiKeyFromDocument(doc) : null;
}

export async function listApiKeys(db: Db, tenantId: string, page?: PageRequest): Promise<Page<ApiKeyRecord>> {
  return readPage(apiKeys(db), { tenantId }, "_id", normalizePage<string>(page, "string"), apiKeyFromDocument, (k) => k.id);
}

/** Sets revokedAt only while it is null, so the first revocation's time is kept. */
export async function revokeApiKey(db: Db, tenantId: string, id: string, at: Date): Promise<ApiKeyRecord | null> {
  await apiKeys(db).updateOne({ _id: id, tenantId, revokedAt: null }, { $set: { revokedAt: at } });
  return getApiKey(db, tenantId, id);
}

/** `$max` moves lastUsedAt forward only (null sorts before any date); unknown ids match nothing. */
export async function touchApiKey(db: Db, id: string, at: Date): Promise<void> {
  await apiKeys(db).updateOne({ _id: id }, { $max: { lastUsedAt: at } });
}
