// /config catalog: emulator profiles, providers, policy, regions, instance types, export/import,
// optimistic concurrency and tenant isolation, through the Worker.
import { describe, expect, it } from "vitest";
import { EmulatorProfileSchema, TenantCatalogSchema, TenantPolicySchema } from "../../src/domain/catalog/schema";
import { call, expectProblem } from "../support/http";
import { createKey, createTenant, jsonRequest, type TestTenant } from "../support/tenants";

const get = (t: TestTenant, path: string, headers: Record<string, string> = {}) =>
  call(path, jsonRequest("GET", t.adminToken, undefined, headers));
const send = (t: TestTenant, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(path, jsonRequest(method, t.adminToken, body, headers));

function emulator(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: `Test ${id}`,
    systems: ["ps2"],
    streamingHost: "sunshine",
    needs: { gpuRequired: true, minVramGb: 4, encoder: "nvenc", minVcpu: 4, minRamGb: 8, diskGb: 64 },
    images: [{ provider: "simulated", region: null, image: `sim-image-${id}` }],
    session: {
      idleTimeoutMinutes: 15,
      maxSessionMinutes: 240,
      stream: { width: 1920, height: 1080, fps: 60, bitrateKbps: 20000 },
    },
    enabled: true,
    ...overrides,
  };
}

async function exportCatalog(t: TestTenant) {
  const res = await get(t, "/config");
  expect(res.status, await res.clone().text()).toBe(200);
  return { etag: res.headers.get("etag") as string, catalog: TenantCatalogSchema.parse(await res.json()) };
}

describe("a new tenant's catalog", () => {
  it("is seeded with real defaults at version 1", async () => {
    const t = await createTenant();
    const { etag, catalog } = await exportCatalog(t);
    expect(etag).toBe('"v1"');
    expect(catalog.providers.map((p) => p.id).sort()).toEqual(["aws", "simulated"]);
    expect(catalog.emulators.map((e) => e.id)).toEqual(expect.arrayContaining(["pcsx2", "dolphin", "retroarch"]));
  });

  it("lists enabled regions with coordinates and instance types", async () => {
    const t = await createTenant();
    const res = await get(t, "/config/regions");
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"v1"');
    const { items } = (await res.json()) as {
      items: { provider: string; code: string; lat: number; lon: number; instanceTypes: string[] }[];
    };
    const frankfurt = items.find((r) => r.provider === "simulated" && r.code === "eu-central-1");
    expect(frankfurt).toMatchObject({ city: "Frankfurt", country: "DE" });
    expect(frankfurt?.lat).toBeCloseTo(50.11, 1);
    expect(frankfurt?.instanceTypes.length).toBeGreaterThan(0);
    // aws is seeded disabled (it needs credentials and images first).
    expect(items.some((r) => r.provider === "aws")).toBe(false);
  });

  it("resolves an emulator to eligible instance types, cheapest first", async () => {
    const t = await createTenant();
    const res = await get(t, "/config/instance-types?emulator=pcsx2");
    expect(res.status, await res.clone().text()).toBe(200);
    const { items } = (await res.json()) as {
      items: { onDemandHourlyMicros: number; gpu: { encoder: string } | null; image: string }[];
    };
    expect(items.length).toBeGreaterThan(0);
    const prices = items.map((o) => o.onDemandHourlyMicros);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(items.every((o) => o.gpu?.encoder === "nvenc" && o.image.length > 0)).toBe(true);
    await expectProblem(await get(t, "/config/instance-types?emulator=nope"), 404, "NOT_FOUND");
    await expectProblem(await get(t, "/config/instance-types"), 400, "VALIDATION_FAILED");
  });
});

describe("emulator profiles CRUD", () => {
  it("creates, reads, replaces, patches and deletes, bumping the ETag each time", async () => {
    const t = await createTenant();
    const created = await send(t, "POST", "/config/emulators", emulator("test-emu"));
    expect(created.status, await created.clone().text()).toBe(201);
    expect(created.headers.get("location")).toBe("/config/emulators/test-emu");
    expect(created.headers.get("etag")).toBe('"v2"');
    expect(EmulatorProfileSchema.parse(await created.json()).id).toBe("test-emu");

    const read = await get(t, "/config/emulators/test-emu");
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe('"v2"');

    const replaced = await send(t, "PUT", "/config/emulators/test-emu", emulator("test-emu", { name: "Test (Xbox)" }), {
      "if-match": '"v2"',
    });
    expect(replaced.status, await replaced.clone().text()).toBe(200);
    expect(replaced.headers.get("etag")).toBe('"v3"');

    const patched = await send(
      t,
      "PATCH",
      "/config/emulators/test-emu",
      { session: { idleTimeoutMinutes: 5 }, systems: ["xbox"] },
      {
        "content-type": "application/merge-patch+json",
      },
    );
    expect(patched.status, await patched.clone().text()).toBe(200);
    const after = EmulatorProfileSchema.parse(await patched.json());
    expect(after).toMatchObject({
      name: "Test (Xbox)",
      systems: ["xbox"],
      session: { idleTimeoutMinutes: 5, maxSessionMinutes: 240 },
    });

    const list = (await (await get(t, "/config/emulators")).json()) as { items: { id: string }[] };
    expect(list.items.map((e) => e.id)).toContain("test-emu");

    expect((await send(t, "DELETE", "/config/emulators/test-emu")).status).toBe(204);
    await expectProblem(await get(t, "/config/emulators/test-emu"), 404, "NOT_FOUND");
    await expectProblem(await send(t, "DELETE", "/config/emulators/test-emu"), 404, "NOT_FOUND");
  });

  it("is allowed to operators, not to players", async () => {
    const t = await createTenant();
    const operator = await createKey(t.adminToken, { name: "ops", scopes: ["operator"] });
    expect((await call("/config/emulators", jsonRequest("GET", operator.token))).status).toBe(200);
    const player = await createKey(t.adminToken, { name: "p", scopes: ["player"], playerId: "p1" });
    await expectProblem(await call("/config/emulators", jsonRequest("GET", player.token)), 403, "FORBIDDEN");
  });
});

describe("validation", () => {
  it("409 for a duplicate id", async () => {
    const t = await createTenant();
    await expectProblem(await send(t, "POST", "/config/emulators", emulator("pcsx2")), 409, "CONFLICT");
  });

  it("400 naming an unknown field", async () => {
    const t = await createTenant();
    const problem = await expectProblem(
      await send(t, "POST", "/config/emulators", emulator("x1", { colour: "red" })),
      400,
      "VALIDATION_FAILED",
    );
    expect(problem.errors?.[0]?.location).toBe("body");
    expect(problem.errors?.[0]?.message).toContain("colour");
  });

  it("400 when the image for an enabled provider is missing", async () => {
    const t = await createTenant();
    const problem = await expectProblem(
      await send(t, "POST", "/config/emulators", emulator("x2", { images: [] })),
      400,
      "VALIDATION_FAILED",
    );
    expect(problem.errors?.map((e) => e.location)).toContain("body.images");
    expect(problem.errors?.[0]?.message).toContain("simulated");
  });

  it("400 for a negative price and for a region without coordinates", async () => {
    const t = await createTenant();
    const sim = (await (await get(t, "/config/providers/simulated")).json()) as Record<string, unknown> & {
      instanceTypes: Record<string, unknown>[];
      regions: Record<string, unknown>[];
    };
    const negative = structuredClone(sim);
    (negative.instanceTypes[0] as Record<string, unknown>).onDemandHourlyMicros = -1;
    const p1 = await expectProblem(await send(t, "PUT", "/config/providers/simulated", negative), 400, "VALIDATION_FAILED");
    expect(p1.errors?.map((e) => e.location)).toContain("body.instanceTypes.0.onDemandHourlyMicros");

    const noCoordinates = structuredClone(sim);
    delete (noCoordinates.regions[0] as Record<string, unknown>).lat;
    const p2 = await expectProblem(await send(t, "PUT", "/config/providers/simulated", noCoordinates), 400, "VALIDATION_FAILED");
    expect(p2.errors?.map((e) => e.location)).toContain("body.regions.0.lat");
  });

  it("409 when deleting a provider still referenced", async () => {
    const t = await createTenant();
    const problem = await expectProblem(await send(t, "DELETE", "/config/providers/simulated"), 409, "CONFLICT");
    expect(problem.detail).toContain("emulators");
  });

  it("400 when a change breaks a reference elsewhere, naming that place", async () => {
    const t = await createTenant();
    // Turning aws on requires every enabled emulator to have an aws image.
    const res = await send(t, "PATCH", "/config/providers/aws", { enabled: true });
    const problem = await expectProblem(res, 400, "VALIDATION_FAILED");
    expect(problem.errors?.some((e) => /^catalog\.emulators\.\d+\.images$/.test(e.location))).toBe(true);
  });

  it("400 when PUT changes the id or PATCH tries to", async () => {
    const t = await createTenant();
    await expectProblem(await send(t, "PUT", "/config/emulators/pcsx2", emulator("other")), 400, "VALIDATION_FAILED");
    await expectProblem(await send(t, "PATCH", "/config/emulators/pcsx2", { id: "other" }), 400, "VALIDATION_FAILED");
  });

  it("400 for an invalid merge result, naming the field", async () => {
    const t = await createTenant();
    const problem = await expectProblem(
      await send(t, "PATCH", "/config/emulators/pcsx2", { needs: { minVcpu: 0 } }),
      400,
      "VALIDATION_FAILED",
    );
    expect(problem.errors?.map((e) => e.location)).toContain("body.needs.minVcpu");
  });
});

describe("optimistic concurrency", () => {
  it("412 with the current ETag when If-Match is stale; success when current", async () => {
    const t = await createTenant();
    const stale = await send(t, "PUT", "/config/emulators/pcsx2", emulator("pcsx2"), { "if-match": '"v0"' });
    await expectProblem(stale, 412, "PRECONDITION_FAILED");
    expect(stale.headers.get("etag")).toBe('"v1"');
    const ok = await send(t, "PUT", "/config/emulators/pcsx2", emulator("pcsx2"), { "if-match": '"v1"' });
    expect(ok.status).toBe(200);
    await expectProblem(
      await send(t, "PUT", "/config/policy", (await exportCatalog(t)).catalog.policy, { "if-match": "v2" }),
      412,
      "PRECONDITION_FAILED",
    );
  });

  it("lets exactly one of two writers holding the same ETag win", async () => {
    const t = await createTenant();
    const [a, b] = await Promise.all([
      send(t, "POST", "/config/emulators", emulator("race-a"), { "if-match": '"v1"' }),
      send(t, "POST", "/config/emulators", emulator("race-b"), { "if-match": '"v1"' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 412]);
  });
});

describe("export and import", () => {
  it("round-trips the whole configuration", async () => {
    const t = await createTenant();
    const { etag, catalog } = await exportCatalog(t);
    catalog.policy.maxRttMs = 55;
    const res = await send(t, "PUT", "/config", catalog, { "if-match": etag });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(res.headers.get("etag")).toBe('"v2"');
    const again = await exportCatalog(t);
    expect(again.catalog).toEqual(catalog);
  });

  it("is all or nothing: an invalid import changes nothing and names every problem", async () => {
    const t = await createTenant();
    const { catalog } = await exportCatalog(t);
    const broken = structuredClone(catalog) as unknown as {
      emulators: Record<string, unknown>[];
      policy: Record<string, unknown>;
    };
    broken.emulators[0] = { ...broken.emulators[0], images: [] };
    broken.policy.allowedProviders = ["nowhere"];
    const problem = await expectProblem(await send(t, "PUT", "/config", broken), 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.location).sort()).toEqual(["body.emulators.0.images", "body.policy.allowedProviders.0"]);
    expect((await exportCatalog(t)).etag).toBe('"v1"');
  });
});

describe("policy", () => {
  it("reads and replaces the policy, validating it", async () => {
    const t = await createTenant();
    const res = await get(t, "/config/policy");
    const policy = TenantPolicySchema.parse(await res.json());
    const updated = await send(t, "PUT", "/config/policy", { ...policy, spotAllowed: true, maxRttMs: 60 });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ spotAllowed: true, maxRttMs: 60 });
    const bad = await send(t, "PUT", "/config/policy", { ...policy, defaultSessionMinutes: 600, maxSessionMinutes: 480 });
    const problem = await expectProblem(bad, 400, "VALIDATION_FAILED");
    expect(problem.errors?.[0]?.location).toBe("body.defaultSessionMinutes");
    const unknown = await expectProblem(
      await send(t, "PUT", "/config/policy", { ...policy, allowedProviders: ["gcp"] }),
      400,
      "VALIDATION_FAILED",
    );
    expect(unknown.errors?.[0]?.location).toBe("body.allowedProviders.0");
  });
});

describe("tenant isolation", () => {
  it("one tenant's changes are invisible to another", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    expect((await send(a, "POST", "/config/emulators", emulator("only-a"))).status).toBe(201);
    await expectProblem(await get(b, "/config/emulators/only-a"), 404, "NOT_FOUND");
    await expectProblem(await send(b, "DELETE", "/config/emulators/only-a"), 404, "NOT_FOUND");
    expect((await exportCatalog(b)).etag).toBe('"v1"');
  });
});
