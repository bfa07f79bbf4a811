// Idempotency records: `_id` = tenant, scope and key joined by ':' (see compositeId), so the
// claim is an insert that can only succeed once; an expired record is replaced in place.
import { z } from "@hono/zod-openapi";
import type { Db } from "mongodb";
import type { ClaimResult, IdempotencyRecord, JsonValue } from "../types";
import {
  asJsonValue,
  COLLECTIONS,
  compositeId,
  Integer,
  JsonValueSchema,
  NullableString,
  parseDocument,
  unlessDuplicate,
} from "./documents";

const StoredResponse = z.object({ status: Integer, body: JsonValueSchema });

export const IdempotencyDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  scope: z.string(),
  key: z.string(),
  requestHash: z.string(),
  status: z.enum(["pending", "completed"]),
  response: StoredResponse.nullable(),
  resourceId: NullableString,
  createdAt: z.date(),
  expiresAt: z.date(),
});
export type IdempotencyDocument = z.output<typeof IdempotencyDocument>;

export function idempotencyId(tenantId: string, scope: string, key: string): string {
  return compositeId(tenantId, scope, key);
}

export function idempotencyToDocument(record: IdempotencyRecord): IdempotencyDocument {
  return {
    _id: idempotencyId(record.tenantId, record.scope, record.key),
    tenantId: record.tenantId,
    scope: record.scope,
    key: record.key,
    requestHash: record.requestHash,
    status: record.status,
    response: record.response === null ? null : { status: record.response.status, body: record.response.body },
    resourceId: record.resourceId,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  };
}

export function idempotencyFromDocument(doc: unknown): IdempotencyRecord {
  const d = parseDocument(IdempotencyDocument, COLLECTIONS.idempotencyRecords, doc);
  return {
    tenantId: d.tenantId,
    scope: d.scope,
    key: d.key,
    requestHash: d.requestHash,
    status: d.status,
    response: d.response === null ? null : { status: d.response.status, body: asJsonValue(d.response.body) },
    resourceId: d.resourceId,
    createdAt: d.createdAt,
    expiresAt: d.expiresAt,
  };
}

const records = (db: Db) => db.collection<IdempotencyDocument>(COLLECTIONS.idempotencyRecords);

/**
 * insertOne claims a free key. On a duplicate, a record that expired at or before
 * `record.createdAt` is replaced (the expiry is part of the replace filter, so only one of two
 * racing claimers can win); otherwise the stored record is returned. If the stored record
 * disappears in between (TTL cleanup), the insert is tried again.
 */
export async function claimIdempotency(db: Db, record: IdempotencyRecord): Promise<ClaimResult> {
  const doc = idempotencyToDocument(record);
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await unlessDuplicate(() => records(db).insertOne(doc));
    if (inserted !== "duplicate") return { claimed: true };
    const replaced = await records(db).replaceOne(
      { _id: doc._id, tenantId: record.tenantId, expiresAt: { $lte: record.createdAt } },
      doc,
    );
    if (replaced.matchedCount > 0) return { claimed: true };
    const existing = await records(db).findOne({ _id: doc._id, tenantId: record.tenantId });
    if (existing) return { claimed: false, existing: idempotencyFromDocument(existing) };
  }
  throw new Error("Could not claim the idempotency key: the stored record kept changing");
}

export async function completeIdempotency(
  db: Db,
  tenantId: string,
  scope: string,
  key: string,
  response: { status: number; body: JsonValue },
  resourceId: string | null,
): Promise<boolean> {
  const result = await records(db).updateOne(
    { _id: idempotencyId(tenantId, scope, key), tenantId },
    { $set: { status: "completed", response: { status: response.status, body: response.body }, resourceId } },
  );
  return result.matchedCount > 0;
}

export async function getIdempotency(db: Db, tenantId: string, scope: string, key: string): Promise<IdempotencyRecord | null> {
  const doc = await records(db).findOne({ _id: idempotencyId(tenantId, scope, key), tenantId });
  return doc ? idempotencyFromDocument(doc) : null;
}
