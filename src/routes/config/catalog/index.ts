// The catalog part of /config: emulator profiles, providers, policy, derived views, export/import.
import { createRouter } from "../../../http/factory";
import { registerReads } from "./collection-read";
import { registerWrites } from "./collection-write";
import { emulators } from "./emulators";
import { registerPolicy } from "./policy";
import { providers } from "./providers";
import { registerViews } from "./regions";
import { registerWhole } from "./whole";

export const catalogRoutes = createRouter();
registerWhole(catalogRoutes);
registerViews(catalogRoutes);
registerPolicy(catalogRoutes);
for (const spec of [emulators, providers]) {
  registerReads(catalogRoutes, spec);
  registerWrites(catalogRoutes, spec);
}
