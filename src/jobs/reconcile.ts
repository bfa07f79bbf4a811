// Reconcile with providers: lists the tenant's instances (by tag) in every provider region where
// it has VMs and compares them with the VM actors, which are authoritative:
// - an instance no live VM owns (no actor, the VM ended, or it holds another instance) is an
//   orphan and is terminated;
// - a VM whose instance is missing from the listing is asked to check it now: if the provider
//   no longer has it (e.g. a spot interruption), the VM fails with `instance-lost` and its usage
//   is closed by the actor.
import { vmActors } from "../actors/vm/client";
import { loadCatalog } from "../catalog/tenant-catalog";
import { FINAL_STATES, type VmState } from "../domain/lifecycle";
import { createProvider } from "../providers/create-provider";
import { TAG_DEPLOYMENT, TAG_TENANT, TAG_VM } from "../providers/types";
import { readAll } from "../store/paging";
import type { VmRecord } from "../store/types";
import type { Job, JobContext } from "./types";

/** States in which a VM should have an instance at the provider. */
const HOLDS_INSTANCE: readonly string[] = ["starting", "running", "stopping", "stopped"];

export const reconcile: Job = {
  name: "reconcile",
  tenantsPerRun: 100,
  async runTenant(ctx, tenantId) {
    const counters = { regionsListed: 0, instancesSeen: 0, orphansTerminated: 0, vmsChecked: 0, vmsLost: 0, providerErrors: 0 };
    const records = await allVms(ctx, tenantId);
    const byPlace = new Map<string, VmRecord[]>();
    for (const vm of records) {
      const place = `${vm.provider}\u0000${vm.region}`;
      byPlace.set(place, [...(byPlace.get(place) ?? []), vm]);
    }
    if (byPlace.size === 0) return counters;
    const { catalog } = await loadCatalog(ctx.store, tenantId);
    const vms = vmActors(ctx.env.VM_ACTOR);
    for (const [place, placed] of byPlace) {
      const [providerId, region] = place.split("\u0000") as [string, string];
      const entry = catalog.providers.find((p) => p.id === providerId);
      if (!entry) continue; // the provider left the catalog: no credentials to list with
      let instances: Awaited<ReturnType<ReturnType<typeof createProvider>["listInstances"]>>;
      const provider = createProvider(ctx.env, tenantId, entry);
      try {
        instances = await provider.listInstances(region, { [TAG_TENANT]: tenantId, [TAG_DEPLOYMENT]: "gamer-provisioner" });
      } catch (error) {
        counters.providerErrors++;
        ctx.log.warn("reconcile: listing failed", { tenantId, provider: providerId, region, error });
        continue;
      }
      counters.regionsListed++;
      counters.instancesSeen += instances.length;
      const listed = new Set(instances.map((i) => i.instanceId));
      for (const instance of instances) {
        const vmId = instance.tags[TAG_VM];
        const view = vmId ? await vms(vmId).get(tenantId) : null;
        const owned =
          view !== null &&
          !FINAL_STATES.includes(view.state as VmState) &&
          (view.providerInstanceId === instance.instanceId || view.providerInstanceId === null);
        if (owned) continue;
        await provider.terminateInstance(region, instance.instanceId);
        counters.orphansTerminated++;
        ctx.log.warn("reconcile: orphan instance terminated", {
          tenantId,
          provider: providerId,
          region,
          instanceId: instance.instanceId,
          vmId,
        });
      }
      for (const vm of placed) {
        if (!HOLDS_INSTANCE.includes(vm.state) || !vm.providerInstanceId || listed.has(vm.providerInstanceId)) continue;
        counters.vmsChecked++;
        const after = await vms(vm.id).checkInstance(tenantId);
        if (after?.checked && after.state === "failed") counters.vmsLost++;
      }
    }
    return counters;
  },
};

async function allVms(ctx: JobContext, tenantId: string): Promise<VmRecord[]> {
  return (await readAll((cursor) => ctx.store.listVms(tenantId, {}, { cursor, limit: 200 }))).items;
}
