// Helpers for VM tests: drive the simulated cloud fast, and wait for a VM's state.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { expect } from "vitest";
import { type VmActorClient, vmActors } from "../../src/actors/vm/client";
import { DEFAULT_LIMITS, type VmLimits } from "../../src/actors/vm/limits";
import type { VmView } from "../../src/actors/vm/state";
import type { VmTimeouts } from "../../src/actors/vm/timing";
import type { CreateVmInput } from "../../src/actors/vm/vm-actor";
import { defaultCatalog } from "../../src/domain/catalog/defaults";
import { newId } from "../../src/domain/ids";
import { call } from "./http";
import { jsonRequest, type TestTenant } from "./tenants";

/** The simulated cloud account of a tenant, configured to boot in milliseconds. */
export function cloudStub(tenantId: string) {
  return env.SIMULATED_CLOUD.get(env.SIMULATED_CLOUD.idFromName(`${tenantId}:simulated`));
}

export async function fastCloud(tenantId: string, settings: Record<string, unknown> = {}) {
  const stub = cloudStub(tenantId);
  await stub.configure({
    bootDelayMs: 50,
    stopDelayMs: 50,
    terminateDelayMs: 50,
    agentReadyDelayMs: 20,
    heartbeatIntervalMs: 60_000,
    ...settings,
  });
  return stub;
}

/** The raw stub (for runInDurableObject / runDurableObjectAlarm). */
export function vmStub(vmId: string) {
  return env.VM_ACTOR.get(env.VM_ACTOR.idFromName(vmId));
}

/** The actor's RPC surface, typed as the Worker uses it. */
export function vmClient(vmId: string): VmActorClient {
  return vmActors(env.VM_ACTOR)(vmId);
}

/** A VmActor create input on the default catalog's simulated provider (for actor-level tests). */
export function vmInput(tenantId: string, timeouts: Partial<VmTimeouts> = {}, limits: Partial<VmLimits> = {}): CreateVmInput {
  const provider = defaultCatalog().providers.find((p) => p.id === "simulated");
  if (!provider) throw new Error("no simulated provider in the default catalog");
  return {
    vmId: newId("vm"),
    tenantId,
    provider,
    region: "eu-central-1",
    instanceType: "g4dn.xlarge",
    emulatorId: "pcsx2",
    streamingHost: "sunshine",
    image: "sim-image-pcsx2",
    diskGb: 64,
    spot: false,
    playerId: null,
    sessionId: null,
    apiUrl: "https://api.test",
    requestHash: "h",
    timeouts: { provisionMs: 60_000, bootMs: 60_000, stopMs: 60_000, terminateMs: 60_000, ...timeouts },
    limits: { ...DEFAULT_LIMITS, ...limits },
  };
}

export const VM_BODY = { emulator: "pcsx2", provider: "simulated", region: "eu-central-1", instanceType: "g4dn.xlarge" };

export async function createVm(
  t: TestTenant,
  body: Record<string, unknown> = VM_BODY,
  headers: Record<string, string> = {},
): Promise<VmView> {
  const res = await call("/vms", jsonRequest("POST", t.adminToken, body, headers));
  const text = await res.text();
  expect(res.status, text).toBe(202);
  return JSON.parse(text) as VmView;
}

export async function getVm(t: TestTenant, vmId: string): Promise<VmView> {
  const res = await call(`/vms/${vmId}`, jsonRequest("GET", t.adminToken));
  expect(res.status).toBe(200);
  return (await res.json()) as VmView;
}

/** Polls the VM (nudging its actor's alarm) until it reaches `state`, or fails after `timeoutMs`. */
export async function waitForState(t: TestTenant, vmId: string, state: string, timeoutMs = 15_000): Promise<VmView> {
  const until = Date.now() + timeoutMs;
  let view = await getVm(t, vmId);
  while (view.state !== state) {
    if (Date.now() > until) throw new Error(`VM ${vmId} is ${view.state}, not ${state}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await runDurableObjectAlarm(vmStub(vmId)).catch(() => false);
    await runDurableObjectAlarm(cloudStub(t.id)).catch(() => false);
    view = await getVm(t, vmId);
  }
  return view;
}
