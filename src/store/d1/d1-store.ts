// D1Store: the Store port on Cloudflare D1 (SQLite), the embedded default. Each aggregate lives
// in its own module as plain functions of the database; this class only binds them to one
// database and runs every call through guard(), the single place D1 errors become
// StoreUnavailableError. Schema: migrations/0001_initial.sql.
import type { Store } from "../types";
import * as apiKeys from "./api-keys";
import * as budgets from "./budgets";
import * as config from "./config";
import { guard } from "./guard";
import * as idempotency from "./idempotency";
import * as latency from "./latency";
import * as sessions from "./sessions";
import * as tenants from "./tenants";
import * as usage from "./usage";
import * as vms from "./vms";

export class D1Store implements Store {
  readonly backend = "d1";

  constructor(private readonly db: D1Database) {}

  readonly ping = this.op("ping", async (db) => {
    await db.prepare("SELECT 1").first();
  });

  readonly createTenant = this.op("createTenant", tenants.createTenant);
  readonly getTenant = this.op("getTenant", tenants.getTenant);
  readonly updateTenant = this.op("updateTenant", tenants.updateTenant);
  readonly listTenants = this.op("listTenants", tenants.listTenants);

  readonly createApiKey = this.op("createApiKey", apiKeys.createApiKey);
  readonly findApiKey = this.op("findApiKey", apiKeys.findApiKey);
  readonly getApiKey = this.op("getApiKey", apiKeys.getApiKey);
  readonly listApiKeys = this.op("listApiKeys", apiKeys.listApiKeys);
  readonly revokeApiKey = this.op("revokeApiKey", apiKeys.revokeApiKey);
  readonly touchApiKey = this.op("touchApiKey", apiKeys.touchApiKey);

  readonly getTenantConfig = this.op("getTenantConfig", config.getTenantConfig);
  readonly putTenantConfig = this.op("putTenantConfig", config.putTenantConfig);

  readonly upsertVm = this.op("upsertVm", vms.upsertVm);
  readonly getVm = this.op("getVm", vms.getVm);
  readonly listVms = this.op("listVms", vms.listVms);
  readonly appendVmEvents = this.op("appendVmEvents", vms.appendVmEvents);
  readonly listVmEvents = this.op("listVmEvents", vms.listVmEvents);

  readonly upsertSession = this.op("upsertSession", sessions.upsertSession);
  readonly getSession = this.op("getSession", sessions.getSession);
  readonly listSessions = this.op("listSessions", sessions.listSessions);

  readonly appendUsage = this.op("appendUsage", usage.appendUsage);
  readonly listUsage = this.op("listUsage", usage.listUsage);
  readonly sumUsage = this.op("sumUsage", usage.sumUsage);

  readonly putBudget = this.op("putBudget", budgets.putBudget);
  readonly getBudget = this.op("getBudget", budgets.getBudget);
  readonly listBudgets = this.op("listBudgets", budgets.listBudgets);
  readonly deleteBudget = this.op("deleteBudget", budgets.deleteBudget);

  readonly claimIdempotency = this.op("claimIdempotency", idempotency.claimIdempotency);
  readonly completeIdempotency = this.op("completeIdempotency", idempotency.completeIdempotency);
  readonly getIdempotency = this.op("getIdempotency", idempotency.getIdempotency);

  readonly appendLatency = this.op("appendLatency", latency.appendLatency);
  readonly summarizeLatency = this.op("summarizeLatency", latency.summarizeLatency);

  /** Binds an aggregate function to this database, behind guard(). */
  private op<A extends unknown[], R>(name: string, fn: (db: D1Database, ...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return (...args) => guard(name, () => fn(this.db, ...args));
  }
}
