// The /launch route group: what players feel.
import { createRouter } from "../../http/factory";
import { registerBeacons } from "./beacons";
import { registerEvents } from "./events";
import { registerLaunch } from "./launch";
import { registerSession } from "./session";

export const launchRoutes = createRouter();
registerBeacons(launchRoutes); // before /launch/{id}, so "beacons" is not taken for an id
registerLaunch(launchRoutes);
registerSession(launchRoutes);
registerEvents(launchRoutes);
