// The tenant's current burn rate: what its VMs cost per hour right now, at catalog prices —
// compute for VMs starting or running (spot price for spot VMs), disk for stopped ones (the
// emulator's disk size). Used to forecast spend to the end of a period.
import { hourlyPrice } from "../../domain/catalog/eligibility";
import type { TenantCatalog } from "../../domain/catalog/schema";
import { HOURS_PER_MONTH } from "../../domain/metering";
import { forEachItem } from "../../store/paging";
import type { Store, VmRecord } from "../../store/types";

const BILLING_STATES = ["starting", "running", "stopping", "stopped"] as const;

export interface BurnRate {
  microsPerHour: number;
  vmsBilling: number;
}

export async function burnRate(store: Store, tenantId: string, catalog: TenantCatalog): Promise<BurnRate> {
  let microsPerHour = 0;
  let vmsBilling = 0;
  for (const state of BILLING_STATES) {
    await forEachItem(
      (cursor) => store.listVms(tenantId, { state }, { cursor, limit: 200 }),
      (vm) => {
        microsPerHour += hourlyCostOf(vm, catalog);
        vmsBilling++;
      },
    );
  }
  return { microsPerHour: Math.round(microsPerHour), vmsBilling };
}

/** A VM's cost per hour in its state (0 when its provider or type left the catalog). */
export function hourlyCostOf(vm: VmRecord, catalog: TenantCatalog): number {
  const provider = catalog.providers.find((p) => p.id === vm.provider);
  if (!provider) return 0;
  if (vm.state === "stopped") {
    const emulator = catalog.emulators.find((e) => e.id === vm.emulatorId);
    return ((emulator?.needs.diskGb ?? 0) * provider.diskGbMonthMicros) / HOURS_PER_MONTH;
  }
  const type = provider.instanceTypes.find((t) => t.name === vm.instanceType);
  if (!type) return 0;
  const price = hourlyPrice(type, vm.region);
  return vm.data.spot === true ? (price.spotHourlyMicros ?? price.onDemandHourlyMicros) : price.onDemandHourlyMicros;
}
