// Launch sessions: `_id` = session id, writes monotonic in `version` (same rule as VMs on seq).
import { z } from "@hono/zod-openapi";
import type { Db, Document } from "mongodb";
import { normalizePage } from "../paging";
import type { Page, PageRequest, SessionFilter, SessionRecord } from "../types";
import {
  asJsonObject,
  COLLECTIONS,
  Integer,
  JsonObjectSchema,
  NullableDate,
  NullableString,
  parseDocument,
  readPage,
  timeRange,
  unlessDuplicate,
} from "./documents";

export const SessionDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  playerId: z.string(),
  state: z.string(),
  version: Integer,
  vmId: NullableString,
  provider: NullableString,
  region: NullableString,
  emulatorId: NullableString,
  createdAt: z.date(),
  updatedAt: z.date(),
  endedAt: NullableDate,
  data: JsonObjectSchema,
});
export type SessionDocument = z.output<typeof SessionDocument>;

export function sessionToDocument(session: SessionRecord): SessionDocument {
  return {
    _id: session.id,
    tenantId: session.tenantId,
    playerId: session.playerId,
    state: session.state,
    version: session.version,
    vmId: session.vmId,
    provider: session.provider,
    region: session.region,
    emulatorId: session.emulatorId,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    endedAt: session.endedAt,
    data: session.data,
  };
}

export function sessionFromDocument(doc: unknown): SessionRecord {
  const d = parseDocument(SessionDocument, COLLECTIONS.sessions, doc);
  return {
    id: d._id,
    tenantId: d.tenantId,
    playerId: d.playerId,
    state: d.state,
    version: d.version,
    vmId: d.vmId,
    provider: d.provider,
    region: d.region,
    emulatorId: d.emulatorId,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    endedAt: d.endedAt,
    data: asJsonObject(d.data),
  };
}

const sessions = (db: Db) => db.collection<SessionDocument>(COLLECTIONS.sessions);

/** See upsertVm: a duplicate `_id` on the upsert means stale, repeated or another tenant's id. */
export async function upsertSession(db: Db, session: SessionRecord): Promise<{ applied: boolean }> {
  const { _id, ...fields } = sessionToDocument(session);
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await unlessDuplicate(() =>
      sessions(db).replaceOne({ _id, tenantId: session.tenantId, version: { $lt: session.version } }, fields, {
        upsert: true,
      }),
    );
    if (result !== "duplicate") return { applied: result.matchedCount + result.upsertedCount > 0 };
  }
  return { applied: false };
}

export async function getSession(db: Db, tenantId: string, id: string): Promise<SessionRecord | null> {
  const doc = await sessions(db).findOne({ _id: id, tenantId });
  return doc ? sessionFromDocument(doc) : null;
}

export async function listSessions(
  db: Db,
  tenantId: string,
  filter?: SessionFilter,
  page?: PageRequest,
): Promise<Page<SessionRecord>> {
  const query: Document = { tenantId };
  if (filter?.playerId !== undefined) query.playerId = filter.playerId;
  if (filter?.state !== undefined) query.state = filter.state;
  const createdAt = timeRange(filter);
  if (createdAt) query.createdAt = createdAt;
  return readPage(sessions(db), query, "_id", normalizePage<string>(page, "string"), sessionFromDocument, (s) => s.id);
}
