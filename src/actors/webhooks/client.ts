// How the Worker (and other actors) reach webhook actors: one Durable Object per tenant.
import type { WebhookEvent, WebhookEventType } from "../../webhooks/events";
import type { DeliveryAttempt, RegisterAnswer, WebhookActor, WebhookEndpoint } from "./webhook-actor";

/** The actor's RPC surface, as callers use it. */
export interface WebhookActorClient {
  register(input: { url: string; events: WebhookEventType[]; description: string | null }): Promise<RegisterAnswer>;
  list(): Promise<WebhookEndpoint[]>;
  remove(endpointId: string): Promise<boolean>;
  deliveries(endpointId: string | null, limit: number): Promise<DeliveryAttempt[]>;
  emit(event: WebhookEvent): Promise<number>;
  deliverDue(now?: number): Promise<number>;
}

export type WebhookActors = (tenantId: string) => WebhookActorClient;

export function webhookActors(namespace: DurableObjectNamespace<WebhookActor>): WebhookActors {
  // The stub's generated RPC types map results recursively; the interface above is the contract.
  return (tenantId) => namespace.get(namespace.idFromName(tenantId)) as unknown as WebhookActorClient;
}
