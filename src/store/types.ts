// The Store port: everything the system of record keeps, as domain operations grouped by
// aggregate. Implemented by D1Store (embedded default) and MongoStore (Atlas, behind the
// MongoGateway Durable Object); test/contract/ runs one suite against both.
//
// Rules every implementation follows (the contract suite checks each):
// - Tenant scoping: every tenant-owned read/write takes `tenantId` and never sees another
//   tenant's rows. Reading another tenant's id answers null/false, exactly like a missing id.
// - Uniqueness only by primary key / `_id` (never a secondary unique index, never a
//   transaction): create-if-absent and compare-and-set report their outcome as a value.
// - Expected outcomes (exists, stale, not found) are return values, not exceptions, because
//   MongoStore's calls cross Durable Object RPC, where error classes are lost. A thrown error
//   means the backend failed: callers see StoreUnavailableError.
// - Money is integer micro-dollars; times are Date (epoch ms in D1, BSON dates in MongoDB).
// - Lists are keyset-paginated in ascending order of the key named on each method. Cursors are
//   opaque strings, valid only for the same method, filter and store.

/** A JSON object (what `JSON.parse` can return for an object). Used for open-ended details. */
export type JsonObject = { [key: string]: JsonValue };
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;

export interface PageRequest {
  /** From the previous page's `nextCursor`; absent for the first page. */
  cursor?: string | null;
  /** 1..MAX_PAGE_LIMIT, default DEFAULT_PAGE_LIMIT. */
  limit?: number;
}
export interface Page<T> {
  items: T[];
  /** Present when more items may follow. */
  nextCursor: string | null;
}
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** A half-open time range [from, to); either end may be open. */
export interface TimeRange {
  from?: Date;
  to?: Date;
}

// ---------------------------------------------------------------------------------------------
// Tenants and API keys

export type TenantStatus = "active" | "suspended";

/** How players of this tenant may authenticate with a platform-issued JWT (`sub` = player id). */
export interface PlayerAuthConfig {
  /** Required `aud` claim. */
  audience: string;
  /** Required `iss` claim, when set. */
  issuer: string | null;
  /** HS256: the name of the Worker secret that holds the shared key (never the key itself). */
  hs256SecretName: string | null;
  /** RS256/ES256: where the platform publishes its keys. */
  jwksUrl: string | null;
}

export interface TenantRecord {
  id: string; // ten_…
  name: string;
  status: TenantStatus;
  playerAuth: PlayerAuthConfig | null;
  createdAt: Date;
  updatedAt: Date;
}

export type TenantPatch = Partial<Pick<TenantRecord, "name" | "status" | "playerAuth">> & { updatedAt: Date };

export type Scope = "admin" | "operator" | "player";

export interface ApiKeyRecord {
  id: string; // key_… (also embedded in the token, so lookup is by primary key)
  tenantId: string;
  name: string;
  /** SHA-256 of the whole token, lowercase hex. The token itself is never stored. */
  hash: string;
  /** The first characters of the token, for humans to recognise a key. */
  prefix: string;
  scopes: Scope[];
  /** Set for `player` keys: the only player this key acts for. */
  playerId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface TenantStore {
  /** Create-if-absent by id: `{ created: false }` when the id exists (nothing is changed). */
  createTenant(tenant: TenantRecord): Promise<{ created: boolean }>;
  getTenant(id: string): Promise<TenantRecord | null>;
  /** Applies the patch; null when the tenant does not exist. */
  updateTenant(id: string, patch: TenantPatch): Promise<TenantRecord | null>;
  /** All tenants, ordered by id (for scheduled jobs and the root operator). */
  listTenants(page?: PageRequest): Promise<Page<TenantRecord>>;
}

export interface ApiKeyStore {
  /** Create-if-absent by id. */
  createApiKey(key: ApiKeyRecord): Promise<{ created: boolean }>;
  /** Authentication only: the key with this id, whatever its tenant. */
  findApiKey(id: string): Promise<ApiKeyRecord | null>;
  getApiKey(tenantId: string, id: string): Promise<ApiKeyRecord | null>;
  /** Ordered by id. */
  listApiKeys(tenantId: string, page?: PageRequest): Promise<Page<ApiKeyRecord>>;
  /** Sets `revokedAt` (kept from the first revocation); null when not found in the tenant. */
  revokeApiKey(tenantId: string, id: string, at: Date): Promise<ApiKeyRecord | null>;
  /** Moves `lastUsedAt` forward to `at` (never backward). Silently ignores unknown ids. */
  touchApiKey(id: string, at: Date): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Configuration: one versioned document per tenant (emulators, providers, policy)

export interface TenantConfigRecord {
  tenantId: string;
  /** Starts at 1 and grows by 1 with every successful write. */
  version: number;
  document: JsonObject;
  updatedAt: Date;
}

export type PutConfigResult = { ok: true; version: number } | { ok: false; currentVersion: number };

export interface ConfigStore {
  getTenantConfig(tenantId: string): Promise<TenantConfigRecord | null>;
  /**
   * Compare-and-set: writes when the stored version equals `expectedVersion` (0 = must not exist
   * yet) and returns the new version; otherwise changes nothing and returns the current one
   * (0 when absent).
   */
  putTenantConfig(tenantId: string, document: JsonObject, expectedVersion: number, at: Date): Promise<PutConfigResult>;
}

// ---------------------------------------------------------------------------------------------
// VMs and their lifecycle events (written by each VM's actor through its outbox)

export interface VmRecord {
  id: string; // vm_…
  tenantId: string;
  /** Lifecycle state (see src/domain/lifecycle once it exists). */
  state: string;
  /** Sequence number of the last lifecycle event reflected here; writes are monotonic in it. */
  seq: number;
  provider: string;
  region: string;
  instanceType: string;
  emulatorId: string | null;
  playerId: string | null;
  sessionId: string | null;
  providerInstanceId: string | null;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Open-ended details: step timings, streaming endpoint, spot flag, ... */
  data: JsonObject;
}

export interface VmFilter {
  state?: string;
  provider?: string;
  region?: string;
  playerId?: string;
}

export interface VmEventRecord {
  tenantId: string;
  vmId: string;
  /** 1, 2, 3, ... per VM; `${vmId}:${seq}` is the event's identity. */
  seq: number;
  type: string;
  at: Date;
  fromState: string | null;
  toState: string | null;
  data: JsonObject;
}

export interface VmStore {
  /**
   * Writes the record when absent, or when `vm.seq` is greater than the stored seq of the same
   * tenant's VM. `{ applied: false }` for a stale or repeated write (or another tenant's id).
   */
  upsertVm(vm: VmRecord): Promise<{ applied: boolean }>;
  getVm(tenantId: string, id: string): Promise<VmRecord | null>;
  /** Ordered by id. */
  listVms(tenantId: string, filter?: VmFilter, page?: PageRequest): Promise<Page<VmRecord>>;
  /** Idempotent by `${vmId}:${seq}`: an event already stored is left as it is and not counted. */
  appendVmEvents(events: VmEventRecord[]): Promise<{ inserted: number }>;
  /** Ordered by seq; the cursor is the last seq seen. */
  listVmEvents(tenantId: string, vmId: string, page?: PageRequest): Promise<Page<VmEventRecord>>;
}

// ---------------------------------------------------------------------------------------------
// Launch sessions

export interface SessionRecord {
  id: string; // ses_…
  tenantId: string;
  playerId: string;
  state: string;
  /** Writes are monotonic in version (like VmRecord.seq). */
  version: number;
  vmId: string | null;
  provider: string | null;
  region: string | null;
  emulatorId: string | null;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
  data: JsonObject;
}

export interface SessionFilter extends TimeRange {
  playerId?: string;
  state?: string;
  /** `from`/`to` apply to createdAt. */
}

export interface SessionStore {
  /** Same rule as upsertVm, on `version`. */
  upsertSession(session: SessionRecord): Promise<{ applied: boolean }>;
  getSession(tenantId: string, id: string): Promise<SessionRecord | null>;
  /** Ordered by id. */
  listSessions(tenantId: string, filter?: SessionFilter, page?: PageRequest): Promise<Page<SessionRecord>>;
}

// ---------------------------------------------------------------------------------------------
// Usage (metered billing lines) and budgets

export type UsageKind = "compute" | "storage";

export interface UsageSegment {
  /** Deterministic, e.g. `${vmId}:${seq}`: a retried write never counts twice. */
  id: string;
  tenantId: string;
  vmId: string;
  playerId: string | null;
  sessionId: string | null;
  provider: string;
  region: string;
  instanceType: string;
  kind: UsageKind;
  startAt: Date;
  endAt: Date;
  /** Billed seconds (after provider rules such as EC2's 60-second minimum). */
  seconds: number;
  /** The catalog price in force when the segment started: per hour (compute) or per GB-month (storage). */
  unitPriceMicros: number;
  costMicros: number;
}

export interface UsageFilter extends TimeRange {
  vmId?: string;
  playerId?: string;
  /** `from`/`to` apply to startAt. */
}

export type UsageGroupBy = "none" | "provider" | "region" | "player" | "vm" | "kind" | "day";

export interface UsageSum {
  /** The group's value (`day` is YYYY-MM-DD in UTC of startAt); null for `none` or a null player. */
  key: string | null;
  costMicros: number;
  seconds: number;
  segments: number;
}

export interface UsageStore {
  /** Idempotent by id: a segment already stored is left as it is and not counted. */
  appendUsage(segments: UsageSegment[]): Promise<{ inserted: number }>;
  /** Ordered by id. */
  listUsage(tenantId: string, filter?: UsageFilter, page?: PageRequest): Promise<Page<UsageSegment>>;
  /** Totals of the segments matching the filter, one row per group, ordered by key (null first). */
  sumUsage(tenantId: string, groupBy: UsageGroupBy, filter?: UsageFilter): Promise<UsageSum[]>;
}

export type BudgetPeriod = "monthly" | "daily";
export type BudgetAction = "notify" | "stop" | "terminate";

export interface BudgetRecord {
  id: string; // bud_…
  tenantId: string;
  name: string;
  /** null: the whole tenant; otherwise only this player's usage. */
  playerId: string | null;
  period: BudgetPeriod;
  limitMicros: number;
  /** Percentages of the limit at which to alert, ascending, e.g. [50, 80, 100]. */
  thresholds: number[];
  action: BudgetAction;
  createdAt: Date;
  updatedAt: Date;
}

export interface BudgetStore {
  /** Creates or replaces by id (within the tenant; never overwrites another tenant's id). */
  putBudget(budget: BudgetRecord): Promise<{ applied: boolean }>;
  getBudget(tenantId: string, id: string): Promise<BudgetRecord | null>;
  /** Ordered by id. */
  listBudgets(tenantId: string, page?: PageRequest): Promise<Page<BudgetRecord>>;
  deleteBudget(tenantId: string, id: string): Promise<{ deleted: boolean }>;
}

// ---------------------------------------------------------------------------------------------
// Idempotency records (the response a repeated request with the same key gets)

export interface IdempotencyRecord {
  tenantId: string;
  /** What the key applies to, e.g. `POST /vms` or `launch:player_42`. */
  scope: string;
  key: string;
  /** SHA-256 of the request that claimed the key: a different request with the same key is refused. */
  requestHash: string;
  status: "pending" | "completed";
  response: { status: number; body: JsonValue } | null;
  resourceId: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export type ClaimResult = { claimed: true } | { claimed: false; existing: IdempotencyRecord };

export interface IdempotencyStore {
  /**
   * Create-if-absent by (tenantId, scope, key). A stored record that expired at or before
   * `record.createdAt` is replaced (claimed). Otherwise the stored record is returned.
   */
  claimIdempotency(record: IdempotencyRecord): Promise<ClaimResult>;
  /** Marks the record completed with its response; false when there is no such record. */
  completeIdempotency(
    tenantId: string,
    scope: string,
    key: string,
    response: { status: number; body: JsonValue },
    resourceId: string | null,
  ): Promise<boolean>;
  getIdempotency(tenantId: string, scope: string, key: string): Promise<IdempotencyRecord | null>;
}

// ---------------------------------------------------------------------------------------------
// Latency observations (client pings, agent-reported RTT) that placement learns from

export interface LatencyObservation {
  id: string; // deterministic per observation, so a retried write never counts twice
  tenantId: string;
  /** Geographic cell of the player (e.g. a geohash prefix). */
  cell: string;
  provider: string;
  region: string;
  rttMs: number;
  source: "client-ping" | "agent";
  at: Date;
}

export interface LatencySummary {
  cell: string;
  provider: string;
  region: string;
  samples: number;
  meanRttMs: number;
  minRttMs: number;
}

export interface LatencyStore {
  /** Idempotent by id. */
  appendLatency(observations: LatencyObservation[]): Promise<{ inserted: number }>;
  /** Per (cell, provider, region) over observations at or after `since`, ordered by those keys. */
  summarizeLatency(tenantId: string, since: Date, cell?: string): Promise<LatencySummary[]>;
}

// ---------------------------------------------------------------------------------------------

export type StoreBackend = "d1" | "mongo";

export interface Store
  extends TenantStore,
    ApiKeyStore,
    ConfigStore,
    VmStore,
    SessionStore,
    UsageStore,
    BudgetStore,
    IdempotencyStore,
    LatencyStore {
  readonly backend: StoreBackend;
  /** Round trip to the backend; throws when it is unreachable. */
  ping(): Promise<void>;
}

/** The backend failed (unreachable, timed out, rejected the operation). Routes answer 503. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailableError";
  }
}
