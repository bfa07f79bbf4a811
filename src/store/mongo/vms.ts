// VMs (`_id` = vm id, writes monotonic in seq) and their lifecycle events
// (`_id` = `${vmId}:${seq}`, appended idempotently).
import { z } from "@hono/zod-openapi";
import type { AnyBulkWriteOperation, Db, Document } from "mongodb";
import { normalizePage } from "../paging";
import type { Page, PageRequest, VmEventRecord, VmFilter, VmRecord } from "../types";
import { appendOnce } from "./append";
import {
  asJsonObject,
  COLLECTIONS,
  Integer,
  JsonObjectSchema,
  NullableString,
  parseDocument,
  readPage,
  unlessDuplicate,
} from "./documents";

export const VmDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  state: z.string(),
  seq: Integer,
  provider: z.string(),
  region: z.string(),
  instanceType: z.string(),
  emulatorId: NullableString,
  playerId: NullableString,
  sessionId: NullableString,
  providerInstanceId: NullableString,
  failureReason: NullableString,
  createdAt: z.date(),
  updatedAt: z.date(),
  data: JsonObjectSchema,
});
export type VmDocument = z.output<typeof VmDocument>;

export const VmEventDocument = z.object({
  _id: z.string(),
  tenantId: z.string(),
  vmId: z.string(),
  seq: Integer,
  type: z.string(),
  at: z.date(),
  fromState: NullableString,
  toState: NullableString,
  data: JsonObjectSchema,
});
export type VmEventDocument = z.output<typeof VmEventDocument>;

export function vmToDocument(vm: VmRecord): VmDocument {
  return {
    _id: vm.id,
    tenantId: vm.tenantId,
    state: vm.state,
    seq: vm.seq,
    provider: vm.provider,
    region: vm.region,
    instanceType: vm.instanceType,
    emulatorId: vm.emulatorId,
    playerId: vm.playerId,
    sessionId: vm.sessionId,
    providerInstanceId: vm.providerInstanceId,
    failureReason: vm.failureReason,
    createdAt: vm.createdAt,
    updatedAt: vm.updatedAt,
    data: vm.data,
  };
}

export function vmFromDocument(doc: unknown): VmRecord {
  const { _id, data, ...rest } = parseDocument(VmDocument, COLLECTIONS.vms, doc);
  return {
    id: _id,
    tenantId: rest.tenantId,
    state: rest.state,
    seq: rest.seq,
    provider: rest.provider,
    region: rest.region,
    instanceType: rest.instanceType,
    emulatorId: rest.emulatorId,
    playerId: rest.playerId,
    sessionId: rest.sessionId,
    providerInstanceId: rest.providerInstanceId,
    failureReason: rest.failureReason,
    createdAt: rest.createdAt,
    updatedAt: rest.updatedAt,
    data: asJsonObject(data),
  };
}

export function vmEventId(vmId: string, seq: number): string {
  return `${vmId}:${seq}`;
}

export function vmEventToDocument(event: VmEventRecord): VmEventDocument {
  return {
    _id: vmEventId(event.vmId, event.seq),
    tenantId: event.tenantId,
    vmId: event.vmId,
    seq: event.seq,
    type: event.type,
    at: event.at,
    fromState: event.fromState,
    toState: event.toState,
    data: event.data,
  };
}

export function vmEventFromDocument(doc: unknown): VmEventRecord {
  const d = parseDocument(VmEventDocument, COLLECTIONS.vmEvents, doc);
  return {
    tenantId: d.tenantId,
    vmId: d.vmId,
    seq: d.seq,
    type: d.type,
    at: d.at,
    fromState: d.fromState,
    toState: d.toState,
    data: asJsonObject(d.data),
  };
}

const vms = (db: Db) => db.collection<VmDocument>(COLLECTIONS.vms);
const vmEvents = (db: Db) => db.collection<VmEventDocument>(COLLECTIONS.vmEvents);

/**
 * Upsert (a whole-document replacement) filtered by `_id`, tenant and `seq < vm.seq`: it
 * replaces an older version of this tenant's VM, or inserts when the id is free. When the id exists but the filter does not match
 * (stored seq is newer or equal, or another tenant owns the id) the insert fails on `_id`:
 * a stale write. One retry covers a concurrent first insert of the same id.
 */
export async function upsertVm(db: Db, vm: VmRecord): Promise<{ applied: boolean }> {
  const { _id, ...fields } = vmToDocument(vm);
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await unlessDuplicate(() =>
      vms(db).replaceOne({ _id, tenantId: vm.tenantId, seq: { $lt: vm.seq } }, fields, { upsert: true }),
    );
    if (result !== "duplicate") return { applied: result.matchedCount + result.upsertedCount > 0 };
  }
  return { applied: false };
}

export async function getVm(db: Db, tenantId: string, id: string): Promise<VmRecord | null> {
  const doc = await vms(db).findOne({ _id: id, tenantId });
  return doc ? vmFromDocument(doc) : null;
}

export async function listVms(db: Db, tenantId: string, filter?: VmFilter, page?: PageRequest): Promise<Page<VmRecord>> {
  const query: Document = { tenantId };
  if (filter?.state !== undefined) query.state = filter.state;
  if (filter?.provider !== undefined) query.provider = filter.provider;
  if (filter?.region !== undefined) query.region = filter.region;
  if (filter?.playerId !== undefined) query.playerId = filter.playerId;
  return readPage(vms(db), query, "_id", normalizePage<string>(page, "string"), vmFromDocument, (vm) => vm.id);
}

export async function appendVmEvents(db: Db, events: VmEventRecord[]): Promise<{ inserted: number }> {
  const operations: AnyBulkWriteOperation<VmEventDocument>[] = events.map((event) => {
    const { _id, ...fields } = vmEventToDocument(event);
    return { updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true } };
  });
  return appendOnce(vmEvents(db), operations);
}

export async function listVmEvents(db: Db, tenantId: string, vmId: string, page?: PageRequest): Promise<Page<VmEventRecord>> {
  return readPage(
    vmEvents(db),
    { tenantId, vmId },
    "seq",
    normalizePage<number>(page, "number"),
    vmEventFromDocument,
    (event) => event.seq,
  );
}
