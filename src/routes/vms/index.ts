// The /vms route group: VM lifecycle for operators, and the in-VM agent's callbacks.
import { createRouter } from "../../http/factory";
import { registerAgent } from "./agent";
import { registerCommands } from "./commands";
import { createVm, createVmRoute } from "./create";
import { registerEvents } from "./events";
import { registerReads } from "./read";
import { registerStats } from "./stats";

export const vmRoutes = createRouter().openapi(createVmRoute, createVm);
// Before the reads: `/vms/stats` must not be taken for `/vms/{id}` (which would answer 400).
registerStats(vmRoutes);
registerReads(vmRoutes);
registerCommands(vmRoutes);
registerEvents(vmRoutes);
registerAgent(vmRoutes);
