// Worker entry: the HTTP API. Durable Object classes and the scheduled handler are exported
// here as they are added.
import { createApp } from "./app";

export { PlayerActor } from "./actors/player/player-actor";
export { VmActor } from "./actors/vm/vm-actor";
export { WebhookActor } from "./actors/webhooks/webhook-actor";
export { SimulatedCloud } from "./providers/simulated/simulated-cloud";
export { MongoGateway } from "./store/mongo/gateway";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
