// The VM lifecycle through /vms on the simulated cloud: create, run, stop, start, terminate,
// conflicts, validation, idempotency and tenant isolation.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { VmEventPageSchema, VmPageSchema, VmSchema } from "../../src/routes/vms/schema";
import { call, expectProblem } from "../support/http";
import { createTenant, jsonRequest } from "../support/tenants";
import { cloudStub, createVm, fastCloud, VM_BODY, waitForState } from "../support/vms";

describe("VM lifecycle on the simulated cloud", () => {
  it("goes pending → running with an endpoint, then stop, start and terminate, with every step as an event", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const res = await call("/vms", jsonRequest("POST", t.adminToken, VM_BODY));
    expect(res.status, await res.clone().text()).toBe(202);
    const accepted = VmSchema.parse(await res.json());
    expect(res.headers.get("location")).toBe(`/vms/${accepted.id}`);
    expect(["pending", "provisioning"]).toContain(accepted.state);

    const running = await waitForState(t, accepted.id, "running");
    expect(running.endpoint?.host).toBeTruthy();
    expect(running.providerInstanceId).toBeTruthy();
    expect(running.timings.timeToPlayableMs).toBeGreaterThanOrEqual(0);
    expect(running.timings.instanceRunningAt).not.toBeNull();

    const stop = await call(`/vms/${accepted.id}/stop`, jsonRequest("POST", t.adminToken));
    expect(stop.status).toBe(202);
    expect(VmSchema.parse(await stop.json()).state).toBe("stopping");
    const stopped = await waitForState(t, accepted.id, "stopped");
    expect(stopped.endpoint).toBeNull();

    expect((await call(`/vms/${accepted.id}/start`, jsonRequest("POST", t.adminToken))).status).toBe(202);
    await waitForState(t, accepted.id, "running");

    expect((await call(`/vms/${accepted.id}`, jsonRequest("DELETE", t.adminToken))).status).toBe(202);
    await waitForState(t, accepted.id, "terminated");

    const events = VmEventPageSchema.parse(
      await (await call(`/vms/${accepted.id}/events?limit=200`, jsonRequest("GET", t.adminToken))).json(),
    );
    const types = events.items.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(["accepted", "create", "instance-created"]);
    expect(types).toEqual(expect.arrayContaining(["agent-ready", "stop", "start", "terminate"]));
    expect(events.items.map((e) => e.seq)).toEqual(events.items.map((_, i) => i + 1));
    expect(events.items.every((e) => typeof e.data.sinceAcceptedMs === "number")).toBe(true);

    const instances = (await cloudStub(t.id).inspect()) as unknown as { state: string }[];
    expect(instances.map((i) => i.state)).toEqual(["terminated"]);
  }, 60_000);

  it("lists VMs from the store by state, once the actor's outbox has flushed", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const vm = await createVm(t);
    await waitForState(t, vm.id, "running");
    let listed = VmPageSchema.parse(await (await call("/vms?state=running", jsonRequest("GET", t.adminToken))).json());
    for (let i = 0; i < 50 && !listed.items.some((v) => v.id === vm.id); i++) {
      await new Promise((r) => setTimeout(r, 100));
      listed = VmPageSchema.parse(await (await call("/vms?state=running", jsonRequest("GET", t.adminToken))).json());
    }
    expect(listed.items.map((v) => v.id)).toEqual([vm.id]);
    const stopped = VmPageSchema.parse(await (await call("/vms?state=stopped", jsonRequest("GET", t.adminToken))).json());
    expect(stopped.items).toEqual([]);
  }, 30_000);
});

describe("conflicts and validation", () => {
  it("409 naming the state for a command the state does not allow", async () => {
    const t = await createTenant();
    await fastCloud(t.id);
    const vm = await createVm(t);
    await waitForState(t, vm.id, "running");
    expect((await call(`/vms/${vm.id}/start`, jsonRequest("POST", t.adminToken))).status).toBe(202); // already running: no-op
    await call(`/vms/${vm.id}`, jsonRequest("DELETE", t.adminToken));
    await waitForState(t, vm.id, "terminated");
    const problem = await expectProblem(await call(`/vms/${vm.id}/start`, jsonRequest("POST", t.adminToken)), 409, "CONFLICT");
    expect(problem.detail).toContain("terminated");
  }, 30_000);

  it.each([
    [{ ...VM_BODY, emulator: "nope" }, "body.emulator"],
    [{ ...VM_BODY, provider: "aws" }, "body.provider"],
    [{ ...VM_BODY, region: "mars-1" }, "body.region"],
    [{ ...VM_BODY, emulator: "rpcs3" }, "body.instanceType"],
    [{ ...VM_BODY, spot: true }, "body.spot"],
    [{ ...VM_BODY, colour: "red" }, "body"],
  ])("400 naming the field for %j", async (body, location) => {
    const t = await createTenant();
    const problem = await expectProblem(await call("/vms", jsonRequest("POST", t.adminToken, body)), 400, "VALIDATION_FAILED");
    expect(problem.errors?.map((e) => e.location)).toContain(location);
  });

  it("refuses players", async () => {
    const t = await createTenant();
    const player = (await (
      await call("/config/api-keys", jsonRequest("POST", t.adminToken, { name: "p", scopes: ["player"], playerId: "p" }))
    ).json()) as { token: string };
    await expectProblem(await call("/vms", jsonRequest("POST", player.token, VM_BODY)), 403, "FORBIDDEN");
  });
});

describe("idempotent create", () => {
  it("returns the same VM for the same Idempotency-Key, with one instance at the provider", async () => {
    const t = await createTenant();
    const cloud = await fastCloud(t.id);
    const key = { "idempotency-key": `launch-${crypto.randomUUID()}` };
    const [a, b] = await Promise.all([createVm(t, VM_BODY, key), createVm(t, VM_BODY, key)]);
    expect(a.id).toBe(b.id);
    const again = await createVm(t, VM_BODY, key);
    expect(again.id).toBe(a.id);
    await waitForState(t, a.id, "running");
    expect(((await cloud.inspect()) as unknown[]).length).toBe(1);
    const other = await call("/vms", jsonRequest("POST", t.adminToken, { ...VM_BODY, region: "us-east-1" }, key));
    await expectProblem(other, 409, "CONFLICT");
  }, 30_000);
});

describe("tenant isolation", () => {
  it("another tenant cannot see, command or read the events of a VM (404)", async () => {
    const a = await createTenant("A");
    const b = await createTenant("B");
    await fastCloud(a.id);
    const vm = await createVm(a);
    await expectProblem(await call(`/vms/${vm.id}`, jsonRequest("GET", b.adminToken)), 404, "NOT_FOUND");
    await expectProblem(await call(`/vms/${vm.id}/stop`, jsonRequest("POST", b.adminToken)), 404, "NOT_FOUND");
    await expectProblem(await call(`/vms/${vm.id}`, jsonRequest("DELETE", b.adminToken)), 404, "NOT_FOUND");
    await expectProblem(await call(`/vms/${vm.id}/events`, jsonRequest("GET", b.adminToken)), 404, "NOT_FOUND");
    expect(VmPageSchema.parse(await (await call("/vms", jsonRequest("GET", b.adminToken))).json()).items).toEqual([]);
    void env;
  });
});
