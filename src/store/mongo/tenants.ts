// Tenants: one document per tenant, `_id` = tenant id. Not tenant-scoped (the tenant is the id).
import { z } from "@hono/zod-openapi";
import type { Db } from "mongodb";
import { normalizePage } from "../paging";
import type { Page, PageRequest, PlayerAuthConfig, TenantPatch, TenantRecord } from "../types";
import { COLLECTIONS, NullableString, parseDocument, readPage, unlessDuplicate } from "./documents";

const PlayerAuthSchema = z.object({
  audience: z.string(),
  issuer: NullableString,
  hs256SecretName: NullableString,
  jwksUrl: NullableString,
});

export const TenantDocument = z.object({
  _id: z.string(),
  name: z.string(),
  status: z.enum(["active", "suspended"]),
  playerAuth: PlayerAuthSchema.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type TenantDocument = z.output<typeof TenantDocument>;

function playerAuthToDocument(auth: PlayerAuthConfig | null): PlayerAuthConfig | null {
  if (auth === null) return null;
  return { audience: auth.audience, issuer: auth.issuer, hs256SecretName: auth.hs256SecretName, jwksUrl: auth.jwksUrl };
}

export function tenantToDocument(tenant: TenantRecord): TenantDocument {
  return {
    _id: tenant.id,
    name: tenant.name,
    status: tenant.status,
    playerAuth: playerAuthToDocument(tenant.playerAuth),
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}

export function tenantFromDocument(doc: unknown): TenantRecord {
  const d = parseDocument(TenantDocument, COLLECTIONS.tenants, doc);
  return { id: d._id, name: d.name, status: d.status, playerAuth: d.playerAuth, createdAt: d.createdAt, updatedAt: d.updatedAt };
}

const tenants = (db: Db) => db.collection<TenantDocument>(COLLECTIONS.tenants);

export async function createTenant(db: Db, tenant: TenantRecord): Promise<{ created: boolean }> {
  const result = await unlessDuplicate(() => tenants(db).insertOne(tenantToDocument(tenant)));
  return { created: result !== "duplicate" };
}

export async function getTenant(db: Db, id: string): Promise<TenantRecord | null> {
  const doc = await tenants(db).findOne({ _id: id });
  return doc ? tenantFromDocument(doc) : null;
}

export async function updateTenant(db: Db, id: string, patch: TenantPatch): Promise<TenantRecord | null> {
  const set: Partial<TenantDocument> = { updatedAt: patch.updatedAt };
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.playerAuth !== undefined) set.playerAuth = playerAuthToDocument(patch.playerAuth);
  const doc = await tenants(db).findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: "after" });
  return doc ? tenantFromDocument(doc) : null;
}

export async function listTenants(db: Db, page?: PageRequest): Promise<Page<TenantRecord>> {
  return readPage(tenants(db), {}, "_id", normalizePage<string>(page, "string"), tenantFromDocument, (t) => t.id);
}
