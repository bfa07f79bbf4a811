// Structured JSON logs, one object per line, so Workers Logs and `wrangler tail` can query them.
// Values under sensitive keys are replaced before anything is written.
import type { LOG_LEVELS } from "./env";

export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SENSITIVE_KEY = /authorization|cookie|password|secret|token|api_?key|mongodb_uri|credential/i;

export function createLogger(level: LogLevel = "info", base: LogFields = {}): Logger {
  const write = (lineLevel: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[lineLevel] < RANK[level]) return;
    const line = JSON.stringify({
      level: lineLevel,
      msg,
      time: new Date().toISOString(),
      ...redact(base),
      ...redact(fields ?? {}),
    });
    if (lineLevel === "error") console.error(line);
    else if (lineLevel === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger(level, { ...base, ...fields }),
  };
}

/** Copies `fields` with sensitive values replaced and errors made serialisable. */
export function redact(fields: LogFields, depth = 0): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SENSITIVE_KEY.test(key)) out[key] = "[redacted]";
    else out[key] = redactValue(value, depth);
  }
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (depth >= 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return redact(value as LogFields, depth + 1);
}
