// The Provider contract against the simulated cloud.
import { env } from "cloudflare:test";
import { defaultCatalog } from "../../src/domain/catalog/defaults";
import { newId } from "../../src/domain/ids";
import { SimulatedProvider, simulatedCloudStub } from "../../src/providers/simulated/simulated-provider";
import { defineProviderContract } from "./provider.contract";

const catalogEntry = defaultCatalog().providers.find((p) => p.id === "simulated");
if (!catalogEntry) throw new Error("no simulated provider in the default catalog");

defineProviderContract("simulated", {
  region: "eu-central-1",
  instanceType: "g4dn.xlarge",
  image: "sim-image-pcsx2",
  async make() {
    const tenantId = newId("ten");
    await simulatedCloudStub(env.SIMULATED_CLOUD, tenantId, catalogEntry.id).configure({
      bootDelayMs: 40,
      stopDelayMs: 40,
      terminateDelayMs: 40,
      agent: "off",
    });
    return new SimulatedProvider(env.SIMULATED_CLOUD, tenantId, catalogEntry);
  },
});
