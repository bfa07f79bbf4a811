#!/usr/bin/env node
// A MongoDB-wire-compatible test server (CongoDB from @push.rocks/smartmongo) in its own process.
// Started by test/global-setup.ts; prints `READY <port>` when it accepts connections.
//
// CongoDB's in-memory storage only accepts ObjectId `_id`s, while real MongoDB accepts any
// value, and we derive string `_id`s from requests (DESIGN.md principle 6). The patches below
// make its storage key documents by any `_id` and report duplicate keys with MongoDB's code
// 11000. They live in this dedicated process so nothing else sees them. Known remaining gaps
// (do not rely on them): no secondary unique indexes, no transaction rollback, no auth.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { ObjectId } = require("bson");
const congoRoot = "@push.rocks/smartmongo/dist_ts/congodb";
const { CongoServer } = await import(`${congoRoot}/index.js`);
const { MemoryStorageAdapter } = await import(`${congoRoot}/storage/MemoryStorageAdapter.js`);

/** The storage key of any `_id`: ObjectIds by hex (as before), other values by type and value. */
function idKey(id) {
  if (id instanceof ObjectId) return id.toHexString();
  return `${typeof id}:${typeof id === "object" ? JSON.stringify(id) : String(id)}`;
}
// Index and transaction engines call `_id.toHexString()` directly.
for (const proto of [String.prototype, Number.prototype]) {
  Object.defineProperty(proto, "toHexString", {
    value() {
      return idKey(this.valueOf());
    },
    configurable: true,
  });
}

function duplicateKey(key) {
  const error = new Error(`E11000 duplicate key error collection: _id ${key}`);
  error.code = 11000;
  return error;
}

const proto = MemoryStorageAdapter.prototype;
proto.insertOne = async function insertOne(dbName, collName, doc) {
  const collection = this.ensureCollection(dbName, collName);
  const storedDoc = { ...doc, _id: doc._id ?? new ObjectId() };
  const key = idKey(storedDoc._id);
  if (collection.has(key)) throw duplicateKey(key);
  collection.set(key, storedDoc);
  return storedDoc;
};
proto.findById = async function findById(dbName, collName, id) {
  return this.ensureCollection(dbName, collName).get(idKey(id)) || null;
};
proto.updateById = async function updateById(dbName, collName, id, doc) {
  const collection = this.ensureCollection(dbName, collName);
  const key = idKey(id);
  if (!collection.has(key)) return false;
  collection.set(key, doc);
  return true;
};
proto.deleteById = async function deleteById(dbName, collName, id) {
  return this.ensureCollection(dbName, collName).delete(idKey(id));
};

const port = Number(process.argv[2] ?? 0) || 27000 + Math.floor(Math.random() * 1000);
const server = new CongoServer({ port, host: "127.0.0.1", storage: "memory" });
await server.start();
console.log(`READY ${port}`);

const stop = async () => {
  await server.stop().catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
