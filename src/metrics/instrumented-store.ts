// A Store decorator that writes one `store` data point per call: the backend, the operation (the
// method's name), the outcome (`ok`, or `error` when the call threw or rejected) and the duration.
// The Store port is large and grows, so this wraps every method generically with a Proxy rather
// than listing them: a new Store method is measured without a change here. Properties (`backend`)
// read through unchanged, and methods run on the real store (`this` is never the proxy).
import type { Store } from "../store/types";
import type { MetricsWriter } from "./writer";

export function instrumentStore<S extends Store>(store: S, metrics: MetricsWriter): S {
  const wrapped = new Map<string, (...args: unknown[]) => unknown>();
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof key !== "string" || key === "constructor" || typeof value !== "function") return value;
      let method = wrapped.get(key);
      if (!method) {
        method = timed(target, key, value as (...args: unknown[]) => unknown, metrics);
        wrapped.set(key, method);
      }
      return method;
    },
  });
}

function timed(
  target: Store,
  operation: string,
  method: (...args: unknown[]) => unknown,
  metrics: MetricsWriter,
): (...args: unknown[]) => unknown {
  return (...args) => {
    const started = performance.now();
    const record = (outcome: "ok" | "error") => {
      try {
        metrics.storeCall({ backend: target.backend, operation, outcome, durationMs: performance.now() - started });
      } catch {
        // Metrics never reach the caller.
      }
    };
    let result: unknown;
    try {
      result = method.apply(target, args);
    } catch (error) {
      record("error");
      throw error;
    }
    if (!isPromiseLike(result)) {
      record("ok");
      return result;
    }
    return result.then(
      (value) => {
        record("ok");
        return value;
      },
      (error: unknown) => {
        record("error");
        throw error;
      },
    );
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
