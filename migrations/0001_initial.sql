-- Initial schema of the D1 Store (src/store/d1). One table per aggregate of the Store port.
-- Conventions:
--   * Uniqueness only by primary key (DESIGN.md principle 6): natural ids, or the composite
--     identity the port names. Every other index is non-unique and leads with tenant_id, so a
--     tenant's rows are one contiguous index range.
--   * Dates are INTEGER epoch milliseconds (NULL where the record allows null); money is
--     INTEGER micro-dollars; nested objects and arrays are JSON TEXT.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  player_auth TEXT, -- JSON PlayerAuthConfig, NULL when players cannot authenticate
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY, -- embedded in the token: authentication looks up by primary key
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  prefix TEXT NOT NULL,
  scopes TEXT NOT NULL, -- JSON array of Scope
  player_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, id);

CREATE TABLE tenant_configs (
  tenant_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL, -- compare-and-set token, starts at 1
  document TEXT NOT NULL, -- JSON object
  updated_at INTEGER NOT NULL
);

CREATE TABLE vms (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  state TEXT NOT NULL,
  seq INTEGER NOT NULL, -- upserts are monotonic in seq
  provider TEXT NOT NULL,
  region TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  emulator_id TEXT,
  player_id TEXT,
  session_id TEXT,
  provider_instance_id TEXT,
  failure_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  data TEXT NOT NULL -- JSON object
);
CREATE INDEX vms_by_tenant ON vms (tenant_id, id);
CREATE INDEX vms_by_state ON vms (tenant_id, state, id);
CREATE INDEX vms_by_provider ON vms (tenant_id, provider, id);
CREATE INDEX vms_by_region ON vms (tenant_id, region, id);
CREATE INDEX vms_by_player ON vms (tenant_id, player_id, id);

-- Identity is `${vm_id}:${seq}`; the primary key also serves the per-VM list in seq order.
CREATE TABLE vm_events (
  vm_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  tenant_id TEXT NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  from_state TEXT,
  to_state TEXT,
  data TEXT NOT NULL, -- JSON object
  PRIMARY KEY (vm_id, seq)
);

CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  state TEXT NOT NULL,
  version INTEGER NOT NULL, -- upserts are monotonic in version
  vm_id TEXT,
  provider TEXT,
  region TEXT,
  emulator_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ended_at INTEGER,
  data TEXT NOT NULL -- JSON object
);
CREATE INDEX sessions_by_tenant ON sessions (tenant_id, id);
CREATE INDEX sessions_by_player ON sessions (tenant_id, player_id, id);
CREATE INDEX sessions_by_state ON sessions (tenant_id, state, id);
CREATE INDEX sessions_by_created ON sessions (tenant_id, created_at);

CREATE TABLE usage_segments (
  id TEXT PRIMARY KEY, -- deterministic (`${vmId}:${seq}`): a retried write never counts twice
  tenant_id TEXT NOT NULL,
  vm_id TEXT NOT NULL,
  player_id TEXT,
  session_id TEXT,
  provider TEXT NOT NULL,
  region TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_at INTEGER NOT NULL,
  end_at INTEGER NOT NULL,
  day TEXT NOT NULL, -- UTC YYYY-MM-DD of start_at, derived at write, for sums by day
  seconds INTEGER NOT NULL,
  unit_price_micros INTEGER NOT NULL,
  cost_micros INTEGER NOT NULL
);
CREATE INDEX usage_by_tenant ON usage_segments (tenant_id, id);
CREATE INDEX usage_by_start ON usage_segments (tenant_id, start_at);
CREATE INDEX usage_by_vm ON usage_segments (tenant_id, vm_id, id);
CREATE INDEX usage_by_player ON usage_segments (tenant_id, player_id, id);

CREATE TABLE budgets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL,
  name TEXT NOT NULL,
  player_id TEXT, -- NULL: the whole tenant
  period TEXT NOT NULL,
  limit_micros INTEGER NOT NULL,
  thresholds TEXT NOT NULL, -- JSON array of percentages
  action TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX budgets_by_tenant ON budgets (tenant_id, id);

CREATE TABLE idempotency_records (
  tenant_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  response TEXT, -- JSON { status, body }, NULL until completed
  resource_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, scope, key)
);

CREATE TABLE latency_observations (
  id TEXT PRIMARY KEY, -- deterministic per observation: a retried write never counts twice
  tenant_id TEXT NOT NULL,
  cell TEXT NOT NULL,
  provider TEXT NOT NULL,
  region TEXT NOT NULL,
  rtt_ms REAL NOT NULL, -- client pings may be fractional milliseconds
  source TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX latency_by_time ON latency_observations (tenant_id, at);
CREATE INDEX latency_by_cell ON latency_observations (tenant_id, cell, at);
