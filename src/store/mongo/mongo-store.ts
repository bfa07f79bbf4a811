// MongoStore: the Store port on MongoDB (Atlas). Runs in the Worker and forwards each call over
// RPC to a MongoGateway Durable Object, which owns the MongoClient. Tenants are spread over
// `shards` gateways by a stable hash of the tenant id; calls without a tenant go to shard 0.
// Gateways hold no state besides the client, so changing the shard count only moves traffic.
import { normalizePage } from "../paging";
import {
  type ApiKeyRecord,
  type BudgetRecord,
  type ClaimResult,
  type IdempotencyRecord,
  type JsonObject,
  type JsonValue,
  type LatencyObservation,
  type LatencySummary,
  type Page,
  type PageRequest,
  type PutConfigResult,
  type SessionFilter,
  type SessionRecord,
  type Store,
  StoreUnavailableError,
  type TenantConfigRecord,
  type TenantPatch,
  type TenantRecord,
  type UsageFilter,
  type UsageGroupBy,
  type UsageSegment,
  type UsageSum,
  type VmEventRecord,
  type VmFilter,
  type VmRecord,
} from "../types";
import type { MongoGateway, MongoSettings, StoreOperation } from "./gateway";

/** 32-bit FNV-1a over the UTF-8 bytes: stable across isolates, deploys and languages. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The gateway shard that serves a tenant. */
export function shardFor(tenantId: string, shards: number): number {
  return fnv1a(tenantId) % shards;
}

/**
 * What a gateway stub is used as. (The stub's own RPC typing is not used: it maps every result
 * type recursively, which is too deep for the recursive JsonValue.)
 */
interface Gateway {
  invoke<K extends StoreOperation>(
    settings: MongoSettings,
    operation: K,
    args: Parameters<Store[K]>,
  ): Promise<Awaited<ReturnType<Store[K]>>>;
}

export class MongoStore implements Store {
  readonly backend = "mongo";
  readonly #namespace: DurableObjectNamespace<MongoGateway>;
  readonly #shards: number;
  readonly #settings: MongoSettings;
  /** Gateways are named after their settings, so two configurations never share a client. */
  readonly #prefix: string;
  readonly #stubs = new Map<number, Gateway>();

  constructor(namespace: DurableObjectNamespace<MongoGateway>, shards: number, settings: MongoSettings) {
    if (!Number.isInteger(shards) || shards < 1) {
      throw new Error("MONGO_GATEWAY_SHARDS must be a whole number of at least 1.");
    }
    this.#namespace = namespace;
    this.#shards = shards;
    this.#settings = settings;
    this.#prefix = `mongo-gateway-${fnv1a(`${settings.uri}\n${settings.database}`).toString(36)}`;
  }

  #gateway(tenantId: string | null): Gateway {
    const shard = tenantId === null ? 0 : shardFor(tenantId, this.#shards);
    let stub = this.#stubs.get(shard);
    if (!stub) {
      stub = this.#namespace.get(this.#namespace.idFromName(`${this.#prefix}-${shard}`)) as unknown as Gateway;
      this.#stubs.set(shard, stub);
    }
    return stub;
  }

  /**
   * Every call goes through here: a failure of the gateway or of MongoDB (error classes do not
   * survive RPC) becomes StoreUnavailableError with the gateway's message, which never contains
   * the connection string.
   */
  async #call<K extends StoreOperation>(
    tenantId: string | null,
    operation: K,
    args: Parameters<Store[K]>,
  ): Promise<Awaited<ReturnType<Store[K]>>> {
    try {
      return await this.#gateway(tenantId).invoke(this.#settings, operation, args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new StoreUnavailableError(`MongoDB store unavailable: ${message}`, { cause: error });
    }
  }

  ping(): Promise<void> {
    return this.#call(null, "ping", []);
  }

  // --- tenants and API keys --------------------------------------------------------------------

  createTenant(tenant: TenantRecord): Promise<{ created: boolean }> {
    return this.#call(null, "createTenant", [tenant]);
  }
  getTenant(id: string): Promise<TenantRecord | null> {
    return this.#call(null, "getTenant", [id]);
  }
  updateTenant(id: string, patch: TenantPatch): Promise<TenantRecord | null> {
    return this.#call(null, "updateTenant", [id, patch]);
  }
  async listTenants(page?: PageRequest): Promise<Page<TenantRecord>> {
    normalizePage(page, "string");
    return this.#call(null, "listTenants", [page]);
  }

  createApiKey(key: ApiKeyRecord): Promise<{ created: boolean }> {
    return this.#call(key.tenantId, "createApiKey", [key]);
  }
  findApiKey(id: string): Promise<ApiKeyRecord | null> {
    return this.#call(null, "findApiKey", [id]);
  }
  getApiKey(tenantId: string, id: string): Promise<ApiKeyRecord | null> {
    return this.#call(tenantId, "getApiKey", [tenantId, id]);
  }
  async listApiKeys(tenantId: string, page?: PageRequest): Promise<Page<ApiKeyRecord>> {
    normalizePage(page, "string");
    return this.#call(tenantId, "listApiKeys", [tenantId, page]);
  }
  revokeApiKey(tenantId: string, id: string, at: Date): Promise<ApiKeyRecord | null> {
    return this.#call(tenantId, "revokeApiKey", [tenantId, id, at]);
  }
  touchApiKey(id: string, at: Date): Promise<void> {
    return this.#call(null, "touchApiKey", [id, at]);
  }

  // --- configuration ---------------------------------------------------------------------------

  getTenantConfig(tenantId: string): Promise<TenantConfigRecord | null> {
    return this.#call(tenantId, "getTenantConfig", [tenantId]);
  }
  putTenantConfig(tenantId: string, document: JsonObject, expectedVersion: number, at: Date): Promise<PutConfigResult> {
    return this.#call(tenantId, "putTenantConfig", [tenantId, document, expectedVersion, at]);
  }

  // --- VMs and events --------------------------------------------------------------------------

  upsertVm(vm: VmRecord): Promise<{ applied: boolean }> {
    return this.#call(vm.tenantId, "upsertVm", [vm]);
  }
  getVm(tenantId: string, id: string): Promise<VmRecord | null> {
    return this.#call(tenantId, "getVm", [tenantId, id]);
  }
  async listVms(tenantId: string, filter?: VmFilter, page?: PageRequest): Promise<Page<VmRecord>> {
    normalizePage(page, "string");
    return this.#call(tenantId, "listVms", [tenantId, filter, page]);
  }
  appendVmEvents(events: VmEventRecord[]): Promise<{ inserted: number }> {
    return this.#append("appendVmEvents", events);
  }
  async listVmEvents(tenantId: string, vmId: string, page?: PageRequest): Promise<Page<VmEventRecord>> {
    normalizePage(page, "number");
    return this.#call(tenantId, "listVmEvents", [tenantId, vmId, page]);
  }

  // --- sessions --------------------------------------------------------------------------------

  upsertSession(session: SessionRecord): Promise<{ applied: boolean }> {
    return this.#call(session.tenantId, "upsertSession", [session]);
  }
  getSession(tenantId: string, id: string): Promise<SessionRecord | null> {
    return this.#call(tenantId, "getSession", [tenantId, id]);
  }
  async listSessions(tenantId: string, filter?: SessionFilter, page?: PageRequest): Promise<Page<SessionRecord>> {
    normalizePage(page, "string");
    return this.#call(tenantId, "listSessions", [tenantId, filter, page]);
  }

  // --- usage and budgets -----------------------------------------------------------------------

  appendUsage(segments: UsageSegment[]): Promise<{ inserted: number }> {
    return this.#append("appendUsage", segments);
  }
  async listUsage(tenantId: string, filter?: UsageFilter, page?: PageRequest): Promise<Page<UsageSegment>> {
    normalizePage(page, "string");
    return this.#call(tenantId, "listUsage", [tenantId, filter, page]);
  }
  sumUsage(tenantId: string, groupBy: UsageGroupBy, filter?: UsageFilter): Promise<UsageSum[]> {
    return this.#call(tenantId, "sumUsage", [tenantId, groupBy, filter]);
  }

  putBudget(budget: BudgetRecord): Promise<{ applied: boolean }> {
    return this.#call(budget.tenantId, "putBudget", [budget]);
  }
  getBudget(tenantId: string, id: string): Promise<BudgetRecord | null> {
    return this.#call(tenantId, "getBudget", [tenantId, id]);
  }
  async listBudgets(tenantId: string, page?: PageRequest): Promise<Page<BudgetRecord>> {
    normalizePage(page, "string");
    return this.#call(tenantId, "listBudgets", [tenantId, page]);
  }
  deleteBudget(tenantId: string, id: string): Promise<{ deleted: boolean }> {
    return this.#call(tenantId, "deleteBudget", [tenantId, id]);
  }

  // --- idempotency -----------------------------------------------------------------------------

  claimIdempotency(record: IdempotencyRecord): Promise<ClaimResult> {
    return this.#call(record.tenantId, "claimIdempotency", [record]);
  }
  completeIdempotency(
    tenantId: string,
    scope: string,
    key: string,
    response: { status: number; body: JsonValue },
    resourceId: string | null,
  ): Promise<boolean> {
    return this.#call(tenantId, "completeIdempotency", [tenantId, scope, key, response, resourceId]);
  }
  getIdempotency(tenantId: string, scope: string, key: string): Promise<IdempotencyRecord | null> {
    return this.#call(tenantId, "getIdempotency", [tenantId, scope, key]);
  }

  // --- latency ---------------------------------------------------------------------------------

  appendLatency(observations: LatencyObservation[]): Promise<{ inserted: number }> {
    return this.#append("appendLatency", observations);
  }
  summarizeLatency(tenantId: string, since: Date, cell?: string): Promise<LatencySummary[]> {
    return this.#call(tenantId, "summarizeLatency", [tenantId, since, cell]);
  }

  /**
   * Appends carry their tenant on each item; a batch is routed by its first item's tenant. Every
   * gateway writes to the same database, so a mixed batch is still written correctly.
   */
  async #append<K extends "appendVmEvents" | "appendUsage" | "appendLatency">(
    operation: K,
    items: Parameters<Store[K]>[0],
  ): Promise<{ inserted: number }> {
    const first = items[0];
    if (first === undefined) return { inserted: 0 };
    return this.#call(first.tenantId, operation, [items] as Parameters<Store[K]>);
  }
}
