// Metrics: the data point schema of each kind, the no-op fallback, and the provider and store
// decorators (outcome per call, results and errors untouched, never a throw from metrics).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { instrumentProvider } from "../../src/metrics/instrumented-provider";
import { instrumentStore } from "../../src/metrics/instrumented-store";
import {
  type DataPointSink,
  MAX_POINTS_PER_WRITER,
  type MetricsWriter,
  metricsWriter,
  NO_METRICS,
  writerFor,
} from "../../src/metrics/writer";
import { type InstanceInfo, type Provider, ProviderError } from "../../src/providers/types";
import { D1Store } from "../../src/store/d1/d1-store";
import type { Store } from "../../src/store/types";

function recorder() {
  const points: AnalyticsEngineDataPoint[] = [];
  const sink: DataPointSink = { writeDataPoint: (p) => void (p && points.push(p)) };
  return { points, sink, writer: writerFor(sink) };
}

const throwingSink: DataPointSink = {
  writeDataPoint() {
    throw new Error("dataset unavailable");
  },
};

const throwingWriter: MetricsWriter = {
  request: () => {
    throw new Error("boom");
  },
  providerCall: () => {
    throw new Error("boom");
  },
  storeCall: () => {
    throw new Error("boom");
  },
  launch: () => {
    throw new Error("boom");
  },
};

describe("metrics writer", () => {
  it("lays out each kind as documented: index and blob1 = kind, double1 = duration", () => {
    const { points, writer } = recorder();
    writer.request({ route: "/vms/{id}", method: "GET", status: 404, durationMs: 12.345, tenantId: "ten_1" });
    writer.providerCall({
      provider: "aws",
      operation: "createInstance",
      outcome: "capacity",
      region: "eu-west-3",
      durationMs: 250,
    });
    writer.storeCall({ backend: "d1", operation: "upsertVm", outcome: "ok", durationMs: 3 });
    writer.launch({
      provider: "simulated",
      region: "eu-west-3",
      warm: true,
      timeToPlayableMs: 8000,
      attempts: 1,
      tenantId: "ten_1",
    });
    expect(points).toEqual([
      { indexes: ["request"], blobs: ["request", "/vms/{id}", "GET", "404", "ten_1"], doubles: [12.3, 404] },
      { indexes: ["provider"], blobs: ["provider", "aws", "createInstance", "capacity", "eu-west-3"], doubles: [250] },
      { indexes: ["store"], blobs: ["store", "d1", "upsertVm", "ok"], doubles: [3] },
      { indexes: ["launch"], blobs: ["launch", "simulated", "eu-west-3", "warm", "ten_1"], doubles: [8000, 1] },
    ]);
  });

  it("writes unknown values as empty blobs and truncates long ones", () => {
    const { points, writer } = recorder();
    writer.request({ route: null, method: "X".repeat(1000), status: 405, durationMs: Number.NaN });
    expect(points[0]?.blobs).toEqual(["request", "", "X".repeat(256), "405", ""]);
    expect(points[0]?.doubles).toEqual([0, 405]);
  });

  it("never throws when the dataset does, and stops after MAX_POINTS_PER_WRITER", () => {
    const writer = writerFor(throwingSink);
    expect(() => writer.storeCall({ backend: "d1", operation: "ping", outcome: "ok", durationMs: 1 })).not.toThrow();
    const { points, writer: bounded } = recorder();
    for (let i = 0; i < MAX_POINTS_PER_WRITER + 10; i++)
      bounded.storeCall({ backend: "d1", operation: "ping", outcome: "ok", durationMs: 1 });
    expect(points).toHaveLength(MAX_POINTS_PER_WRITER);
  });

  it("falls back to a no-op without the binding", () => {
    expect(metricsWriter({})).toBe(NO_METRICS);
    expect(metricsWriter(undefined)).toBe(NO_METRICS);
    expect(metricsWriter({ METRICS: "not a dataset" })).toBe(NO_METRICS);
  });

  it("finds the METRICS binding Miniflare simulates from wrangler.toml, which accepts points", () => {
    expect(typeof env.METRICS?.writeDataPoint).toBe("function");
    expect(metricsWriter(env)).not.toBe(NO_METRICS);
    expect(() => env.METRICS.writeDataPoint({ indexes: ["test"], blobs: ["test"], doubles: [1] })).not.toThrow();
  });
});

const INSTANCE: InstanceInfo = {
  instanceId: "i-1",
  state: "running",
  region: "eu-west-3",
  instanceType: "g4dn.xlarge",
  spot: false,
  launchedAt: null,
  tags: {},
  publicIp: null,
};

function fakeProvider(behaviour: (operation: string) => unknown): Provider {
  const run = async (operation: string) => {
    const result = behaviour(operation);
    if (result instanceof Error) throw result;
    return result;
  };
  return {
    id: "aws",
    kind: "aws",
    createInstance: async () => (await run("createInstance")) as InstanceInfo,
    describeInstance: async () => (await run("describeInstance")) as InstanceInfo | null,
    startInstance: async () => void (await run("startInstance")),
    stopInstance: async () => void (await run("stopInstance")),
    terminateInstance: async () => void (await run("terminateInstance")),
    listInstances: async () => (await run("listInstances")) as InstanceInfo[],
  };
}

describe("instrumentProvider", () => {
  const CREATE = {
    idempotencyToken: "t",
    region: "eu-west-3",
    instanceType: "g4dn.xlarge",
    image: "ami-1",
    userData: "",
    spot: false,
    diskGb: 64,
    tags: {},
  };

  it("passes results through and writes ok with the provider, operation and region", async () => {
    const { points, writer } = recorder();
    const provider = instrumentProvider(
      fakeProvider((op) => (op === "listInstances" ? [INSTANCE] : INSTANCE)),
      writer,
    );
    expect(provider.id).toBe("aws");
    expect(provider.kind).toBe("aws");
    expect(await provider.createInstance(CREATE)).toEqual(INSTANCE);
    expect(await provider.listInstances("us-east-1", { "gp:tenant": "t" })).toEqual([INSTANCE]);
    await provider.stopInstance("eu-west-3", "i-1");
    expect(points.map((p) => p.blobs)).toEqual([
      ["provider", "aws", "createInstance", "ok", "eu-west-3"],
      ["provider", "aws", "listInstances", "ok", "us-east-1"],
      ["provider", "aws", "stopInstance", "ok", "eu-west-3"],
    ]);
    expect(points.every((p) => typeof p.doubles?.[0] === "number" && (p.doubles[0] as number) >= 0)).toBe(true);
  });

  it("rethrows the same error and writes its ProviderError kind, or `error` for anything else", async () => {
    const { points, writer } = recorder();
    const capacity = new ProviderError("capacity", "no capacity", { code: "InsufficientInstanceCapacity" });
    const bug = new TypeError("undefined is not a function");
    const provider = instrumentProvider(
      fakeProvider((op) => (op === "createInstance" ? capacity : op === "startInstance" ? bug : null)),
      writer,
    );
    await expect(provider.createInstance(CREATE)).rejects.toBe(capacity);
    await expect(provider.startInstance("eu-west-3", "i-1")).rejects.toBe(bug);
    expect(await provider.describeInstance("eu-west-3", "i-1")).toBeNull();
    expect(points.map((p) => p.blobs?.[3])).toEqual(["capacity", "error", "ok"]);
  });

  it("records a synchronous throw too, and never lets a failing writer reach the caller", async () => {
    const { points, writer } = recorder();
    const sync = fakeProvider(() => INSTANCE);
    sync.terminateInstance = () => {
      throw new ProviderError("auth", "no credentials");
    };
    expect(() => instrumentProvider(sync, writer).terminateInstance("eu-west-3", "i-1")).toThrow(ProviderError);
    expect(points[0]?.blobs?.[3]).toBe("auth");

    const guarded = instrumentProvider(
      fakeProvider(() => INSTANCE),
      throwingWriter,
    );
    expect(await guarded.createInstance(CREATE)).toEqual(INSTANCE);
    const failing = instrumentProvider(
      fakeProvider(() => new ProviderError("quota", "limit")),
      throwingWriter,
    );
    await expect(failing.createInstance(CREATE)).rejects.toMatchObject({ kind: "quota" });
  });
});

describe("instrumentStore", () => {
  it("measures each call of a real store by method name, keeping backend and results", async () => {
    const { points, writer } = recorder();
    const store = instrumentStore(new D1Store(env.DB), writer);
    expect(store.backend).toBe("d1");
    await store.ping();
    expect(await store.getTenant("ten_missing")).toBeNull();
    const page = await store.listVms("ten_missing", {}, { limit: 5 });
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(points.map((p) => p.blobs)).toEqual([
      ["store", "d1", "ping", "ok"],
      ["store", "d1", "getTenant", "ok"],
      ["store", "d1", "listVms", "ok"],
    ]);
    // The same wrapped method every time (no allocation per access).
    expect(store.getTenant).toBe(store.getTenant);
  });

  it("writes error when a call rejects or throws, and rethrows the same error", async () => {
    const { points, writer } = recorder();
    const failure = new Error("backend down");
    const fake = {
      backend: "mongo",
      ping: async () => {
        throw failure;
      },
      getTenant: () => {
        throw failure;
      },
    } as unknown as Store;
    const store = instrumentStore(fake, writer);
    expect(store.backend).toBe("mongo");
    await expect(store.ping()).rejects.toBe(failure);
    expect(() => store.getTenant("ten_1")).toThrow(failure);
    expect(points.map((p) => p.blobs)).toEqual([
      ["store", "mongo", "ping", "error"],
      ["store", "mongo", "getTenant", "error"],
    ]);
  });

  it("never lets a failing writer reach the caller", async () => {
    const store = instrumentStore(new D1Store(env.DB), throwingWriter);
    await expect(store.ping()).resolves.toBeUndefined();
    expect(await store.getTenant("ten_missing")).toBeNull();
  });
});
