// The budget actor's SQLite tables (Durable Object storage). Created on every start; idempotent.
export const SCHEMA = [
  // A VM's cumulative spend in a period (`D:YYYY-MM-DD` / `M:YYYY-MM`); merged by max.
  `CREATE TABLE IF NOT EXISTS vm_spend (
     vm_id TEXT NOT NULL,
     period_key TEXT NOT NULL,
     player_id TEXT,
     micros INTEGER NOT NULL,
     compute_open INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (vm_id, period_key)
   )`,
  "CREATE INDEX IF NOT EXISTS vm_spend_by_period ON vm_spend (period_key, player_id)",
  // Once-per-period markers: a threshold percentage, `exceeded`, `acted`.
  `CREATE TABLE IF NOT EXISTS fired (
     budget_id TEXT NOT NULL,
     period_key TEXT NOT NULL,
     marker TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (budget_id, period_key, marker)
   )`,
  // Admission holds: projected cost of launches not metered yet.
  "CREATE TABLE IF NOT EXISTS holds (id TEXT PRIMARY KEY, player_id TEXT, micros INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
  // Webhook events waiting to be handed to the tenant's webhook actor.
  "CREATE TABLE IF NOT EXISTS outbox (id TEXT PRIMARY KEY, event TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, due_at INTEGER NOT NULL)",
  // VM commands a budget's action still has to make.
  `CREATE TABLE IF NOT EXISTS actions (
     vm_id TEXT PRIMARY KEY,
     action TEXT NOT NULL,
     budget_id TEXT NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     due_at INTEGER NOT NULL
   )`,
  // Finished periods: the spend at close-out.
  `CREATE TABLE IF NOT EXISTS closed (
     budget_id TEXT NOT NULL,
     period_key TEXT NOT NULL,
     spent_micros INTEGER NOT NULL,
     limit_micros INTEGER NOT NULL,
     closed_at INTEGER NOT NULL,
     PRIMARY KEY (budget_id, period_key)
   )`,
  "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
] as const;
