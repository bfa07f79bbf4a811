// The Store contract against MongoDB through the official driver, via the MongoGateway Durable
// Object. By default the server is the wire-compatible test server started by
// test/global-setup.ts; set MONGODB_URI to run it against a real cluster (see README).
import { env } from "cloudflare:test";
import { MongoStore } from "../../src/store/mongo/mongo-store";
import { defineStoreContract } from "./store.contract";

const settings = { uri: env.MONGODB_URI ?? "", database: env.MONGODB_DATABASE };
defineStoreContract("mongo", () => new MongoStore(env.MONGO_GATEWAY, Number(env.MONGO_GATEWAY_SHARDS), settings));
