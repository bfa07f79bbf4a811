// VMs and their lifecycle events. A VM row is written only by a newer seq of the same tenant
// (the upsert's WHERE), so replays, stale outbox flushes and foreign ids change nothing.
import { normalizePage } from "../paging";
import type { Page, PageRequest, VmEventRecord, VmFilter, VmRecord } from "../types";
import { changed, insertAll, json, ms, parseJson, selectPage, toDate, Where } from "./sql";

interface VmRow {
  id: string;
  tenant_id: string;
  state: string;
  seq: number;
  provider: string;
  region: string;
  instance_type: string;
  emulator_id: string | null;
  player_id: string | null;
  session_id: string | null;
  provider_instance_id: string | null;
  failure_reason: string | null;
  created_at: number;
  updated_at: number;
  data: string;
}

interface VmEventRow {
  vm_id: string;
  seq: number;
  tenant_id: string;
  type: string;
  at: number;
  from_state: string | null;
  to_state: string | null;
  data: string;
}

const toVm = (row: VmRow): VmRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  state: row.state,
  seq: row.seq,
  provider: row.provider,
  region: row.region,
  instanceType: row.instance_type,
  emulatorId: row.emulator_id,
  playerId: row.player_id,
  sessionId: row.session_id,
  providerInstanceId: row.provider_instance_id,
  failureReason: row.failure_reason,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
  data: parseJson(row.data),
});

const toVmEvent = (row: VmEventRow): VmEventRecord => ({
  tenantId: row.tenant_id,
  vmId: row.vm_id,
  seq: row.seq,
  type: row.type,
  at: toDate(row.at),
  fromState: row.from_state,
  toState: row.to_state,
  data: parseJson(row.data),
});

export async function upsertVm(db: D1Database, v: VmRecord): Promise<{ applied: boolean }> {
  const upsert = db
    .prepare(
      `INSERT INTO vms (id, tenant_id, state, seq, provider, region, instance_type, emulator_id, player_id, session_id,
                        provider_instance_id, failure_reason, created_at, updated_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         state = excluded.state, seq = excluded.seq, provider = excluded.provider, region = excluded.region,
         instance_type = excluded.instance_type, emulator_id = excluded.emulator_id, player_id = excluded.player_id,
         session_id = excluded.session_id, provider_instance_id = excluded.provider_instance_id,
         failure_reason = excluded.failure_reason, created_at = excluded.created_at, updated_at = excluded.updated_at,
         data = excluded.data
       WHERE excluded.seq > vms.seq AND vms.tenant_id = excluded.tenant_id`,
    )
    .bind(
      v.id,
      v.tenantId,
      v.state,
      v.seq,
      v.provider,
      v.region,
      v.instanceType,
      v.emulatorId,
      v.playerId,
      v.sessionId,
      v.providerInstanceId,
      v.failureReason,
      ms(v.createdAt),
      ms(v.updatedAt),
      json(v.data),
    );
  return { applied: await changed(upsert) };
}

export async function getVm(db: D1Database, tenantId: string, id: string): Promise<VmRecord | null> {
  const row = await db.prepare("SELECT * FROM vms WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first<VmRow>();
  return row ? toVm(row) : null;
}

export async function listVms(
  db: D1Database,
  tenantId: string,
  filter: VmFilter = {},
  page?: PageRequest,
): Promise<Page<VmRecord>> {
  const request = normalizePage<string>(page, "string");
  const where = new Where()
    .and("tenant_id = ?", tenantId)
    .andIf(filter.state, "state = ?")
    .andIf(filter.provider, "provider = ?")
    .andIf(filter.region, "region = ?")
    .andIf(filter.playerId, "player_id = ?");
  return selectPage(db, "vms", "id", where, request, toVm, (v) => v.id);
}

export async function appendVmEvents(db: D1Database, events: VmEventRecord[]): Promise<{ inserted: number }> {
  // The primary key (vm_id, seq) is the event's identity: a repeat is skipped and not counted.
  return insertAll(
    db,
    `INSERT INTO vm_events (vm_id, seq, tenant_id, type, at, from_state, to_state, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (vm_id, seq) DO NOTHING`,
    events.map((e) => [e.vmId, e.seq, e.tenantId, e.type, ms(e.at), e.fromState, e.toState, json(e.data)]),
  );
}

export async function listVmEvents(
  db: D1Database,
  tenantId: string,
  vmId: string,
  page?: PageRequest,
): Promise<Page<VmEventRecord>> {
  const request = normalizePage<number>(page, "number");
  const where = new Where().and("tenant_id = ?", tenantId).and("vm_id = ?", vmId);
  return selectPage(db, "vm_events", "seq", where, request, toVmEvent, (e) => e.seq);
}
