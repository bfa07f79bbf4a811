// Every secondary index the adapter needs, each with why. None is unique: uniqueness is only
// ever the `_id` (DESIGN.md principle 6), so correctness never depends on these; they only keep
// the tenant-scoped list/filter/aggregate paths from scanning. `createIndexes` is idempotent
// (same name and key = no-op), so every gateway instance runs it once before its first operation.
import type { Db, IndexDescription } from "mongodb";
import { COLLECTIONS, type CollectionName } from "./documents";

export interface IndexPlan extends IndexDescription {
  name: string;
  /** Why the index exists (which query it serves). */
  why: string;
}

/** Idempotency records are kept this long after they expire (cleanup only; see below). */
export const IDEMPOTENCY_RETENTION_SECONDS = 7 * 24 * 60 * 60;

export const INDEXES: Readonly<Record<CollectionName, readonly IndexPlan[]>> = {
  // listTenants pages over _id, which MongoDB always indexes.
  [COLLECTIONS.tenants]: [],
  [COLLECTIONS.apiKeys]: [{ name: "tenant_id", key: { tenantId: 1, _id: 1 }, why: "listApiKeys: a tenant's keys in id order" }],
  // getTenantConfig/putTenantConfig are by _id (= tenant id).
  [COLLECTIONS.tenantConfigs]: [],
  [COLLECTIONS.vms]: [
    { name: "tenant_id", key: { tenantId: 1, _id: 1 }, why: "listVms without filter: a tenant's VMs in id order" },
    { name: "tenant_state_id", key: { tenantId: 1, state: 1, _id: 1 }, why: "listVms by state (e.g. running VMs)" },
    {
      name: "tenant_provider_region_id",
      key: { tenantId: 1, provider: 1, region: 1, _id: 1 },
      why: "listVms by provider, or provider and region (region alone still narrows by tenant)",
    },
    { name: "tenant_player_id", key: { tenantId: 1, playerId: 1, _id: 1 }, why: "listVms by player" },
  ],
  [COLLECTIONS.vmEvents]: [
    { name: "tenant_vm_seq", key: { tenantId: 1, vmId: 1, seq: 1 }, why: "listVmEvents: one VM's events in seq order" },
  ],
  [COLLECTIONS.sessions]: [
    { name: "tenant_id", key: { tenantId: 1, _id: 1 }, why: "listSessions without filter, in id order" },
    { name: "tenant_player_id", key: { tenantId: 1, playerId: 1, _id: 1 }, why: "listSessions by player" },
    { name: "tenant_state_id", key: { tenantId: 1, state: 1, _id: 1 }, why: "listSessions by state" },
    { name: "tenant_created", key: { tenantId: 1, createdAt: 1 }, why: "listSessions by createdAt range" },
  ],
  [COLLECTIONS.usageSegments]: [
    { name: "tenant_id", key: { tenantId: 1, _id: 1 }, why: "listUsage without filter, in id order" },
    { name: "tenant_start", key: { tenantId: 1, startAt: 1 }, why: "sumUsage/listUsage over a startAt range (billing periods)" },
    { name: "tenant_vm_id", key: { tenantId: 1, vmId: 1, _id: 1 }, why: "listUsage/sumUsage for one VM" },
    {
      name: "tenant_player_start",
      key: { tenantId: 1, playerId: 1, startAt: 1 },
      why: "sumUsage/listUsage for one player over a range (player budgets)",
    },
  ],
  [COLLECTIONS.budgets]: [
    { name: "tenant_id", key: { tenantId: 1, _id: 1 }, why: "listBudgets: a tenant's budgets in id order" },
  ],
  [COLLECTIONS.idempotencyRecords]: [
    {
      name: "expires_ttl",
      key: { expiresAt: 1 },
      expireAfterSeconds: IDEMPOTENCY_RETENTION_SECONDS,
      why: "cleanup only: deletes records a week after they expire (claims replace expired records themselves)",
    },
  ],
  [COLLECTIONS.latencyObservations]: [
    { name: "tenant_at", key: { tenantId: 1, at: 1 }, why: "summarizeLatency for all cells since a time" },
    { name: "tenant_cell_at", key: { tenantId: 1, cell: 1, at: 1 }, why: "summarizeLatency for one cell since a time" },
  ],
};

/** Creates every index (idempotent). */
export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all(
    Object.entries(INDEXES)
      .filter(([, plans]) => plans.length > 0)
      .map(([collection, plans]) => db.collection(collection).createIndexes(plans.map(({ why: _why, ...index }) => index))),
  );
}
