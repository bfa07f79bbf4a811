// The in-VM agent's callbacks authenticate with the VM's own token (from its user data).
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, expectProblem } from "../support/http";
import { createTenant } from "../support/tenants";
import { createVm, fastCloud, vmStub, waitForState } from "../support/vms";

async function agentToken(vmId: string): Promise<string> {
  const userData = await runInDurableObject(
    vmStub(vmId),
    async (_actor, state) => ((await state.storage.get("spec")) as { userData: string }).userData,
  );
  const token = /GP_AGENT_TOKEN=(\S+)/.exec(userData)?.[1];
  if (!token) throw new Error("no agent token in the user data");
  return token;
}

const agentCall = (vmId: string, what: "ready" | "heartbeat", token: string | null, body: unknown) =>
  call(`/vms/${vmId}/agent/${what}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

const endpoint = { host: "203.0.113.7", ports: [47984, 47989, 48010], protocol: "sunshine", pairing: { pin: "1234" } };
const activity = { connectedClients: 1, inputEvents: 120, txBytes: 5_000_000 };

describe("agent callbacks", () => {
  it("accept only the VM's own token and follow the lifecycle", async () => {
    const t = await createTenant();
    await fastCloud(t.id, { agent: "off" }); // we play the agent here
    const vm = await createVm(t);
    await waitForState(t, vm.id, "starting");
    const token = await agentToken(vm.id);
    expect(token.length).toBeGreaterThanOrEqual(32);

    const missing = await agentCall(vm.id, "ready", null, endpoint);
    await expectProblem(missing, 401, "UNAUTHENTICATED");
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    await expectProblem(await agentCall(vm.id, "ready", "x".repeat(43), endpoint), 401, "UNAUTHENTICATED");
    await expectProblem(await agentCall(vm.id, "heartbeat", token, activity), 409, "CONFLICT"); // not running yet
    // An API key is not an agent token.
    await expectProblem(await agentCall(vm.id, "ready", t.adminToken, endpoint), 401, "UNAUTHENTICATED");

    expect((await agentCall(vm.id, "ready", token, endpoint)).status).toBe(204);
    const running = await waitForState(t, vm.id, "running");
    expect(running.endpoint).toEqual(endpoint);

    expect((await agentCall(vm.id, "heartbeat", token, activity)).status).toBe(204);
    await expectProblem(await agentCall(vm.id, "heartbeat", token, { ...activity, extra: 1 }), 400, "VALIDATION_FAILED");
  }, 30_000);

  it("404 for a VM that does not exist", async () => {
    await expectProblem(await agentCall("vm_00000000000000000000000000", "ready", "y".repeat(43), endpoint), 404, "NOT_FOUND");
  });
});
