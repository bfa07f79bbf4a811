// The /billing route group: usage, costs, budgets and the tenant's webhooks.
import { createRouter } from "../../http/factory";
import { registerUsage } from "./usage";
import { registerWebhooks } from "./webhooks";

export const billingRoutes = createRouter();
registerUsage(billingRoutes);
registerWebhooks(billingRoutes);
