// Tenant configuration: one versioned document per tenant, `_id` = tenant id. Writes are
// compare-and-set on `version` (insert for version 0, a version-filtered replace otherwise).
import { z } from "@hono/zod-openapi";
import type { Db } from "mongodb";
import type { JsonObject, PutConfigResult, TenantConfigRecord } from "../types";
import { asJsonObject, COLLECTIONS, Integer, JsonObjectSchema, parseDocument, unlessDuplicate } from "./documents";

export const TenantConfigDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  version: Integer.min(1),
  document: JsonObjectSchema,
  updatedAt: z.date(),
});
export type TenantConfigDocument = z.output<typeof TenantConfigDocument>;

export function tenantConfigToDocument(config: TenantConfigRecord): TenantConfigDocument {
  return {
    _id: config.tenantId,
    tenantId: config.tenantId,
    version: config.version,
    document: config.document,
    updatedAt: config.updatedAt,
  };
}

export function tenantConfigFromDocument(doc: unknown): TenantConfigRecord {
  const d = parseDocument(TenantConfigDocument, COLLECTIONS.tenantConfigs, doc);
  return { tenantId: d.tenantId, version: d.version, document: asJsonObject(d.document), updatedAt: d.updatedAt };
}

const configs = (db: Db) => db.collection<TenantConfigDocument>(COLLECTIONS.tenantConfigs);

export async function getTenantConfig(db: Db, tenantId: string): Promise<TenantConfigRecord | null> {
  const doc = await configs(db).findOne({ _id: tenantId, tenantId });
  return doc ? tenantConfigFromDocument(doc) : null;
}

export async function putTenantConfig(
  db: Db,
  tenantId: string,
  document: JsonObject,
  expectedVersion: number,
  at: Date,
): Promise<PutConfigResult> {
  if (expectedVersion === 0) {
    const inserted = await unlessDuplicate(() =>
      configs(db).insertOne(tenantConfigToDocument({ tenantId, version: 1, document, updatedAt: at })),
    );
    if (inserted !== "duplicate") return { ok: true, version: 1 };
  } else {
    // A whole-document replacement filtered by the expected version: atomic like $inc, and
    // unlike $set it accepts nested `$`-prefixed keys (e.g. "$schema") in the JSON document.
    const version = expectedVersion + 1;
    const { _id, ...next } = tenantConfigToDocument({ tenantId, version, document, updatedAt: at });
    const replaced = await configs(db).replaceOne({ _id, tenantId, version: expectedVersion }, next);
    if (replaced.matchedCount > 0) return { ok: true, version };
  }
  const current = await getTenantConfig(db, tenantId);
  return { ok: false, currentVersion: current?.version ?? 0 };
}
