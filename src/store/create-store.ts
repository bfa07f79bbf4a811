// Chooses the Store named by STORE. Built per request: stores hold no connections themselves
// (D1 is a binding; MongoDB connections live in the MongoGateway Durable Objects). Every call is
// measured (a `store` data point, src/metrics/).
import type { Config } from "../env";
import type { HealthCheck } from "../health/checks";
import { instrumentStore } from "../metrics/instrumented-store";
import { metricsWriter } from "../metrics/writer";
import { D1Store } from "./d1/d1-store";
import { MongoStore } from "./mongo/mongo-store";
import type { Store } from "./types";

export function createStore(env: Env, config: Config): Store {
  return instrumentStore(backendStore(env, config), metricsWriter(env));
}

function backendStore(env: Env, config: Config): Store {
  if (config.STORE === "d1") return new D1Store(env.DB);
  // MONGODB_URI is present: src/env.ts requires it with STORE=mongo.
  return new MongoStore(env.MONGO_GATEWAY, config.MONGO_GATEWAY_SHARDS, {
    uri: config.MONGODB_URI ?? "",
    database: config.MONGODB_DATABASE,
  });
}

/** /health's required check: a round trip to the store, reporting which backend answered. */
export function storeHealthCheck(store: Store): HealthCheck {
  return {
    name: "store",
    required: true,
    // Longer than the MongoDB driver's 3 s server selection, so an outage reports its real cause.
    timeoutMs: 3500,
    run: async () => {
      await store.ping();
      return { backend: store.backend };
    },
  };
}
