// What the rest of the code calls to send a tenant a webhook event. It only queues the event in the
// tenant's WebhookActor (a storage write; delivery happens in the actor's alarm), so it never waits
// on an endpoint. Give the event a deterministic id (e.g. `vm.running:${vmId}:${seq}`): emitting
// the same id again is a no-op per endpoint, so callers may retry freely.
//
//   services.waitUntil(emitWebhook(services.webhooks, tenantId, {
//     type: "vm.running", id: `vm.running:${vmId}:${seq}`, at: new Date().toISOString(), data: { vmId },
//   }));
import type { WebhookActors } from "../actors/webhooks/client";
import type { WebhookEvent } from "./events";

/** Queues `event` for the tenant's subscribed endpoints; resolves to the number of deliveries queued. */
export function emitWebhook(webhooks: WebhookActors, tenantId: string, event: WebhookEvent): Promise<number> {
  if (event.id.length === 0 || event.id.length > 256) throw new Error("a webhook event id must be 1-256 characters");
  return webhooks(tenantId).emit(event);
}
