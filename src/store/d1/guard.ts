// The one place where D1 failures become StoreUnavailableError: every D1Store method runs
// through guard(), so callers never see a raw D1 error and routes can answer 503.
import { InvalidCursorError } from "../paging";
import { StoreUnavailableError } from "../types";

export async function guard<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // A bad cursor is the caller's mistake (400), not a backend failure.
    if (error instanceof InvalidCursorError || error instanceof StoreUnavailableError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreUnavailableError(`D1 ${operation} failed: ${reason}`, { cause: error });
  }
}
