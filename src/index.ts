// Worker entry: the HTTP API, the Cron Trigger handler and the Durable Object classes.
import { createApp } from "./app";
import { scheduled } from "./scheduled";

export { BudgetActor } from "./actors/budget/budget-actor";
export { JobActor } from "./actors/jobs/job-actor";
export { PlayerActor } from "./actors/player/player-actor";
export { VmActor } from "./actors/vm/vm-actor";
export { WebhookActor } from "./actors/webhooks/webhook-actor";
export { SimulatedCloud } from "./providers/simulated/simulated-cloud";
export { MongoGateway } from "./store/mongo/gateway";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
