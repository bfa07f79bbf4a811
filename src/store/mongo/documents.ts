// Shared pieces of the MongoDB adapter: collection names, zod building blocks for documents,
// strict parsing of what comes back, duplicate-key detection and keyset-paginated reads.
import { z } from "@hono/zod-openapi";
import type { Collection, Document } from "mongodb";
import { type NormalizedPage, toPage } from "../paging";
import type { JsonObject, JsonValue, Page, TimeRange } from "../types";

/** Every collection the adapter uses (one per aggregate, plus vm_events). */
export const COLLECTIONS = {
  tenants: "tenants",
  apiKeys: "api_keys",
  tenantConfigs: "tenant_configs",
  vms: "vms",
  vmEvents: "vm_events",
  sessions: "sessions",
  usageSegments: "usage_segments",
  budgets: "budgets",
  idempotencyRecords: "idempotency_records",
  latencyObservations: "latency_observations",
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** MongoDB's duplicate-key error code (the only uniqueness we rely on is `_id`). */
export const DUPLICATE_KEY = 11000;

// --- zod building blocks -----------------------------------------------------------------------

export const JsonValueSchema = z.json();
export const JsonObjectSchema = z.record(z.string(), z.json());
export const NullableString = z.string().nullable();
export const NullableDate = z.date().nullable();
/** Integer amounts (micro-dollars, sequence numbers, versions). */
export const Integer = z.number().int();

export function asJsonObject(value: z.output<typeof JsonObjectSchema>): JsonObject {
  return value as JsonObject;
}
export function asJsonValue(value: z.output<typeof JsonValueSchema>): JsonValue {
  return value as JsonValue;
}

/**
 * Validates a document read back from MongoDB. A malformed document (written by something else,
 * or by an older version) fails loudly with the collection, the _id and what is wrong.
 */
export function parseDocument<S extends z.ZodType>(schema: S, collection: CollectionName, doc: unknown): z.output<S> {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  const id = typeof doc === "object" && doc !== null && "_id" in doc ? String(doc._id) : "(no _id)";
  throw new Error(`Malformed document in MongoDB collection ${collection} (_id ${id}): ${z.prettifyError(result.error)}`);
}

// --- errors --------------------------------------------------------------------------------------

/** True for a duplicate-key failure (code 11000), including a bulk write whose errors all are. */
export function isDuplicateKey(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, writeErrors } = error as { code?: unknown; writeErrors?: unknown };
  if (Array.isArray(writeErrors) && writeErrors.length > 0) {
    return writeErrors.every((w) => typeof w === "object" && w !== null && (w as { code?: unknown }).code === DUPLICATE_KEY);
  }
  return code === DUPLICATE_KEY;
}

/** Runs a write that may hit a duplicate `_id`; resolves to "duplicate" instead of throwing. */
export async function unlessDuplicate<T>(write: () => Promise<T>): Promise<T | "duplicate"> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKey(error)) return "duplicate";
    throw error;
  }
}

// --- ids -----------------------------------------------------------------------------------------

/**
 * Joins the parts of a composite `_id` with ':' so that different parts can never produce the
 * same id: '%' and ':' inside a part are percent-encoded (scopes such as `launch:player_42` and
 * client-chosen keys may contain ':'). Parts without them are kept as they are.
 */
export function compositeId(...parts: string[]): string {
  return parts.map((part) => part.replaceAll("%", "%25").replaceAll(":", "%3A")).join(":");
}

// --- queries -------------------------------------------------------------------------------------

/** A half-open [from, to) condition on a date field, or nothing when both ends are open. */
export function timeRange(range: TimeRange | undefined): Document | undefined {
  if (!range) return undefined;
  const condition: Document = {};
  if (range.from) condition.$gte = range.from;
  if (range.to) condition.$lt = range.to;
  return Object.keys(condition).length > 0 ? condition : undefined;
}

/**
 * One keyset page in ascending `sortField` order: the filter, then `sortField > after`, fetching
 * `limit + 1` documents so toPage knows whether more follow.
 *
 * Written as an aggregation ($match, $sort, $limit) rather than find().sort(): on MongoDB both
 * use the same index and compare strings binary (like SQLite), and the wire-compatible test
 * server only sorts binary in its aggregation engine (its find() sorts with localeCompare).
 */
export async function readPage<TDoc extends Document, K extends string | number, T>(
  collection: Collection<TDoc>,
  filter: Document,
  sortField: string,
  page: NormalizedPage<K>,
  toRecord: (doc: unknown) => T,
  keyOf: (item: T) => K,
): Promise<Page<T>> {
  const match = page.after === null ? filter : { ...filter, [sortField]: { $gt: page.after } };
  const docs = await collection
    .aggregate([{ $match: match }, { $sort: { [sortField]: 1 } }, { $limit: page.limit + 1 }])
    .toArray();
  return toPage(docs.map(toRecord), page.limit, keyOf);
}
