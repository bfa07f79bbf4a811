// One contract for every Store implementation (D1, MongoDB): each runner calls
// defineStoreContract with a factory. Every test makes its own tenants, so runs never collide,
// even against a shared real cluster.
import { beforeEach, describe, expect, it } from "vitest";
import { newId } from "../../src/domain/ids";
import { InvalidCursorError } from "../../src/store/paging";
import type {
  ApiKeyRecord,
  BudgetRecord,
  IdempotencyRecord,
  LatencyObservation,
  SessionRecord,
  Store,
  TenantRecord,
  UsageSegment,
  VmEventRecord,
  VmRecord,
} from "../../src/store/types";

const T0 = new Date("2026-11-01T00:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

export function tenant(overrides: Partial<TenantRecord> = {}): TenantRecord {
  return {
    id: newId("ten"),
    name: "Acme Cloud Gaming",
    status: "active",
    playerAuth: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function apiKey(tenantId: string, overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: newId("key"),
    tenantId,
    name: "ci key",
    hash: "a".repeat(64),
    prefix: "gpk_abcd",
    scopes: ["operator"],
    playerId: null,
    createdAt: T0,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

function vm(tenantId: string, overrides: Partial<VmRecord> = {}): VmRecord {
  return {
    id: newId("vm"),
    tenantId,
    state: "pending",
    seq: 1,
    provider: "simulated",
    region: "eu-west-1",
    instanceType: "g5.xlarge",
    emulatorId: "pcsx2",
    playerId: null,
    sessionId: null,
    providerInstanceId: null,
    failureReason: null,
    createdAt: T0,
    updatedAt: T0,
    data: {},
    ...overrides,
  };
}

function event(tenantId: string, vmId: string, seq: number, overrides: Partial<VmEventRecord> = {}): VmEventRecord {
  return {
    tenantId,
    vmId,
    seq,
    type: "transition",
    at: at(seq),
    fromState: seq === 1 ? null : "pending",
    toState: "provisioning",
    data: { step: seq },
    ...overrides,
  };
}

function session(tenantId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: newId("ses"),
    tenantId,
    playerId: "player-1",
    state: "starting",
    version: 1,
    vmId: null,
    provider: "simulated",
    region: "eu-west-1",
    emulatorId: "pcsx2",
    createdAt: T0,
    updatedAt: T0,
    endedAt: null,
    data: {},
    ...overrides,
  };
}

function segment(tenantId: string, vmId: string, seq: number, overrides: Partial<UsageSegment> = {}): UsageSegment {
  return {
    id: `${vmId}:${seq}`,
    tenantId,
    vmId,
    playerId: "player-1",
    sessionId: null,
    provider: "simulated",
    region: "eu-west-1",
    instanceType: "g5.xlarge",
    kind: "compute",
    startAt: at(seq * 10),
    endAt: at(seq * 10 + 5),
    seconds: 300,
    unitPriceMicros: 1_006_000,
    costMicros: 83_833,
    ...overrides,
  };
}

function budget(tenantId: string, overrides: Partial<BudgetRecord> = {}): BudgetRecord {
  return {
    id: newId("bud"),
    tenantId,
    name: "monthly cap",
    playerId: null,
    period: "monthly",
    limitMicros: 500_000_000,
    thresholds: [50, 80, 100],
    action: "stop",
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function idem(tenantId: string, overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    tenantId,
    scope: "POST /vms",
    key: `key-${Math.random().toString(36).slice(2)}`,
    requestHash: "b".repeat(64),
    status: "pending",
    response: null,
    resourceId: null,
    createdAt: T0,
    expiresAt: at(24 * 60),
    ...overrides,
  };
}

function latency(tenantId: string, overrides: Partial<LatencyObservation> = {}): LatencyObservation {
  return {
    id: `lat-${Math.random().toString(36).slice(2)}`,
    tenantId,
    cell: "u0d",
    provider: "aws",
    region: "eu-central-1",
    rttMs: 20,
    source: "client-ping",
    at: at(1),
    ...overrides,
  };
}

/** Reads every page of a list, checking that pages are disjoint and bounded by the limit. */
async function drain<T>(read: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>, limit: number) {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await read(cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    if (!page.nextCursor) return all;
    cursor = page.nextCursor;
  }
  throw new Error("pagination did not end");
}

export function defineStoreContract(name: string, makeStore: () => Store) {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let a: TenantRecord;
    let b: TenantRecord;

    beforeEach(async () => {
      store = makeStore();
      a = tenant({ name: "Tenant A" });
      b = tenant({ name: "Tenant B" });
      expect(await store.createTenant(a)).toEqual({ created: true });
      expect(await store.createTenant(b)).toEqual({ created: true });
    });

    it("reports its backend and answers ping", async () => {
      expect(store.backend).toBe(name);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe("tenants", () => {
      it("round-trips a tenant, dates included", async () => {
        const t = tenant({
          playerAuth: {
            audience: "acme-launcher",
            issuer: "https://auth.acme.test",
            hs256SecretName: "ACME_JWT_KEY",
            jwksUrl: null,
          },
        });
        await store.createTenant(t);
        expect(await store.getTenant(t.id)).toEqual(t);
        expect(await store.getTenant(newId("ten"))).toBeNull();
      });

      it("create is create-if-absent: a second create changes nothing", async () => {
        expect(await store.createTenant({ ...a, name: "Impostor" })).toEqual({ created: false });
        expect((await store.getTenant(a.id))?.name).toBe("Tenant A");
      });

      it("updates with a patch", async () => {
        const updated = await store.updateTenant(a.id, { name: "Renamed", status: "suspended", updatedAt: at(5) });
        expect(updated).toEqual({ ...a, name: "Renamed", status: "suspended", updatedAt: at(5) });
        expect(await store.getTenant(a.id)).toEqual(updated);
        expect(await store.updateTenant(newId("ten"), { name: "x", updatedAt: at(5) })).toBeNull();
      });

      it("lists tenants by id across pages", async () => {
        const all = await drain((cursor) => store.listTenants({ cursor, limit: 1 }), 1);
        const ids = all.map((t) => t.id);
        expect(ids).toEqual([...ids].sort());
        expect(ids).toEqual(expect.arrayContaining([a.id, b.id]));
      });
    });

    describe("API keys", () => {
      it("creates, finds by id across tenants, and gets only within its tenant", async () => {
        const key = apiKey(a.id, { scopes: ["player"], playerId: "p-9", expiresAt: at(60) });
        expect(await store.createApiKey(key)).toEqual({ created: true });
        expect(await store.createApiKey({ ...key, name: "again" })).toEqual({ created: false });
        expect(await store.findApiKey(key.id)).toEqual(key);
        expect(await store.getApiKey(a.id, key.id)).toEqual(key);
        expect(await store.getApiKey(b.id, key.id)).toBeNull();
        expect(await store.findApiKey(newId("key"))).toBeNull();
      });

      it("lists a tenant's keys only, by id, paginated", async () => {
        const keys = [apiKey(a.id), apiKey(a.id), apiKey(a.id)];
        for (const k of keys) await store.createApiKey(k);
        await store.createApiKey(apiKey(b.id));
        const listed = await drain((cursor) => store.listApiKeys(a.id, { cursor, limit: 2 }), 2);
        expect(listed.map((k) => k.id)).toEqual(keys.map((k) => k.id).sort());
      });

      it("revokes once (the first time is kept) and never across tenants", async () => {
        const key = apiKey(a.id);
        await store.createApiKey(key);
        expect(await store.revokeApiKey(b.id, key.id, at(1))).toBeNull();
        expect((await store.findApiKey(key.id))?.revokedAt).toBeNull();
        expect((await store.revokeApiKey(a.id, key.id, at(2)))?.revokedAt).toEqual(at(2));
        expect((await store.revokeApiKey(a.id, key.id, at(3)))?.revokedAt).toEqual(at(2));
        expect(await store.revokeApiKey(a.id, newId("key"), at(3))).toBeNull();
      });

      it("touch moves lastUsedAt forward only", async () => {
        const key = apiKey(a.id);
        await store.createApiKey(key);
        await store.touchApiKey(key.id, at(10));
        await store.touchApiKey(key.id, at(5));
        expect((await store.findApiKey(key.id))?.lastUsedAt).toEqual(at(10));
        await expect(store.touchApiKey(newId("key"), at(1))).resolves.toBeUndefined();
      });
    });

    describe("tenant configuration", () => {
      it("is absent until first written, then versioned by compare-and-set", async () => {
        expect(await store.getTenantConfig(a.id)).toBeNull();
        expect(await store.putTenantConfig(a.id, { emulators: [] }, 1, at(1))).toEqual({ ok: false, currentVersion: 0 });
        expect(await store.putTenantConfig(a.id, { emulators: [] }, 0, at(1))).toEqual({ ok: true, version: 1 });
        expect(await store.putTenantConfig(a.id, { emulators: ["x"] }, 0, at(2))).toEqual({ ok: false, currentVersion: 1 });
        const doc = { emulators: [{ id: "pcsx2", systems: ["ps2"] }], policy: { spot: true, maxRttMs: 60 } };
        expect(await store.putTenantConfig(a.id, doc, 1, at(3))).toEqual({ ok: true, version: 2 });
        expect(await store.getTenantConfig(a.id)).toEqual({ tenantId: a.id, version: 2, document: doc, updatedAt: at(3) });
        expect(await store.getTenantConfig(b.id)).toBeNull();
      });

      it("lets exactly one of two concurrent writers with the same expected version win", async () => {
        await store.putTenantConfig(a.id, { n: 0 }, 0, at(1));
        const results = await Promise.all([
          store.putTenantConfig(a.id, { n: 1 }, 1, at(2)),
          store.putTenantConfig(a.id, { n: 2 }, 1, at(2)),
        ]);
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        expect(results.find((r) => !r.ok)).toEqual({ ok: false, currentVersion: 2 });
        expect((await store.getTenantConfig(a.id))?.version).toBe(2);
      });
    });

    describe("VMs", () => {
      it("round-trips a VM and hides it from other tenants", async () => {
        const v = vm(a.id, { playerId: "p1", data: { timings: { acceptedAt: 1, readyAt: 95 }, spot: false } });
        expect(await store.upsertVm(v)).toEqual({ applied: true });
        expect(await store.getVm(a.id, v.id)).toEqual(v);
        expect(await store.getVm(b.id, v.id)).toBeNull();
        expect((await store.listVms(b.id)).items).toEqual([]);
      });

      it("applies only newer seqs; repeated and stale writes are ignored", async () => {
        const v = vm(a.id);
        await store.upsertVm(v);
        expect(await store.upsertVm({ ...v, state: "running", seq: 3 })).toEqual({ applied: true });
        expect(await store.upsertVm({ ...v, state: "provisioning", seq: 2 })).toEqual({ applied: false });
        expect(await store.upsertVm({ ...v, state: "running", seq: 3 })).toEqual({ applied: false });
        expect(await store.getVm(a.id, v.id)).toMatchObject({ state: "running", seq: 3 });
      });

      it("never lets another tenant overwrite a VM id", async () => {
        const v = vm(a.id);
        await store.upsertVm(v);
        expect(await store.upsertVm({ ...v, tenantId: b.id, seq: 99, state: "terminated" })).toEqual({ applied: false });
        expect(await store.getVm(a.id, v.id)).toEqual(v);
        expect(await store.getVm(b.id, v.id)).toBeNull();
      });

      it("keeps the highest seq under concurrent upserts of the same id", async () => {
        const v = vm(a.id);
        const writes = [1, 5, 3, 4, 2].map((seq) => store.upsertVm({ ...v, seq, state: `s${seq}` }));
        const results = await Promise.all(writes);
        expect(results.some((r) => r.applied)).toBe(true);
        expect(await store.getVm(a.id, v.id)).toMatchObject({ seq: 5, state: "s5" });
      });

      it("filters by state, provider, region and player, and paginates by id", async () => {
        const vms = [
          vm(a.id, { state: "running", region: "eu-west-1", playerId: "p1" }),
          vm(a.id, { state: "running", region: "us-east-1", playerId: "p2" }),
          vm(a.id, { state: "stopped", region: "eu-west-1", playerId: "p1" }),
          vm(a.id, { state: "running", provider: "aws", region: "eu-west-1", playerId: "p1" }),
          vm(b.id, { state: "running", region: "eu-west-1", playerId: "p1" }),
        ];
        for (const v of vms) await store.upsertVm(v);
        const ids = (list: VmRecord[]) => list.map((v) => v.id);
        const expected = (pick: number[]) => pick.map((i) => vms[i]?.id).sort();

        expect(ids(await drain((cursor) => store.listVms(a.id, {}, { cursor, limit: 2 }), 2))).toEqual(expected([0, 1, 2, 3]));
        expect(ids((await store.listVms(a.id, { state: "running" })).items)).toEqual(expected([0, 1, 3]));
        expect(ids((await store.listVms(a.id, { provider: "aws" })).items)).toEqual(expected([3]));
        expect(ids((await store.listVms(a.id, { region: "eu-west-1", playerId: "p1" })).items)).toEqual(expected([0, 2, 3]));
        expect(ids((await store.listVms(a.id, { state: "running", region: "eu-west-1", provider: "simulated" })).items)).toEqual(
          expected([0]),
        );
        const filtered = await drain((cursor) => store.listVms(a.id, { state: "running" }, { cursor, limit: 1 }), 1);
        expect(ids(filtered)).toEqual(expected([0, 1, 3]));
      });

      it("rejects a cursor it did not make", async () => {
        await expect(store.listVms(a.id, {}, { cursor: "not a cursor!" })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.listVms(a.id, {}, { cursor: "eyJ4IjoxfQ" })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("clamps the page size", async () => {
        for (let i = 0; i < 3; i++) await store.upsertVm(vm(a.id));
        expect((await store.listVms(a.id, {}, { limit: 0 })).items).toHaveLength(1);
        expect((await store.listVms(a.id, {}, { limit: 1000 })).items).toHaveLength(3);
      });
    });

    describe("VM events", () => {
      it("appends idempotently by vmId:seq and lists in seq order", async () => {
        const v = vm(a.id);
        const events = [1, 2, 3, 4, 5].map((seq) => event(a.id, v.id, seq));
        expect(await store.appendVmEvents(events.slice(0, 3))).toEqual({ inserted: 3 });
        // A retried flush repeats old events and brings new ones; a changed repeat is not applied.
        expect(await store.appendVmEvents([{ ...events[2], type: "changed" } as VmEventRecord, ...events.slice(3)])).toEqual({
          inserted: 2,
        });
        expect(await store.appendVmEvents([])).toEqual({ inserted: 0 });
        const listed = await drain((cursor) => store.listVmEvents(a.id, v.id, { cursor, limit: 2 }), 2);
        expect(listed).toEqual(events);
        expect((await store.listVmEvents(b.id, v.id)).items).toEqual([]);
      });

      it("counts each event once under concurrent flushes", async () => {
        const v = vm(a.id);
        const events = [1, 2, 3].map((seq) => event(a.id, v.id, seq));
        const results = await Promise.all([store.appendVmEvents(events), store.appendVmEvents(events)]);
        expect(results.reduce((n, r) => n + r.inserted, 0)).toBe(3);
        expect((await store.listVmEvents(a.id, v.id)).items).toHaveLength(3);
      });
    });

    describe("sessions", () => {
      it("round-trips, applies newer versions only, and scopes by tenant", async () => {
        const s = session(a.id, { data: { rttMs: 23 } });
        expect(await store.upsertSession(s)).toEqual({ applied: true });
        expect(await store.upsertSession({ ...s, version: 2, state: "playable", vmId: "vm_x" })).toEqual({ applied: true });
        expect(await store.upsertSession({ ...s, version: 1, state: "starting" })).toEqual({ applied: false });
        expect(await store.upsertSession({ ...s, tenantId: b.id, version: 9 })).toEqual({ applied: false });
        expect(await store.getSession(a.id, s.id)).toEqual({ ...s, version: 2, state: "playable", vmId: "vm_x" });
        expect(await store.getSession(b.id, s.id)).toBeNull();
      });

      it("filters by player, state and creation time", async () => {
        const sessions = [
          session(a.id, { playerId: "p1", state: "playable", createdAt: at(1) }),
          session(a.id, { playerId: "p1", state: "ended", createdAt: at(2), endedAt: at(3) }),
          session(a.id, { playerId: "p2", state: "playable", createdAt: at(3) }),
          session(b.id, { playerId: "p1", state: "playable", createdAt: at(1) }),
        ];
        for (const s of sessions) await store.upsertSession(s);
        const ids = async (filter: Parameters<Store["listSessions"]>[1]) =>
          (await store.listSessions(a.id, filter)).items.map((s) => s.id);
        const expected = (pick: number[]) => pick.map((i) => sessions[i]?.id).sort();
        expect(await ids({})).toEqual(expected([0, 1, 2]));
        expect(await ids({ playerId: "p1" })).toEqual(expected([0, 1]));
        expect(await ids({ state: "playable" })).toEqual(expected([0, 2]));
        expect(await ids({ from: at(2) })).toEqual(expected([1, 2]));
        expect(await ids({ from: at(1), to: at(3) })).toEqual(expected([0, 1]));
        const paged = await drain((cursor) => store.listSessions(a.id, {}, { cursor, limit: 2 }), 2);
        expect(paged.map((s) => s.id)).toEqual(expected([0, 1, 2]));
      });
    });

    describe("usage", () => {
      it("appends idempotently by id: a retried write never counts twice", async () => {
        const vmId = newId("vm");
        const segs = [1, 2, 3].map((seq) => segment(a.id, vmId, seq));
        expect(await store.appendUsage(segs)).toEqual({ inserted: 3 });
        expect(await store.appendUsage([...segs, { ...(segs[0] as UsageSegment), costMicros: 1 }])).toEqual({ inserted: 0 });
        const [total] = await store.sumUsage(a.id, "none");
        expect(total).toEqual({ key: null, costMicros: 3 * 83_833, seconds: 900, segments: 3 });
      });

      it("lists with filters, paginated by id", async () => {
        const vm1 = newId("vm");
        const vm2 = newId("vm");
        const segs = [segment(a.id, vm1, 1), segment(a.id, vm1, 2, { playerId: "p2" }), segment(a.id, vm2, 3)];
        await store.appendUsage([...segs, segment(b.id, newId("vm"), 1)]);
        const ids = async (filter: Parameters<Store["listUsage"]>[1]) =>
          (await store.listUsage(a.id, filter)).items.map((s) => s.id);
        expect(await ids({})).toEqual(segs.map((s) => s.id).sort());
        expect(await ids({ vmId: vm1 })).toEqual([segs[0]?.id, segs[1]?.id].sort());
        expect(await ids({ playerId: "p2" })).toEqual([segs[1]?.id]);
        expect(await ids({ from: at(20), to: at(30) })).toEqual([segs[1]?.id]);
        const paged = await drain((cursor) => store.listUsage(a.id, {}, { cursor, limit: 2 }), 2);
        expect(paged).toHaveLength(3);
        expect((await store.listUsage(b.id, { vmId: vm1 })).items).toEqual([]);
      });

      it("sums by every grouping, exactly, within a time range and a tenant", async () => {
        const vm1 = newId("vm");
        const vm2 = newId("vm");
        const day2 = new Date("2026-11-02T23:59:59.000Z");
        await store.appendUsage([
          segment(a.id, vm1, 1, { costMicros: 1_000_001, seconds: 60 }),
          segment(a.id, vm1, 2, { costMicros: 2_000_002, seconds: 120, kind: "storage", playerId: null }),
          segment(a.id, vm2, 3, { costMicros: 3_000_003, seconds: 180, provider: "aws", region: "us-east-1", playerId: "p2" }),
          segment(a.id, vm2, 4, { costMicros: 4_000_004, seconds: 240, provider: "aws", region: "us-east-1", startAt: day2 }),
          segment(b.id, newId("vm"), 1, { costMicros: 999 }),
        ]);
        expect(await store.sumUsage(a.id, "none")).toEqual([{ key: null, costMicros: 10_000_010, seconds: 600, segments: 4 }]);
        expect(await store.sumUsage(a.id, "provider")).toEqual([
          { key: "aws", costMicros: 7_000_007, seconds: 420, segments: 2 },
          { key: "simulated", costMicros: 3_000_003, seconds: 180, segments: 2 },
        ]);
        expect(await store.sumUsage(a.id, "region")).toEqual([
          { key: "eu-west-1", costMicros: 3_000_003, seconds: 180, segments: 2 },
          { key: "us-east-1", costMicros: 7_000_007, seconds: 420, segments: 2 },
        ]);
        expect(await store.sumUsage(a.id, "player")).toEqual([
          { key: null, costMicros: 2_000_002, seconds: 120, segments: 1 },
          { key: "p2", costMicros: 3_000_003, seconds: 180, segments: 1 },
          { key: "player-1", costMicros: 5_000_005, seconds: 300, segments: 2 },
        ]);
        expect(await store.sumUsage(a.id, "vm")).toEqual(
          [
            { key: vm1, costMicros: 3_000_003, seconds: 180, segments: 2 },
            { key: vm2, costMicros: 7_000_007, seconds: 420, segments: 2 },
          ].sort((x, y) => (x.key < y.key ? -1 : 1)),
        );
        expect(await store.sumUsage(a.id, "kind")).toEqual([
          { key: "compute", costMicros: 8_000_008, seconds: 480, segments: 3 },
          { key: "storage", costMicros: 2_000_002, seconds: 120, segments: 1 },
        ]);
        expect(await store.sumUsage(a.id, "day")).toEqual([
          { key: "2026-11-01", costMicros: 6_000_006, seconds: 360, segments: 3 },
          { key: "2026-11-02", costMicros: 4_000_004, seconds: 240, segments: 1 },
        ]);
        expect(await store.sumUsage(a.id, "none", { from: at(20), to: at(40) })).toEqual([
          { key: null, costMicros: 5_000_005, seconds: 300, segments: 2 },
        ]);
        expect(await store.sumUsage(a.id, "none", { playerId: "p2" })).toEqual([
          { key: null, costMicros: 3_000_003, seconds: 180, segments: 1 },
        ]);
        expect(await store.sumUsage(a.id, "none", { vmId: vm1 })).toEqual([
          { key: null, costMicros: 3_000_003, seconds: 180, segments: 2 },
        ]);
        expect(await store.sumUsage(a.id, "provider", { from: at(10_000) })).toEqual([]);
        expect(await store.sumUsage(a.id, "none", { from: at(10_000) })).toEqual([]);
      });
    });

    describe("budgets", () => {
      it("puts, replaces, gets, lists and deletes within a tenant", async () => {
        const one = budget(a.id, { playerId: "p1", period: "daily" });
        const two = budget(a.id);
        expect(await store.putBudget(one)).toEqual({ applied: true });
        expect(await store.putBudget(two)).toEqual({ applied: true });
        expect(await store.getBudget(a.id, one.id)).toEqual(one);
        const replaced = { ...one, limitMicros: 1, thresholds: [90, 100], action: "terminate" as const, updatedAt: at(1) };
        expect(await store.putBudget(replaced)).toEqual({ applied: true });
        expect(await store.getBudget(a.id, one.id)).toEqual(replaced);
        const listed = await drain((cursor) => store.listBudgets(a.id, { cursor, limit: 1 }), 1);
        expect(listed.map((x) => x.id)).toEqual([one.id, two.id].sort());
        expect(await store.deleteBudget(a.id, one.id)).toEqual({ deleted: true });
        expect(await store.deleteBudget(a.id, one.id)).toEqual({ deleted: false });
        expect(await store.getBudget(a.id, one.id)).toBeNull();
      });

      it("never reads, replaces or deletes another tenant's budget", async () => {
        const mine = budget(a.id);
        await store.putBudget(mine);
        expect(await store.getBudget(b.id, mine.id)).toBeNull();
        expect(await store.putBudget({ ...mine, tenantId: b.id, limitMicros: 1 })).toEqual({ applied: false });
        expect(await store.deleteBudget(b.id, mine.id)).toEqual({ deleted: false });
        expect(await store.getBudget(a.id, mine.id)).toEqual(mine);
        expect((await store.listBudgets(b.id)).items).toEqual([]);
      });
    });

    describe("idempotency", () => {
      it("claims a key once, completes it, and returns the stored response to a repeat", async () => {
        const rec = idem(a.id);
        expect(await store.claimIdempotency(rec)).toEqual({ claimed: true });
        const again = await store.claimIdempotency({ ...rec, requestHash: "c".repeat(64) });
        expect(again).toEqual({ claimed: false, existing: rec });
        const response = { status: 202, body: { id: "vm_1", state: "pending" } };
        expect(await store.completeIdempotency(a.id, rec.scope, rec.key, response, "vm_1")).toBe(true);
        expect(await store.getIdempotency(a.id, rec.scope, rec.key)).toEqual({
          ...rec,
          status: "completed",
          response,
          resourceId: "vm_1",
        });
        expect(await store.completeIdempotency(a.id, rec.scope, "other", response, null)).toBe(false);
      });

      it("keeps keys apart by tenant and scope", async () => {
        const rec = idem(a.id);
        await store.claimIdempotency(rec);
        expect(await store.claimIdempotency({ ...rec, tenantId: b.id })).toEqual({ claimed: true });
        expect(await store.claimIdempotency({ ...rec, scope: "POST /launch" })).toEqual({ claimed: true });
        expect(await store.getIdempotency(b.id, rec.scope, rec.key)).toMatchObject({ tenantId: b.id });
        expect(await store.getIdempotency(a.id, "nope", rec.key)).toBeNull();
      });

      it("lets a new claim replace an expired record only", async () => {
        const rec = idem(a.id, { createdAt: at(0), expiresAt: at(10) });
        await store.claimIdempotency(rec);
        expect((await store.claimIdempotency({ ...rec, createdAt: at(9), expiresAt: at(20) })).claimed).toBe(false);
        const fresh = { ...rec, requestHash: "d".repeat(64), createdAt: at(10), expiresAt: at(30) };
        expect(await store.claimIdempotency(fresh)).toEqual({ claimed: true });
        expect(await store.getIdempotency(a.id, rec.scope, rec.key)).toEqual(fresh);
      });

      it("lets exactly one of concurrent claims win", async () => {
        const rec = idem(a.id);
        const results = await Promise.all([1, 2, 3, 4].map(() => store.claimIdempotency(rec)));
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
      });
    });

    describe("latency observations", () => {
      it("appends idempotently and summarises per cell, provider and region", async () => {
        const obs = [
          latency(a.id, { rttMs: 20 }),
          latency(a.id, { rttMs: 30 }),
          latency(a.id, { rttMs: 100, region: "us-east-1" }),
          latency(a.id, { rttMs: 40, cell: "u0e" }),
          latency(a.id, { rttMs: 5, at: at(-60) }),
          latency(b.id, { rttMs: 1 }),
        ];
        expect(await store.appendLatency(obs)).toEqual({ inserted: 6 });
        expect(await store.appendLatency(obs.slice(0, 2))).toEqual({ inserted: 0 });
        expect(await store.summarizeLatency(a.id, at(0))).toEqual([
          { cell: "u0d", provider: "aws", region: "eu-central-1", samples: 2, meanRttMs: 25, minRttMs: 20 },
          { cell: "u0d", provider: "aws", region: "us-east-1", samples: 1, meanRttMs: 100, minRttMs: 100 },
          { cell: "u0e", provider: "aws", region: "eu-central-1", samples: 1, meanRttMs: 40, minRttMs: 40 },
        ]);
        expect(await store.summarizeLatency(a.id, at(0), "u0e")).toEqual([
          { cell: "u0e", provider: "aws", region: "eu-central-1", samples: 1, meanRttMs: 40, minRttMs: 40 },
        ]);
        expect(await store.summarizeLatency(b.id, at(-120))).toEqual([
          { cell: "u0d", provider: "aws", region: "eu-central-1", samples: 1, meanRttMs: 1, minRttMs: 1 },
        ]);
      });
    });
  });
}
