// One contract for every Provider adapter (the simulated cloud, AWS EC2 against the fake EC2
// endpoint): the behaviour the VM actor relies on, whatever the cloud. Instances come up
// asynchronously everywhere, so the suite polls describe until they do.
import { describe, expect, it } from "vitest";
import { type CreateInstanceInput, type InstanceInfo, type Provider, TAG_TENANT, TAG_VM } from "../../src/providers/types";

export interface ProviderFixture {
  /** A provider for a fresh account (its own tenant / tags), where `region` offers `instanceType`. */
  make(): Promise<Provider>;
  region: string;
  instanceType: string;
  image: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(provider: Provider, region: string, id: string, state: string): Promise<InstanceInfo> {
  for (let i = 0; i < 100; i++) {
    const info = await provider.describeInstance(region, id);
    if (info?.state === state) return info;
    await sleep(50);
  }
  throw new Error(`instance ${id} never became ${state}`);
}

export function defineProviderContract(name: string, fixture: ProviderFixture) {
  describe(`Provider contract: ${name}`, () => {
    const input = (tenant: string, vm: string, overrides: Partial<CreateInstanceInput> = {}): CreateInstanceInput => ({
      idempotencyToken: `${vm}-create`,
      region: fixture.region,
      instanceType: fixture.instanceType,
      image: fixture.image,
      userData: "#cloud-config\n",
      spot: false,
      diskGb: 64,
      tags: { [TAG_TENANT]: tenant, [TAG_VM]: vm },
      ...overrides,
    });
    const ids = () => ({ tenant: `ten-${crypto.randomUUID().slice(0, 8)}`, vm: `vm-${crypto.randomUUID().slice(0, 8)}` });

    it("creates an instance that comes up running, tagged and typed as asked", async () => {
      const provider = await fixture.make();
      const { tenant, vm } = ids();
      const created = await provider.createInstance(input(tenant, vm));
      expect(created.instanceId).toBeTruthy();
      const running = await until(provider, fixture.region, created.instanceId, "running");
      expect(running).toMatchObject({ instanceType: fixture.instanceType, region: fixture.region, spot: false });
      expect(running.tags).toMatchObject({ [TAG_TENANT]: tenant, [TAG_VM]: vm });
      expect(running.launchedAt).toBeInstanceOf(Date);
    });

    it("returns the same instance for a repeated idempotency token", async () => {
      const provider = await fixture.make();
      const { tenant, vm } = ids();
      const first = await provider.createInstance(input(tenant, vm));
      const again = await provider.createInstance(input(tenant, vm));
      expect(again.instanceId).toBe(first.instanceId);
      const listed = await provider.listInstances(fixture.region, { [TAG_VM]: vm });
      expect(listed.map((i) => i.instanceId)).toEqual([first.instanceId]);
    });

    it("stops, starts and terminates; terminating again or an unknown instance is fine", async () => {
      const provider = await fixture.make();
      const { tenant, vm } = ids();
      const { instanceId } = await provider.createInstance(input(tenant, vm));
      await until(provider, fixture.region, instanceId, "running");
      await provider.stopInstance(fixture.region, instanceId);
      await until(provider, fixture.region, instanceId, "stopped");
      await provider.startInstance(fixture.region, instanceId);
      await until(provider, fixture.region, instanceId, "running");
      await provider.terminateInstance(fixture.region, instanceId);
      await until(provider, fixture.region, instanceId, "terminated").catch(async () => {
        // Some clouds forget a terminated instance quickly: unknown is as good as terminated.
        expect(await provider.describeInstance(fixture.region, instanceId)).toBeNull();
      });
      await expect(provider.terminateInstance(fixture.region, instanceId)).resolves.toBeUndefined();
    });

    it("describes an unknown instance as null", async () => {
      const provider = await fixture.make();
      expect(await provider.describeInstance(fixture.region, "i-0123456789abcdef0")).toBeNull();
    });

    it("lists by every given tag, without terminated instances", async () => {
      const provider = await fixture.make();
      const tenant = `ten-${crypto.randomUUID().slice(0, 8)}`;
      const a = await provider.createInstance(input(tenant, "vm-a-" + tenant));
      const b = await provider.createInstance(input(tenant, "vm-b-" + tenant));
      await provider.createInstance(input(`other-${tenant}`, "vm-c-" + tenant));
      await until(provider, fixture.region, b.instanceId, "running");
      await provider.terminateInstance(fixture.region, b.instanceId);
      const mine = await provider.listInstances(fixture.region, { [TAG_TENANT]: tenant });
      const live = mine.filter((i) => i.state !== "shutting-down");
      expect(live.map((i) => i.instanceId)).toEqual([a.instanceId]);
      const one = await provider.listInstances(fixture.region, { [TAG_TENANT]: tenant, [TAG_VM]: "vm-a-" + tenant });
      expect(one.map((i) => i.instanceId)).toEqual([a.instanceId]);
    });
  });
}
