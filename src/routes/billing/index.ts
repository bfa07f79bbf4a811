// The /billing route group: usage, costs, budgets, the summary, on-demand checks and webhooks.
import { createRouter } from "../../http/factory";
import { registerBudgets } from "./budgets";
import { registerCheck } from "./check";
import { registerSummary } from "./summary";
import { registerUsage } from "./usage";
import { registerWebhooks } from "./webhooks";

export const billingRoutes = createRouter();
registerUsage(billingRoutes);
registerSummary(billingRoutes);
registerBudgets(billingRoutes);
registerCheck(billingRoutes);
registerWebhooks(billingRoutes);
