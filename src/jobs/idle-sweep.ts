// Idle and lifetime sweep: asks each running VM's actor to apply its idle / silent-agent /
// maximum-session rule now. The actors enforce these with their own alarms; this is the safety
// net for an alarm that did not fire.
import { vmActors } from "../actors/vm/client";
import { forEachItem } from "../store/paging";
import type { Job } from "./types";

export const idleSweep: Job = {
  name: "idle-sweep",
  tenantsPerRun: 200,
  async runTenant(ctx, tenantId) {
    const vms = vmActors(ctx.env.VM_ACTOR);
    const counters = { vmsChecked: 0, stopped: 0 };
    await forEachItem(
      (cursor) => ctx.store.listVms(tenantId, { state: "running" }, { cursor, limit: 200 }),
      async (vm) => {
        const answer = await vms(vm.id).sweep(tenantId, ctx.now);
        counters.vmsChecked++;
        if (answer?.acted) counters.stopped++;
      },
    );
    return counters;
  },
};
