// MongoGateway: the Durable Object that owns the MongoClient. Workers cannot reuse a connection
// across requests (a module-scope client hangs other requests), but a Durable Object can, so
// MongoStore sends every Store call here over RPC (sharded by tenant). The gateway exposes
// domain operations only, never Db or Collection; the operations live in one module per
// aggregate next to this file.
import { DurableObject } from "cloudflare:workers";
import {
  type Db,
  MongoClient,
  type MongoClientOptions,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from "mongodb";
import type { Store } from "../types";
import * as apiKeys from "./api-keys";
import * as budgets from "./budgets";
import * as config from "./config";
import * as idempotency from "./idempotency";
import { ensureIndexes } from "./indexes";
import * as latency from "./latency";
import * as sessions from "./sessions";
import * as tenants from "./tenants";
import * as usage from "./usage";
import * as vms from "./vms";

/**
 * Sized for a Durable Object on Workers: few sockets per instance (one instance per shard),
 * nothing kept open when idle, and a sick cluster answers 503 within seconds.
 *
 * No socket-level timeouts (connectTimeoutMS and socketTimeoutMS are 0) and polling heartbeats:
 * in workerd's node:net (compatibility_date 2026-04-20) every write on a socket that has a
 * timeout re-arms it through `socket.setTimeout(ms, callback)`, which adds a 'timeout' listener
 * per write and loses the previous timer, so the timer can no longer be cleared. The socket
 * then "times out" that long after a write even when the reply came back long ago: the driver
 * closes healthy pool connections (handshakes use connectTimeoutMS), a streaming heartbeat
 * monitor dies with a network timeout that clears the pool and interrupts operations in
 * flight, and the listeners pile up ("Possible EventEmitter memory leak" in the logs).
 * Time is bounded instead by serverSelectionTimeoutMS (an unreachable cluster fails in 3 s)
 * and by OPERATION_DEADLINE_MS in the gateway, which also drops the client so that a hung
 * socket cannot stall later calls.
 */
export const MONGO_CLIENT_OPTIONS: MongoClientOptions = {
  appName: "gamer-provisioner-api",
  maxPoolSize: 3,
  minPoolSize: 0,
  maxIdleTimeMS: 60_000,
  serverSelectionTimeoutMS: 3_000,
  connectTimeoutMS: 0,
  socketTimeoutMS: 0,
  serverMonitoringMode: "poll",
  retryWrites: true,
  retryReads: true,
};

/** The longest a single Store call may take in the gateway (connect and indexes included). */
export const OPERATION_DEADLINE_MS = 15_000;

class OperationDeadlineError extends Error {
  constructor() {
    super(`MongoDB did not answer within ${OPERATION_DEADLINE_MS} ms`);
    this.name = "OperationDeadlineError";
  }
}

/** Rejects with OperationDeadlineError when `work` takes longer than OPERATION_DEADLINE_MS. */
async function withDeadline<T>(work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OperationDeadlineError()), OPERATION_DEADLINE_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

interface Connection {
  client: MongoClient;
  db: Db;
}

/** Errors after which the client is dropped so that the next call connects afresh. */
function isConnectionError(error: unknown): boolean {
  return (
    error instanceof OperationDeadlineError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError ||
    error instanceof MongoTopologyClosedError ||
    error instanceof MongoNotConnectedError
  );
}

/**
 * The pieces of a connection string that must never appear in a message: the whole string,
 * its credentials and its hosts. Works on `mongodb://` and `mongodb+srv://` alike.
 */
export function connectionStringSecrets(uri: string): string[] {
  const secrets = new Set<string>([uri]);
  const afterScheme = uri.replace(/^[a-z+]+:\/\//i, "");
  const authority = afterScheme.split(/[/?]/, 1)[0] ?? "";
  const at = authority.lastIndexOf("@");
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    secrets.add(userInfo);
    for (const part of userInfo.split(":")) {
      secrets.add(part);
      try {
        secrets.add(decodeURIComponent(part));
      } catch {
        // not percent-encoded: the raw part is enough
      }
    }
  }
  for (const host of authority.slice(at + 1).split(",")) {
    const name = host.replace(/:\d+$/, "");
    secrets.add(host);
    secrets.add(name);
    // A seed-list (SRV) name resolves to hosts under the same domain
    // (cluster0.abcd.mongodb.net -> cluster0-shard-00-01.abcd.mongodb.net): hide the domain too.
    const labels = name.split(".");
    if (/[a-z]/i.test(name) && labels.length >= 3) secrets.add(labels.slice(1).join("."));
  }
  // Longest first, so a host is redacted whole before its parts; very short pieces would only
  // mangle the message.
  return [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
}

export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}

/** Connection settings, validated by the Worker (src/env.ts) and sent with every call. */
export interface MongoSettings {
  uri: string;
  database: string;
}

export type StoreOperation = Exclude<keyof Store, "backend">;
type OperationArgs<K extends StoreOperation> = Parameters<Store[K]>;
type OperationResult<K extends StoreOperation> = Awaited<ReturnType<Store[K]>>;

/** Each Store operation on a database: the modules next to this file do the work. */
const OPERATIONS: { [K in StoreOperation]: (db: Db, ...args: OperationArgs<K>) => Promise<OperationResult<K>> } = {
  ping: async (db) => {
    await db.command({ ping: 1 });
  },
  createTenant: (db, tenant) => tenants.createTenant(db, tenant),
  getTenant: (db, id) => tenants.getTenant(db, id),
  updateTenant: (db, id, patch) => tenants.updateTenant(db, id, patch),
  listTenants: (db, page) => tenants.listTenants(db, page),
  createApiKey: (db, key) => apiKeys.createApiKey(db, key),
  findApiKey: (db, id) => apiKeys.findApiKey(db, id),
  getApiKey: (db, tenantId, id) => apiKeys.getApiKey(db, tenantId, id),
  listApiKeys: (db, tenantId, page) => apiKeys.listApiKeys(db, tenantId, page),
  revokeApiKey: (db, tenantId, id, at) => apiKeys.revokeApiKey(db, tenantId, id, at),
  touchApiKey: (db, id, at) => apiKeys.touchApiKey(db, id, at),
  getTenantConfig: (db, tenantId) => config.getTenantConfig(db, tenantId),
  putTenantConfig: (db, tenantId, document, expectedVersion, at) =>
    config.putTenantConfig(db, tenantId, document, expectedVersion, at),
  upsertVm: (db, vm) => vms.upsertVm(db, vm),
  getVm: (db, tenantId, id) => vms.getVm(db, tenantId, id),
  listVms: (db, tenantId, filter, page) => vms.listVms(db, tenantId, filter, page),
  appendVmEvents: (db, events) => vms.appendVmEvents(db, events),
  listVmEvents: (db, tenantId, vmId, page) => vms.listVmEvents(db, tenantId, vmId, page),
  upsertSession: (db, session) => sessions.upsertSession(db, session),
  getSession: (db, tenantId, id) => sessions.getSession(db, tenantId, id),
  listSessions: (db, tenantId, filter, page) => sessions.listSessions(db, tenantId, filter, page),
  appendUsage: (db, segments) => usage.appendUsage(db, segments),
  listUsage: (db, tenantId, filter, page) => usage.listUsage(db, tenantId, filter, page),
  sumUsage: (db, tenantId, groupBy, filter) => usage.sumUsage(db, tenantId, groupBy, filter),
  putBudget: (db, budget) => budgets.putBudget(db, budget),
  getBudget: (db, tenantId, id) => budgets.getBudget(db, tenantId, id),
  listBudgets: (db, tenantId, page) => budgets.listBudgets(db, tenantId, page),
  deleteBudget: (db, tenantId, id) => budgets.deleteBudget(db, tenantId, id),
  claimIdempotency: (db, record) => idempotency.claimIdempotency(db, record),
  completeIdempotency: (db, tenantId, scope, key, response, resourceId) =>
    idempotency.completeIdempotency(db, tenantId, scope, key, response, resourceId),
  getIdempotency: (db, tenantId, scope, key) => idempotency.getIdempotency(db, tenantId, scope, key),
  appendLatency: (db, observations) => latency.appendLatency(db, observations),
  summarizeLatency: (db, tenantId, since, cell) => latency.summarizeLatency(db, tenantId, since, cell),
};

/** Operations that must not wait for index creation (health checks). */
const WITHOUT_INDEXES: ReadonlySet<StoreOperation> = new Set(["ping"]);

export class MongoGateway extends DurableObject<Env> {
  #settings: MongoSettings | null = null;
  #connection: Promise<Connection> | null = null;
  #indexes: Promise<void> | null = null;
  #secrets: string[] = [];

  /**
   * The one RPC entry point: runs a Store operation with these connection settings. A gateway
   * is named after its settings (see MongoStore), so settings change only if a secret is
   * rotated under the same name; then the old client is dropped.
   */
  async invoke<K extends StoreOperation>(
    settings: MongoSettings,
    operation: K,
    args: OperationArgs<K>,
  ): Promise<OperationResult<K>> {
    this.#use(settings);
    const run = OPERATIONS[operation] as (db: Db, ...a: OperationArgs<K>) => Promise<OperationResult<K>>;
    if (typeof run !== "function") throw new Error(`Unknown store operation: ${String(operation)}`);
    return this.#run((db) => run(db, ...args), { indexes: !WITHOUT_INDEXES.has(operation) });
  }

  #use(settings: MongoSettings): void {
    const current = this.#settings;
    if (current && current.uri === settings.uri && current.database === settings.database) return;
    if (this.#connection) this.#drop(this.#connection);
    this.#settings = { uri: settings.uri, database: settings.database };
    this.#secrets = connectionStringSecrets(settings.uri);
  }

  // --- connection ------------------------------------------------------------------------------

  #connect(): Promise<Connection> {
    this.#connection ??= this.#open().catch((error: unknown) => {
      this.#connection = null;
      throw error;
    });
    return this.#connection;
  }

  async #open(): Promise<Connection> {
    const settings = this.#settings;
    if (!settings) throw new Error("MongoGateway called without connection settings.");
    let client: MongoClient;
    try {
      client = new MongoClient(settings.uri, MONGO_CLIENT_OPTIONS);
    } catch (error) {
      // The parser's message may quote the string: say only what is wrong with which setting.
      const reason = error instanceof Error ? redact(error.message, this.#secrets) : "invalid";
      throw new Error(`MONGODB_URI is not a valid MongoDB connection string (${reason}).`);
    }
    try {
      await client.connect();
    } catch (error) {
      void client.close().catch(() => {});
      throw error;
    }
    return { client, db: client.db(settings.database) };
  }

  /** Creates the indexes once per instance; a failure is retried by the next operation. */
  #ensureIndexes(db: Db): Promise<void> {
    this.#indexes ??= ensureIndexes(db).catch((error: unknown) => {
      this.#indexes = null;
      throw error;
    });
    return this.#indexes;
  }

  /** Drops the client (if it is still the current one) so that the next call reconnects. */
  #drop(connection: Promise<Connection>): void {
    if (this.#connection !== connection) return;
    this.#connection = null;
    this.#indexes = null;
    // Not awaited: a connect still in progress must not delay the caller's error.
    connection.then(({ client }) => client.close()).catch(() => {});
  }

  /**
   * Runs one operation on the database. Any failure is rethrown as a plain Error whose message
   * names the error class and never contains the connection string or any part of it (errors
   * cross RPC as name + message anyway).
   */
  async #run<T>(operation: (db: Db) => Promise<T>, options: { indexes: boolean } = { indexes: true }): Promise<T> {
    const connection = this.#connect();
    try {
      return await withDeadline(
        (async () => {
          const { db } = await connection;
          if (options.indexes) await this.#ensureIndexes(db);
          return operation(db);
        })(),
      );
    } catch (error) {
      if (isConnectionError(error)) this.#drop(connection);
      throw this.#safeError(error);
    }
  }

  #safeError(error: unknown): Error {
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    const safe = redact(message, this.#secrets);
    return new Error(name === "Error" ? safe : `${name}: ${safe}`);
  }
}
