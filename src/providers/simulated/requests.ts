// The simulated cloud's RPC answers and create requests: results carry errors as data (classes
// do not survive Durable Object RPC), and create input is checked as strictly as EC2 would.
import type { CreateInstanceInput, ProviderErrorData, ProviderErrorKind } from "../types";

/** What every RPC method answers: errors travel as data (classes do not survive RPC). */
export type SimResult<T> = { ok: true; value: T } | { ok: false; error: ProviderErrorData };

/** Account limits for one create, taken from the catalog by SimulatedProvider. */
export interface CreateLimits {
  /** Non-terminated instances allowed in the region; null: unlimited. */
  maxInstances: number | null;
  /** GPUs of non-terminated instances allowed in the region; null: unlimited. */
  maxGpus: number | null;
  /** GPUs of the requested instance type (0 for CPU-only types). */
  gpusPerInstance: number;
}

/** EC2's limits on these create fields, enforced so the embedded cloud is no more lenient. */
const MAX_USER_DATA_BYTES = 16_384;
const MAX_TOKEN_LENGTH = 64;

export const ok = <T>(value: T): SimResult<T> => ({ ok: true, value });

export function fail<T>(kind: ProviderErrorKind, code: string, message: string): SimResult<T> {
  return { ok: false, error: { kind, code, message, retryAfterMs: null } };
}

/** The create parameters as canonical JSON (tags sorted), compared when a token is reused. */
export function canonicalParams(input: CreateInstanceInput): string {
  const tags = Object.entries(input.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const { region, instanceType, image, userData, spot, diskGb } = input;
  return JSON.stringify({ region, instanceType, image, userData, spot, diskGb, tags });
}

export function validateCreateInput(input: CreateInstanceInput): string | null {
  const text = (v: unknown) => typeof v === "string" && v.trim() !== "";
  if (!text(input.region)) return "region is required";
  if (!text(input.instanceType)) return "instanceType is required";
  if (!text(input.image)) return "image is required";
  if (typeof input.userData !== "string") return "userData must be a string";
  if (new TextEncoder().encode(input.userData).length > MAX_USER_DATA_BYTES) {
    return `userData is limited to ${MAX_USER_DATA_BYTES} bytes`;
  }
  if (typeof input.idempotencyToken !== "string" || input.idempotencyToken.length > MAX_TOKEN_LENGTH) {
    return `idempotencyToken must be a string of at most ${MAX_TOKEN_LENGTH} characters`;
  }
  if (typeof input.spot !== "boolean") return "spot must be a boolean";
  if (!Number.isInteger(input.diskGb) || input.diskGb < 1) return "diskGb must be a positive whole number";
  if (input.tags === null || typeof input.tags !== "object") return "tags must be an object";
  if (!Object.values(input.tags).every((v) => typeof v === "string")) return "tag values must be strings";
  return null;
}
