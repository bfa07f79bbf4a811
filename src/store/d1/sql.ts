// Small helpers shared by the aggregate modules: value conversions, WHERE building from fixed
// SQL fragments (values are always bound, never spliced), keyset pages and batched appends.
import { type NormalizedPage, toPage } from "../paging";
import type { JsonObject, Page } from "../types";

export const ms = (date: Date): number => date.getTime();
export const msOrNull = (date: Date | null): number | null => (date === null ? null : date.getTime());
/** For optional filter bounds: undefined stays undefined (no condition). */
export const msIfGiven = (date: Date | undefined): number | undefined => (date === undefined ? undefined : date.getTime());
export const toDate = (epochMs: number): Date => new Date(epochMs);
export const toDateOrNull = (epochMs: number | null): Date | null => (epochMs === null ? null : new Date(epochMs));

export const json = (value: unknown): string => JSON.stringify(value);
export const parseJson = <T = JsonObject>(text: string): T => JSON.parse(text) as T;
export const parseJsonOrNull = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** AND-ed conditions: each fragment is a constant with `?` placeholders for its bound values. */
export class Where {
  private readonly fragments: string[] = [];
  readonly values: unknown[] = [];

  and(fragment: string, ...values: unknown[]): this {
    this.fragments.push(fragment);
    this.values.push(...values);
    return this;
  }

  /** Adds the condition only when the filter value is given. */
  andIf(value: unknown, fragment: string): this {
    return value === undefined ? this : this.and(fragment, value);
  }

  get sql(): string {
    return this.fragments.length === 0 ? "" : ` WHERE ${this.fragments.join(" AND ")}`;
  }
}

/**
 * One keyset page of `table` in ascending `key` order: fetches limit + 1 rows so toPage knows
 * whether more follow. `table` and `key` are constants of the calling module, never input.
 */
export async function selectPage<Row, T>(
  db: D1Database,
  table: string,
  key: "id" | "seq",
  where: Where,
  page: NormalizedPage<string | number>,
  map: (row: Row) => T,
  keyOf: (item: T) => string | number,
): Promise<Page<T>> {
  if (page.after !== null) where.and(`${key} > ?`, page.after);
  const { results } = await db
    .prepare(`SELECT * FROM ${table}${where.sql} ORDER BY ${key} LIMIT ?`)
    .bind(...where.values, page.limit + 1)
    .all<Row>();
  return toPage(results.map(map), page.limit, keyOf);
}

/**
 * Runs one `INSERT ... ON CONFLICT DO NOTHING` per row in a single batch and counts the rows
 * actually inserted (a row already stored changes nothing). No rows: no I/O at all.
 */
export async function insertAll(db: D1Database, sql: string, rows: unknown[][]): Promise<{ inserted: number }> {
  if (rows.length === 0) return { inserted: 0 };
  const statement = db.prepare(sql);
  const results = await db.batch(rows.map((values) => statement.bind(...values)));
  return { inserted: results.reduce((sum, result) => sum + result.meta.changes, 0) };
}

/** Whether a single write statement changed a row. */
export async function changed(statement: D1PreparedStatement): Promise<boolean> {
  const { meta } = await statement.run();
  return meta.changes > 0;
}
