// How the Worker reaches player actors: one Durable Object per (tenant, player).

import type { LaunchAnswer, PlayerActor, SessionEventsPage } from "./player-actor";
import type { LaunchRequest, SessionView } from "./state";

export interface PlayerActorClient {
  launch(request: LaunchRequest): Promise<LaunchAnswer>;
  answersWithExisting(request: Pick<LaunchRequest, "idempotencyKey" | "requestHash" | "emulatorId">): Promise<boolean>;
  get(tenantId: string, sessionId: string): Promise<SessionView | null>;
  events(tenantId: string, sessionId: string, afterSeq: number): Promise<SessionEventsPage | null>;
  end(tenantId: string, sessionId: string): Promise<LaunchAnswer>;
}

export type PlayerActors = (tenantId: string, playerId: string) => PlayerActorClient;

export function playerActors(namespace: DurableObjectNamespace<PlayerActor>): PlayerActors {
  return (tenantId, playerId) => namespace.get(namespace.idFromName(`${tenantId}:${playerId}`)) as unknown as PlayerActorClient;
}
