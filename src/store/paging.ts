// Keyset pagination shared by every Store implementation. A cursor is the sort key of the last
// item of the previous page, JSON-encoded in base64url so clients treat it as opaque.
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page, type PageRequest } from "./types";

/** A cursor that was not produced by this API. Routes answer 400. */
export class InvalidCursorError extends Error {
  constructor() {
    super("The cursor is not valid for this list; pass back nextCursor unchanged.");
    this.name = "InvalidCursorError";
  }
}

export interface NormalizedPage<K> {
  /** The sort key to continue after, or null for the first page. */
  after: K | null;
  limit: number;
}

export function encodeCursor(key: string | number): string {
  const bytes = new TextEncoder().encode(JSON.stringify(key));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor<K extends string | number>(cursor: string, kind: "string" | "number"): K {
  try {
    if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) throw new Error("shape");
    const binary = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const key = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (typeof key !== kind) throw new Error("type");
    return key as K;
  } catch {
    throw new InvalidCursorError();
  }
}

/** Validates a page request: clamps the limit, decodes the cursor (throws InvalidCursorError). */
export function normalizePage<K extends string | number>(
  page: PageRequest | undefined,
  kind: "string" | "number",
): NormalizedPage<K> {
  const requested = page?.limit ?? DEFAULT_PAGE_LIMIT;
  const limit = Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(requested)));
  const after = page?.cursor ? decodeCursor<K>(page.cursor, kind) : null;
  return { after, limit };
}

/**
 * Builds a page from up to `limit + 1` rows fetched in order: the extra row only says that
 * more follow, so no count query is needed.
 */
export function toPage<T>(rows: T[], limit: number, keyOf: (item: T) => string | number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

/**
 * Every item of a keyset-paginated list, page after page, up to `cap` items (`capped` says when
 * more were left). `page` fetches the page after a cursor (null: the first).
 */
export async function readAll<T>(
  page: (cursor: string | null) => Promise<Page<T>>,
  cap = Number.POSITIVE_INFINITY,
): Promise<{ items: T[]; capped: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
  } while (cursor !== null && items.length < cap);
  return { items: items.slice(0, cap), capped: items.length > cap || cursor !== null };
}

/** Calls `visit` on every item of a paginated list, one page in memory at a time. */
export async function forEachItem<T>(
  page: (cursor: string | null) => Promise<Page<T>>,
  visit: (item: T) => Promise<void> | void,
): Promise<void> {
  let cursor: string | null = null;
  do {
    const next = await page(cursor);
    for (const item of next.items) await visit(item);
    cursor = next.nextCursor;
  } while (cursor !== null);
}
