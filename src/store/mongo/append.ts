// Idempotent appends (vm events, usage segments, latency observations): one unordered bulk of
// `updateOne({ _id }, { $setOnInsert: doc }, { upsert: true })`. A document already stored is
// left untouched and not counted; `inserted` is the number of upserts.
import type { AnyBulkWriteOperation, Collection, Document } from "mongodb";
import { isDuplicateKey } from "./documents";

export async function appendOnce<TDoc extends Document>(
  collection: Collection<TDoc>,
  operations: AnyBulkWriteOperation<TDoc>[],
): Promise<{ inserted: number }> {
  if (operations.length === 0) return { inserted: 0 };
  try {
    const result = await collection.bulkWrite(operations, { ordered: false });
    return { inserted: result.upsertedCount };
  } catch (error) {
    // Two writers upserting the same new _id at once: one inserts, the other gets a duplicate
    // key (MongoDB usually retries that itself). Either way the document exists once.
    if (isDuplicateKey(error)) {
      const result = (error as { result?: { upsertedCount?: unknown } }).result;
      if (typeof result?.upsertedCount === "number") return { inserted: result.upsertedCount };
    }
    throw error;
  }
}
