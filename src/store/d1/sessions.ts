// Launch sessions: the same monotonic-upsert rule as VMs, on `version`.
import { normalizePage } from "../paging";
import type { Page, PageRequest, SessionFilter, SessionRecord } from "../types";
import { changed, json, ms, msIfGiven, msOrNull, parseJson, selectPage, toDate, toDateOrNull, Where } from "./sql";

interface SessionRow {
  id: string;
  tenant_id: string;
  player_id: string;
  state: string;
  version: number;
  vm_id: string | null;
  provider: string | null;
  region: string | null;
  emulator_id: string | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
  data: string;
}

const toSession = (row: SessionRow): SessionRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  playerId: row.player_id,
  state: row.state,
  version: row.version,
  vmId: row.vm_id,
  provider: row.provider,
  region: row.region,
  emulatorId: row.emulator_id,
  createdAt: toDate(row.created_at),
  updatedAt: toDate(row.updated_at),
  endedAt: toDateOrNull(row.ended_at),
  data: parseJson(row.data),
});

export async function upsertSession(db: D1Database, s: SessionRecord): Promise<{ applied: boolean }> {
  const upsert = db
    .prepare(
      `INSERT INTO sessions (id, tenant_id, player_id, state, version, vm_id, provider, region, emulator_id,
                             created_at, updated_at, ended_at, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET
         player_id = excluded.player_id, state = excluded.state, version = excluded.version, vm_id = excluded.vm_id,
         provider = excluded.provider, region = excluded.region, emulator_id = excluded.emulator_id,
         created_at = excluded.created_at, updated_at = excluded.updated_at, ended_at = excluded.ended_at,
         data = excluded.data
       WHERE excluded.version > sessions.version AND sessions.tenant_id = excluded.tenant_id`,
    )
    .bind(
      s.id,
      s.tenantId,
      s.playerId,
      s.state,
      s.version,
      s.vmId,
      s.provider,
      s.region,
      s.emulatorId,
      ms(s.createdAt),
      ms(s.updatedAt),
      msOrNull(s.endedAt),
      json(s.data),
    );
  return { applied: await changed(upsert) };
}

export async function getSession(db: D1Database, tenantId: string, id: string): Promise<SessionRecord | null> {
  const row = await db.prepare("SELECT * FROM sessions WHERE tenant_id = ? AND id = ?").bind(tenantId, id).first<SessionRow>();
  return row ? toSession(row) : null;
}

export async function listSessions(
  db: D1Database,
  tenantId: string,
  filter: SessionFilter = {},
  page?: PageRequest,
): Promise<Page<SessionRecord>> {
  const request = normalizePage<string>(page, "string");
  const where = new Where()
    .and("tenant_id = ?", tenantId)
    .andIf(filter.playerId, "player_id = ?")
    .andIf(filter.state, "state = ?")
    .andIf(msIfGiven(filter.from), "created_at >= ?")
    .andIf(msIfGiven(filter.to), "created_at < ?");
  return selectPage(db, "sessions", "id", where, request, toSession, (s) => s.id);
}
